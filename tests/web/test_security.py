"""Headers on every response, body limits, and no way out of the served folders."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

SLUG = "kundulun-2013-report"


@pytest.mark.parametrize(
    "path", ["/", f"/reports/{SLUG}", f"/reports/{SLUG}.json", "/-/health", "/nope", "/help"]
)
def test_headers_on_every_response(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'self'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["permissions-policy"]
    assert headers["x-frame-options"] == "SAMEORIGIN"


def test_pages_carry_no_inline_script_or_style(client: TestClient) -> None:
    for path in ("/", f"/reports/{SLUG}", "/settings", "/help", "/-/patterns"):
        html = client.get(path).text
        assert "<script>" not in html and "<style" not in html and ' style="' not in html
        assert " on" + "click=" not in html


def test_request_bodies_are_limited(client: TestClient) -> None:
    big = "x" * (70 * 1024)
    response = client.post("/settings", content=big, headers={"content-type": "text/plain"})
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(100):
            yield b"size=3&" * 200

    streamed = client.post(
        "/settings", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert streamed.status_code == 413


@pytest.mark.parametrize(
    "path",
    [
        "/assets/../kiosk/app.py",
        "/assets/%2e%2e/kiosk/app.py",
        "/assets/..%2fkiosk%2fapp.py",
        "/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/assets//etc/passwd",
        "/assets/css/kiosk.css%00.js",
        "/reports/..%2f..%2fetc%2fpasswd",
        f"/reports/{SLUG}%00",
        f"/audio/{SLUG}/normal/..%2f..%2f..%2fetc%2fpasswd.wav",
        "/audio/%2fetc%2fpasswd/normal/x.wav",
        "/assets/bundle/kiosk-..%2f..%2fapp.py",
    ],
)
def test_no_path_traversal(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert "import" not in response.text and "root:" not in response.text


@pytest.mark.parametrize("query", ["speed=../../x", "speed=" + "a" * 5000, "speed=%00"])
def test_query_parameters_are_validated(client: TestClient, query: str) -> None:
    assert client.get(f"/reports/{SLUG}/speech.json?{query}").status_code == 400


def test_hostile_report_content_is_never_markup(client: TestClient, content_dir) -> None:  # type: ignore[no-untyped-def]
    (content_dir / "hostile.md").write_text(
        '---\ntitle: "<script>alert(1)</script>"\n---\n'
        "<img src=x onerror=alert(1)> [x](javascript:alert(1)) <iframe src=//evil></iframe>\n",
        encoding="utf-8",
    )
    client.app.state.services.store.refresh()  # type: ignore[attr-defined]
    html = client.get("/reports/hostile").text
    assert "<script>alert" not in html and "<img" not in html and "<iframe" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html


def test_expensive_routes_are_rate_limited(settings) -> None:  # type: ignore[no-untyped-def]
    from kiosk.config import Settings
    from kiosk.web.app import create_app

    values = {s["name"]: s["value"] for s in settings.to_json()}
    with TestClient(create_app(Settings.from_env({}, **{**values, "rate_limit": "3/60/3"}))) as c:
        codes = [c.get("/ask.json", params={"q": "热线"}).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
        refused = c.get("/search.json", params={"q": "公开"})
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert "too many requests" in refused.json()["error"]
        assert c.get(f"/reports/{SLUG}").status_code == 200  # reading is never limited
