"""The export's driver: fetch every URL through the app, rewrite, write, swap into place."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import anyio

from kiosk import handoff
from kiosk.config import Settings
from kiosk.export.client import AppClient, Reply
from kiosk.export.pages import redirect_page, unavailable_page
from kiosk.export.rewrite import (
    CODE,
    MARKER,
    Rewriter,
    base_path,
    file_for,
    live_base,
    path_of,
)
from kiosk.progress import Progress
from kiosk.resources import ASSETS
from kiosk.speech.service import FORMATS, SPEEDS
from kiosk.web.app import create_app
from kiosk.web.deps import services_of


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


# --- the export ------------------------------------------------------------------------


class _Exporter:
    def __init__(self, options: ExportOptions, app: Any, stage: Path, progress: Progress) -> None:
        self.options = options
        self.app = app
        self.stage = stage
        self.progress = progress
        self.client = AppClient(app, options.base_url)
        self.env = services_of(app).templates.env
        self.rewriter = Rewriter(base_path(options.base_url), live_base(options.live_url))
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
        self.progress.step(path_of(url))

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
                self.codes.update(CODE.findall(text))
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
            body = redirect_page(self.env, target, title, prefix + css, found.prefs.lang)
            for form in {f"R/{code}", f"r/{code}", f"R/{code.lower()}", f"r/{code.lower()}"}:
                self.write(f"/{form}", body, "handoff")
            self.result.codes += 1

    def extras(self) -> None:
        prefix = self.rewriter.prefix
        css = prefix + services_of(self.app).bundles["css"].url
        lang = services_of(self.app).settings.default_language
        page = unavailable_page(self.env, prefix, css, self.rewriter.live, lang)
        self.write("/unavailable/", page, "page")

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
    try:
        base_path(options.base_url)
        live_base(options.live_url)
    except ValueError as exc:
        raise ExportError(str(exc)) from None
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
