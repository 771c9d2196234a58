"""``kiosk export DIR``: the reading side of the kiosk as a static site.

The export drives the real application in-process — every file is the body the
server gives for that URL — and then makes it work from a plain file server
under any sub-path (``--base-url https://cdn.example.gov.cn/kiosk``):

- root-absolute URLs in pages (``href``, ``src``, ``action``, ``data-*``,
  ``hx-*``), in CSS (``url(/…)``) and in JSON (``"/audio/…"``) get the sub-path;
  audio URLs lose their ``?v=`` (a static server ignores queries; the file name
  is already the sentence's content id);
- a page ``/x`` is written as ``x/index.html`` (the file server maps ``/x`` to
  it: nginx ``try_files $uri $uri/ =404``); ``/x.json`` and files keep their names;
- the QR hand-off codes that appear on the exported pages get static pages
  ``R/<CODE>/index.html`` (and ``r/…``) that send the phone on to the report.

What needs the server — changing reading settings (a POST that sets a cookie),
智能问答 and search, the QR code that follows the reader (``/qr/<slug>.svg``),
``/api/*`` — points to ``--live-url`` when one is given, and otherwise degrades
(see docs/deploy.md): reading settings then work in the browser
(``kiosk/assets/export/static-settings.js``, localStorage), the QR code opens the
report at its start, and the rest leads to a page that says the function needs
the live service.

The site is built in ``.<DIR>.partial-<pid>`` beside DIR and swapped into place
at the end, so a web server reading DIR never sees half an export. Audio files
are hard links into the audio cache when both are on one file system (cached
audio never changes: its names are content hashes), so re-exporting a large
library costs little disk and time; upload tools copy them as plain files.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import anyio

from kiosk import handoff
from kiosk.config import Settings
from kiosk.resources import ASSETS
from kiosk.speech.service import FORMATS, SPEEDS
from kiosk.web.app import create_app
from kiosk.web.deps import services_of

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
_CODE = re.compile(r"/[rR]/(?:<wbr>)?([A-Z2-7]{2,32})\b")


class ExportError(Exception):
    """The export cannot be made (nothing is left in the target folder)."""


@dataclass(frozen=True)
class ExportOptions:
    out: Path
    #: The public address of the export, e.g. https://cdn.example.gov.cn/kiosk (QR codes use it).
    base_url: str = ""
    #: A running kiosk server for what cannot be static (settings POST, Q&A, search, live QR).
    live_url: str = ""
    kiosk: bool = False
    speeds: tuple[str, ...] = ("normal",)
    audio: bool = True
    content_dir: str | None = None
    cache_dir: str | None = None
    #: Requests in flight at once (the speech engine itself works one sentence at a time).
    parallel: int = 4


@dataclass
class ExportResult:
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    reports: int = 0
    sentences: int = 0
    audio_files: int = 0
    audio_bytes: int = 0
    audio_seconds: float = 0.0  # time spent getting audio (synthesis included)
    codes: int = 0
    widget: bool = False
    offline: bool = False
    by_kind: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        audio = (
            f", {self.audio_files} audio files ({self.audio_bytes / 1e6:.1f} MB, "
            f"{self.audio_seconds:.1f} s)"
            if self.audio_files
            else ", no audio"
        )
        return (
            f"{self.reports} reports, {self.files} files, {self.bytes / 1e6:.1f} MB"
            f"{audio}, {self.codes} hand-off codes, {self.seconds:.1f} s"
        )


# --- URLs ------------------------------------------------------------------------


def base_path(base_url: str) -> str:
    """``https://cdn.example.gov.cn/kiosk/`` → ``/kiosk``; ``""`` for the root."""
    if not base_url:
        return ""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ExportError(f"--base-url must be an http(s) address, not {base_url!r}")
    if parts.query or parts.fragment:
        raise ExportError(f"--base-url must be a plain address, not {base_url!r}")
    return parts.path.rstrip("/")


