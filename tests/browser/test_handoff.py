"""The QR hand-off end to end: decode the code on the kiosk screen with zbar,
open it on a phone, land on the same sentence with the same settings; print."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser
from pyzbar.pyzbar import ZBarSymbol, decode

from tests.browser.conftest import KIOSK, PHONE, new_page
from tests.servers import Server, free_port

SLUG = "kundulun-2013-report"


def _decode(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png)).convert("L")
    return [d.data.decode() for d in decode(image, symbols=[ZBarSymbol.QRCODE])]


def test_scan_the_kiosk_and_continue_on_the_phone(
    browser: Browser, tmp_path: Path, serve: Callable[..., Server]
) -> None:
    # The phone reaches the kiosk's server at its loopback address in this test.
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    server = serve(KIOSK_KIOSK_MODE="1", KIOSK_PUBLIC_BASE_URL=public, KIOSK_PORT=str(port))
    kiosk = new_page(browser, KIOSK)
    kiosk.context.add_cookies(
        [{"name": "kiosk_prefs", "value": "4.blue.18.0.zh-CN", "url": server.url}]
    )
    kiosk.goto(f"{server.url}/reports/{SLUG}")
    kiosk.click(".kiosk-js-page-next")
    kiosk.click(".kiosk-js-page-next")
    first_on_page = kiosk.evaluate(
        """() => { const p = document.getElementById('kiosk-pages'); const b = p.getBoundingClientRect();
                   return [...p.querySelectorAll('.kiosk-sentence')].find(s => { const r = s.getBoundingClientRect();
                   return r.right > b.left + 1 && r.left < b.right - 1; }).id; }"""
    )
    kiosk.click(".kiosk-js-qr-open")
    kiosk.wait_for_timeout(1500)  # the card refreshes for the page shown
    png = kiosk.screenshot()
    (Path(__file__).resolve().parents[2] / "test-output").mkdir(exist_ok=True)
    (Path(__file__).resolve().parents[2] / "test-output" / "kiosk-qr-blue.png").write_bytes(png)
    urls = _decode(png)
    assert len(urls) == 1, urls
    url = urls[0]
    assert url.lower().startswith(public.lower() + "/r/")
    size = kiosk.evaluate(
        "document.querySelector('#kiosk-qr-panel .kiosk-qr-card__code').getBoundingClientRect().width"
    )
    assert size >= 300
    kiosk.context.close()

    phone = new_page(browser, PHONE)
    phone.goto(url)
    assert phone.url.startswith(f"{public}/reports/{SLUG}?from=kiosk")
    assert phone.url.endswith("#" + first_on_page)
    html_class = phone.locator("html").get_attribute("class") or ""
    assert (
        "kiosk-size-4" in html_class
        and "kiosk-scheme-blue" in html_class
        and "kiosk-spacing-18" in html_class
    )
    assert "从展厅继续" in phone.inner_text(".kiosk-notice")
    top = phone.evaluate(f"document.getElementById('{first_on_page}').getBoundingClientRect().top")
    assert 0 <= top < 844
    phone.context.close()


def test_print_is_large_black_on_white_with_the_code(
    browser: Browser, tmp_path: Path, serve: Callable[..., Server]
) -> None:
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    server = serve(KIOSK_PUBLIC_BASE_URL=public, KIOSK_PORT=str(port))
    page = new_page(browser, PHONE)
    page.context.add_cookies(
        [{"name": "kiosk_prefs", "value": "2.dark.15.0.zh-CN", "url": server.url}]
    )
    page.goto(f"{server.url}/reports/{SLUG}")
    page.emulate_media(media="print")
    styles = page.evaluate(
        """() => { const p = document.querySelector('.kiosk-report__body p'); const s = getComputedStyle(p);
                   return {size: parseFloat(s.fontSize), color: s.color, bg: getComputedStyle(document.body).backgroundColor,
                           buttons: [...document.querySelectorAll('button')].filter(b => b.getClientRects().length).length}; }"""
    )
    assert styles["size"] >= 16 * 96 / 72 - 0.5  # ≥ 16 pt
    assert styles["color"] == "rgb(0, 0, 0)" and styles["bg"] in (
        "rgb(255, 255, 255)",
        "rgba(0, 0, 0, 0)",
    )
    assert styles["buttons"] == 0
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
    if text.returncode == 0:
        assert "全文电子化率" in text.stdout.replace("\n", "")
    png = tmp_path / "page1"
    subprocess.run(
        ["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(pdf), str(png)], check=True
    )
    first = next(tmp_path.glob("page1*.png"))
    urls = _decode(first.read_bytes())
    assert urls and urls[0].lower().startswith(public.lower() + "/r/")
    page.context.close()
