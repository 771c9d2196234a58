"""The embeddable toolbar's server side: its files, /api/speak, /api/pinyin,
/api/qr.svg, CORS for allowlisted origins only, rate limits, the demo page."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import wave
from collections.abc import Callable, Iterator

import pytest
import yaml
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from bench import widget_size
from kiosk import toolbar
from kiosk.config import Settings
from kiosk.limits import RateLimiter, retry_after
from kiosk.web import cors
from kiosk.web.app import create_app
from kiosk.web.routes import routes
from tests.unit.test_qr import decode_svg

PORTAL = "https://portal.example.gov.cn"
SHORT = "2013年,未收到政府信息公开申请。"
OWN = "http://testserver"


@pytest.fixture
def toolbar_app(make_settings: Callable[..., Settings]) -> Callable[..., Starlette]:
    """The real app with the toolbar's settings of these tests, and ``overrides``."""

    def make(**overrides: object) -> Starlette:
        values: dict[str, object] = {
            "widget_allowed_origins": f"{PORTAL}, http://localhost:8080/ , *",
            "speak_rate_limit": "1000/60",
        }
        return create_app(make_settings(**{**values, **overrides}))

    return make


@pytest.fixture
def api(toolbar_app: Callable[..., Starlette]) -> Iterator[TestClient]:
    with TestClient(toolbar_app()) as client:
        yield client


def _speak(client: TestClient, body: object, **kwargs: object) -> object:
    return client.post("/api/speak", json=body, **kwargs)  # type: ignore[arg-type]


# -- the files -------------------------------------------------------------------------