def _live(live_url: str) -> str:
    if not live_url:
        return ""
    parts = urlsplit(live_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ExportError(f"--live-url must be an http(s) address, not {live_url!r}")
    return live_url.rstrip("/")


def _path_of(url: str) -> str:
    return url.split("#", 1)[0].split("?", 1)[0]


def _is_live_only(path: str) -> bool:
    if path in STATIC_OPS:
        return False
    return path in LIVE_ONLY_PATHS or path.startswith(LIVE_ONLY_PREFIXES)


def file_for(url: str) -> str:
    """The file a URL is written to, relative to the export: pages become
    ``<path>/index.html``; anything with an extension keeps its name."""
    path = _path_of(url)
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
        path = _path_of(value)
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
        path = _path_of(action.group(1))
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


# --- talking to the app in-process -------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    #: Set instead of ``body`` when the app answered with a file (ASGI pathsend).
    path: Path | None = None

    def data(self) -> bytes:
        return self.path.read_bytes() if self.path is not None else self.body


class AppClient:
    """GET requests straight into an ASGI app, no sockets, no HTTP library."""

    def __init__(self, app: Any, base_url: str) -> None:
        self.app = app
        parts = urlsplit(base_url or "http://localhost")
        self.scheme = parts.scheme or "http"
        self.host = parts.netloc or "localhost"

    async def get(self, url: str) -> Reply:
        path, _, query = url.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": self.scheme,
            "server": (self.host.split(":")[0], 443 if self.scheme == "https" else 80),
            "client": ("127.0.0.1", 0),
            "root_path": "",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "headers": [(b"host", self.host.encode()), (b"user-agent", b"kiosk-export")],
            "extensions": {"http.response.pathsend": {}},
            "state": {},
        }
        done = anyio.Event()
        sent = False
        status = 500
        headers: dict[str, str] = {}
        chunks: list[bytes] = []
        file: Path | None = None

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, file
            if message["type"] == "http.response.start":
                status = message["status"]
                for k, v in message.get("headers", []):
                    headers[k.decode("latin-1").lower()] = v.decode("latin-1")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    done.set()
            elif message["type"] == "http.response.pathsend":
                file = Path(message["path"])
                done.set()

        await self.app(scope, receive, send)
        return Reply(status, headers, b"".join(chunks), file)


# --- the export ------------------------------------------------------------------------


