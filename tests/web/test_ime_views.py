"""/api/ime and the keyboard on the ask and search pages."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kiosk.app import create_app
from kiosk.config import Settings

#: Kiosk-mode apps build the 拼音 lexicon at start-up: from the session's base.
pytestmark = pytest.mark.usefixtures("lexicon_cache")


def _settings(content_dir: Path, cache: Path, **extra: object) -> Settings:
    return Settings.from_env(
        {},
        content_dir=str(content_dir),
        cache_dir=str(cache),
        reload_interval=0,
        speech_prebuild=False,
        **extra,
    )


@pytest.fixture
def kiosk(content_dir: Path, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(content_dir, tmp_path / "cache", kiosk_mode=True))) as c:
        _wait_ready(c)
        yield c


def _wait_ready(client: TestClient) -> None:
    deadline = time.monotonic() + 120
    while client.get("/api/ime?q=a").status_code == 503:
        assert time.monotonic() < deadline, "the lexicon was not built"
        time.sleep(0.2)


def test_candidates(kiosk: TestClient) -> None:
    r = kiosk.get("/api/ime", params={"q": "zhudonggongkai", "limit": 5})
    assert r.status_code == 200
    data = r.json()
    assert data["input"] == "zhudonggongkai"
    assert len(data["candidates"]) == 5
    assert data["candidates"][0] == {
        "word": "主动公开",
        "consumed": 14,
        "pinyin": "zhu dong gong kai",
    }
    assert r.headers["cache-control"].startswith("private")


def test_bad_and_empty_queries(kiosk: TestClient) -> None:
    assert kiosk.get("/api/ime", params={"q": "zhu", "limit": "x"}).status_code == 400
    assert kiosk.get("/api/ime").json() == {"input": "", "candidates": []}
    long = kiosk.get("/api/ime", params={"q": "a" * 10_000})
    assert long.status_code == 200 and len(long.json()["input"]) <= 64
    many = kiosk.get("/api/ime", params={"q": "shi", "limit": 1000}).json()["candidates"]
    assert 60 < len(many) <= 100


def test_fuzzy_setting(content_dir: Path, tmp_path: Path) -> None:
    settings = _settings(content_dir, tmp_path / "cache", kiosk_mode=True, ime_fuzzy="off")
    with TestClient(create_app(settings)) as client:
        _wait_ready(client)
        words = [c["word"] for c in client.get("/api/ime?q=zudonggongkai").json()["candidates"]]
        assert "主动公开" not in words
        words = [c["word"] for c in client.get("/api/ime?q=zhudonggongkai").json()["candidates"]]
        assert words[0] == "主动公开"


def test_starting_is_503_then_ready(client: TestClient) -> None:
    """Off the kiosk nothing is built at start-up: the first request starts it."""
    first = client.get("/api/ime?q=zhu")
    if first.status_code == 503:  # a lexicon may already be in this process's memory
        assert first.headers["retry-after"] == "2"
        _wait_ready(client)
    assert client.get("/api/ime?q=zhu").json()["candidates"]


@pytest.mark.parametrize("path", ["/ask", "/search"])
def test_the_kiosk_pages_carry_the_keyboard(kiosk: TestClient, path: str) -> None:
    r = kiosk.get(path)
    assert 'data-module="kiosk-keyboard"' in r.text
    assert 'data-target="kiosk-q"' in r.text
    assert " autofocus" in r.text
    # With a question asked, the answer is read first: no focus, the keyboard waits.
    asked = kiosk.get(path, params={"q": "公开"})
    assert 'data-module="kiosk-keyboard"' in asked.text and " autofocus" not in asked.text
    label = "确定" if path == "/ask" else "搜索"
    assert f'data-action="enter">{label}</button>' in r.text


def test_no_keyboard_off_the_kiosk(client: TestClient) -> None:
    for path in ("/ask", "/search"):
        text = client.get(path).text
        assert "kiosk-keyboard" not in text and " autofocus" not in text


def test_the_patterns_page_shows_the_keyboard(client: TestClient) -> None:
    text = client.get("/-/patterns").text
    assert text.count("kiosk-keyboard--example") == 2
    assert "zhudonggongkai" in text and "主动公开" in text
