"""QR codes as inline SVG, rendered on the server with ``qrcode``.

Only URLs under one of the allowed bases (in practice the ``public_base_url``
setting) are ever encoded: no endpoint can be made to draw arbitrary text or
someone else's address (phishing on a government kiosk).

The SVG is one ``<path>`` on a white square that includes the 4-module quiet
zone, so it stays dark-on-light and scannable in every colour scheme. It has a
``viewBox`` in module units and no width or height: CSS sizes it.
Error correction is M (15 %). A URL made only of QR alphanumeric characters
(``0-9 A-Z space $%*+-./:`` — the upper-case hand-off URLs) is encoded in
alphanumeric mode, which holds about 1.6 times as many characters per
version as byte mode.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import qrcode
import qrcode.constants
import qrcode.image.svg
import qrcode.util

ERROR_CORRECTION = "M"
BORDER = 4  # modules of quiet zone on each side (the QR standard's minimum)
MAX_URL_LENGTH = 512
_ALPHANUMERIC = re.compile(r"[0-9A-Z $%*+\-./:]+")
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class QrImage:
    """One rendered QR code."""

    #: ``<svg …>`` markup, safe to insert into a page as it is.
    svg: str
    #: QR version, 1–40.
    version: int
    #: Width of the symbol in modules, WITHOUT the quiet zone (17 + 4 × version).
    modules: int
    #: The encoded URL.
    url: str
    #: "alphanumeric" or "byte".
    mode: str
    #: Quiet zone on each side, in modules; the SVG's viewBox is ``total_modules`` wide.
    border: int = BORDER
    error_correction: str = ERROR_CORRECTION

    @property
    def total_modules(self) -> int:
        """Width of the whole image in modules, quiet zone included."""
        return self.modules + 2 * self.border


class _KioskSvg(qrcode.image.svg.SvgPathFillImage):
    """SvgPathFillImage without the mm width and height and without the fixed id.

    CSS sizes the code (a viewBox alone scales to its box); the path's id
    ("qr-path") would be duplicated when a page shows two codes.
    """

    def _svg(self, *args: Any, **kwargs: Any) -> Any:
        svg = super()._svg(*args, **kwargs)
        for name in ("width", "height"):
            svg.attrib.pop(name, None)
        return svg

    def process(self) -> None:
        super().process()
        if self.path is not None:
            self.path.attrib.pop("id", None)


def _host_port(netloc_host: str | None, port: int | None) -> str:
    host = (netloc_host or "").lower()
    if not host.isascii():
        host = host.encode("idna").decode("ascii")
    return f"{host}:{port}"


def _same_origin_under(url: str, base: str) -> bool:
    if not base or not base.strip():
        return False
    b, u = urlsplit(base.strip()), urlsplit(url)
    if b.scheme.lower() not in ("http", "https") or not b.hostname:
        return False
    if u.scheme.lower() != b.scheme.lower():
        return False
    if _host_port(u.hostname, u.port) != _host_port(b.hostname, b.port):
        return False
    prefix = b.path.rstrip("/") + "/"
    return u.path.startswith(prefix) and ".." not in u.path.split("/")


def is_allowed(url: str, allowed_bases: Sequence[str]) -> bool:
    """Whether ``url`` is an http(s) URL on the host of one of ``allowed_bases`` and under its path."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH or _UNSAFE.search(url):
        return False
    if isinstance(allowed_bases, str):  # one base given as a string, not a list
        allowed_bases = (allowed_bases,)
    try:
        parts = urlsplit(url)
        if parts.username is not None or parts.password is not None or parts.fragment:
            return False
        return any(_same_origin_under(url, base) for base in allowed_bases)
    except (ValueError, UnicodeError):
        return False


def qr_svg(url: str, label: str, allowed_bases: Sequence[str]) -> QrImage:
    """The QR code of ``url`` as SVG, labelled ``label`` for screen readers.

    Raises ValueError unless ``url`` is under one of ``allowed_bases``.
    Results are cached in memory.
    """
    if not is_allowed(url, allowed_bases):
        raise ValueError("refusing to make a QR code of a URL outside the public base URL")
    return _render(url, _CONTROL.sub(" ", label).strip()[:300])


def _qrcode(url: str) -> tuple[qrcode.QRCode[Any], bool]:
    """A QRCode holding ``url`` as one segment: alphanumeric when it can be, else bytes."""
    qr: qrcode.QRCode[Any] = qrcode.QRCode(
        version=None,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=10,  # 10 px = 1 unit: the viewBox is in modules
        border=BORDER,
        image_factory=_KioskSvg,
    )
    alphanumeric = _ALPHANUMERIC.fullmatch(url) is not None
    if alphanumeric:
        qr.add_data(qrcode.util.QRData(url, mode=qrcode.util.MODE_ALPHA_NUM))
    else:
        qr.add_data(qrcode.util.QRData(url.encode("utf-8"), mode=qrcode.util.MODE_8BIT_BYTE))
    return qr, alphanumeric


def qr_version(url: str) -> int:
    """The QR version :func:`qr_svg` uses for ``url``, without drawing it (fast)."""
    qr, _ = _qrcode(url)
    return int(qr.best_fit())


@lru_cache(maxsize=1024)
def _render(url: str, label: str) -> QrImage:
    qr, alphanumeric = _qrcode(url)
    qr.make(fit=True)
    attrib = {"class": "kiosk-qr", "role": "img", "aria-label": label or url}
    attrib["shape-rendering"] = "crispEdges"  # no hairline seams between modules
    svg = qr.make_image(attrib=attrib).to_string(encoding="unicode")
    return QrImage(
        svg=svg,
        version=int(qr.version),
        modules=int(qr.modules_count),  # 17 + 4 × version
        url=url,
        mode="alphanumeric" if alphanumeric else "byte",
    )
