"""Hand-off codes: carry a reader's place and settings from the kiosk to a phone.

A code names a report, a place in it (a sentence, a block or a section — or
none), the reading preferences and whether spoken mode was on. It is
*stateless*: nothing is stored, so every server worker and a static export
resolve it the same way, from the report library alone.

The code is upper-case base32 (RFC 4648 alphabet ``A–Z 2–7``, no padding) so
the whole hand-off URL ``HTTPS://HOST/R/<CODE>`` fits the QR alphanumeric
mode, which holds far more characters per QR version than byte mode (the
scheme and host of a URL are case-insensitive; the path is served both as
``/R/`` and ``/r/``).

Format, version 1 — a bit string, most significant bit first:

====================  =====  ===================================================
field                 bits   value
====================  =====  ===================================================
position kind         2      0 none, 1 sentence (``s-…``), 2 block or section
                             (``b-…``), 3 voice record (below)
report                30     :func:`slug_hash`: top 30 bits of SHA-256(slug)
prefs                 9      mixed radix, see :func:`pack_prefs` (< 300)
spoken                1      1 when spoken mode was on
position hash         32     the 8 hex digits of the id (only when kind ≠ 0)
position ordinal      1+     Elias gamma code of the ``-N`` suffix (1 when none);
                             only when kind ≠ 0
padding               0–4    zero bits up to a whole number of base32 characters
====================  =====  ===================================================

A reader who chose the voice that is not the default (女声/男声) gets position kind 3,
followed, after ``spoken``, by 2 bits of the real position kind and 1 bit of the voice
(0 female, 1 male); the rest is as above. Codes for the default voice are unchanged.

All are followed by one check character: the Damm check over GF(32) (the quasigroup
``x∘y = 2x ⊕ y`` in GF(2⁵) with the polynomial x⁵+x²+1), started from the
format version (1). It rejects every single-character typo and every swap of
two neighbouring characters; a random string passes it 1 time in 32 and must
then also name an existing report (30 bits) and valid preferences. The code is
canonical: one (report, position, prefs, spoken) gives exactly one code.

A code is 16 characters for a sentence or block id, 17 for ids ending
``-2`` … ``-7``, 18 for ``-8`` … ``-15``; 10 for a report without a position.

The code carries no secret: anyone can make one. It cannot do harm — it can
only point at an existing report and an existing id with valid settings, and
:func:`resolve` builds the target from the library, never from the code's text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Container
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TypeVar
from urllib.parse import urlsplit

from kiosk import prefs as prefs_module
from kiosk.content.library import Library
from kiosk.content.model import Report
from kiosk.prefs import Prefs
from kiosk.speech.engine import DEFAULT_GENDER

T = TypeVar("T")

FORMAT_VERSION = 1
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
#: Characters people type for the ones base32 leaves out (0/O, 1/I, 8/B).
_LOOKALIKES = str.maketrans("018", "OIB")
#: Longest code accepted (a position ordinal up to 2¹⁶ fits well within it).
MAX_CODE_LENGTH = 32

KIND_NONE, KIND_SENTENCE, KIND_BLOCK, KIND_VOICE = 0, 1, 2, 3
#: The voice bit of a KIND_VOICE code.
VOICES_V1 = ("female", "male")
_KIND_PREFIX = {KIND_SENTENCE: "s", KIND_BLOCK: "b"}
_PREFIX_KIND = {v: k for k, v in _KIND_PREFIX.items()}
_POSITION = re.compile(r"([sb])-([0-9a-f]{8})(?:-([1-9][0-9]{0,4}))?")
_MAX_ORDINAL = 1 << 16

SLUG_BITS, PREFS_BITS, HASH_BITS = 30, 9, 32

#: The value tables of prefs format 1. Changing one (even adding a value at the
#: end) changes the packing of every code, so it needs a new FORMAT_VERSION:
#: old codes then fail the check (31 times in 32) instead of being misread.
#: Keep these tables to read codes already printed.
SIZES_V1 = (1, 2, 3, 4, 5)
SCHEMES_V1 = ("default", "dark", "light", "blue", "yellow")
SPACINGS_V1 = ("15", "18", "20")
LANGS_V1 = ("zh-CN", "en")
PREFS_COMBINATIONS = len(SIZES_V1) * len(SCHEMES_V1) * len(SPACINGS_V1) * 2 * len(LANGS_V1)


@dataclass(frozen=True)
class Handoff:
    """What a resolved code names."""

    slug: str
    #: A sentence or block id that exists in the report, or None (the start).
    position: str | None
    prefs: Prefs
    spoken: bool


# --- the pieces ----------------------------------------------------------


@lru_cache(maxsize=4096)
def slug_hash(slug: str) -> int:
    """The report's 30-bit hash: the top bits of SHA-256 of the UTF-8 slug."""
    digest = hashlib.sha256(slug.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") >> (32 - SLUG_BITS)


def parse_position(position: str) -> tuple[int, int, int] | None:
    """``s-1a2b3c4d-2`` → (kind, 32-bit hash, ordinal); None when not an id we know."""
    m = _POSITION.fullmatch(position)
    if m is None:
        return None
    ordinal = int(m.group(3)) if m.group(3) else 1
    if m.group(3) and ordinal < 2:  # IdMaker never writes "-1"
        return None
    return _PREFIX_KIND[m.group(1)], int(m.group(2), 16), ordinal


def position_id(kind: int, digest: int, ordinal: int) -> str:
    base = f"{_KIND_PREFIX[kind]}-{digest:08x}"
    return base if ordinal == 1 else f"{base}-{ordinal}"


def position_exists(report: Report, position: str) -> bool:
    """Whether ``position`` is a sentence or block (section) id of ``report``."""
    if position.startswith("s-"):
        return report.block_of_sentence(position) is not None
    if position.startswith("b-"):
        return report.block(position) is not None
    return False


def _index(table: tuple[object, ...], value: object, default: object) -> int:
    return table.index(value) if value in table else table.index(default)


def pack_prefs(p: Prefs) -> int:
    """Prefs → 0…299. A value format 1 does not know is sent as the default."""
    d = Prefs()
    value = _index(SIZES_V1, p.size, d.size)
    value = value * len(SCHEMES_V1) + _index(SCHEMES_V1, p.scheme, d.scheme)
    value = value * len(SPACINGS_V1) + _index(SPACINGS_V1, p.spacing, d.spacing)
    value = value * 2 + int(bool(p.elder))
    return value * len(LANGS_V1) + _index(LANGS_V1, p.lang, d.lang)


def unpack_prefs(value: int) -> Prefs | None:
    """0…299 → Prefs; None when out of range. Values this server dropped become defaults."""
    if not 0 <= value < PREFS_COMBINATIONS:
        return None
    value, lang = divmod(value, len(LANGS_V1))
    value, elder = divmod(value, 2)
    value, spacing = divmod(value, len(SPACINGS_V1))
    size, scheme = divmod(value, len(SCHEMES_V1))
    d = Prefs()
    return Prefs(
        size=_known(SIZES_V1[size], prefs_module.SIZES, d.size),
        scheme=_known(SCHEMES_V1[scheme], prefs_module.SCHEMES, d.scheme),
        spacing=_known(SPACINGS_V1[spacing], prefs_module.SPACINGS, d.spacing),
        elder=bool(elder),
        lang=_known(LANGS_V1[lang], prefs_module.LANGUAGES, d.lang),
    )


def _known(value: T, known: Container[T], default: T) -> T:
    return value if value in known else default


def _times2(x: int) -> int:
    """Multiply by 2 (the polynomial x) in GF(2⁵) modulo x⁵ + x² + 1."""
    x <<= 1
    return x ^ 0b100101 if x & 0b100000 else x


def _damm(values: list[int], start: int = FORMAT_VERSION) -> int:
    interim = start
    for v in values:
        interim = _times2(interim) ^ v
    return interim


class _Bits:
    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, value: int, bits: int) -> None:
        self.value = (self.value << bits) | value
        self.length += bits

    def gamma(self, n: int) -> None:
        """Elias gamma: floor(log2 n) zeros, then n in binary."""
        width = n.bit_length()
        self.put(0, width - 1)
        self.put(n, width)


