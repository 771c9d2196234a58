"""The ``kiosk`` command: serve, import, check, list."""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import models
from kiosk.config import SETTINGS, Settings, SettingsError
from kiosk.progress import Progress

if TYPE_CHECKING:
    from kiosk.content.library import Library


def _serve(args: argparse.Namespace) -> int:
    import uvicorn  # the commands import what they use: `kiosk check` starts fast

    from kiosk.web.app import create_app
    from kiosk.web.deps import services_of

    overrides = {s.name: getattr(args, s.name) for s in SETTINGS}
    overrides["content_dir"] = args.content or overrides["content_dir"]
    settings = Settings.from_env(**overrides)
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    app = create_app(settings)
    store = services_of(app).store
    print(
        f"Serving {len(store.library.reports)} reports from {settings.content_dir} "
        f"at http://{settings.host}:{settings.port}"
        + (f" ({store.library.rejected} rejected, see the log)" if store.library.rejected else ""),
        flush=True,
    )
    uvicorn.run(app, **uvicorn_options(settings))
    return 0


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.run``/``uvicorn.Config`` from the settings.

    Proxy headers are believed only from ``trusted_proxies`` (uvicorn's own
    default trusts 127.0.0.1, which lets anyone behind a same-host TCP proxy
    rotate X-Forwarded-For past every rate limit). Slow clients are bounded:
    headers within ``request_timeout`` (kiosk.web.serving), idle keep-alive
    connections closed after 5 s, at most ``max_connections`` at once, and an
    unfinished request head no larger than 64 KB.
    """
    from kiosk.web.serving import guarded_h11

    proxies = [p for p in re.split(r"[\s,]+", settings.trusted_proxies) if p]
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": proxies or None,
        "http": guarded_h11(settings.request_timeout),
        "timeout_keep_alive": 5,
        "limit_concurrency": settings.max_connections or None,
        "h11_max_incomplete_event_size": 64 * 1024,
    }


def _import(args: argparse.Namespace) -> int:
    from kiosk.content.batch import import_many, validated
    from kiosk.content.importer import import_file
    from kiosk.content.parse import ContentError

    paths = [Path(p) for p in args.sources]
    out = Path(args.output) if args.output not in (None, "-") else None
    batch = (
        len(paths) > 1
        or any(p.is_dir() for p in paths)
        or (out is not None and (out.is_dir() or str(args.output).endswith(("/", "\\"))))
    )
    if batch:
        if out is None:
            print("kiosk import: several sources need -o FOLDER", file=sys.stderr)
            return 2

        def progress(n: int, total: int, source: Path) -> None:
            done = int(30 * n / total)
            bar = f"[{'#' * done}{'.' * (30 - done)}] {n}/{total} {source.name[:40]}"
            print(f"\r{bar:<90}", end="", file=sys.stderr, flush=True)

        results = import_many(paths, out, args.origin_url, progress)
        print(file=sys.stderr)
        for r in results:
            print(r.summary())
            if args.explain and r.imported is not None:
                print(r.imported.explain())
        failed = sum(1 for r in results if r.error)
        print(f"{len(results)} files, {len(results) - failed} imported, {failed} failed")
        return 1 if failed or not results else 0
    source = paths[0]
    try:
        imported = import_file(source, origin_url=args.origin_url)
    except OSError as exc:
        print(f"{source}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        print(f"{source}: cannot import: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    text = imported.to_markdown()
    try:
        validated(out.stem if out else "report", text)
    except ContentError as exc:
        print(f"{source}: the output would not load: {exc}", file=sys.stderr)
        return 1
    if args.explain:
        sys.stdout.write(imported.explain())
    if out is None:
        if not args.explain:
            sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        print(f"{out}: {imported.meta.get('title')} ({len(imported.blocks)} blocks)")
    return 0


def _check(args: argparse.Namespace) -> int:
    from kiosk.content.chrome_check import chrome_problems
    from kiosk.content.library import check

    settings = Settings.from_env(content_dir=args.path)
    paths = [Path(p) for p in (args.paths or [settings.content_dir])]
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        print(f"{p}:0: no such file or folder")
    problems = check([p for p in paths if p.exists()], settings.max_content_bytes)
    problems += chrome_problems([p for p in paths if p.exists()])
    for problem in problems:
        print(problem)
    errors = [p for p in problems if p.severity == "error"]
    return 1 if errors or missing else 0


def _build_ime(settings: Settings, library: Library) -> None:
    """The 拼音 lexicon of the on-screen keyboard, into the cache folder."""
    import time

    from kiosk.ime import ImeService, parse_fuzzy

    started = time.monotonic()
    ImeService(settings.cache_path, parse_fuzzy(settings.ime_fuzzy)).ensure(library)
    print(f"kiosk build: 拼音 lexicon ready in {time.monotonic() - started:.1f} s")


def _build(args: argparse.Namespace) -> int:
    """Pre-generate every report's audio, with progress, ETA and a summary.

    Resumable: audio is cached under a content key and written atomically, so a build
    that was stopped continues where it was when run again."""
    import time

    from kiosk.content.library import load_library
    from kiosk.guide import build_prompts
    from kiosk.services import make_speech
    from kiosk.speech.engine import DEFAULT_GENDER, GENDERS, SpeechError, wav_duration
    from kiosk.speech.service import SPEEDS

    settings = Settings.from_env(content_dir=args.content)
    library = load_library(settings.content_path, settings.max_content_bytes)
    _build_ime(settings, library)
    speech = make_speech(settings)
    if not speech.available():
        print("kiosk build: the speech engine is unavailable (install espeak-ng)", file=sys.stderr)
        return 1
    if speech.fallback_reason:
        print(f"kiosk build: reading with eSpeak NG: {speech.fallback_reason}", file=sys.stderr)
    speeds = list(SPEEDS) if args.all_speeds else ["normal"]
    genders = list(GENDERS) if args.all_voices else [DEFAULT_GENDER]
    jobs = [
        u
        for r in library.newest_first()
        for s in speeds
        for g in genders
        for u in speech.utterances(r, s, g)
    ]
    todo = [u for u in jobs if speech.cached(u, "mp3") is None]
    print(
        f"{len(jobs)} sentences, {len(jobs) - len(todo)} already built, {len(todo)} to make "
        f"({speech.version})",
        file=sys.stderr,
    )
    started = time.monotonic()
    made_chars = 0
    failed = 0
    left_chars = sum(len(u.spoken) for u in todo)
    progress = Progress(len(todo))
    try:
        for utt in todo:
            try:
                speech.synthesize(utt, "mp3")
            except SpeechError as exc:
                failed += 1
                progress.note(f"{utt.sentence_id}: {exc}")
            made_chars += len(utt.spoken)
            left_chars -= len(utt.spoken)
            eta = (time.monotonic() - started) / made_chars * left_chars if made_chars else 0.0
            progress.step(f"{utt.sentence_id}, ETA {eta // 60:.0f} min {eta % 60:02.0f} s")
        prompts, prompt_failed = build_prompts(speech, genders)  # 语音导览's fixed prompts
        failed += prompt_failed
        seconds = size = 0.0
        for utt in jobs:
            mp3, wav = speech.cached(utt, "mp3"), speech.cached(utt, "wav")
            if mp3 is not None and wav is not None:
                size += mp3.stat().st_size
                seconds += wav_duration(wav)
    finally:
        speech.close()
        progress.close()
    took = time.monotonic() - started
    print(
        f"{len(library.reports)} reports, {len(jobs)} sentences, {seconds / 60:.1f} min of audio, "
        f"{size / 1e6:.1f} MB of MP3, {prompts} guide prompts made, {took:.1f} s"
        + (f", {failed} failed" if failed else "")
    )
    return 1 if failed else 0


def _export(args: argparse.Namespace) -> int:
    """Write the reading side as a static site, with a progress bar and a summary."""
    from kiosk.export import ExportError, ExportOptions, export
    from kiosk.speech.service import SPEEDS

    options = ExportOptions(
        out=Path(args.dir),
        base_url=args.base_url or Settings.from_env().public_base_url,
        live_url=args.live_url or "",
        kiosk=args.kiosk,
        speeds=tuple(SPEEDS) if args.speeds == "all" else ("normal",),
        audio=not args.no_audio,
        content_dir=args.content,
    )
    try:
        result = export(options)
    except ExportError as exc:
        print(f"kiosk export: {exc}", file=sys.stderr)
        return 1
    print(f"{args.dir}: {result.summary()}")
    return 0


def _models(args: argparse.Namespace) -> int:
    """Install or check the model files (kiosk/models.py)."""
    root = Path(args.models_dir or Settings.from_env().models_dir)
    names = args.names or list(models.MODELS)
    unknown = [n for n in names if n not in models.MODELS]
    if unknown:
        print(
            f"kiosk models: unknown model {unknown[0]!r} (known: {', '.join(models.MODELS)})",
            file=sys.stderr,
        )
        return 2
    failed = 0
    for name in names:
        if args.action == "install":
            try:
                folder = models.install(name, root, force=args.force)
            except (models.ModelError, OSError) as exc:
                failed += 1
                print(f"{name}: not installed: {exc}", file=sys.stderr)
                continue
            print(f"{name}: ok ({folder})")
        else:
            why = models.problem(name, root)
            failed += why is not None
            print(f"{name}: {why or 'ok'} ({root / name})")
    return 1 if failed else 0


def _list(args: argparse.Namespace) -> int:
    from kiosk.content.library import load_library

    settings = Settings.from_env(content_dir=args.content)
    library = load_library(settings.content_path, settings.max_content_bytes)
    for report in library.newest_first():
        m = report.meta
        print(f"{report.slug}\t{m.year or '-'}\t{m.date or '-'}\t{m.title}")
    if library.rejected:
        print(f"({library.rejected} files rejected; run `kiosk check`)", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the kiosk")
    serve.add_argument("--content", help="folder of reports (same as --content-dir)")
    for s in SETTINGS:  # every setting is a flag too: --name-with-dashes VALUE
        flag = s.type is bool  # --kiosk-mode alone means on
        serve.add_argument(
            "--" + s.name.replace("_", "-"),
            dest=s.name,
            metavar="VALUE",
            nargs="?" if flag else None,
            const="1" if flag else None,
            help=f"{s.help} (KIOSK_{s.name.upper()}; default {s.default!r})",
        )
    serve.set_defaults(func=_serve)

    imp = sub.add_parser(
        "import", help="turn portal pages (HTML or text) and attachments (PDF, .docx) into reports"
    )
    imp.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="saved pages (.html, .txt; UTF-8 or GB18030), .pdf or .docx files, or folders of them",
    )
    imp.add_argument(
        "-o",
        "--output",
        help="the report file to write (one source), or the folder (several; one <slug>.md each)",
    )
    imp.add_argument(
        "--explain",
        action="store_true",
        help="list each dropped line with its reason, the warnings, and the tables/figures kept",
    )
    imp.add_argument("--origin-url", help="the page's address on the portal")
    imp.set_defaults(func=_import)

    chk = sub.add_parser("check", help="validate report files; one line per problem")
    chk.add_argument("paths", nargs="*", help="files or folders (default: the content folder)")
    chk.set_defaults(func=_check, path=None)

    build = sub.add_parser("build", help="pre-generate the audio of every report")
    build.add_argument("--content", help="folder of reports (KIOSK_CONTENT_DIR)")
    build.add_argument("--all-speeds", action="store_true", help="slow and fast as well as normal")
    build.add_argument(
        "--all-voices", action="store_true", help="女声 and 男声, not only the default voice"
    )
    build.set_defaults(func=_build)

    exp = sub.add_parser("export", help="write the reports as a static site (for a CDN)")
    exp.add_argument("dir", help="folder to write (replaced atomically if it holds an export)")
    exp.add_argument("--content", help="folder of reports (KIOSK_CONTENT_DIR)")
    exp.add_argument(
        "--base-url",
        help="public address of the export, e.g. https://cdn.example.gov.cn/kiosk "
        "(links get its path; QR codes use it; default KIOSK_PUBLIC_BASE_URL)",
    )
    exp.add_argument(
        "--live-url",
        help="a running kiosk server for what cannot be static: reading settings without "
        "JavaScript, 智能问答, search, the QR code that follows the reader",
    )
    exp.add_argument("--kiosk", action="store_true", help="the kiosk layout instead of the phone's")
    exp.add_argument(
        "--speeds", choices=("normal", "all"), default="normal", help="audio speeds to include"
    )
    exp.add_argument(
        "--no-audio", action="store_true", help="text only: no audio files (the player says so)"
    )
    exp.set_defaults(func=_export)

    mod = sub.add_parser("models", help="install or check the model files (voice, recogniser)")
    mod.add_argument("action", choices=("install", "check"))
    mod.add_argument("names", nargs="*", help="models (default: all): kokoro, whisper-base")
    mod.add_argument("--models-dir", help="folder of the models (KIOSK_MODELS_DIR)")
    mod.add_argument("--force", action="store_true", help="rebuild even when the check passes")
    mod.set_defaults(func=_models)

    lst = sub.add_parser("list", help="list the reports in the content folder")
    lst.add_argument("--content", help="folder of reports (KIOSK_CONTENT_DIR)")
    lst.set_defaults(func=_list)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SettingsError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