class Progress:
    """``[#####.....] 120/400 reports/…`` on one line of stderr."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self._last = 0.0

    def step(self, label: str = "", n: int = 1) -> None:
        self.done += n
        self.total = max(self.total, self.done)  # the total is an estimate
        now = time.monotonic()
        if now - self._last < 0.1 and self.done < self.total:
            return
        self._last = now
        filled = int(30 * min(self.done, self.total) / self.total)
        label = label if len(label) <= 40 else "…" + label[-39:]
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} {label:<40}"
        )
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


class _Exporter:
    def __init__(self, options: ExportOptions, app: Any, stage: Path, progress: Progress) -> None:
        self.options = options
        self.app = app
        self.stage = stage
        self.progress = progress
        self.client = AppClient(app, options.base_url)
        self.rewriter = Rewriter(base_path(options.base_url), _live(options.live_url))
        self.result = ExportResult()
        self.codes: set[str] = set()  # hand-off codes on the exported pages
        self.limiter = anyio.CapacityLimiter(max(1, options.parallel))

    # -- writing -------------------------------------------------------------------

    def write(self, url: str, data: bytes | Path, kind: str) -> None:
        target = self.stage / file_for(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Path):
            # A file from the app's cache (audio): cached files never change (their
            # names are content hashes), so a hard link is the same bytes, at no cost.
            try:
                if not kind.startswith("audio"):
                    raise OSError("only the audio cache is linked")
                os.link(data, target)
            except OSError:
                shutil.copyfile(data, target)
            size = target.stat().st_size
        else:
            target.write_bytes(data)
            size = len(data)
        self.result.files += 1
        self.result.bytes += size
        self.result.by_kind[kind] = self.result.by_kind.get(kind, 0) + size
        if kind == "audio":
            self.result.audio_files += 1
            self.result.audio_bytes += size
        self.progress.step(_path_of(url))

    async def fetch(self, url: str, ok: Iterable[int] = (200,)) -> Reply:
        """GET through the app; a busy speech engine is waited for, not an error."""
        for attempt in range(60):
            async with self.limiter:
                reply = await self.client.get(url)
            if reply.status not in (429, 503) or "retry-after" not in reply.headers:
                break
            await anyio.sleep(min(5.0, 0.5 * (attempt + 1)))
        if reply.status not in ok:
            detail = reply.body[:300].decode("utf-8", "replace").strip()
            raise ExportError(f"GET {url} answered {reply.status}: {detail}")
        return reply

    async def copy(self, url: str, kind: str) -> Reply:
        """Export one URL as the app serves it, rewritten for the sub-path."""
        reply = await self.fetch(url)
        ctype = reply.headers.get("content-type", "")
        if reply.path is not None and not ctype.startswith(("text/", "application/json")):
            self.write(url, reply.path, kind)
            return reply
        data = reply.data()
        if ctype.startswith("text/html"):
            text = self.rewriter.html(data.decode("utf-8"), static_settings=kind == "page")
            if kind == "page":
                self.codes.update(_CODE.findall(text))
            data = text.encode("utf-8")
        elif ctype.startswith("text/css"):
            data = self.rewriter.css(data.decode("utf-8")).encode("utf-8")
        elif ctype.startswith("application/json"):
            data = self.json_bytes(json.loads(data))
        self.write(url, data, kind)
        return reply

    def json_bytes(self, value: Any) -> bytes:
        out = self.rewriter.json(value)
        return json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    # -- parts -----------------------------------------------------------------------

    async def speech(self, slug: str, speed: str) -> None:
        """Every sentence's audio (both formats), then the speech JSON that names it."""
        url = f"/reports/{slug}/speech-{speed}.json"
        listing = json.loads((await self.fetch(url)).data())
        if self.options.audio:
            if not listing.get("available"):
                raise ExportError(
                    "the speech engine is unavailable (install espeak-ng and lame), "
                    "or export text only with --no-audio"
                )
            started = time.monotonic()
            async with anyio.create_task_group() as tg:
                for sentence in listing["sentences"]:
                    for fmt in FORMATS:
                        tg.start_soon(self.copy, sentence["audio"][fmt], "audio")
            self.result.audio_seconds += time.monotonic() - started
            await self.copy(url, "json")
            if speed == "normal":
                await self.copy(f"/reports/{slug}/speech.json", "json")
        else:
            # Text only: no audio files, so the player says at once that speech is unavailable.
            listing["available"] = False
            self.write(url, self.json_bytes(listing), "json")
            if speed == "normal":
                self.write(f"/reports/{slug}/speech.json", self.json_bytes(listing), "json")
        self.result.sentences += len(listing["sentences"]) if speed == "normal" else 0

    async def report(self, slug: str) -> None:
        for speed in self.options.speeds:
            await self.speech(slug, speed)
        await self.copy(f"/reports/{slug}", "page")
        await self.copy(f"/reports/{slug}.json", "json")
        await self.copy(f"/reports/{slug}/download.html", "download")
        if self.options.audio:
            await self.copy(f"/reports/{slug}/audio.mp3", "audio-whole")
        self.result.reports += 1

    async def assets(self) -> None:
        for bundle in services_of(self.app).bundles.values():
            await self.copy(bundle.url, "asset")
        for path in sorted(ASSETS.rglob("*")):
            rel = path.relative_to(ASSETS).as_posix()
            if path.is_file() and not any(p.startswith(".") for p in rel.split("/")):
                await self.copy(f"/assets/{rel}", "asset")

    async def optional(self, url: str, kind: str) -> bool:
        """Export a URL another part of the app may or may not serve yet."""
        reply = await self.fetch(url, ok=(200, 404, 405))
        if reply.status != 200:
            return False
        await self.copy(url, kind)
        return True

    async def not_found(self) -> None:
        reply = await self.fetch("/-/export-404", ok=(404,))
        text = self.rewriter.html(reply.data().decode("utf-8"))
        self.write("/404.html", text.encode("utf-8"), "page")

    async def offline_manifest(self) -> None:
        """What an offline kiosk keeps, as exported: without audio in a text-only export
        (the worker would wait forever for files that are not there)."""
        url = "/-/offline-manifest.json"
        manifest = json.loads((await self.fetch(url)).data())
        if not self.options.audio:
            manifest["urls"] = [u for u in manifest["urls"] if not u.startswith("/audio/")]
            manifest["count"] = len(manifest["urls"])
            manifest["speech"] = False
        self.write(url, self.json_bytes(manifest), "offline")

    def handoff_pages(self) -> None:
        """``R/<CODE>/index.html`` for every code on the exported pages."""
        library = services_of(self.app).store.library
        prefix = self.rewriter.prefix
        css = services_of(self.app).bundles["css"].url
        for code in sorted(self.codes):
            found = handoff.resolve(code, library)
            if found is None:
                continue
            title = library.reports[found.slug].meta.title
            target = f"{prefix}/reports/{found.slug}"
            if found.position:
                target += f"#{found.position}"
            body = _redirect_page(target, title, prefix + css, found.prefs.lang).encode()
            for form in {f"R/{code}", f"r/{code}", f"R/{code.lower()}", f"r/{code.lower()}"}:
                self.write(f"/{form}", body, "handoff")
            self.result.codes += 1

    def extras(self) -> None:
        prefix = self.rewriter.prefix
        css = prefix + services_of(self.app).bundles["css"].url
        self.write("/unavailable/", _unavailable_page(prefix, css, self.rewriter.live), "page")

    def marker(self, started: float) -> None:
        info = {
            "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "base_url": self.options.base_url,
            "live_url": self.rewriter.live,
            "kiosk": self.options.kiosk,
            "speeds": list(self.options.speeds),
            "audio": self.options.audio,
            "reports": self.result.reports,
            "files": self.result.files + 1,
            "offline": self.result.offline,
            "seconds": round(time.monotonic() - started, 1),
        }
        self.write(f"/{MARKER}", json.dumps(info, indent=2).encode(), "meta")

    async def run(self) -> ExportResult:
        started = time.monotonic()
        library = services_of(self.app).store.library
        for slug in sorted(library.reports):
            await self.report(slug)
        for url in ("/", "/library", "/help", "/settings"):
            await self.copy(url, "page")
        await self.copy("/index.json", "json")
        await self.not_found()
        await self.assets()
        self.result.widget = await self.optional("/widget/v1/toolbar.js", "widget")
        if self.result.widget:
            await self.optional("/widget/v1/toolbar.css", "widget")
        self.result.offline = await self.optional("/sw.js", "offline")
        if self.result.offline:
            await self.offline_manifest()
        self.handoff_pages()
        self.extras()
        self.marker(started)
        return self.result