class _Reader:
    def __init__(self, value: int, length: int) -> None:
        self.value = value
        self.left = length

    def take(self, bits: int) -> int | None:
        if bits > self.left:
            return None
        self.left -= bits
        return (self.value >> self.left) & ((1 << bits) - 1)

    def gamma(self) -> int | None:
        zeros = 0
        while True:
            bit = self.take(1)
            if bit is None or zeros > 16:
                return None
            if bit:
                break
            zeros += 1
        rest = self.take(zeros)
        return None if rest is None else (1 << zeros) | rest


# --- encode and resolve ----------------------------------------------------


def encode(slug: str, position: str | None, prefs: Prefs, spoken: bool = False) -> str:
    """The hand-off code. ``position`` is a sentence or block id, or None.

    Raises ValueError for an empty slug or a position that is not an id.
    """
    if not slug:
        raise ValueError("a hand-off needs a report slug")
    bits = _Bits()
    parsed = None
    if position is not None:
        parsed = parse_position(position)
        if parsed is None or parsed[2] > _MAX_ORDINAL:
            raise ValueError(f"not a sentence or block id: {position!r}")
    kind = parsed[0] if parsed else KIND_NONE
    voiced = prefs.voice != DEFAULT_GENDER and prefs.voice in VOICES_V1
    bits.put(KIND_VOICE if voiced else kind, 2)
    bits.put(slug_hash(slug), SLUG_BITS)
    bits.put(pack_prefs(prefs), PREFS_BITS)
    bits.put(int(bool(spoken)), 1)
    if voiced:
        bits.put(kind, 2)
        bits.put(VOICES_V1.index(prefs.voice), 1)
    if parsed:
        bits.put(parsed[1], HASH_BITS)
        bits.gamma(parsed[2])
    bits.put(0, -bits.length % 5)
    values = [(bits.value >> shift) & 31 for shift in range(bits.length - 5, -1, -5)]
    values.append(_times2(_damm(values)))  # the character that brings the check to 0
    return "".join(ALPHABET[v] for v in values)


