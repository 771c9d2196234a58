"""Display-only typography for Chinese text: ASCII punctuation written next to
hanzi is shown in its full-width form (，。：；？！（）“”).

Only what the reader sees changes: sentence ids, the speech text and the search
index keep the source text. Punctuation between Latin letters or digits (3.5,
A:B, "OK") is left as it is.
"""

from __future__ import annotations

import re

_HAN = r"(?:[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef])"
_HALF_TO_FULL = {",": "，", ".": "。", ":": "：", ";": "；", "?": "？", "!": "！"}
# A mark right after a hanzi (spaces before the next word dropped with it); a
# full stop only when what follows is not a digit or letter (3.5, v1.2 stay).
_AFTER_HAN = re.compile(rf"(?<={_HAN}|[%”’])([,:;?!]|\.(?![0-9A-Za-z]))[ \t]*")
_BEFORE_HAN = re.compile(rf"(?<![0-9A-Za-z])([,:;?!])[ \t]*(?={_HAN})")
_PARENS = re.compile(rf"\(([^()]*{_HAN}[^()]*)\)")
_HAN_RE = re.compile(_HAN)
_SPACE_BY_MARK = re.compile(rf"(?<=[“”（）])[ \t]+(?={_HAN}|[0-9])|(?<={_HAN})[ \t]+(?=[“”（）])")


def _quotes(text: str) -> str:
    """Straight double quotes in pairs, in order; a pair next to or around
    hanzi becomes “…”. An odd count is left alone (no way to pair it)."""
    parts = text.split('"')
    if len(parts) < 3 or len(parts) % 2 == 0:
        return text
    out = [parts[0]]
    for i in range(1, len(parts) - 1, 2):
        inside, before, after = parts[i], out[-1].rstrip()[-1:], parts[i + 1].lstrip()[:1]
        chinese = any(_HAN_RE.match(c) for c in (before, after) if c) or _HAN_RE.search(inside)
        out.append(f"“{inside}”" if chinese else f'"{inside}"')
        out.append(parts[i + 1])
    # Each pair was appended as one piece after the text before it.
    return out[0] + "".join(out[1:])


def full_width(text: str) -> str:
    """`text` with the ASCII marks next to hanzi in full-width form."""
    if not re.search(_HAN, text):
        return text
    text = _quotes(text)
    text = _PARENS.sub(lambda m: f"（{m.group(1)}）", text)
    text = _AFTER_HAN.sub(lambda m: _HALF_TO_FULL[m.group(1)], text)
    text = _BEFORE_HAN.sub(lambda m: _HALF_TO_FULL[m.group(1)], text)
    # Spaces left beside the new marks (“8337” 发展 → “8337”发展): full-width marks carry their own.
    return _SPACE_BY_MARK.sub("", text)
