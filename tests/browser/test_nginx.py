"""The static export served by Debian's nginx under a sub-path (/kiosk/), as a CDN
or a web server would: MIME types, reading settings in the browser, reading
aloud, and the QR hand-off resolving through nginx to the report."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser
from pyzbar.pyzbar import ZBarSymbol, decode

from kiosk.export import ExportResult
from kiosk.web.security import CSP
from tests._export_site import SHORT, build
from tests.browser.conftest import (
    KIOSK,
    PHONE,
    highlighted,
    new_page,
    screenshot,
    wait_for,
)
from tests.servers import content_with_fixtures, copy_warm, free_port, spawn, stop

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "/kiosk"

NGINX_CONF = """\
daemon off;
{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 128; }}
http {{
  access_log {tmp}/access.log;
  client_body_temp_path {tmp}/client_body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  types {{
    text/html html;
    text/css css;
    text/javascript js;
    application/json json;
    image/svg+xml svg;
    image/png png;
    font/woff2 woff2;
    audio/mpeg mp3;
    audio/wav wav;
    text/plain txt LICENSE;
  }}
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/css text/javascript application/json image/svg+xml;
  sendfile on;
  server {{
    listen 127.0.0.1:{port};
    root {www};
{locations}
  }}
}}
"""
LOCATION = """\
    location {prefix}/ {{
      # $uri/index.html first: $uri/ alone answers /x with a 301 to /x/.
      try_files $uri $uri/index.html $uri/ =404;
      error_page 404 {prefix}/404.html;
      add_header Content-Security-Policy "{csp}" always;
      add_header X-Content-Type-Options nosniff always;
    }}
"""
#: A second export in the kiosk layout, for a hall's kiosks (offline copy included).
HALL = "/hall"


@dataclass
class Nginx:
    url: str  # http://127.0.0.1:PORT/kiosk
    hall: str  # http://127.0.0.1:PORT/hall
    process: subprocess.Popen[bytes]
    site: Path
    result: ExportResult


def _nginx() -> str:
    """Debian's nginx; installed here when missing and we may (make test installs it)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if found:
        return found
    done = subprocess.run(
        [str(ROOT / "scripts" / "system-packages.sh"), "nginx"], capture_output=True, text=True
    )
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        pytest.skip(f"nginx is not installed and could not be installed: {done.stderr.strip()}")
    return found


def _listening(port: int) -> Callable[[], bool]:
    def ready() -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    return ready


@pytest.fixture(scope="module")
def nginx(tmp_path_factory: pytest.TempPathFactory, audio_cache: Path) -> Iterator[Nginx]:
    exe = _nginx()
    tmp = tmp_path_factory.mktemp("nginx")
    port = free_port()
    url = f"http://127.0.0.1:{port}{PREFIX}"
    www = tmp / "www"
    www.mkdir()
    content = content_with_fixtures(tmp)
    cache = tmp / "cache"
    copy_warm(audio_cache, cache)
    # The public address is the nginx one: the QR codes lead there.
    result, _ = build(www / PREFIX.strip("/"), content, cache, url)
    hall = f"http://127.0.0.1:{port}{HALL}"
    build(www / HALL.strip("/"), content, cache, hall, kiosk=True)
    csp = CSP.replace('"', '\\"')
    conf = tmp / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            # As root, nginx's workers would run as nobody, who cannot read pytest's 0700
            # temporary folders.
            user="user root;" if os.geteuid() == 0 else "",
            tmp=tmp,
            port=port,
            www=www,
            locations="".join(LOCATION.format(prefix=p, csp=csp) for p in (PREFIX, HALL)),
        ),
        encoding="utf-8",
    )
    log = tmp / "error.log"
    process = spawn(
        [exe, "-p", str(tmp), "-c", str(conf)],
        _listening(port),
        timeout=15,
        describe=lambda: log.read_text() if log.exists() else "",
    )
    try:
        yield Nginx(url, hall, process, www / PREFIX.strip("/"), result)
    finally:
        stop(process)  # SIGTERM: nginx's fast shutdown
    errors = (tmp / "error.log").read_text() if (tmp / "error.log").exists() else ""
    assert "[emerg]" not in errors and "[crit]" not in errors, errors


def _head(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=10) as r:
            return r.status, r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code, ""


def test_nginx_serves_the_export_with_the_right_types(nginx: Nginx) -> None:
    wav = next((nginx.site / "audio" / SHORT / "normal").glob("*.wav")).name
    expected = {
        f"/reports/{SHORT}": "text/html; charset=utf-8",
        "/": "text/html; charset=utf-8",
        f"/reports/{SHORT}.json": "application/json; charset=utf-8",
        f"/reports/{SHORT}/speech-normal.json": "application/json; charset=utf-8",
        f"/audio/{SHORT}/normal/{wav}": "audio/wav",
        f"/audio/{SHORT}/normal/{wav[:-4]}.mp3": "audio/mpeg",
        f"/reports/{SHORT}/audio.mp3": "audio/mpeg",
        "/assets/vendor/htmx-4.0.1.min.js": "text/javascript; charset=utf-8",
        "/assets/export/static-settings.js": "text/javascript; charset=utf-8",
        "/sw.js": "text/javascript; charset=utf-8",
    }
    for path, ctype in expected.items():
        assert _head(nginx.url + path) == (200, ctype), path
    assert _head(nginx.url + "/reports/never-published")[0] == 404


def test_read_change_settings_listen_and_hand_off_through_nginx(
    browser: Browser, nginx: Nginx
) -> None:
    page = new_page(browser, PHONE)
    page.goto(f"{nginx.url}/reports/{SHORT}")
    assert page.locator(".kiosk-report__title").inner_text() == "朗读测试报告"
    # Every script and style sheet came through nginx under the CSP (no console errors).
    wait_for(page, "document.documentElement.classList.contains('kiosk-js')")

    # Reading settings work in the browser: 黑底白字, size 4; kept across pages.
    page.click(".kiosk-js-settings-open")
    page.click(".kiosk-settings__swatch--dark")
    page.click(".kiosk-settings__option--size-4")
    html_class = page.get_attribute("html", "class") or ""
    assert "kiosk-scheme-dark" in html_class and "kiosk-size-4" in html_class
    assert page.get_attribute(".kiosk-settings__swatch--dark", "aria-pressed") == "true"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.click(".kiosk-settings__close")
    page.goto(f"{nginx.url}/library")
    assert "kiosk-scheme-dark" in (page.get_attribute("html", "class") or "")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == background
    # The language lives on the live server, which this export does not have.
    page.goto(f"{nginx.url}/reports/{SHORT}")
    assert page.locator(".kiosk-settings__option[lang=en]").is_disabled()

    # Listen: the highlight moves over three sentences, in order, from nginx's audio files.
    order = [
        s["id"]
        for s in page.request.get(f"{nginx.url}/reports/{SHORT}/speech.json").json()["sentences"]
    ]
    page.click(".kiosk-js-player-main")
    seen = highlighted(page, 3, timeout=30)
    page.click(".kiosk-js-player-main")
    assert seen[:3] == order[:3], seen

    # The QR code, scanned off a desktop's screen (a phone has no 手机扫码), opens
    # the report through nginx.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click(".kiosk-js-qr-open")
    page.wait_for_timeout(300)
    png = screenshot(page, "nginx-export-qr")
    image = Image.open(io.BytesIO(png.read_bytes())).convert("L")
    (scanned,) = [d.data.decode() for d in decode(image, symbols=[ZBarSymbol.QRCODE])]
    assert scanned.lower().startswith(nginx.url.lower() + "/r/")
    phone = new_page(browser, PHONE)
    phone.goto(scanned)
    phone.wait_for_url(f"{nginx.url}/reports/{SHORT}")
    assert phone.locator(".kiosk-report__title").inner_text() == "朗读测试报告"
    # Typed by hand from the link under the code, in lower case.
    phone.goto(scanned.replace("/R/", "/r/").lower().replace(nginx.url.lower(), nginx.url))
    phone.wait_for_url(f"{nginx.url}/reports/{SHORT}")
    screenshot(phone, "nginx-export-phone")
    assert page.errors == [] and phone.errors == []  # type: ignore[attr-defined]
    phone.context.close()
    page.context.close()


def test_a_hall_kiosk_from_the_static_export_reads_offline(browser: Browser, nginx: Nginx) -> None:
    """The kiosk layout exported under /hall/: its service worker (scope /hall/) keeps
    the whole library; with the network gone the kiosk opens a report and reads it."""
    page = new_page(browser, KIOSK)
    page.goto(nginx.hall + "/")
    assert page.locator(".kiosk-start__go").is_visible()
    page.evaluate("document.documentElement.setAttribute('data-offline-delay', '0')")
    wait_for(page, "navigator.serviceWorker.controller !== null", timeout=120)
    scope = page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.scope)")
    assert scope == nginx.hall + "/"
    page.context.set_offline(True)
    page.click(".kiosk-start__go")
    page.wait_for_url(nginx.hall + "/library")
    page.click(f"a[href='{HALL}/reports/{SHORT}']")
    page.wait_for_url(f"{nginx.hall}/reports/{SHORT}")
    page.click(".kiosk-js-player-main")
    seen = highlighted(page, 3, timeout=30)
    assert len(seen) >= 3, seen
    screenshot(page, "nginx-hall-offline")
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()
