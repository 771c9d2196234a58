"""GET /guide/prompt.wav: 语音导览's prompts, kiosk mode only."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from kiosk import guide
from kiosk.config import Settings
from kiosk.web.app import create_app

#: Kiosk-mode apps build the 拼音 lexicon at start-up: from the session's base.
pytestmark = pytest.mark.usefixtures("lexicon_cache")


def _kiosk(settings: Settings, **values: object) -> Settings:
    return settings.replace(kiosk_mode=True, **values)


@pytest.fixture
def kiosk(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(_kiosk(settings))) as client:
        yield client


def _prompt(client: TestClient, text: str, lang: str = "zh-CN", **headers: str) -> object:
    return client.get("/guide/prompt.wav", params={"lang": lang, "text": text}, headers=headers)


def test_a_prompt_is_wav_in_the_products_voice(kiosk: TestClient) -> None:
    response = kiosk.get("/guide/prompt.wav", params={"lang": "zh-CN", "text": "字号与配色"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    assert response.headers["cache-control"] == "public, max-age=86400"
    with wave.open(io.BytesIO(response.content)) as w:
        assert w.getnframes() / w.getframerate() > 0.4
    speech = kiosk.app.state.services.speech  # type: ignore[attr-defined]
    assert speech.cached(guide.prompt(speech, "字号与配色", "zh-CN")) is not None
    english = kiosk.get("/guide/prompt.wav", params={"lang": "en", "text": "Text and colours"})
    assert english.status_code == 200 and english.content != response.content


def test_the_guide_and_its_endpoint_are_kiosk_only(client: TestClient, kiosk: TestClient) -> None:
    assert client.get("/guide/prompt.wav", params={"text": "帮助"}).status_code == 404
    assert "kiosk-guide" not in client.get("/").text  # phones: plain HTML
    page = kiosk.get("/library").text
    assert 'data-module="kiosk-guide"' in page and 'data-screen="library"' in page
    assert "语音导览" in page
    assert "G</th>" in kiosk.get("/help").text  # the key, beside the keypad table


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"text": ""}, 422),
        ({"text": "……"}, 422),
        ({"text": "字" * 301}, 422),
        ({"text": "帮助", "lang": "fr"}, 422),
        ({"text": "a\x00b"}, 422),
    ],
)
def test_bad_prompts_are_refused(kiosk: TestClient, params: dict[str, str], status: int) -> None:
    response = kiosk.get("/guide/prompt.wav", params=params)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"


def test_other_sites_cannot_use_the_voice(kiosk: TestClient) -> None:
    response = kiosk.get(
        "/guide/prompt.wav", params={"text": "帮助"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    same = kiosk.get(
        "/guide/prompt.wav", params={"text": "帮助"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert same.status_code == 200


def test_new_prompts_have_their_own_limit(settings: Settings) -> None:
    app = create_app(_kiosk(settings, guide_rate_limit="3/60/3"))
    with TestClient(app) as client:
        for n in range(3):
            assert _prompt(client, f"第 {n} 页").status_code == 200  # type: ignore[attr-defined]
        limited = _prompt(client, "第 9 页")
        assert limited.status_code == 429  # type: ignore[attr-defined]
        assert "retry-after" in limited.headers  # type: ignore[attr-defined]
        assert _prompt(client, "第 1 页").status_code == 200  # type: ignore[attr-defined]  # made: free
        assert (
            client.get("/ask", params={"q": "热线"}).status_code == 200
        )  # 智能问答's budget is apart


def test_preloading_never_synthesises(kiosk: TestClient) -> None:
    params = {"lang": "zh-CN", "text": "第 7 页，共 9 页。", "ready": "1"}
    early = kiosk.get("/guide/prompt.wav", params=params)
    assert early.status_code == 204 and early.content == b""
    speech = kiosk.app.state.services.speech  # type: ignore[attr-defined]
    assert speech.cached(guide.prompt(speech, params["text"], "zh-CN")) is None
    assert _prompt(kiosk, params["text"]).status_code == 200  # type: ignore[attr-defined]
    assert kiosk.get("/guide/prompt.wav", params=params).status_code == 200  # made now
