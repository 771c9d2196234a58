"""Browser tests: a real server on a free port, driven by the system Chromium.

Playwright's own browser download does not work on these machines, so the
tests launch Debian's /usr/bin/chromium. Screenshots go to test-output/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("KIOSK_TEST_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "tests" / "browser" / "vendor" / "axe-4.14.1.min.js"
OUTPUT = ROOT / "test-output"
#: Debian's Chromium on a machine without network: no background connections.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
]
KIOSK = {"width": 1080, "height": 1920}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    content: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(tmp: Path, **env: str) -> Server:
    content = tmp / "content"
    if not content.exists():
        shutil.copytree(ROOT / "content", content)
        for extra in (ROOT / "tests" / "browser" / "fixtures").glob("*.md"):
            shutil.copy(extra, content / extra.name)
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
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "serve"],
        env=environ,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/-/health", timeout=1):
                return Server(url, process, content)
        except OSError:
            if process.poll() is not None:
                message = process.stderr.read().decode() if process.stderr else "exited"
                raise RuntimeError(message) from None
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    if server.process.stderr:
        server.process.stderr.close()


@pytest.fixture(scope="session")
def kiosk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(
        tmp_path_factory.mktemp("kiosk"), KIOSK_KIOSK_MODE="1", KIOSK_IDLE_TIMEOUT="600"
    )
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def phone_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("phone"))
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium)")
    b = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield b
    b.close()


def new_page(browser: Browser, viewport: dict[str, int], **options: object) -> Page:
    context = browser.new_context(viewport=viewport, **options)  # type: ignore[arg-type]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Content Security Policy violations show up as console errors.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    page.errors = errors  # type: ignore[attr-defined]
    return page


def screenshot(page: Page, name: str) -> Path:
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def run_axe(page: Page, context: str = "document") -> list[dict[str, object]]:
    """axe-core with the WCAG 2.x A/AA/AAA and best-practice rules."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (ctx) => {
          const r = await axe.run(ctx === 'document' ? document : document.querySelector(ctx), {
            runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag2aaa','wcag21aa','wcag22aa','best-practice']},
          });
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                         nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }""",
        context,
    )
    return list(result)


def wait_for(page: Page, expression: str, timeout: float = 10.0) -> None:
    """Poll a JS expression until it is truthy. (Playwright's wait_for_function
    evaluates strings with eval in the page, which our CSP rightly forbids.)"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(expression):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"timed out waiting for {expression}")
