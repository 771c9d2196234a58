"""打印保存: the report as one offline HTML file, and its whole audio as one MP3."""

from __future__ import annotations

import subprocess
import wave
from collections.abc import Callable
from pathlib import Path

from markupsafe import escape
from starlette.testclient import TestClient

from kiosk.config import Settings
from kiosk.content.display import full_width
from kiosk.web.app import create_app

SLUG = "kundulun-2013-report"


def test_saved_page_is_standalone(client: TestClient, tmp_path: Path) -> None:
    response = client.get(f"/reports/{SLUG}/download.html")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{SLUG}.html"'
    html = response.text
    assert "<script" not in html and "<link" not in html and "<style>" in html
    report = client.get(f"/reports/{SLUG}.json").json()
    for block in report["blocks"]:
        for sentence in block["sentences"]:
            # Shown with full-width punctuation next to hanzi (display only).
            assert str(escape(full_width(sentence["text"]))) in html


def test_saved_audio_is_the_whole_report(warm_client: TestClient, tmp_path: Path) -> None:
    """Joined from the sentences' audio (the session's, copied into this test's cache)."""
    client = warm_client
    response = client.get(f"/reports/{SLUG}/audio.mp3")
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/mpeg"
    assert f'filename="{SLUG}.mp3"' in response.headers["content-disposition"]
    mp3 = tmp_path / "whole.mp3"
    mp3.write_bytes(response.content)
    decoded = tmp_path / "whole.wav"
    subprocess.run(["lame", "--quiet", "--decode", str(mp3), str(decoded)], check=True)
    with wave.open(str(decoded)) as w:
        whole = w.getnframes() / w.getframerate()
    sentences = client.get(f"/reports/{SLUG}/speech.json").json()["sentences"]
    total = sum(s["duration"] for s in sentences)
    assert abs(whole - total) < 0.5, (whole, total)  # MP3 frame padding only
    assert len(response.content) / whole <= 32_000 / 8 * 1.1


def test_downloads_are_offered_on_phones_not_on_the_kiosk(
    client: TestClient, make_settings: Callable[..., Settings], lexicon_cache: Path
) -> None:
    assert f"/reports/{SLUG}/download.html" in client.get(f"/reports/{SLUG}").text
    with TestClient(create_app(make_settings(kiosk_mode=True))) as kiosk:
        assert "download.html" not in kiosk.get(f"/reports/{SLUG}").text