def test_toolbar_js_is_self_contained_ascii_and_cached(api: TestClient) -> None:
    response = api.get("/widget/v1/toolbar.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=3600"
    body = response.content
    body.decode("ascii")  # works on GBK host pages whatever the charset
    text = body.decode()
    assert "/*@inline toolbar.css*/" not in text and ".t__launcher{" in text
    assert "\\u65e0\\u969c\\u788d" in text  # 无障碍, escaped
    # Nothing is ever loaded from anyone else: the only absolute URL is the SVG namespace.
    assert set(re.findall(r"https?://[^\s\"'<>)]+", text)) == {"http://www.w3.org/2000/svg"}
    assert "document.cookie" not in text and "innerHTML" not in text
    etag = response.headers["etag"]
    again = api.get("/widget/v1/toolbar.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_served_toolbar_js_parses(tmp_path: object) -> None:
    path = tmp_path / "toolbar.js"  # type: ignore[operator]
    path.write_bytes(toolbar.build_toolbar_js().body)
    subprocess.run(["node", "--check", str(path)], check=True, capture_output=True)


def test_toolbar_css_is_served(api: TestClient) -> None:
    response = api.get("/widget/v1/toolbar.css")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert ":host" in response.text


def test_compaction_keeps_every_code_line() -> None:
    source = (
        "// a comment\n/**\n * doc\n */\nvar a = 1; // kept\n"
        "/** @type {X} */ (b).c();\n  /* one */\nvar d = a\n  * 2;\n"
    )
    assert toolbar._compact_js(source).splitlines() == [
        "var a = 1; // kept",
        "/** @type {X} */ (b).c();",
        "var d = a",
        "* 2;",
    ]


def test_the_toolbar_is_within_its_budget() -> None:
    sizes = widget_size.budget()
    assert sizes["within_budget"] is True
    assert 0 < int(sizes["served_gzip_bytes"]) <= 20 * 1024
    assert int(sizes["served_bytes"]) < int(sizes["js_bytes"]) + int(sizes["css_bytes"])


# -- /api/speak --------------------------------------------------------------------------


def test_speak_returns_cached_audio(api: TestClient) -> None:
    first = api.post("/api/speak", json={"text": SHORT, "lang": "zh-CN", "speed": "fast"})
    assert first.status_code == 200
    assert first.headers["content-type"] == "audio/mpeg"
    assert first.headers["cache-control"] == "public, max-age=86400"
    assert len(first.content) > 2000
    speech = api.app.state.services.speech  # type: ignore[attr-defined]
    utterance = speech.adhoc(SHORT, "zh-CN", "fast")
    assert utterance.spoken.startswith("二〇一三年")
    assert speech.cached(utterance, "mp3") is not None
    again = api.post("/api/speak", json={"text": f"  {SHORT}\n", "speed": "fast"})
    assert again.content == first.content  # same key: trimmed, zh-CN by default
    wav = api.post("/api/speak?format=wav", json={"text": "Open data", "lang": "en-GB"})
    assert wav.status_code == 200 and wav.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(wav.content)) as w:
        assert w.getnframes() / w.getframerate() > 0.3


def test_speak_takes_exactly_500_characters(toolbar_app: Callable[..., Starlette]) -> None:
    text = ("政务公开。" * 100)[:500]
    # The longest text in one go: on a busy machine it may take longer than the
    # default speech_timeout (10 s), which is not what this test is about.
    with TestClient(toolbar_app(speech_timeout=120)) as api:
        assert api.post("/api/speak?format=wav", json={"text": text}).status_code == 200
        assert api.post("/api/speak", json={"text": text + "开"}).status_code == 422


JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("body", "headers", "status", "message"),
    [
        (json.dumps({"text": "字" * 501}), JSON, 422, "longer than 500"),
        (json.dumps({"text": ""}), JSON, 422, "empty"),
        (json.dumps({"text": " \n\t "}), JSON, 422, "empty"),
        (json.dumps({}), JSON, 422, "must be a string"),
        (json.dumps({"text": 5}), JSON, 422, "must be a string"),
        (json.dumps({"text": None}), JSON, 422, "must be a string"),
        (json.dumps({"text": ["a"]}), JSON, 422, "must be a string"),
        (json.dumps({"text": "a\x00b"}), JSON, 422, "control characters"),
        (json.dumps({"text": "铃\x07"}), JSON, 422, "control characters"),
        ('{"text": "\\ud800 lone surrogate"}', JSON, 422, "control characters"),
        (json.dumps({"text": "bad \ufffd bytes"}), JSON, 422, "control characters"),
        (json.dumps({"text": "private \ue000 use"}), JSON, 422, "control characters"),
        (json.dumps({"text": "。。。！"}), JSON, 422, "nothing to speak"),
        (json.dumps({"text": SHORT, "speed": "warp"}), JSON, 422, "speed must be"),
        (json.dumps({"text": SHORT, "speed": 1}), JSON, 422, "speed must be"),
        (json.dumps({"text": SHORT, "lang": "fr"}), JSON, 422, "lang must be"),
        (json.dumps({"text": SHORT, "lang": ["zh"]}), JSON, 422, "lang must be"),
        (b'{"text": "\xff\xfe\x00"}', JSON, 400, "not valid JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", JSON, 400, "not valid JSON"),
        (b"text=hello", JSON, 400, "not valid JSON"),
        (b"", JSON, 400, "not valid JSON"),
        (b"[" * 10000, JSON, 400, "not valid JSON"),
        (b'["text"]', JSON, 400, "JSON object"),
        (b'"text"', JSON, 400, "JSON object"),
        (json.dumps({"text": SHORT}), {"content-type": "text/plain"}, 415, "application/json"),
        (b"text=hello", {"content-type": "application/x-www-form-urlencoded"}, 415, "JSON"),
        (json.dumps({"text": "x" * 20000}), JSON, 413, "larger than"),
    ],
)
def test_speak_refuses_bad_input_with_json_errors(
    api: TestClient, body: str | bytes, headers: dict[str, str], status: int, message: str
) -> None:
    response = api.post("/api/speak", content=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert message in response.json()["error"]
    assert response.json()["status"] == status


def test_errors_never_reflect_the_input(api: TestClient) -> None:
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    for body in ({"text": evil * 20}, {"text": evil, "speed": evil}, {"text": evil, "lang": evil}):
        response = api.post("/api/speak", json=body)
        assert response.status_code == 422
        assert "<" not in response.text and "alert" not in response.text
    response = api.post("/api/speak?format=%3Cb%3E", json={"text": SHORT})
    assert response.status_code == 400 and "<b>" not in response.text
    response = api.get("/api/qr.svg", params={"url": "https://evil.example/<script>"})
    assert response.status_code == 403 and "<script>" not in response.text


def test_speak_is_post_only(api: TestClient) -> None:
    response = api.get("/api/speak")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/json"


def test_speak_without_an_engine_is_503(toolbar_app: Callable[..., Starlette]) -> None:
    with TestClient(toolbar_app(speech_engine="none")) as client:
        response = client.post("/api/speak", json={"text": SHORT})
    assert response.status_code == 503
    assert "unavailable" in response.json()["error"]


# -- rate limits ---------------------------------------------------------------------------


def test_a_flood_gets_429_with_retry_after(toolbar_app: Callable[..., Starlette]) -> None:
    with TestClient(toolbar_app(speak_rate_limit="30/60")) as client:
        statuses = [_speak(client, {"text": ""}).status_code for _ in range(10)]  # type: ignore[attr-defined]
        assert statuses == [422] * 10  # the burst: 10 requests, refused for their content
        limited = client.post("/api/speak", json={"text": SHORT}, headers={"Origin": PORTAL})
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "2"  # 30 a minute: a token every 2 s
        assert "too many requests" in limited.json()["error"]
        assert limited.headers["access-control-allow-origin"] == PORTAL  # the page can read it
        # Cheaper routes have their own, larger bucket.
        assert client.post("/api/pinyin", json={"text": "政府"}).status_code == 200
        limiter = client.app.state.services.limiters.speak  # type: ignore[attr-defined]
        assert (limiter.rate, limiter.per, limiter.burst) == (30.0, 60.0, 10)


def test_rate_limit_can_be_switched_off(toolbar_app: Callable[..., Starlette]) -> None:
    with TestClient(toolbar_app(speak_rate_limit="off")) as client:
        assert all(_speak(client, {"text": ""}).status_code == 422 for _ in range(40))  # type: ignore[attr-defined]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket() -> None:
    clock = Clock()
    limiter = RateLimiter(30, 60, burst=10, clock=clock)
    assert [limiter.check("a") for _ in range(10)] == [None] * 10
    assert limiter.check("a") == pytest.approx(2.0)
    assert limiter.check("b") is None  # per key
    clock.now += 1.0
    assert limiter.check("a") == pytest.approx(1.0)  # still waiting, nothing taken
    clock.now += 1.0
    assert limiter.check("a") is None
    clock.now += 3600
    assert [limiter.check("a") for _ in range(11)].count(None) == 10  # never more than the burst
    limiter.reset("a")
    assert limiter.check("a") is None
    assert retry_after(0.01) == "1" and retry_after(2.0) == "2" and retry_after(2.1) == "3"


def test_token_bucket_forgets_the_least_recently_used() -> None:
    limiter = RateLimiter(1, 60, burst=1, max_keys=3)
    for key in "abcd":
        assert limiter.check(key) is None
    assert limiter.tracked == 3
    assert limiter.check("a") is None  # forgotten, so full again
    assert limiter.check("d") is not None


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("30/60", (30.0, 60.0, 10)),
        ("5/1", (5.0, 1.0, 5)),
        (" 30 / 60 / 3 ", (30.0, 60.0, 3)),
        ("", None),
        ("off", None),
        ("0", None),
        ("0/60", None),
    ],
)
def test_rate_limit_settings(spec: str, expected: tuple[float, float, int] | None) -> None:
    limiter = RateLimiter.from_setting(spec)
    if expected is None:
        assert limiter is None
    else:
        assert limiter is not None and (limiter.rate, limiter.per, limiter.burst) == expected


@pytest.mark.parametrize("spec", ["abc", "30", "30/", "-1/60", "30/60/x"])
def test_bad_rate_limit_settings(spec: str) -> None:
    with pytest.raises(ValueError):
        RateLimiter.from_setting(spec)


# -- CORS ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/speak", "/api/pinyin"])
def test_preflight_answers_allowlisted_origins_only(api: TestClient, path: str) -> None:
    ask = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    for origin in (PORTAL, "http://localhost:8080", OWN):
        response = api.options(path, headers={"Origin": origin, **ask})
        assert response.status_code == 204
        assert response.headers["access-control-allow-origin"] == origin
        assert "POST" in response.headers["access-control-allow-methods"]
        assert response.headers["access-control-allow-headers"] == "Content-Type"
        assert response.headers["vary"] == "Origin"
    for origin in ("https://evil.example", "null", "https://anything.example", PORTAL + ":8443"):
        response = api.options(path, headers={"Origin": origin, **ask})
        assert response.status_code == 403
        assert "access-control-allow-origin" not in response.headers
        assert "widget_allowed_origins" in response.json()["error"]
    plain = api.options(path)
    assert plain.status_code == 204 and plain.headers["allow"] == "POST, OPTIONS"


def test_cors_headers_echo_allowlisted_origins_and_never_star(api: TestClient) -> None:
    ok = api.post("/api/pinyin", json={"text": "政府"}, headers={"Origin": PORTAL})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == PORTAL
    assert ok.headers["vary"] == "Origin"
    foreign = api.post(
        "/api/pinyin", json={"text": "政府"}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    assert "access-control-allow-origin" not in foreign.headers
    speak = api.post("/api/speak", json={"text": SHORT}, headers={"Origin": "https://evil.example"})
    assert speak.status_code == 403 and "access-control-allow-origin" not in speak.headers
    no_origin = api.post("/api/pinyin", json={"text": "政府"})  # curl, servers: no CORS at all
    assert no_origin.status_code == 200 and "access-control-allow-origin" not in no_origin.headers
    for response in (ok, foreign, speak, no_origin):
        assert response.headers.get("access-control-allow-origin") != "*"


def test_only_our_own_origin_without_the_setting(toolbar_app: Callable[..., Starlette]) -> None:
    with TestClient(toolbar_app(widget_allowed_origins="")) as client:
        mine = client.post("/api/pinyin", json={"text": "政"}, headers={"Origin": OWN})
        assert mine.headers["access-control-allow-origin"] == OWN
        theirs = client.post("/api/pinyin", json={"text": "政"}, headers={"Origin": PORTAL})
        assert theirs.status_code == 403


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://Portal.Example.gov.cn/a/b?c#d", "https://portal.example.gov.cn"),
        ("https://portal.example.gov.cn:443/", "https://portal.example.gov.cn"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://[::1]:8000/x", "http://[::1]:8000"),
        ("ftp://portal.example.gov.cn/", None),
        ("javascript:alert(1)", None),
        ("https://user:pw@portal.example.gov.cn/", None),
        ("https://portal.example.gov.cn:99999/", None),
        ("*", None),
        ("", None),
    ],
)
def test_origin_normalisation(url: str, origin: str | None) -> None:
    assert cors.origin_of(url) == origin


# -- /api/pinyin ---------------------------------------------------------------------------


def test_pinyin_per_character(api: TestClient) -> None:
    text = "银行行长 2013年还款,重庆😀"
    data = api.post("/api/pinyin", json={"text": text}).json()
    assert data["text"] == text
    assert [i["char"] for i in data["items"]] == list(text)
    readings = [i["pinyin"] for i in data["items"]]
    assert readings[:4] == ["yín", "háng", "háng", "zhǎng"]
    assert readings[4:9] == [None] * 5  # the space and the digits
    assert readings[9:12] == ["nián", "huán", "kuǎn"]
    assert readings[12] is None and readings[13:15] == ["chóng", "qìng"] and readings[15] is None


def test_pinyin_collapses_whitespace_and_refuses_junk(api: TestClient) -> None:
    assert api.post("/api/pinyin", json={"text": " 政\n\n府 "}).json()["text"] == "政 府"
    assert api.post("/api/pinyin", json={"text": "政" * 501}).status_code == 422
    assert api.post("/api/pinyin", json={"text": "a\x1bb"}).status_code == 422
    assert api.post("/api/pinyin", content=b"nope", headers=JSON).status_code == 400
    assert (
        api.post("/api/pinyin", content=b"{}", headers={"content-type": "text/plain"}).status_code
        == 415
    )


