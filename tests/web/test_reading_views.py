"""Reading settings, the kiosk start screen, reset, help and the patterns page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kiosk.config import Settings
from kiosk.prefs import COOKIE
from kiosk.web.app import create_app

SLUG = "kundulun-2013-report"


@pytest.fixture
def kiosk_client(settings: Settings, lexicon_cache: Path) -> Iterator[TestClient]:
    values: dict[str, object] = {str(s["name"]): s["value"] for s in settings.to_json()}
    kiosk = Settings.from_env({}, **{**values, "kiosk_mode": True})
    with TestClient(create_app(kiosk)) as c:
        yield c


def test_settings_form_sets_cookie_and_returns(client: TestClient) -> None:
    response = client.post(
        "/settings", data={"size": "4", "next": f"/reports/{SLUG}"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/reports/{SLUG}"
    assert client.cookies[COOKIE] == "4.default.15.0.zh-CN"
    page = client.get(f"/reports/{SLUG}").text
    assert 'class="kiosk-size-4 kiosk-scheme-default kiosk-spacing-15"' in page


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil"]
)
def test_settings_never_redirect_off_site(client: TestClient, target: str) -> None:
    response = client.post(
        "/settings", data={"scheme": "dark", "next": target}, follow_redirects=False
    )
    assert response.headers["location"] == "/"


def test_settings_through_htmx_swap_the_panel(client: TestClient) -> None:
    response = client.post(
        "/settings", data={"scheme": "blue", "next": "/"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.template.name == "_settings_panel.html"  # type: ignore[attr-defined]
    assert response.text.lstrip().startswith('<section class="kiosk-settings"')
    trigger = json.loads(response.headers["HX-Trigger"])
    assert trigger["kiosk:prefs"]["htmlClass"] == "kiosk-size-2 kiosk-scheme-blue kiosk-spacing-15"
    assert 'value="blue" aria-pressed="true"' in response.text
    assert "HX-Refresh" not in response.headers
    changed = client.post("/settings", data={"lang": "en"}, headers={"HX-Request": "true"})
    assert changed.headers["HX-Refresh"] == "true"


def test_settings_page_works_without_javascript(client: TestClient) -> None:
    page = client.get(f"/settings?next=/reports/{SLUG}")
    assert page.status_code == 200
    assert 'action="/settings"' in page.text and 'method="post"' in page.text
    assert f'name="next" value="/reports/{SLUG}"' in page.text


def test_kiosk_start_screen_and_library(kiosk_client: TestClient) -> None:
    start = kiosk_client.get("/")
    assert start.template.name == "start.html"  # type: ignore[attr-defined]
    assert "轻触屏幕开始阅读" in start.text
    assert 'class="kiosk-size-2 kiosk-scheme-default kiosk-spacing-15 kiosk-mode"' in start.text
    assert 'id="kiosk-idle"' in start.text
    library = kiosk_client.get("/library")
    assert f'href="/reports/{SLUG}"' in library.text


def test_reset_forgets_the_visitor(kiosk_client: TestClient) -> None:
    kiosk_client.post("/settings", data={"scheme": "dark"})
    assert kiosk_client.get("/-/reset").status_code == 405  # no wiping by a link from elsewhere
    response = kiosk_client.post("/-/reset", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies"'
    assert COOKIE not in kiosk_client.cookies


def test_help_documents_the_keypad(client: TestClient) -> None:
    text = client.get("/help").text
    for key in ("Tab", "Enter", "Escape", "?", "PageDown"):
        assert key in text


def test_patterns_render_every_example(client: TestClient) -> None:
    response = client.get("/-/patterns")
    examples = response.context["examples"]  # type: ignore[attr-defined]
    components = {e["component"] for e in examples}
    assert components >= {"settings-panel", "page-turner", "report-tile", "toc", "idle-dialog"}
    assert response.text.count('class="kiosk-pattern"') == len(examples)


def test_bundles_are_immutable_and_versioned(client: TestClient) -> None:
    bundles = client.app.state.services.bundles  # type: ignore[attr-defined]
    for b in bundles.values():
        response = client.get(b.url)
        assert response.status_code == 200
        assert "immutable" in response.headers["cache-control"]
    assert client.get("/assets/bundle/kiosk-000000000000.css").status_code == 404
    js = client.get(bundles["js"].url).text
    assert 'Kiosk.modules["kiosk-page-turner"]' in js


def test_no_link_leaves_the_kiosk(kiosk_client: TestClient, content_dir) -> None:  # type: ignore[no-untyped-def]
    import re

    path = content_dir / f"{SLUG}.md"
    text = path.read_text(encoding="utf-8").replace(
        "category:", "origin_url: https://www.kundulun.gov.cn/a.html\ncategory:"
    )
    path.write_text(text, encoding="utf-8")
    kiosk_client.app.state.services.store.refresh()  # type: ignore[attr-defined]
    for page in ("/", "/library", f"/reports/{SLUG}", "/help", "/settings", "/nope"):
        html = kiosk_client.get(page).text
        for href in re.findall(r'(?:href|action|src)="([^"]+)"', html):
            assert href.startswith(("/", "#", "?")) and not href.startswith("//"), (page, href)


def test_a_phone_that_scanned_a_kiosk_code_gets_the_phone_layout(kiosk_client: TestClient) -> None:
    kiosk_client.cookies.set("kiosk_device", "phone")
    page = kiosk_client.get(f"/reports/{SLUG}").text
    assert "kiosk-mode" not in page.split(">", 2)[1]  # the <html> element
    assert kiosk_client.get("/").template.name == "home.html"  # type: ignore[attr-defined]
