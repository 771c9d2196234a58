"""The QR hand-off endpoints: the code a phone scans, and where it leads.

- ``/r/{code}`` and ``/R/{code}`` (:func:`handoff_redirect`): resolve a hand-off
  code, give the phone the kiosk visitor's reading settings (the prefs cookie)
  and send it to the report, at the same sentence.
- ``/qr/{slug}.svg?at=<id>[&speak=1]`` (:func:`report_qr_svg`): the QR code of
  the hand-off for the visitor's current place and settings, for the QR card
  to refresh itself as the reader moves on.

Both only ever name reports and ids that exist in the library, and the QR only
ever encodes a URL under the ``public_base_url`` setting.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from kiosk import handoff, prefs
from kiosk.content.model import Report
from kiosk.i18n import gettext
from kiosk.qr import QrImage, qr_svg
from kiosk.web import deps

PREFS_MAX_AGE = 60 * 60 * 24 * 365
#: The header that tells the QR card the human-readable form of the encoded link.
LINK_HEADER = "X-Handoff-Link"
NO_BASE_URL = (
    "QR codes are off: public_base_url (KIOSK_PUBLIC_BASE_URL) is not set or not an "
    "http(s) address. Set it to the address phones use to reach this server, "
    "e.g. https://kiosk.example.gov.cn\n"
)


@dataclass(frozen=True)
class HandoffQr:
    """A hand-off ready to show: the QR code and its link for people to read."""

    qr: QrImage
    #: The encoded URL (upper-case scheme and host, ``/R/``).
    url: str
    #: The same link as people read and type it (lower-case host, ``/r/``).
    display_url: str


def qr_label(lang: str, title: str) -> str:
    """The QR image's accessible name."""
    return gettext(lang, "QR code: continue reading “%(title)s” on your phone", title=title)


def handoff_qr(
    request: Request,
    report: Report,
    position: str | None = None,
    spoken: bool = False,
) -> HandoffQr | None:
    """The QR code of a hand-off to ``report`` at ``position`` in the visitor's settings.

    None when ``public_base_url`` is not set (or not a valid http(s) URL): then
    there is no address a phone could reach, and the page shows no QR card.
    Raises ValueError when ``position`` is not an id of ``report``.
    """
    if position is not None and not handoff.position_exists(report, position):
        raise ValueError(f"{position!r} is not a sentence or block of {report.slug}")
    base = deps.services(request).settings.public_base_url
    p = deps.reader_prefs(request)
    code = handoff.encode(report.slug, position, p, spoken)
    try:
        url = handoff.handoff_url(base, code)
        qr = qr_svg(url, qr_label(p.lang, report.meta.title), allowed_bases=(base,))
    except ValueError:
        return None
    return HandoffQr(qr, url, handoff.display_url(url))


async def handoff_redirect(request: Request) -> Response:
    """``/r/{code}``: set the reader's settings and go to the report at the sentence."""
    found = handoff.resolve(request.path_params["code"], deps.library(request))
    if found is None:
        raise HTTPException(404)
    target = f"/reports/{found.slug}?from=kiosk"
    if found.spoken:
        target += "&speak=1"
    if found.position:
        target += f"#{found.position}"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        prefs.COOKIE, found.prefs.encode(), max_age=PREFS_MAX_AGE, httponly=True, samesite="lax"
    )
    # Whoever scanned a code is on a phone: never give it the kiosk layout.
    response.set_cookie(
        prefs.DEVICE_COOKIE, "phone", max_age=PREFS_MAX_AGE, httponly=True, samesite="lax"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def report_qr_svg(request: Request) -> Response:
    """``/qr/{slug}.svg?at=<id>[&speak=1]``: the hand-off QR code for this visitor."""
    report = deps.report_or_404(request)
    at = request.query_params.get("at") or None
    if at is not None and not handoff.position_exists(report, at):
        raise HTTPException(404)
    if refused := deps.rate_limited(request):  # each code is drawn anew: limited like search
        return refused
    found = handoff_qr(request, report, at, request.query_params.get("speak") == "1")
    if found is None:
        return PlainTextResponse(NO_BASE_URL, status_code=409)
    return Response(
        found.qr.svg,
        media_type="image/svg+xml",
        headers={
            "Cache-Control": "public, max-age=86400",
            # The code carries the visitor's settings (cookie, or ?lang=).
            "Vary": "Cookie",
            LINK_HEADER: found.display_url,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )
