"""Browser tests: a real server on a free port (tests/servers.py), driven by the
system Chromium.

Playwright's own browser download does not work on these machines, so the
tests launch Debian's /usr/bin/chromium. Screenshots go to test-output/.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, sync_playwright

from tests.servers import Server, start_server, stop_server

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
#: Chromium 156 opens a hidden WebUI omnibox popup renderer in every window, headless
#: too; it took ≈ 1 s of CPU in every 8 s of a test's waiting, and half of every page
#: load's (measured here). Chromium keeps the last --disable-features it is given, so
#: Playwright's own list (read from the installed driver) is repeated before ours.
OMNIBOX_POPUP = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup")


def _playwright_disabled_features() -> list[str]:
    """The features Playwright disables in Chromium (its driver's ``disabledFeatures``)."""
    import playwright

    for bundle in sorted((Path(playwright.__file__).parent / "driver").rglob("*.js")):
        text = bundle.read_text(encoding="utf-8", errors="replace")
        found = re.search(r"disabledFeatures = \[(.*?)\]", text, re.S)
        if found:
            return re.findall(r'^\s*"([A-Za-z0-9]+)"', found.group(1), re.M)
    return []


_PLAYWRIGHT_DISABLED = _playwright_disabled_features()
if _PLAYWRIGHT_DISABLED:  # else Playwright's own list would be lost: leave it alone
    CHROMIUM_ARGS.append("--disable-features=" + ",".join([*_PLAYWRIGHT_DISABLED, *OMNIBOX_POPUP]))
KIOSK: ViewportSize = {"width": 1080, "height": 1920}
PHONE: ViewportSize = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def kiosk_server(tmp_path_factory: pytest.TempPathFactory, audio_cache: Path) -> Iterator[Server]:
    server = start_server(
        tmp_path_factory.mktemp("kiosk"),
        audio_cache=audio_cache,
        KIOSK_KIOSK_MODE="1",
        KIOSK_IDLE_TIMEOUT="600",
    )
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def phone_server(tmp_path_factory: pytest.TempPathFactory, audio_cache: Path) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("phone"), audio_cache=audio_cache)
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
    b = launch(playwright)
    yield b
    b.close()


def launch(playwright: Playwright, *extra: str) -> Browser:
    """The system Chromium, headless, with :data:`CHROMIUM_ARGS` and ``extra``."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *extra]
    )


def with_microphone(playwright: Playwright, wav: Path) -> Browser:
    """Chromium whose microphone plays ``wav`` (16 kHz mono PCM, in a loop), allowed
    without asking."""
    return launch(
        playwright,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
    )


def new_page(browser: Browser, viewport: ViewportSize, **options: object) -> Page:
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


#: The id of the sentence the player highlights (null when none).
CURRENT = "document.querySelector('.kiosk-sentence--current')?.id || null"


def highlighted(page: Page, n: int, timeout: float) -> list[str]:
    """The ids the player highlights, in order, until ``n`` were seen (or ``timeout``)."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while len(seen) < n and time.monotonic() < deadline:
        current = page.evaluate(CURRENT)
        if current and (not seen or seen[-1] != current):
            seen.append(current)
        page.wait_for_timeout(50)
    return seen


#: A page is ready when it is loaded, its fonts are in (the paged reader lays out
#: again when they arrive) and kiosk.js has started its components.
READY = (
    "document.readyState === 'complete' && document.fonts.status === 'loaded'"
    " && !!window.Kiosk && !document.querySelector('[data-module]:not([data-module-started])')"
)


def goto(page: Page, url: str) -> None:
    """Open ``url`` and wait until the page is ready (never for network silence)."""
    page.goto(url)
    wait_for(page, READY)


def wait_for(page: Page, expression: str, timeout: float = 10.0) -> None:
    """Poll a JS expression until it is truthy. (Playwright's wait_for_function
    evaluates strings with eval in the page, which our CSP rightly forbids.)"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(expression):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"timed out waiting for {expression}")
