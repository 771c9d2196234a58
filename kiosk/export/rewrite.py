"""Rewriting what the app serves so it works from a plain file server under a sub-path.

- root-absolute URLs in pages (``href``, ``src``, ``action``, ``data-*``,
  ``hx-*``), in CSS (``url(/…)``) and in JSON (``"/audio/…"``) get the sub-path;
  audio URLs lose their ``?v=`` (the file name is already content-derived);
- what needs a running server goes to ``--live-url``, or to ``/unavailable/``;
- a page ``/x`` is written as ``x/index.html`` (:func:`file_for`).
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

#: Paths that only a running server can answer.
LIVE_ONLY_PATHS = frozenset({"/ask", "/ask.json", "/search", "/search.json"})
LIVE_ONLY_PREFIXES = ("/api/", "/qr/", "/-/")
#: Files under /-/ that an export does contain.
STATIC_OPS = frozenset({"/-/offline-manifest.json", "/-/export.json"})
#: Written into every exported page that has the settings panel (see static-settings.js).
STATIC_SETTINGS = "export/static-settings.js"
MARKER = "-/export.json"
_URL_ATTR = re.compile(
    r"""(?P<pre>\s(?P<attr>href|src|action|poster|data-[\w-]+|hx-(?:get|post|put|patch|delete))=")"""
    r"""(?P<url>/(?!/)[^"]*)(?P<post>")"""
)
_CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>/(?!/)[^'")\s]+)(?P=q)\s*\)""")
_STYLE_BLOCK = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S | re.I)
_FORM = re.compile(r"<form\b[^>]*>", re.I)
_HX_ATTR = re.compile(r'\s+hx-[\w-]+="[^"]*"')
_JSON_URL = re.compile(r"/(?!/)[\x21-\x7e]*")
#: JSON keys whose values are text, never URLs, even when they start with "/".
_TEXT_KEYS = frozenset({"text", "spoken", "title", "heading", "label", "content"})
#: A hand-off code as it appears on a page: in the link (``/r/<wbr>CODE``) and the QR URL.
CODE = re.compile(r"/[rR]/(?:<wbr>)?([A-Z2-7]{2,32})\b")


def base_path(base_url: str) -> str:
    """``https://cdn.example.gov.cn/kiosk/`` → ``/kiosk``; ``""`` for the root."""
    if not base_url:
        return ""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"--base-url must be an http(s) address, not {base_url!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"--base-url must be a plain address, not {base_url!r}")
    return parts.path.rstrip("/")


def live_base(live_url: str) -> str:
    """The live server's address without a trailing slash; "" for none."""
    if not live_url:
        return ""
    parts = urlsplit(live_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ValueError(f"--live-url must be an http(s) address, not {live_url!r}")
    return live_url.rstrip("/")


def path_of(url: str) -> str:
    return url.split("#", 1)[0].split("?", 1)[0]


def _is_live_only(path: str) -> bool:
    if path in STATIC_OPS:
        return False
    return path in LIVE_ONLY_PATHS or path.startswith(LIVE_ONLY_PREFIXES)


def file_for(url: str) -> str:
    """The file a URL is written to, relative to the export: pages become
    ``<path>/index.html``; anything with an extension keeps its name."""
    path = path_of(url)
    if path == "/":
        return "index.html"
    name = path.rsplit("/", 1)[-1]
    if "." in name:
        return path.lstrip("/")
    return path.strip("/") + "/index.html"


class Rewriter:
    """Root-absolute URLs → the export's sub-path, or the live server, or nowhere."""

    def __init__(self, prefix: str, live: str) -> None:
        self.prefix = prefix
        self.live = live
        self.unavailable = f"{prefix}/unavailable/"

    def url(self, value: str) -> str | None:
        """The URL to write for ``value``; None when it needs a server and there is none."""
        path = path_of(value)
        if _is_live_only(path):
            return self.live + value if self.live else None
        if path.startswith("/audio/"):  # the file name is content-derived already
            fragment = value.partition("#")[2]
            value = path + (f"#{fragment}" if fragment else "")
        return self.prefix + value

    def css(self, text: str) -> str:
        def sub(m: re.Match[str]) -> str:
            new = self.url(m["url"])
            return f"url({m['q']}{new if new is not None else m['url']}{m['q']})"

        return _CSS_URL.sub(sub, text)

    def _form(self, m: re.Match[str]) -> str:
        """A form the server must answer (the settings POST, search): to the live server,
        or (no live server) a GET to the page that explains; never through htmx."""
        tag = m.group(0)
        action = re.search(r'\saction="(/(?!/)[^"]*)"', tag)
        if action is None:
            return tag
        path = path_of(action.group(1))
        if path != "/settings" and not _is_live_only(path):
            return tag
        tag = _HX_ATTR.sub("", tag)
        if self.live:  # absolute: the URL pass below leaves it alone
            return tag.replace(action.group(0), f' action="{self.live}{action.group(1)}"')
        tag = re.sub(r'\smethod="post"', ' method="get"', tag, flags=re.I)
        return tag.replace(action.group(0), ' action="/unavailable/"')

    def html(self, text: str, static_settings: bool = True) -> str:
        text = _FORM.sub(self._form, text)

        def attr(m: re.Match[str]) -> str:
            value = m["url"]
            new = self.url(value)
            if new is None:
                if m["attr"] == "data-endpoint" or m["attr"].startswith("hx-"):
                    return ""  # the component works without it (the QR keeps the report's code)
                new = self.unavailable
            return m["pre"] + new.replace('"', "%22") + m["post"]

        text = _URL_ATTR.sub(attr, text)
        text = _STYLE_BLOCK.sub(lambda m: m[1] + self.css(m[2]) + m[3], text)
        if static_settings and "kiosk-settings__form" in text:
            text = self._hook(text)
        return text

    def _hook(self, text: str) -> str:
        """Mark the page as exported and load the in-browser settings before the styles
        (a blocking script in <head>: the reader's colours apply before the first paint)."""
        marks = f' data-kiosk-export="{html.escape(self.prefix)}"'
        if self.live:
            marks += f' data-kiosk-live="{html.escape(self.live)}"'
        text = re.sub(r"<html\b", "<html" + marks, text, count=1)
        script = f'\n  <script src="{self.prefix}/assets/{STATIC_SETTINGS}"></script>'
        head = re.search(r"<meta charset=[^>]*>", text) or re.search(r"<head[^>]*>", text)
        if head is None:
            return text
        return text[: head.end()] + script + text[head.end() :]

    def json(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self.json(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.json(v, key) for v in value]
        if isinstance(value, str) and key not in _TEXT_KEYS and _JSON_URL.fullmatch(value):
            new = self.url(value)
            return new if new is not None else value
        return value
