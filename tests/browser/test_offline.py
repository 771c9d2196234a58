"""The offline kiosk: a service worker keeps every report, its audio and the
bundles. With the network off (Playwright's offline mode) or the server stopped,
the kiosk opens reports and reads them aloud; a content change reaches the kiosk
at its next online moment as one whole new version, never a mix.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable

from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from kiosk.prefs import COOKIE
from tests.browser.conftest import KIOSK, highlighted, new_page, screenshot, wait_for
from tests.servers import Server, stop_server

SHORT = "/reports/short-sentences"
SEED = "/reports/kundulun-2013-report"
CACHES = "caches.keys().then(k => k.filter(n => n.startsWith('kiosk-offline-')))"


#: A kiosk server whose content reloads quickly; no rate limit (every test kiosk
#: downloads the whole library at once from the same address). Its audio cache starts
#: with the session's (tests/conftest.py audio_cache): only changed sentences are made.
OFFLINE = {
    "KIOSK_KIOSK_MODE": "1",
    "KIOSK_IDLE_TIMEOUT": "600",
    "KIOSK_RELOAD_INTERVAL": "0.5",
    "KIOSK_RATE_LIMIT": "off",
}


def _wait_across_reloads(page: Page, expression: str, timeout: float) -> None:
    """conftest.wait_for, for a page that may reload itself meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError as exc:  # the page reloaded under the evaluation
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {expression}")


def _version(server: Server) -> str:
    with urllib.request.urlopen(server.url + "/-/offline-manifest.json", timeout=30) as r:
        return str(json.loads(r.read())["version"])


def _installed(page: Page, server: Server, timeout: float = 240) -> str:
    """Open the start screen, where the kiosk registers the worker (after
    data-offline-delay seconds: none here), and wait until it controls the page
    with a complete cache. Returns the cache's name."""
    page.goto(server.url + "/")
    page.evaluate("document.documentElement.setAttribute('data-offline-delay', '0')")
    wait_for(page, "navigator.serviceWorker.controller !== null", timeout=timeout)
    (name,) = page.evaluate(CACHES)
    return str(name)


def _reads_three(page: Page, ids: list[str] | None = None, n: int = 3) -> list[str]:
    """Press 朗读 and watch the highlight move over three sentences, in order."""
    page.click(".kiosk-js-player-main")
    seen = highlighted(page, n, timeout=15 * n)
    page.click(".kiosk-js-player-main")  # pause
    assert len(seen) >= n, seen
    assert page.evaluate("document.querySelector('.kiosk-player__status').textContent").strip()
    if ids is not None:
        assert seen[:n] == ids[:n], (seen, ids[:n])
    return seen


def _speech_ids(page: Page, slug_path: str) -> list[str]:
    data = page.evaluate("(u) => fetch(u).then(r => r.json())", slug_path + "/speech-normal.json")
    return [s["id"] for s in data["sentences"]]


def _page_ids(page: Page) -> list[str]:
    return list(page.evaluate("[...document.querySelectorAll('.kiosk-sentence')].map(s => s.id)"))