def _decode(
    code: str,
) -> tuple[int, int, int, bool, tuple[int, int, int] | None, str] | None:
    """Code → (kind, slug hash, prefs value, spoken, position, voice) or None when invalid."""
    if not 2 <= len(code) <= MAX_CODE_LENGTH:
        return None
    code = code.upper().translate(_LOOKALIKES)
    try:
        values = [_VALUE[c] for c in code]
    except KeyError:
        return None
    if _damm(values) != 0:
        return None
    body = values[:-1]
    number = 0
    for v in body:
        number = (number << 5) | v
    r = _Reader(number, 5 * len(body))
    kind, slug, packed, spoken = r.take(2), r.take(SLUG_BITS), r.take(PREFS_BITS), r.take(1)
    if kind is None or slug is None or packed is None or spoken is None:
        return None
    voice = DEFAULT_GENDER
    if kind == KIND_VOICE:
        kind, bit = r.take(2), r.take(1)
        if kind is None or bit is None or kind > KIND_BLOCK:
            return None
        voice = VOICES_V1[bit]
        if voice == DEFAULT_GENDER:
            return None  # canonical: the default voice is written without the record
    position = None
    if kind != KIND_NONE:
        digest, ordinal = r.take(HASH_BITS), r.gamma()
        if digest is None or ordinal is None or ordinal > _MAX_ORDINAL:
            return None
        position = (kind, digest, ordinal)
    # Canonical: only the zero padding of the last character may remain.
    if r.left >= 5 or r.take(r.left) != 0:
        return None
    return kind, slug, packed, bool(spoken), position, voice


def resolve(code: str, library: Library) -> Handoff | None:
    """The report, place and settings a code names; None for an invalid or unknown code.

    The report must exist. When the place no longer exists in it (the text was
    edited), the report is kept and the position dropped.
    """
    decoded = _decode(code)
    if decoded is None:
        return None
    _kind, slug_bits, packed, spoken, position, voice = decoded
    p = unpack_prefs(packed)
    if p is None:
        return None
    p = replace(p, voice=voice)
    wanted = position_id(*position) if position else None
    candidates = [r for slug, r in library.reports.items() if slug_hash(slug) == slug_bits]
    if len(candidates) > 1 and wanted:  # a 30-bit collision: the place decides
        candidates = [r for r in candidates if position_exists(r, wanted)]
    if len(candidates) != 1:
        return None
    report = candidates[0]
    if wanted and not position_exists(report, wanted):
        wanted = None
    return Handoff(report.slug, wanted, p, spoken)


# --- URLs ------------------------------------------------------------------


def _origin(public_base_url: str) -> tuple[str, str, str]:
    """Validate the public base URL → (scheme, host[:port], path without trailing /)."""
    base = (public_base_url or "").strip()
    if not base:
        raise ValueError("public_base_url is not set: QR codes need the address phones use")
    parts = urlsplit(base)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"public_base_url must be an http(s) URL with a host, not {base!r}")
    if parts.username is not None or parts.password is not None:
        raise ValueError("public_base_url must not contain a user name or password")
    if parts.query or parts.fragment or "\\" in base or any(c.isspace() for c in base):
        raise ValueError(f"public_base_url must be a plain address, not {base!r}")
    host = parts.hostname
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise ValueError(f"public_base_url has an invalid host name: {base!r}") from None
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    port = parts.port  # raises ValueError for a bad port
    netloc = f"{host}:{port}" if port is not None else host
    return scheme, netloc, parts.path.rstrip("/")


def handoff_url(public_base_url: str, code: str) -> str:
    """``HTTPS://HOST[:PORT][/path]/R/<CODE>``: scheme and host upper-cased for the QR.

    A path in the base URL is kept as written (paths are case-sensitive); the URL is
    then QR-alphanumeric only if that path has no lower-case letters.
    Raises ValueError when the base is empty or not an http(s) URL.
    """
    scheme, netloc, path = _origin(public_base_url)
    if not code or any(c not in _VALUE for c in code):
        raise ValueError(f"not a hand-off code: {code!r}")
    return f"{scheme.upper()}://{netloc.upper()}{path}/R/{code}"


def display_url(url: str) -> str:
    """The same link for people to read: lower-case scheme and host, ``/r/``, code kept.

    The code stays upper case: base32 has no 0, 1 or 8, so O, I and B cannot be
    mistaken for digits (and :func:`resolve` reads 0, 1, 8 as O, I, B anyway).
    """
    parts = urlsplit(url)
    head, sep, code = parts.path.rpartition("/R/")
    path = f"{head}/r/{code}" if sep else parts.path
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"
