"""The request layer against a hostile client (issue 14, items 1, 10-15)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
import uvicorn
from starlette.testclient import TestClient

from kiosk.app import create_app
from kiosk.cli import uvicorn_options
from kiosk.config import Settings
from kiosk.limits import RateLimiter, client_key

EVIL = "https://evil.example"
PUBLIC = "https://kiosk.example.gov.cn"


def _settings(content_dir: Path, tmp_path: Path, **values: object) -> Settings:
    base: dict[str, object] = {
        "content_dir": str(content_dir),
        "cache_dir": str(tmp_path / "cache"),
        "reload_interval": 0,
        "speech_prebuild": False,
        "speech_engine": "none",
    }
    return Settings.from_env({}, **{**base, **values})


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), follow_redirects=False) as c:
        yield c


# --- 10. CSRF ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/settings", "/-/reset"])
def test_cross_site_posts_are_refused(client: TestClient, path: str) -> None:
    assert client.post(path, data={"size": "large"}, headers={"Origin": EVIL}).status_code == 403
    cross = {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"}
    assert client.post(path, data={"size": "large"}, headers=cross).status_code == 403


def test_same_origin_posts_still_work(client: TestClient) -> None:
    own = client.post("/settings", data={"size": "large"}, headers={"Origin": "http://testserver"})
    assert own.status_code == 303
    fetch = client.post("/-/reset", headers={"Sec-Fetch-Site": "same-origin"})
    assert fetch.status_code in (200, 303)
    assert client.post("/settings", data={"size": "large"}).status_code == 303  # no browser


# --- 11. Host header -------------------------------------------------------------


def test_unknown_hosts_get_400_when_the_public_address_is_set(
    content_dir: Path, tmp_path: Path
) -> None:
    settings = _settings(content_dir, tmp_path, public_base_url=PUBLIC)
    with TestClient(create_app(settings), base_url="http://evil.example") as evil:
        assert evil.get("/").status_code == 400
    with TestClient(create_app(settings), base_url=PUBLIC) as ours:
        assert ours.get("/").status_code == 200


def test_a_forged_host_does_not_make_a_qr_code_for_it(content_dir: Path, tmp_path: Path) -> None:
    settings = _settings(content_dir, tmp_path)  # nothing configured: any Host is answered
    with TestClient(create_app(settings), base_url="http://evil.example") as evil:
        response = evil.get("/api/qr.svg", params={"url": "http://evil.example/phish"})
        assert response.status_code == 403


# --- 15. HSTS and Secure cookies ---------------------------------------------------


def test_https_public_address_adds_hsts_and_secure_cookies(
    content_dir: Path, tmp_path: Path
) -> None:
    settings = _settings(content_dir, tmp_path, public_base_url=PUBLIC)
    with TestClient(create_app(settings), base_url=PUBLIC, follow_redirects=False) as c:
        response = c.post("/settings", data={"size": "large"}, headers={"Origin": PUBLIC})
        assert response.status_code == 303
        assert "max-age=" in response.headers["strict-transport-security"]
        cookies = response.headers.get_list("set-cookie")
        assert cookies and all("Secure" in cookie for cookie in cookies)


def test_plain_http_has_no_hsts(client: TestClient) -> None:
    assert "strict-transport-security" not in client.get("/").headers


# --- 14. /qr/<slug>.svg is rate limited ---------------------------------------------


def test_report_qr_codes_are_rate_limited(content_dir: Path, tmp_path: Path) -> None:
    settings = _settings(
        content_dir,
        tmp_path,
        public_base_url=PUBLIC,
        rate_limit="2/60/2",
        allowed_hosts="testserver",
    )
    with TestClient(create_app(settings)) as c:
        codes = [c.get("/qr/kundulun-2013-report.svg").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


# --- 1. IPv6 clients per /64 ---------------------------------------------------------


def test_ipv6_clients_share_a_bucket_per_64() -> None:
    assert (
        client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    )
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_key("192.0.2.7") == "192.0.2.7"
    limiter = RateLimiter(2, 60, burst=2)
    assert limiter.check(client_key("2001:db8::1")) is None
    assert limiter.check(client_key("2001:db8::2")) is None
    assert limiter.check(client_key("2001:db8::3")) is not None  # same /64: the third is refused
    assert limiter.check(client_key("2001:db8:0:1::1")) is None


def test_the_web_layer_limits_ipv6_clients_per_64(content_dir: Path, tmp_path: Path) -> None:
    settings = _settings(content_dir, tmp_path, rate_limit="2/60/2")
    app = create_app(settings)
    codes = []
    for n, host in enumerate(["2001:db8::1", "2001:db8::2", "2001:db8::3", "2001:db8:0:1::1"]):
        with TestClient(app, client=(host, 5000 + n)) as c:
            codes.append(c.get("/ask", params={"q": "就业"}).status_code)
    assert codes == [200, 200, 429, 200]


# --- 12, 13. kiosk serve: proxies, slow clients ---------------------------------------


def test_proxy_headers_are_off_unless_proxies_are_trusted(
    content_dir: Path, tmp_path: Path
) -> None:
    plain = uvicorn_options(_settings(content_dir, tmp_path))
    assert plain["proxy_headers"] is False
    behind = uvicorn_options(_settings(content_dir, tmp_path, trusted_proxies="127.0.0.1, ::1"))
    assert behind["proxy_headers"] is True and behind["forwarded_allow_ips"] == ["127.0.0.1", "::1"]
    assert plain["limit_concurrency"] == 500 and plain["timeout_keep_alive"] <= 5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(content_dir: Path, tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A real `kiosk serve` configuration with a 1-second request timeout."""
    settings = _settings(
        content_dir, tmp_path, port=_free_port(), request_timeout=1.0, log_level="warning"
    )
    config = uvicorn.Config(create_app(settings), **uvicorn_options(settings))
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started
    yield settings.host, settings.port
    srv.should_exit = True
    thread.join(10)


