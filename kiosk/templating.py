"""The Jinja environment of every page: templates, components, translations, assets.

Templates load from ``kiosk/templates/`` and the components from
``kiosk/widgets/`` (``{% from "player/player.html" import player %}``).
Globals: ``asset(path)`` (the URL of a file under ``kiosk/assets/`` with a
content hash, so it can be cached forever), ``asset_path(path)`` (without the
hash) and ``closed_settings_panel(prefs, next_url)`` (the settings panel, the
largest part of every page, rendered once per settings and page and kept),
``parent_url(path, query)`` (where 返回 goes, :mod:`kiosk.navigation`); filter
``full_width`` (Chinese punctuation for display, :mod:`kiosk.content.display`).
"""

from __future__ import annotations

import hashlib
import threading
from functools import cache

import jinja2
import jinja2.bccache
from markupsafe import Markup

from kiosk import i18n, navigation, prefs
from kiosk.caching import ByteCache
from kiosk.content import display
from kiosk.resources import ASSETS, TEMPLATES, WIDGETS


@cache
def _asset_version(path: str) -> str:
    try:
        return hashlib.sha256((ASSETS / path).read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def asset_url(path: str) -> str:
    """URL of a file under kiosk/assets/, with a content hash so it can be cached forever."""
    return f"/assets/{path}?v={_asset_version(path)}"


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the whole process, so every app (and
    every environment) compiles a template once, not once per app: compiling is
    most of the cost of a page's first rendering. Jinja checks each entry against
    the template's source, so an edited template is compiled again."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with self._lock:
            self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def make_environment(panels: ByteCache[Markup]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([TEMPLATES, WIDGETS]),
        bytecode_cache=_COMPILED,
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.jinja_gettext, i18n.jinja_ngettext, newstyle=True
    )

    def closed_settings_panel(p: prefs.Prefs, next_url: str) -> Markup:
        """The settings panel is on every page and the same for the same settings
        and page: render it once (it is the largest part of a page's template)."""

        def render() -> Markup:
            panel = env.get_template("_settings_panel.html")
            return Markup(panel.render(prefs=p, lang=p.lang, next_url=next_url, open=False))

        return panels.get_or_make((p, next_url), render)

    env.globals["asset"] = asset_url
    env.globals["asset_path"] = lambda path: f"/assets/{path}"
    env.globals["closed_settings_panel"] = closed_settings_panel
    env.globals["parent_url"] = navigation.parent_url
    env.filters["full_width"] = display.full_width
    return env
