"""The pages only a static export has, rendered from templates through the catalogs:
the hand-off redirect (``R/<CODE>/``) and ``/unavailable/``."""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from kiosk import i18n


def redirect_page(env: jinja2.Environment, target: str, title: str, css: str, lang: str) -> bytes:
    """A page that sends the browser on to ``target`` (in the reader's language)."""
    page = env.get_template("export_redirect.html")
    return page.render(lang=lang, target=target, title=title, css=css).encode("utf-8")


def unavailable_page(env: jinja2.Environment, prefix: str, css: str, live: str, lang: str) -> bytes:
    """What needs the live service, in every interface language (``lang`` first)."""
    order = [lang] + [other for other in i18n.LANGUAGES if other != lang]
    part = env.get_template("_export_unavailable.html")
    parts = [
        Markup(part.render(lang=code, level=1 if n == 0 else 2, prefix=prefix, live=live))
        for n, code in enumerate(order)
    ]
    title = " · ".join(i18n.gettext(code, "This needs the live service") for code in order)
    page = env.get_template("export_unavailable.html")
    return page.render(lang=lang, title=title, css=css, parts=parts).encode("utf-8")
