"""Reading settings and help: ``/settings`` (the form and its POST), ``/-/reset``, ``/help``."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kiosk import prefs
from kiosk.web import deps

PREFS_MAX_AGE = 60 * 60 * 24 * 365


async def settings_page(request: Request) -> Response:
    return deps.render(request, "settings.html", {})


async def settings_update(request: Request) -> Response:
    """Apply the settings form: set the cookie, then go back (or swap the panel)."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    old = deps.reader_prefs(request)
    new = old.updated(fields)
    next_url = deps.local_url(fields.get("next"))
    if request.headers.get("HX-Request") == "true":
        deps.use_prefs(request, new, next_url)
        response = deps.render(request, "_settings_panel.html", {})
        if new.lang != old.lang:
            response.headers["HX-Refresh"] = "true"  # every string on the page changes
        response.headers["HX-Trigger"] = json.dumps(
            {"kiosk:prefs": {"htmlClass": new.html_class, "target": "body"}}
        )
    else:
        response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        prefs.COOKIE, new.encode(), max_age=PREFS_MAX_AGE, httponly=True, samesite="lax"
    )
    return response


async def reset(request: Request) -> Response:
    """Forget the visitor: cookies and site data, then the start screen."""
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(prefs.COOKIE)
    # Not "storage": that would also drop the offline kiosk's service worker; the
    # page clears local and session storage itself before it comes here.
    response.headers["Clear-Site-Data"] = '"cache", "cookies"'
    return response


async def help_page(request: Request) -> Response:
    return deps.render(request, "help.html", {})