# -- /api/qr.svg -----------------------------------------------------------------------------


def test_qr_codes_of_allowlisted_pages(api: TestClient) -> None:
    for url in (f"{OWN}/widget/demo?example=default", f"{PORTAL}/art/2014/1/30/art_1.html"):
        response = api.get("/api/qr.svg", params={"url": url})
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/svg+xml"
        assert response.headers["cache-control"] == "public, max-age=86400"
        assert 'aria-label="本页二维码' in response.text
        assert decode_svg(response.text) == [url.encode()]
    english = api.get("/api/qr.svg", params={"url": f"{OWN}/", "lang": "en"})
    assert 'aria-label="QR code: open this page' in english.text


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("https://evil.example/phish", 403),
        ("https://portal.example.gov.cn.evil.example/", 403),
        (f"{PORTAL}:8443/", 403),
        ("", 400),
        ("javascript:alert(1)", 400),
        ("data:text/html,hi", 400),
        ("https://user:pw@portal.example.gov.cn/", 400),
        (f"{PORTAL}/page#fragment", 400),
        (f"{PORTAL}/" + "a" * 600, 400),
        (f"{PORTAL}/" + "a" * 3000, 400),
    ],
)
def test_qr_codes_of_anything_else_are_refused(api: TestClient, url: str, status: int) -> None:
    response = api.get("/api/qr.svg", params={"url": url})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"


# -- the demo page -------------------------------------------------------------------------


def test_demo_is_a_portal_page_with_the_one_tag(api: TestClient) -> None:
    response = api.get("/widget/demo")
    assert response.status_code == 200
    assert response.template.name == "widget_demo.html"  # type: ignore[attr-defined]
    html = response.text
    assert f'<script src="{OWN}/widget/v1/toolbar.js" defer></script>' in html
    for chrome in (
        "登录",
        "智慧昆都仑",
        "请用手机扫码访问",
        "无障碍浏览",
        "适老版",
        "字体",
        "打印保存",
        "智能问答",
    ):
        assert chrome in html
    assert "区政府始终高度重视政务公开和政务服务工作" in html  # the seed report's body
    assert "<h1" in html and "<h2>一、政府信息公开的主要措施及成效</h2>" in html
    assert "{% extends" not in html and "kiosk-header" not in html  # not one of our pages
    # Our own strict CSP holds on the demo: no inline script or style.
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert "<style" not in html and ' style="' not in html


def test_demo_examples_set_the_tag_attributes(api: TestClient) -> None:
    html = api.get("/widget/demo", params={"example": "english-left"}).text
    assert 'toolbar.js" defer data-lang="en" data-position="left"></script>' in html
    html = api.get("/widget/demo", params={"example": "<nope>"}).text
    assert 'toolbar.js" defer></script>' in html


def test_examples_use_only_documented_options() -> None:
    examples = yaml.safe_load((toolbar.TOOLBAR / "examples.yaml").read_text(encoding="utf-8"))
    assert examples[0]["name"] == "default"
    features = set(
        "sound speed point continuous zoom text scheme cursor crosshair caption textonly qr elder".split()
    )
    for example in examples:
        for name, value in example["params"]["attributes"].items():
            if name == "data-lang":
                assert value in ("zh-CN", "en")
            elif name == "data-position":
                assert value in ("left", "right", "top", "bottom")
            elif name == "data-shortcuts":
                assert value in ("on", "off")
            else:
                assert name == "data-features" and set(value.split(",")) <= features


def test_the_route_table_of_the_toolbar() -> None:
    table = {(r.path, tuple(sorted(r.methods or ()))) for r in routes() if isinstance(r, Route)}
    assert table >= {
        ("/widget/v1/toolbar.js", ("GET", "HEAD")),
        ("/widget/v1/toolbar.css", ("GET", "HEAD")),
        ("/widget/demo", ("GET", "HEAD")),
        ("/api/speak", ("OPTIONS", "POST")),
        ("/api/pinyin", ("OPTIONS", "POST")),
        ("/api/qr.svg", ("GET", "HEAD")),
    }
