"""Shared fixtures: a content folder per test, settings and an app client over
it, the session's warm audio cache, and servers started the one way
(tests/servers.py)."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from kiosk.config import Settings
from kiosk.content.library import load_library
from kiosk.guide import build_prompts
from kiosk.ime.service import ImeService, load_base
from kiosk.search.index import SearchIndex
from kiosk.services import make_speech
from kiosk.web.app import create_app
from tests.servers import Server, content_with_fixtures, copy_warm, start_server, stop_server

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SEED_MD = CONTENT / "kundulun-2013-report.md"

# Whatever reads settings from the environment (kiosk export, servers started by tests)
# speaks with eSpeak NG, which is fast; the natural voice has its own tests.
os.environ.setdefault("KIOSK_SPEECH_ENGINE", "pyttsx3")


#: Test modules (or folders) whose tests share something costly made once per worker
#: (an export, nginx, a model, the 拼音 engine): `--dist loadgroup` keeps each on one
#: worker and shares every other test out one by one. Named here, not with
#: ``xdist_group`` marks: pytest 9.2 no longer lets pytest-xdist group by them
#: (pytest-xdist#1386, the marks are silently ignored).
ONE_WORKER = (
    "tests/web/test_export.py",
    "tests/browser/test_nginx.py",
    "tests/browser/test_toolbar.py",
    "tests/unit/speech/test_kokoro.py",
    "tests/unit/asr/",
    "tests/web/test_asr_views.py",
    "tests/unit/ime/",
)


@pytest.hookimpl(optionalhook=True)  # pytest -p no:xdist still runs
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadgroup` with the groups of :data:`ONE_WORKER`."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneWorkerGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            group = next((g for g in ONE_WORKER if path.startswith(g)), None)
            return group or nodeid

    return OneWorkerGroups(config, log)


def pytest_configure(config: pytest.Config) -> None:
    """Temporary folders in memory (/dev/shm) when the machine has it and TMPDIR does
    not say otherwise: every app a test starts creates its SQLite search index, and
    on a busy disk its fsyncs, not the test, took most of the time."""
    if "TMPDIR" not in os.environ and os.access("/dev/shm", os.W_OK):
        tempfile.tempdir = "/dev/shm"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled content."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def settings_over(content_dir: Path, cache_dir: Path, **overrides: Any) -> Settings:
    """The tests' settings over a content and a cache folder, with ``overrides``."""
    values: dict[str, Any] = {
        "content_dir": str(content_dir),
        "cache_dir": str(cache_dir),
        "reload_interval": 0,
        "speech_prebuild": False,
        # Tests that need audio but no particular voice use eSpeak NG (fast); the
        # natural voice has its own tests (tests/unit/speech/test_kokoro.py).
        "speech_engine": "pyttsx3",
        "allowed_hosts": "testserver",  # the host TestClient sends
    }
    return Settings.from_env({}, **{**values, **overrides})


@pytest.fixture
def make_settings(content_dir: Path, tmp_path: Path) -> Callable[..., Settings]:
    """Settings over this test's content and cache, with ``overrides`` (real settings)."""

    def make(**overrides: Any) -> Settings:
        return settings_over(content_dir, tmp_path / "cache", **overrides)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


#: Where the warm folders are kept between runs (``KIOSK_TEST_KEEP=0``: not kept).
KEPT = ROOT / ".cache" / "tests"
#: What the warm folders are made from: when any of it changes, they are made anew.
_MADE_FROM = (
    "content",
    "tests/browser/fixtures",
    "tests/conftest.py",
    "tests/servers.py",
    "kiosk/speech",
    "kiosk/content",
    "kiosk/ime",
    "kiosk/search/_text.py",
    "kiosk/search/_lexicon.py",
    "kiosk/search/_rows.py",
    "kiosk/search/index.py",
    "kiosk/locale",
    "kiosk/guide.py",
    "kiosk/config.py",
    "kiosk/services.py",
    "kiosk/caching.py",
)


