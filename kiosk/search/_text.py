"""Text normalisation and word segmentation shared by the index and the queries.

The index and every query go through the same functions, so a token in a query
can only ever match a token the index produced the same way:

* :func:`normalize` — NFKC (full-width letters, digits and brackets become their
  ASCII forms), lower case, control / format / surrogate / private-use
  characters removed, whitespace collapsed.
* :func:`tokens` — jieba's search-engine mode (``cut_for_search``: a word and
  the shorter dictionary words inside it, so ``热线电话`` gives ``热线``, ``电话``
  and ``热线电话``), each token reduced to its letters and digits, English words
  lightly stemmed. Tokens are therefore always alphanumeric: quoted, they can
  never be read as FTS5 syntax.

jieba is loaded once, lazily, with its logger silenced (it prints "Building
prefix dict…" to stderr otherwise) and inside ``warnings.catch_warnings`` (it
imports ``pkg_resources`` when available, which warns on newer setuptools).
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
import warnings
from collections.abc import Iterable
from functools import lru_cache
from types import ModuleType

MAX_QUERY_CHARS = 200

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPACE = re.compile(r"\s+")
_NON_CJK = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ASCII_WORD = re.compile(r"^[a-z]+$")
_DROP_CATEGORIES = {"Cc", "Cf", "Cs", "Co"}
#: Control (Cc, but whitespace, which \s turns into spaces), format (Cf) and private-use
#: (Co) characters; lone surrogates (Cs) go before NFKC, which cannot encode them.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f"
    "\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\ue000-\uf8ff\U000f0000-\U0010ffff\U000e0000-\U000e007f]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_jieba: ModuleType | None = None
_jieba_lock = threading.Lock()


def import_jieba() -> ModuleType:
    """jieba, imported quietly (its pkg_resources warning), its dictionary not loaded:
    enough to name the dictionary file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def load_jieba() -> ModuleType:
    """jieba with its dictionary loaded (once per process: seconds)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                jieba = import_jieba()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    jieba.initialize()
                _jieba = jieba
    return _jieba


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def is_cjk_char(ch: str) -> bool:
    return bool(_CJK.match(ch))


def normalize(text: str, limit: int | None = None) -> str:
    """NFKC, lower case, no control characters, single spaces; cut to ``limit`` chars."""
    if limit is not None:
        text = text[: limit * 2]  # bound the work before NFKC (which may expand)
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", _SURROGATE.sub("", text)))
    text = _SPACE.sub(" ", text).strip().lower()
    return text[:limit].strip() if limit is not None else text


def stem(word: str) -> str:
    """A light English stemmer: plurals and -ed/-ing endings (applications → application)."""
    if not _ASCII_WORD.match(word) or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]  # charge / charged / charges → charg
    return word


def _clean(token: str) -> str:
    return stem("".join(ch for ch in token if ch.isalnum()))


@lru_cache(maxsize=65536)
def _tokens_cached(text: str) -> tuple[str, ...]:
    jieba = load_jieba()
    out = []
    for raw in jieba.cut_for_search(normalize(text)):
        tok = _clean(raw)
        if tok:
            out.append(tok)
    return tuple(out)


def tokens(text: str) -> tuple[str, ...]:
    """Search tokens of ``text`` (normalised first); the same for index and query."""
    return _tokens_cached(text)


@lru_cache(maxsize=4096)
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){re.escape(word)}")


def contains(needle: str, norm: str) -> bool:
    """Whether normalised text holds ``needle``: a substring for CJK, and for a Latin
    word or number the start of a word (``applic`` in ``applications``; stems match)."""
    if needle.isascii() and needle.isalnum():
        return _word_pattern(needle).search(norm) is not None
    return needle in norm


def words(text: str) -> list[str]:
    """Words of normalised ``text`` in jieba's precise mode, punctuation dropped."""
    jieba = load_jieba()
    return [w for w in (_clean(raw) for raw in jieba.lcut(text)) if w]


def fts_phrase(token: str) -> str:
    """A token as an FTS5 string: quoted, inner quotes doubled (tokens are alphanumeric anyway)."""
    return '"' + token.replace('"', '""') + '"'


def fts_any(tokens_: Iterable[str]) -> str:
    """An FTS5 expression matching any of ``tokens_`` (empty string when there is none)."""
    unique = list(dict.fromkeys(t for t in tokens_ if t))
    return " OR ".join(fts_phrase(t) for t in unique)


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Per-character :func:`normalize` (without collapsing spaces) and, for each
    character of the result, the index of the original character it came from."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) in _DROP_CATEGORIES and ch not in "\t\n\r\x0b\x0c":
            continue
        for n in unicodedata.normalize("NFKC", ch).lower():
            out.append(n)
            origin.append(i)
    return "".join(out), origin


def cjk_chars(norm: str) -> str:
    """The CJK characters of normalised text, space-separated, any other run as ``x``:
    ``公开 393条`` → ``公 开 x 条``. Indexed, the phrase ``"公 开"`` then finds the
    substring 公开 exactly, at full-text-index speed."""
    return " ".join(_NON_CJK.sub("x", norm))


def cjk_phrase(needle: str) -> str:
    """FTS5 phrase for a CJK needle in the :func:`cjk_chars` column."""
    return '"' + " ".join(ch for ch in needle if is_cjk_char(ch)) + '"'
