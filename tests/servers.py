"""The one way the tests start a server: ``kiosk serve`` (or nginx) in a process
of its own on a free port, ready when a concrete URL answers.

Browser, nginx, offline and fault tests use :func:`start_server` (through the
``serve`` fixture of tests/conftest.py where they can); nginx goes through the
same :func:`spawn`. Audio and the 拼音 base lexicon come pre-made from the session's warm cache
(``audio_cache``) when a test passes one, so no test synthesises the library or
builds the lexicon again.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.search._rows import FILENAME

ROOT = Path(__file__).resolve().parent.parent
#: The short-sentence report the reading tests use beside the bundled content.
FIXTURES = ROOT / "tests" / "browser" / "fixtures"


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    content: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def content_with_fixtures(tmp: Path) -> Path:
    """``tmp/content``: the bundled reports plus the browser tests' fixture reports."""
    content = tmp / "content"
    if not content.exists():
        shutil.copytree(ROOT / "content", content)
        for extra in FIXTURES.glob("*.md"):
            shutil.copy(extra, content / extra.name)
    return content


def copy_warm(warm: Path, cache: Path) -> None:
    """Seed ``cache`` with the audio, the 拼音 lexicons and the search index of ``warm``
    (a cache folder): audio is keyed by what is spoken, a lexicon by what it was built
    from and an indexed report by its hash, so a copy is never stale; the rest (QR
    codes) is made anew. Files are hard links where they can be (a cache replaces a file
    by renaming a new one over it, never by writing into it): 100 MB of audio linked,
    not copied, for every server a test starts."""
    for part in ("audio", "ime"):
        if (warm / part).is_dir() and not (cache / part).exists():
            shutil.copytree(warm / part, cache / part, copy_function=_link_or_copy)
    if (warm / FILENAME).is_file() and not (cache / FILENAME).exists():
        shutil.copy2(warm / FILENAME, cache / FILENAME)  # SQLite writes into it: a copy


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)


def spawn(
    command: Sequence[str],
    ready: Callable[[], bool],
    *,
    env: dict[str, str] | None = None,
    timeout: float = 30,
    describe: Callable[[], str] = lambda: "",
    cwd: Path = ROOT,
) -> subprocess.Popen[bytes]:
    """Start ``command`` in ``cwd`` and return once ``ready()`` is true (or fail with
    its stderr)."""
    process = subprocess.Popen(
        list(command),
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return process
        if process.poll() is not None:
            message = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"{command[0]} exited: {message}{describe()}")
        time.sleep(0.05)
    stop(process)
    raise RuntimeError(f"{command[0]} did not start in {timeout} s{describe()}")


def answers(url: str) -> Callable[[], bool]:
    def ready() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return True
        except OSError:
            return False

    return ready


def start_server(tmp: Path, *, audio_cache: Path | None = None, **env: str) -> Server:
    """``kiosk serve`` over ``tmp/content`` (made by :func:`content_with_fixtures` unless
    it exists) with its cache in ``tmp/cache``; ``env`` holds ``KIOSK_*`` settings."""
    content = content_with_fixtures(tmp)
    if audio_cache is not None:
        copy_warm(audio_cache, tmp / "cache")
    port = int(env.pop("KIOSK_PORT", 0)) or free_port()
    environ = {
        **os.environ,
        "KIOSK_CONTENT_DIR": str(content),
        "KIOSK_CACHE_DIR": str(tmp / "cache"),
        "KIOSK_PORT": str(port),
        "KIOSK_LOG_LEVEL": "warning",
        "KIOSK_SPEECH_ENGINE": "pyttsx3",  # fast; the natural voice has its own tests
        **env,
    }
    url = f"http://127.0.0.1:{port}"
    process = spawn(
        [sys.executable, "-m", "kiosk.cli", "serve"], answers(url + "/-/health"), env=environ
    )
    return Server(url, process, content)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stderr:
        process.stderr.close()


def stop_server(server: Server) -> None:
    stop(server.process)
