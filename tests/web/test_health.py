"""A truthful /-/health (issue 14, item 9): degraded with reasons, 503 when not serving."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kiosk.app import create_app
from kiosk.config import Settings
from kiosk.health import Facts, assess, scrub


def _client(content_dir: Path, tmp_path: Path, **values: object) -> TestClient:
    base: dict[str, object] = {
        "content_dir": str(content_dir),
        "cache_dir": str(tmp_path / "cache"),
        "reload_interval": 0,
        "speech_prebuild": False,
    }
    return TestClient(create_app(Settings.from_env({}, **{**base, **values})))


def test_all_well_is_ok_and_200(content_dir: Path, tmp_path: Path) -> None:
    with _client(content_dir, tmp_path) as client:
        response = client.get("/-/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok", body["warnings"]


def test_missing_mp3_encoder_is_degraded(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A PATH holding everything but lame: the real `which` finds no encoder.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("espeak-ng", "espeak"):
        if found := shutil.which(tool):
            os.symlink(found, bin_dir / tool)
    monkeypatch.setenv("PATH", str(bin_dir))
    with _client(content_dir, tmp_path) as client:
        response = client.get("/-/health")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded"
    assert any("lame" in w for w in body["warnings"])
    assert body["speech"]["mp3"] is False and body["speech"]["available"] is False


def test_empty_content_folder_is_503(tmp_path: Path) -> None:
    empty = tmp_path / "content"
    empty.mkdir()
    with _client(empty, tmp_path, speech_engine="none") as client:
        response = client.get("/-/health")
    assert response.status_code == 503
    assert response.json()["status"] == "down"


def test_missing_content_folder_is_503_without_its_path(tmp_path: Path) -> None:
    gone = tmp_path / "no-such-folder"
    with _client(gone, tmp_path, speech_engine="none") as client:
        response = client.get("/-/health")
    assert response.status_code == 503
    assert str(tmp_path) not in response.text
    assert any("content folder is missing" in w for w in response.json()["warnings"])


def test_unwritable_cache_is_degraded_without_paths(content_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    with _client(content_dir, tmp_path, cache_dir=str(blocker / "cache")) as client:
        response = client.get("/-/health")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded"
    assert any("not writable" in w for w in body["warnings"])
    assert str(tmp_path) not in response.text


def test_problems_name_the_file_not_its_absolute_path(content_dir: Path, tmp_path: Path) -> None:
    (content_dir / "broken.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    with _client(content_dir, tmp_path, speech_engine="none") as client:
        body = client.get("/-/health").json()
    assert body["problems"] and body["problems"][0].startswith("broken.md:")
    assert str(content_dir) not in str(body)


def test_a_yaml_bomb_does_not_balloon_health(content_dir: Path, tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 7)]
    bomb = "---\ntitle: Bomb\n" + "\n".join(lines) + "\nyear: *a6\n---\nbody\n"
    (content_dir / "bomb.md").write_text(bomb, encoding="utf-8")
    with _client(content_dir, tmp_path, speech_engine="none") as client:
        response = client.get("/-/health")
    assert len(response.content) < 4096


def test_prebuild_stopped_and_search_unusable_are_reasons(tmp_path: Path) -> None:
    facts = Facts(
        content_dir=tmp_path,
        reports=3,
        prebuild_error="an error stopped it, see the log",
        search_reason="the search index cannot be updated (disk full or not writable)",
    )
    found = assess(facts)
    assert found.status == "degraded" and found.http_status == 200
    assert len(found.reasons) == 2


def test_scrub_keeps_only_the_last_part_of_paths() -> None:
    text = "audio cache /srv/kiosk/.cache/kiosk is not writable (No space left); see /tmp/x"
    assert scrub(text) == "audio cache kiosk is not writable (No space left); see x"