def test_offline_mode_and_a_stopped_server(browser: Browser, serve: Callable[..., Server]) -> None:
    server = serve(**OFFLINE)
    page = new_page(browser, KIOSK)
    page.goto(server.url + SHORT)
    page.wait_for_timeout(1500)
    assert page.evaluate("navigator.serviceWorker.getRegistrations()") == []  # not while reading
    name = _installed(page, server)
    assert name == "kiosk-offline-" + _version(server)
    # Everything in the manifest is in the cache.
    count = page.evaluate(f"caches.open('{name}').then(c => c.keys()).then(k => k.length)")
    with urllib.request.urlopen(server.url + "/-/offline-manifest.json") as r:
        manifest = json.loads(r.read())
    assert count == manifest["count"] == len(manifest["urls"])
    audio = [
        u for u in manifest["urls"] if u.startswith("/audio/short-sentences/normal/")
    ]  # 108 + 6 headings
    assert len(audio) == 114 and all(".mp3?v=" in u for u in audio)

    # The network goes away: the kiosk opens another report and reads it from the cache.
    page.context.set_offline(True)
    page.goto(server.url + SEED)
    assert page.locator(".kiosk-report__title").inner_text().startswith("昆都仑区")
    # Its first sentence plays, its audio from the cache (the seed's sentences are
    # long: the short report below shows the reading going on from one to the next).
    page.evaluate(
        "window.spoken = 0; document.addEventListener('kiosk:speaking', () => window.spoken++)"
    )
    page.click(".kiosk-js-player-main")
    wait_for(page, "window.spoken > 0", timeout=15)  # the audio's time moved
    assert highlighted(page, 1, timeout=5) == _speech_ids(page, server.url + SEED)[:1]
    page.click(".kiosk-js-player-main")  # pause
    page.goto(server.url + SHORT)
    order = _speech_ids(page, server.url + SHORT)
    _reads_three(page, order)
    page.context.set_offline(False)

    # The server stops: the start screen, the library and the reports still open and read.
    stop_server(server)
    page.goto(server.url + "/")
    assert page.locator(".kiosk-start__go").is_visible()
    page.goto(server.url + "/library")
    page.click(f"a[href='{SHORT}']")
    page.wait_for_url(server.url + SHORT)
    _reads_three(page, order)
    screenshot(page, "offline-kiosk-server-stopped")
    # A page nobody cached says so instead of the browser's error page.
    page.goto(server.url + "/reports/never-published")
    assert "暂时无法连接服务器" in page.inner_text("body")
    # The idle reset (a POST to /-/reset) still ends on the start screen.
    page.goto(server.url + SHORT)
    page.evaluate(
        "() => { const f = document.createElement('form'); f.method = 'post';"
        " f.action = '/-/reset'; document.body.appendChild(f); f.submit(); }"
    )
    page.wait_for_url(server.url + "/")
    assert page.locator(".kiosk-start__go").is_visible()
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_a_content_change_switches_the_kiosk_to_the_new_version_whole(
    browser: Browser, serve: Callable[..., Server]
) -> None:
    server = serve(**OFFLINE)
    page = new_page(browser, KIOSK)
    old_cache = _installed(page, server)
    page.goto(server.url + SHORT)
    old_ids = _page_ids(page)
    assert _speech_ids(page, server.url + SHORT) == old_ids

    # Offline, the content changes on the server.
    page.context.set_offline(True)
    source = server.content / "short-sentences.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace("这是第1句。", "这是改过的第一句。"),
        encoding="utf-8",
    )
    old_version = old_cache.removeprefix("kiosk-offline-")
    deadline = time.monotonic() + 20
    while _version(server) == old_version:  # the server's reload
        assert time.monotonic() < deadline, "the server did not reload the content"
        time.sleep(0.2)
    new_version = _version(server)
    # Still offline: the kiosk shows the old version, whole.
    page.reload()
    assert "这是第1句。" in page.inner_text(".kiosk-report__body")
    assert _page_ids(page) == old_ids == _speech_ids(page, server.url + SHORT)

    # Online again: the kiosk fetches the new worker and installs the new version beside
    # the old one — but someone is listening, so nothing changes under them.
    page.evaluate("document.documentElement.setAttribute('data-offline-quiet', '0')")
    page.click(".kiosk-js-player-main")
    wait_for(page, "document.documentElement.classList.contains('kiosk-speaking')")
    page.context.set_offline(False)
    wait_for(page, "navigator.serviceWorker.getRegistration().then(r => !!r && !!r.waiting)", 240)
    page.wait_for_timeout(2000)
    assert page.evaluate(CACHES) == [old_cache, "kiosk-offline-" + new_version]
    assert "这是第1句。" in page.inner_text(".kiosk-report__body")
    # The reading is over (the visitor moves on): the kiosk switches, reloads and drops
    # the old cache.
    page.goto(server.url + SHORT)
    page.evaluate("document.documentElement.setAttribute('data-offline-quiet', '0')")
    _wait_across_reloads(page, f"{CACHES}.then(k => k.length === 1 && k[0] !== '{old_cache}')", 240)
    _wait_across_reloads(
        page, "document.querySelector('.kiosk-report__body')?.innerText.includes('改过的')", 30
    )
    page.wait_for_load_state()
    assert page.evaluate(CACHES) == ["kiosk-offline-" + new_version]
    new_ids = _page_ids(page)
    assert new_ids != old_ids and _speech_ids(page, server.url + SHORT) == new_ids

    # Offline again, and with the server gone: the new version, whole — text and audio.
    page.context.set_offline(True)
    page.goto(server.url + SEED)
    page.goto(server.url + SHORT)
    assert "这是改过的第一句。" in page.inner_text(".kiosk-report__body")
    assert _page_ids(page) == new_ids == _speech_ids(page, server.url + SHORT)
    _reads_three(page, new_ids)
    page.context.set_offline(False)
    stop_server(server)
    page.reload()
    assert _page_ids(page) == new_ids == _speech_ids(page, server.url + SHORT)
    _reads_three(page, new_ids)
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_the_idle_reset_keeps_the_offline_copy(
    browser: Browser, serve: Callable[..., Server]
) -> None:
    server = serve(**OFFLINE)
    request = urllib.request.Request(server.url + "/-/reset", method="POST")
    opener = urllib.request.build_opener(_NoRedirect)
    with opener.open(request) as reply:
        header = reply.headers.get("Clear-Site-Data", "")
    # "storage" would unregister the worker, empty its cache and abort the navigation
    # to the start screen, after every visitor; idle-dialog.js clears localStorage and
    # sessionStorage itself.
    assert '"cookies"' in header and '"storage"' not in header, header
    page = new_page(browser, KIOSK)
    name = _installed(page, server)
    page.context.add_cookies([{"name": COOKIE, "value": "4.blue.18.0.zh-CN", "url": server.url}])
    page.goto(server.url + SHORT)
    with page.expect_navigation():
        page.evaluate(
            "() => { const f = document.createElement('form'); f.method = 'post';"
            " f.action = '/-/reset'; document.body.appendChild(f); f.submit(); }"
        )
    page.wait_for_url(server.url + "/")
    assert page.context.cookies() == []
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    assert page.evaluate(CACHES) == [name]
    page.context.set_offline(True)
    page.goto(server.url + SHORT)
    _reads_three(page, _speech_ids(page, server.url + SHORT))
    page.context.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None

    def http_error_303(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
        return fp