def _redirect_page(target: str, title: str, css: str, lang: str) -> str:
    """A page that sends the browser on (a meta refresh: our CSP forbids inline script)."""
    t, label = html.escape(target), html.escape(title or "继续")
    return (
        f'<!doctype html>\n<html lang="{html.escape(lang)}" class="kiosk-size-3 kiosk-scheme-default kiosk-spacing-18">\n'
        f'<head>\n  <meta charset="utf-8">\n  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'  <meta http-equiv="refresh" content="0; url={t}">\n  <meta name="robots" content="noindex">\n'
        f"  <title>{label}</title>\n"
        f'  <link rel="stylesheet" href="{html.escape(css)}">\n</head>\n'
        f'<body class="kiosk-page">\n  <main class="kiosk-main" id="main">\n'
        f'    <p class="kiosk-lead">正在打开 · Opening</p>\n'
        f'    <p><a class="kiosk-button" href="{t}">{label}</a></p>\n  </main>\n</body>\n</html>\n'
    )


def _unavailable_page(prefix: str, css: str, live: str) -> bytes:
    more = (
        f'<p><a class="kiosk-button" href="{html.escape(live)}/">在线服务 · Live service</a></p>'
        if live
        else ""
    )
    return (
        '<!doctype html>\n<html lang="zh-CN" class="kiosk-size-2 kiosk-scheme-default kiosk-spacing-15">\n'
        '<head>\n  <meta charset="utf-8">\n  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "  <title>此功能需要在线服务 · Needs the live service</title>\n"
        f'  <link rel="stylesheet" href="{html.escape(css)}">\n</head>\n'
        '<body class="kiosk-page">\n  <main class="kiosk-main" id="main">\n'
        '    <h1 class="kiosk-title">此功能需要在线服务</h1>\n'
        '    <p class="kiosk-lead">这是报告的静态副本：可以阅读和收听全部报告。智能问答、搜索和保存阅读设置需要连接在线服务。'
        "调整字号和配色请打开浏览器的 JavaScript，或使用浏览器自带的缩放。</p>\n"
        '    <p class="kiosk-lead" lang="en">This is a static copy of the reports: every report can be read and '
        "listened to. Questions, search and saving reading settings need the live service. To change the text "
        "size and colours, turn on JavaScript or use the browser's own zoom.</p>\n"
        f"    {more}\n"
        f'    <p><a class="kiosk-button" href="{html.escape(prefix)}/">返回报告列表 · All reports</a></p>\n'
        "  </main>\n</body>\n</html>\n"
    ).encode()


