"""Spoken mode over HTTP: speech.json, audio with caching and Range, failures."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from kiosk.config import Settings
from kiosk.web.app import create_app

SLUG = "kundulun-2013-report"


def _settings(settings: Settings, **extra: object) -> Settings:
    values: dict[str, object] = {str(s["name"]): s["value"] for s in settings.to_json()}
    return Settings.from_env({}, **{**values, **extra})


@pytest.fixture
def mute_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(settings, speech_engine="none"))) as c:
        yield c


def test_speech_json_lists_every_sentence(client: TestClient) -> None:
    data = client.get(f"/reports/{SLUG}/speech.json").json()
    report = client.get(f"/reports/{SLUG}.json").json()
    ids = [s["id"] for b in report["blocks"] for s in b["sentences"]]
    assert [s["id"] for s in data["sentences"]] == ids
    assert data["available"] is True and data["language"] == "zh-CN"
    first = data["sentences"][0]
    assert first["spoken"].startswith("二〇一三年")
    assert first["audio"]["wav"].startswith(f"/audio/{SLUG}/normal/{first['id']}.wav?v=")
    assert client.get(f"/reports/{SLUG}/speech.json?speed=warp").status_code == 400


def test_audio_is_synthesised_cached_and_ranged(client: TestClient) -> None:
    sentence = client.get(f"/reports/{SLUG}/speech.json").json()["sentences"][2]
    url = sentence["audio"]["wav"]
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    assert "immutable" in response.headers["cache-control"]
    with wave.open(io.BytesIO(response.content)) as w:
        assert w.getnframes() / w.getframerate() > 1
    part = client.get(url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100
    assert part.headers["content-range"].startswith("bytes 0-99/")
    again = client.get(f"/reports/{SLUG}/speech.json").json()["sentences"][2]
    assert again["duration"] > 1
    mp3 = client.get(sentence["audio"]["mp3"])
    assert mp3.status_code == 200 and mp3.headers["content-type"] == "audio/mpeg"
    assert len(mp3.content) < len(response.content) / 5


def test_a_cold_mp3_is_streamed_then_served_from_the_cache(client: TestClient) -> None:
    """A sentence nobody asked for yet: its MP3 is sent while it is being made (no
    length known), as audio; the next request gets the cached file, with Range."""
    sentence = client.get(f"/reports/{SLUG}/speech.json").json()["sentences"][3]
    cold = client.get(sentence["audio"]["mp3"])
    assert cold.status_code == 200 and cold.headers["content-type"] == "audio/mpeg"
    assert "content-length" not in cold.headers  # streamed
    assert cold.headers["x-speech-engine"] == "pyttsx3"
    assert cold.content[:2] in (b"\xff\xfb", b"\xff\xf3")  # MP3 frames from the first byte
    warm = client.get(sentence["audio"]["mp3"])
    assert int(warm.headers["content-length"]) == len(warm.content) > 1000
    assert warm.headers["accept-ranges"] == "bytes"


@pytest.mark.parametrize(
    "path",
    [
        f"/audio/{SLUG}/normal/s-00000000.wav",
        f"/audio/{SLUG}/warp/s-00000000.wav",
        f"/audio/{SLUG}/normal/s-00000000.exe",
        "/audio/nope/normal/s-00000000.wav",
        "/audio/..%2F..%2Fetc/normal/passwd.wav",
    ],
)
def test_only_our_sentences_are_spoken(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_without_an_engine_reading_still_works(mute_client: TestClient) -> None:
    assert mute_client.get(f"/reports/{SLUG}").status_code == 200
    data = mute_client.get(f"/reports/{SLUG}/speech.json").json()
    assert data["available"] is False
    response = mute_client.get(data["sentences"][0]["audio"]["wav"])
    assert response.status_code == 503
    assert "speech is unavailable" in response.json()["error"]
    health = mute_client.get("/-/health").json()
    assert health["speech"]["available"] is False and health["warnings"]


def test_a_hung_engine_fails_the_request_cleanly_and_recovers(client: TestClient) -> None:
    speech = client.app.state.services.speech  # type: ignore[attr-defined]
    sentences = client.get(f"/reports/{SLUG}/speech.json").json()["sentences"]
    speech.timeout = 0.001  # no synthesis finishes this fast: the job times out
    assert client.get(sentences[5]["audio"]["wav"]).status_code == 503
    assert client.get(sentences[5]["audio"]["mp3"]).status_code == 503  # streamed: same
    speech.timeout = 15
    assert client.get(sentences[5]["audio"]["wav"]).status_code == 200
