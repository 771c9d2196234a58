"""The embeddable toolbar's files and text services, without the web layer.

- :func:`build_toolbar_js`: ``kiosk/widgets/toolbar/toolbar.js`` as served, with
  ``toolbar.css`` inlined (the toolbar puts it into its shadow root), comment
  lines and indentation dropped and every non-ASCII character escaped, so the
  file works on GBK-encoded host pages too; :func:`build_toolbar_css` the
  stylesheet alone. Both rebuilt when a source file changes.
- :func:`clean_text` and :func:`language_of`: the checks on text sent to the
  API (``/api/speak``, ``/api/pinyin``); :func:`pinyin_items` the pinyin of
  every character (pypinyin), for the caption bar's ruby text.
- :func:`example_attributes`: the named embeddings in ``examples.yaml``, for
  the demo page.

The HTTP side (CORS, rate limits, responses) is in :mod:`kiosk.web.views.toolbar_api`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kiosk.resources import WIDGETS

TOOLBAR = WIDGETS / "toolbar"
#: Longest text the API takes, in characters, after trimming.
MAX_CHARS = 500
#: The toolbar's JS + CSS, gzipped, must stay within this.
BUDGET_GZIP_BYTES = 20 * 1024
_CSS_PLACEHOLDER = '"/*@inline toolbar.css*/"'
_LANGUAGES = {"zh": "zh-CN", "cmn": "zh-CN", "en": "en"}
_HANZI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
#: pypinyin's readings that are wrong in government texts (还 is huán in 还款, 还贷).
_PHRASES = {"还款": [["huán"], ["kuǎn"]], "还贷": [["huán"], ["dài"]]}
_ATTRIBUTE = re.compile(r"data-[a-z][a-z-]*")


# -- the toolbar's files ---------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """One served file: its bytes and the ETag derived from them."""

    body: bytes
    etag: str


def _compact_js(source: str) -> str:
    """Drop whole-line comments, indentation and blank lines; keep every code line.

    Lines are never joined, so automatic semicolon insertion cannot change; a
    comment is only dropped when it fills its lines (``//``, or ``/*`` … ``*/``
    with nothing after the closing ``*/``).
    """
    out: list[str] = []
    in_block = False
    for raw in source.splitlines():
        line = raw.strip()
        if in_block:
            if "*/" in line:
                in_block = False
                rest = line.split("*/", 1)[1].strip()
                if rest:
                    out.append(rest)
            continue
        if not line or line.startswith("//"):
            continue
        if line.startswith("/*"):
            end = line.find("*/", 2)
            if end == -1:
                in_block = True
                continue
            if end == len(line) - 2:
                continue  # a one-line comment
        out.append(line)
    return "\n".join(out) + "\n"


def _compact_css(source: str) -> str:
    css = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    css = re.sub(r"\s*([{};,>])\s*", r"\1", css)
    return css.replace(";}", "}").strip()


def _ascii(text: str) -> str:
    """Every non-ASCII character as a JS escape (\\uXXXX, surrogate pairs above U+FFFF)."""

    def escape(match: re.Match[str]) -> str:
        data = match.group(0).encode("utf-16-be")
        return "".join(
            f"\\u{int.from_bytes(data[i : i + 2], 'big'):04x}" for i in range(0, len(data), 2)
        )

    return re.sub(r"[^\x00-\x7f]", escape, text)


def _stamp(*paths: Path) -> tuple[int, ...]:
    return tuple(p.stat().st_mtime_ns for p in paths)


@lru_cache(maxsize=4)
def _build_js(stamp: tuple[int, ...]) -> Built:
    js = (TOOLBAR / "toolbar.js").read_text(encoding="utf-8")
    css = _compact_css((TOOLBAR / "toolbar.css").read_text(encoding="utf-8"))
    if _CSS_PLACEHOLDER not in js:
        raise RuntimeError(f"toolbar.js lacks the CSS placeholder {_CSS_PLACEHOLDER}")
    body = _ascii(_compact_js(js).replace(_CSS_PLACEHOLDER, json.dumps(css))).encode("ascii")
    return Built(body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')


@lru_cache(maxsize=4)
def _build_css(stamp: tuple[int, ...]) -> Built:
    body = (TOOLBAR / "toolbar.css").read_bytes()
    return Built(body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')


def build_toolbar_js() -> Built:
    """The toolbar as served (rebuilt when either source file changes)."""
    return _build_js(_stamp(TOOLBAR / "toolbar.js", TOOLBAR / "toolbar.css"))


def build_toolbar_css() -> Built:
    return _build_css(_stamp(TOOLBAR / "toolbar.css"))


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


# -- the text the API takes ------------------------------------------------------------


def _is_junk(char: str) -> bool:
    """Control characters (except tab and line breaks), surrogates, private-use and
    unassigned code points, and U+FFFD (what undecodable bytes become)."""
    if char in "\t\n\r":
        return False
    return unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") or char == "\ufffd"


def clean_text(value: object) -> str:
    """The text to work on, whitespace collapsed; raises ValueError with the reason."""
    if not isinstance(value, str):
        raise ValueError("text must be a string")
    text = value.strip()
    if not text:
        raise ValueError("text is empty")
    if len(text) > MAX_CHARS:
        raise ValueError(f"text is longer than {MAX_CHARS} characters")
    if any(_is_junk(c) for c in text):
        raise ValueError("text contains control characters or binary data")
    return " ".join(text.split())


def language_of(value: object) -> str | None:
    if value is None:
        return "zh-CN"
    if not isinstance(value, str) or len(value) > 35:
        return None
    primary = value.strip().lower().replace("_", "-").split("-")[0]
    return _LANGUAGES.get(primary)


# -- pinyin ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _pypinyin() -> Any:
    import pypinyin  # 60 MB and a quarter of a second: only when first asked

    pypinyin.load_phrases_dict(_PHRASES)
    return pypinyin


def pinyin_items(text: str) -> list[dict[str, str | None]]:
    """One item per character: ``{"char": "政", "pinyin": "zhèng"}``; None for non-hanzi."""
    module = _pypinyin()
    chars = list(text)
    readings = module.pinyin(text, style=module.Style.TONE, errors=lambda s: [[""] for _ in s])
    if len(readings) != len(chars):  # never seen, but alignment is what the caption needs
        readings = [module.pinyin(c, style=module.Style.TONE)[0] for c in chars]
    items: list[dict[str, str | None]] = []
    for char, reading in zip(chars, readings, strict=True):
        value = reading[0] if reading and _HANZI.match(char) else ""
        items.append({"char": char, "pinyin": value or None})
    return items


# -- the demo's embeddings ---------------------------------------------------------------


def toolbar_examples() -> list[dict[str, Any]]:
    """The named embeddings in ``kiosk/widgets/toolbar/examples.yaml``."""
    path = TOOLBAR / "examples.yaml"
    return list(yaml.safe_load(path.read_text(encoding="utf-8")) or [])


def example_attributes(name: str | None) -> dict[str, str]:
    for example in toolbar_examples():
        if example.get("name") == (name or "default"):
            attributes = (example.get("params") or {}).get("attributes") or {}
            return {str(k): str(v) for k, v in attributes.items() if _ATTRIBUTE.fullmatch(str(k))}
    return {}
