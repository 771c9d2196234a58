"""What a portal puts around an article, as patterns built from one data file.

``vocab.yaml`` (shipped as package data) lists the words; this module turns them
into the three questions the importer asks of a line: is it chrome (and why),
does it hold a figure of the report, and is it the metadata line (and what does
it say). Every pattern is anchored or bounded so that each runs in linear time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def vocab() -> dict[str, Any]:
    text = resources.files("kiosk.content").joinpath("vocab.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def _alternation(words: list[str]) -> str:
    """A regex alternation, longest first so that 发布时间 wins over 发布."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class _Patterns:
    figure: re.Pattern[str]
    line_start: re.Pattern[str]
    breadcrumb: re.Pattern[str]
    bracketed: re.Pattern[str]
    footer: re.Pattern[str]
    tokens: re.Pattern[str]
    counter: re.Pattern[str]
    leftover: re.Pattern[str]
    size_only: re.Pattern[str]
    label: re.Pattern[str]
    meta_keys: dict[str, re.Pattern[str]]


@cache
def _patterns() -> _Patterns:
    v = vocab()
    units = _alternation(v["figure_units"])
    # English words need word boundaries; Chinese ones cannot have them.
    words = v["controls"] + v["services"]
    ascii_words = [w for w in words if w.isascii()]
    cjk_words = [w for w in words if not w.isascii()]
    counters = _alternation(v["counters"])
    credits = _alternation(v["credits"])
    counter = rf"(?:{counters})\s*[:：]?\s*[\[【(（]?\s*\d{{0,12}}\s*次?\s*[\]】)）]?"
    tokens = (
        rf"{counter}"
        rf"|(?:{credits})\s*[:：]\s*[^\s:：|｜【】\[\]]{{1,12}}"
        rf"|{_alternation(cjk_words)}"
        rf"|(?<![A-Za-z])(?:{_alternation(ascii_words)})(?![A-Za-z])"
    )
    meta = v["metadata"]
    all_labels = meta["date"] + meta["publisher"] + meta["source"] + meta["other"]
    return _Patterns(
        figure=re.compile(rf"\d(?:[\d,.]{{0,20}}\d)?\s?(?:{units})"),
        line_start=re.compile(
            rf"^[\s【\[(（]{{0,3}}(?:{_alternation(v['line_starts'])}"
            r"|[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔滇藏陕甘青宁新](?:ICP|公网安备))",
            re.I,
        ),
        breadcrumb=re.compile(r"(?:首页|Home)\s{0,3}[>›»/＞]", re.I),
        bracketed=re.compile(r"^(?:\s*[【\[〖〔［][^】\]〗〕］]{1,8}[】\]〗〕］]\s*)+$"),
        footer=re.compile(_alternation(v["footer_words"]), re.I),
        tokens=re.compile(tokens, re.I),
        counter=re.compile(counter, re.I),
        leftover=re.compile(r"[\s:：,，.。;；\-–—_【】\[\]〖〗〔〕［］()（）|｜/·•>＞»]+"),
        size_only=re.compile(rf"^(?:{_alternation(v['size_words'])}){{1,6}}$"),
        label=re.compile(rf"(?P<label>{_alternation(all_labels)})\s*[:：]", re.I),
        meta_keys={
            key: re.compile(rf"(?:{_alternation(meta[key])})", re.I)
            for key in ("date", "publisher", "source")
        },
    )


_SENTENCE_END = re.compile(r"[。；;！？!?]")
_SEPARATED = re.compile(r"\s[|｜]\s")


def has_figure(line: str) -> bool:
    """True when the line holds a figure of the report: a number with a unit (条, 件, %, 元 …)."""
    return bool(_patterns().figure.search(line))


def chrome_reason(line: str) -> str | None:
    """Why ``line`` is site chrome, or None when it is not (lines with figures never are)."""
    p = _patterns()
    if has_figure(p.counter.sub(" ", line)):  # a view counter's number is no figure of the report
        return None
    if p.line_start.match(line):
        return "navigation or footer line"
    if p.breadcrumb.search(line) and len(line) <= 120:
        return "breadcrumb"
    if p.bracketed.match(line):
        return "bracketed controls"
    if not _SENTENCE_END.search(line):
        if p.footer.search(line):
            return "footer"
        if len(_SEPARATED.findall(line)) >= 2:
            return "navigation row"
    found = p.tokens.findall(line)
    rest = p.leftover.sub("", p.tokens.sub(" ", line))
    if found and (not rest or p.size_only.match(rest)):
        return "chrome vocabulary: " + " ".join(dict.fromkeys(w.strip() for w in found))[:60]
    if not found and rest == "" and line.strip():
        return "separators only"
    return None


# --- metadata -------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})\s{0,2}[-/.年]\s{0,2}(\d{1,2})\s{0,2}[-/.月]\s{0,2}(\d{1,2})")
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")


def parse_date(text: str) -> str | None:
    """The first valid calendar date in ``text`` as YYYY-MM-DD; 2021年13月45日 is none."""
    for m in _DATE.finditer(text):
        y, mo, d = (int(g) for g in m.groups())
        try:
            return dt.date(y, mo, d).isoformat()
        except ValueError:
            continue
    return None


def meta_fields(line: str) -> dict[str, str]:
    """Read date / publisher / source from a metadata line (labels from the vocabulary)."""
    p = _patterns()
    found: dict[str, str] = {}
    matches = list(p.label.finditer(line))
    for i, m in enumerate(matches):
        label = m.group("label")
        key = next((k for k, pat in p.meta_keys.items() if pat.fullmatch(label)), None)
        if key is None or key in found:
            continue
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        value = re.split(r"\s{2,}|[【\[|｜〖]", line[m.end() : end].strip())[0].strip(" |｜】]〗")
        if key == "date":
            date = parse_date(value)
            if not date:
                continue
            value = date
        elif _DATE.match(value):
            continue  # "来源：2021-01-01": a label without its value
        if value:
            found[key] = value
    if "date" not in found and len(line) <= 120 and not _SENTENCE_END.search(line):
        # "2022-01-25 10:30 来源：某局" — a date and time without a label, beside labelled pairs.
        date_match = _DATE.search(line)
        if date_match and (matches or _TIME.search(line[date_match.end() :])):
            date = parse_date(date_match.group(0))
            if date:
                found["date"] = date
    return found


def is_meta_line(line: str) -> bool:
    """One or two short label：value pairs around a date (or two labelled pairs)."""
    if len(line) >= 300 or has_figure(line):
        return False
    fields = meta_fields(line)
    return "date" in fields or len(fields) >= 2


# --- the 2019 national template's tables ----------------------------------------


@dataclass(frozen=True)
class StandardTable:
    caption: str
    header: tuple[str, ...]


def standard_tables() -> list[StandardTable]:
    return [StandardTable(t["caption"], tuple(t["header"])) for t in vocab()["standard_tables"]]


def header_words() -> set[str]:
    return set(vocab()["header_words"])