# --- entry points ----------------------------------------------------------------------


def _settings(options: ExportOptions) -> Settings:
    return Settings.from_env(
        kiosk_mode=options.kiosk,
        public_base_url=options.base_url,
        reload_interval=0,
        speech_prebuild=False,
        rate_limit="off",  # the export is one client asking for everything
        content_dir=options.content_dir or None,
        cache_dir=options.cache_dir or None,
    )


def _stage_for(out: Path) -> Path:
    return out.parent / f".{out.name}.partial-{os.getpid()}"


def _check_target(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise ExportError(
            f"{out} exists and is not an earlier export (no {MARKER}); give an empty or new folder"
        )


def export(
    options: ExportOptions,
    stream: TextIO | None = None,
    create: Callable[[Settings], Any] | None = None,
) -> ExportResult:
    """Write the static site into ``options.out`` (replacing an earlier export there)."""
    for speed in options.speeds:
        if speed not in SPEEDS:
            raise ExportError(f"unknown speed {speed!r}: one of {', '.join(SPEEDS)}")
    base_path(options.base_url)
    _live(options.live_url)
    out = options.out.resolve()
    _check_target(out)
    settings = _settings(options)
    app = (create or create_app)(settings)
    library = services_of(app).store.library
    if not library.reports:
        services_of(app).speech.close()
        raise ExportError(f"no reports in {settings.content_dir}")
    per_report = 4 + 2 * len(options.speeds) + (1 if options.audio else 0)
    sentences = sum(len(r.sentences) for r in library.reports.values())
    total = (
        len(library.reports) * per_report
        + (sentences * 2 * len(options.speeds) if options.audio else 0)
        + sum(1 for p in ASSETS.rglob("*") if p.is_file())
        + 2 * len(library.reports)
        + 12
    )
    stage = _stage_for(out)
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    progress = Progress(total, stream)
    started = time.monotonic()
    try:
        # In a thread of its own: the caller may be running an event loop already
        # (an async program, or a test session that drives a browser).
        with ThreadPoolExecutor(1, thread_name_prefix="kiosk-export") as pool:
            result = pool.submit(anyio.run, _Exporter(options, app, stage, progress).run).result()
        progress.close()
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        if out.exists():
            out.rename(old)
        stage.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        progress.close()
        shutil.rmtree(stage, ignore_errors=True)
        raise
    finally:
        services_of(app).speech.close()
    result.seconds = time.monotonic() - started
    return result