def _read_all(sock: socket.socket, timeout: float) -> bytes:
    sock.settimeout(timeout)
    data = b""
    try:
        while chunk := sock.recv(4096):
            data += chunk
    except TimeoutError:
        return data + b"<still open>"
    return data


def test_slow_request_heads_are_cut_off(server: tuple[str, int]) -> None:
    with socket.create_connection(server) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        started = time.monotonic()
        assert _read_all(sock, 8) == b""  # closed by the server
        assert time.monotonic() - started < 6


def test_slow_bodies_get_408_and_aborted_bodies_one_log_line(
    server: tuple[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    head = (
        b"POST /settings HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nsize="
    )
    with socket.create_connection(server) as sock:
        sock.sendall(head)
        answer = _read_all(sock, 8)
    assert answer.startswith(b"HTTP/1.1 408")
    with caplog.at_level(logging.INFO):
        with socket.create_connection(server) as sock:
            sock.sendall(head)
        time.sleep(1.5)
    lines = [r for r in caplog.records if "went away" in r.getMessage()]
    assert len(lines) == 1
    assert not [r for r in caplog.records if r.exc_info]


def test_the_body_deadline_ends_with_the_body() -> None:
    """A response that streams past the deadline, listening for a disconnect, is not cut."""
    from collections.abc import AsyncIterator

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import StreamingResponse
    from starlette.routing import Route

    from kiosk.web.security import SecurityMiddleware

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(3):
            await anyio.sleep(0.2)
            yield b"x"

    async def slow(request: object) -> StreamingResponse:
        return StreamingResponse(chunks())

    app = Starlette(
        routes=[Route("/", slow)], middleware=[Middleware(SecurityMiddleware, body_timeout=0.1)]
    )
    with TestClient(app) as c:
        response = c.get("/")
    assert response.status_code == 200 and response.content == b"xxx"


@pytest.mark.usefixtures("lexicon_cache")  # a kiosk-mode app builds the 拼音 lexicon
def test_the_guide_prompt_works_under_the_host_and_csrf_rules(settings: Settings) -> None:
    """语音导览's prompt is a GET: same-origin fetches pass, a foreign Host does not."""
    kiosk = settings.replace(kiosk_mode=True, public_base_url=PUBLIC)
    params = {"lang": "zh-CN", "text": "帮助"}
    with TestClient(create_app(kiosk), base_url=PUBLIC) as ours:
        fetched = ours.get(
            "/guide/prompt.wav", params=params, headers={"Sec-Fetch-Site": "same-origin"}
        )
        assert fetched.status_code == 200 and fetched.headers["content-type"] == "audio/wav"
        assert "max-age=" in fetched.headers["strict-transport-security"]
    with TestClient(create_app(kiosk), base_url="http://evil.example") as evil:
        assert evil.get("/guide/prompt.wav", params=params).status_code == 400
