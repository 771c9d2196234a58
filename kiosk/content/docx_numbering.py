"""Word's automatic numbering, written out: the 一、 / （一） / 1. Word draws but does not store.

A .docx heading numbered by Word (a numbering definition on the paragraph or on
its style) has no marker in its text; the importer recognises the levels of a
report by their markers, so the marker is rebuilt from numbering.xml: each level's
``lvlText`` (``%1、``, ``（%2）``) and ``numFmt`` (``chineseCounting``, ``decimal``,
``decimalEnclosedCircle`` …), with one counter per list and level.
"""

from __future__ import annotations

from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (what a report's headings need)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if not rest else ("零" + _DIGITS[rest] if rest < 10 else chinese_number(rest))
        if 10 <= rest < 20:
            tail = "一" + tail
        return _DIGITS[n // 100] + "百" + tail
    return str(n)


def _format(n: int, fmt: str) -> str:
    if fmt.startswith(("chinese", "ideograph", "japaneseCounting", "taiwaneseCounting")):
        return chinese_number(n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "upperRoman" or fmt == "lowerRoman":
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += numeral
            n -= value
    return out


class Numbering:
    """Counters over a document's paragraphs, in order."""

    def __init__(self, document: Any) -> None:
        self._levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.iter(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.iter(f"{_W}lvl"):
                fmt = _val(lvl.find(f"{_W}numFmt")) or "decimal"
                text = _val(lvl.find(f"{_W}lvlText")) or ""
                start = int(_val(lvl.find(f"{_W}start")) or 1)
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (fmt, text, start)
            abstract[node.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iter(f"{_W}num"):
            ref = _val(num.find(f"{_W}abstractNumId"))
            if ref in abstract:
                self._levels[num.get(f"{_W}numId", "")] = abstract[ref]
        self._styles = document.styles

    def marker(self, paragraph: Any) -> str:
        """The marker Word shows before ``paragraph`` ('' when it is not numbered)."""
        num_id, ilvl = self._num_pr(paragraph)
        levels = self._levels.get(num_id or "")
        if not levels or ilvl not in levels:
            return ""
        counters = self._counters.setdefault(num_id or "", {})
        _, text, start = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        out = text
        for k, (k_fmt, _, k_start) in levels.items():
            value = counters.get(k, k_start)
            out = out.replace(f"%{k + 1}", _format(value, k_fmt))
        return out

    def _num_pr(self, paragraph: Any) -> tuple[str | None, int]:
        for ppr in (paragraph._p.pPr, *self._style_pprs(paragraph)):
            num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
            if num_pr is not None:
                num_id = _val(num_pr.find(f"{_W}numId"))
                ilvl = int(_val(num_pr.find(f"{_W}ilvl")) or 0)
                if num_id and num_id != "0":
                    return num_id, ilvl
                return None, 0
        return None, 0

    def _style_pprs(self, paragraph: Any) -> list[Any]:
        out = []
        style = paragraph.style
        for _ in range(5):  # a style and the styles it is based on
            if style is None:
                break
            out.append(style.element.pPr)
            style = style.base_style
        return out


def _val(node: Any) -> str | None:
    return None if node is None else node.get(f"{_W}val")