def _made_from() -> str:
    """A digest of the sources, the eSpeak NG and LAME versions and the segmentation packages."""
    digest = hashlib.sha256()
    for name in _MADE_FROM:
        top = ROOT / name
        for path in sorted([top] if top.is_file() else top.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    for tool in ("espeak-ng", "lame"):
        with contextlib.suppress(OSError):
            run = subprocess.run([tool, "--version"], capture_output=True, text=True)
            digest.update(run.stdout.encode())
    for package in ("jieba", "pypinyin"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{package} {metadata.version(package)}".encode())
    return digest.hexdigest()[:16]


def _made_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """``make(folder)`` once per session, shared by pytest-xdist's workers (the first
    makes it, the others wait on the lock); returns the folder. What was made is kept
    in .cache/tests/ under a digest of what it is made from (sources, content, eSpeak
    NG's version): the next run copies it instead of making it again (≈ 30 s of
    speech synthesis and lexicon building, on one core, before the first test)."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # one folder for the workers' session
        base = base.parent
    tmp = base / name
    tmp.mkdir(exist_ok=True)
    with open(tmp / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (tmp / ".done").exists():
            keep = os.environ.get("KIOSK_TEST_KEEP") != "0"
            if not (keep and _copy_kept(name, tmp)):
                make(tmp)
                if keep:
                    _keep(tmp, name)
            (tmp / ".done").touch()
    return tmp


@contextlib.contextmanager
def _kept_lock(mode: int) -> Iterator[None]:
    """Between test runs (two at once: an edit while `make test` runs): shared while
    copying from .cache/tests, exclusive while replacing what is there."""
    KEPT.mkdir(parents=True, exist_ok=True)
    with open(KEPT / ".lock", "w") as lock:
        fcntl.flock(lock, mode)
        yield


def _copy_kept(name: str, tmp: Path) -> bool:
    """Copy the kept folder for ``name`` into ``tmp``; False when none is kept for the
    current sources, or the copy fails (then it is made)."""
    kept = KEPT / f"{name}-{_made_from()}"
    with _kept_lock(fcntl.LOCK_SH):
        if not (kept / ".done").exists():
            return False
        try:
            shutil.copytree(kept, tmp, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".lock"))
        except OSError:
            return False
    return True


def _keep(made: Path, name: str) -> None:
    """Keep a copy of ``made`` for the next runs, in place of older copies of ``name``."""
    with _kept_lock(fcntl.LOCK_EX):
        kept = KEPT / f"{name}-{_made_from()}"
        for old in KEPT.glob(f"{name}-*"):
            if re.fullmatch(rf"{re.escape(name)}-[0-9a-f]{{16}}(\.partial)?", old.name):
                shutil.rmtree(old, ignore_errors=True)
        partial = kept.with_name(kept.name + ".partial")
        shutil.copytree(made, partial, ignore=shutil.ignore_patterns(".lock"))
        (partial / ".done").touch()
        partial.rename(kept)


@pytest.fixture(scope="session")
def lexicon_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding the 拼音 base lexicon, built once per session (≈ 12 s
    of CPU) and loaded into this process, where every app then finds it (kiosk mode
    builds the lexicon at start-up). The base depends only on the installed jieba and
    pypinyin, so sharing it changes nothing a test sees; the reports' layer, which
    depends on the content, is still made by each app."""
    cache = _made_once(tmp_path_factory, "warm-lexicon", _make_lexicon)
    load_base(cache)  # from the file (or this process's memory): milliseconds
    return cache


def _make_lexicon(tmp: Path) -> None:
    load_base(tmp)


@pytest.fixture(scope="session")
def audio_cache(tmp_path_factory: pytest.TempPathFactory, lexicon_cache: Path) -> Path:
    """A warm cache folder, made once per session: every sentence's audio (WAV and
    MP3, normal speed) of the bundled content and the fixture reports, 语音导览's
    fixed prompts (default voice: what a kiosk server prebuilds at start-up), the
    拼音 lexicons and the search index of that content. Audio is keyed by what is
    spoken, a lexicon by what it was built from and an indexed report by its hash, so
    tests copy it (``copy_warm``) or share it freely; only the speech tests, which are
    about making audio, start without it."""
    return _made_once(tmp_path_factory, "warm-audio", _make_audio) / "cache"


def _make_audio(tmp: Path) -> None:
    settings = Settings.from_env(
        {},
        content_dir=str(content_with_fixtures(tmp)),
        cache_dir=str(tmp / "cache"),
        speech_engine="pyttsx3",  # what the servers of tests/servers.py speak with
    )
    library = load_library(settings.content_path, settings.max_content_bytes)
    speech = make_speech(settings)
    try:
        plan = [u for r in library.reports.values() for u in speech.utterances(r)]
        for utt in plan:  # one engine: one sentence at a time
            speech.synthesize(utt, "wav")
        with ThreadPoolExecutor(2) as pool:  # the MP3 encoder runs beside it
            mp3 = pool.map(lambda u: speech.synthesize(u, "mp3"), plan)
            build_prompts(speech)
            list(mp3)
    finally:
        speech.close()
    ImeService(settings.cache_path, frozenset()).ensure(library)  # base (in memory) + reports
    index = SearchIndex(settings.cache_path)  # a server then starts without tokenising
    try:
        index.sync(library)
    finally:
        index.close()


@pytest.fixture
def warm_client(
    make_settings: Callable[..., Settings], audio_cache: Path, tmp_path: Path
) -> Iterator[TestClient]:
    """``client`` whose cache starts with the session's audio."""
    copy_warm(audio_cache, tmp_path / "cache")
    with TestClient(create_app(make_settings())) as c:
        yield c


@pytest.fixture
def serve(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[..., Server]]:
    """Start ``kiosk serve`` (tests/servers.start_server) over this test's folder,
    its audio cache seeded from the session's (``warm=False``: an empty cache);
    ``env`` holds ``KIOSK_*`` settings. Every server started is stopped at the end."""
    started: list[Server] = []

    def start(*, warm: bool = True, **env: str) -> Server:
        audio = request.getfixturevalue("audio_cache") if warm else None
        server = start_server(tmp_path, audio_cache=audio, **env)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_server(server)
