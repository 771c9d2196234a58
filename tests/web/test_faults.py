"""Faults while serving: the speech worker dies, a content file is corrupted, the
cache folder becomes unwritable, the server restarts. Reading keeps working,
failures are clear, nothing cached is lost, and recovery needs no hand."""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from starlette.testclient import TestClient

from tests.servers import Server, stop_server

SLUG = "kundulun-2013-report"


def _audio_urls(client: TestClient) -> list[str]:
    return [
        s["audio"]["wav"] for s in client.get(f"/reports/{SLUG}/speech.json").json()["sentences"]
    ]


def test_speech_worker_killed_mid_request(client: TestClient) -> None:
    urls = _audio_urls(client)
    engine = client.app.state.services.speech.engine  # type: ignore[attr-defined]
    assert client.get(urls[0]).status_code == 200  # the worker is running
    results: list[int] = []

    def fetch_many() -> None:
        for url in urls[1:8]:
            results.append(client.get(url).status_code)

    t = threading.Thread(target=fetch_many)
    t.start()
    time.sleep(0.05)
    os.kill(engine.worker_pid, signal.SIGKILL)
    t.join(timeout=60)
    assert not t.is_alive()
    assert set(results) <= {200, 503}
    assert client.get(urls[9]).status_code == 200  # restarted by itself
    assert client.get(f"/reports/{SLUG}").status_code == 200


def test_content_corrupted_while_serving(client: TestClient, content_dir: Path) -> None:
    before = client.get(f"/reports/{SLUG}.json").json()
    (content_dir / f"{SLUG}.md").write_bytes(b"\xff\xfe garbage")
    client.app.state.services.store.refresh()  # type: ignore[attr-defined]
    assert client.get(f"/reports/{SLUG}.json").json() == before
    health = client.get("/-/health").json()
    assert health["rejected"] == 1 and any("invalid UTF-8" in p for p in health["problems"])


def test_cache_folder_becomes_unwritable(client: TestClient, tmp_path: Path) -> None:
    speech = client.app.state.services.speech  # type: ignore[attr-defined]
    urls = _audio_urls(client)
    assert client.get(urls[0]).status_code == 200
    audio_dir = speech.cache_dir
    shutil.rmtree(audio_dir)
    audio_dir.write_text("not a folder any more")  # nothing can be written under it
    assert client.get(urls[1]).status_code == 200
    assert client.get(f"/reports/{SLUG}").status_code == 200
    warnings = client.get("/-/health").json()["warnings"]
    assert any("not writable" in w for w in warnings)
    audio_dir.unlink()  # the disk is fixed: the cache is used again, with no restart
    assert client.get(urls[2]).status_code == 200
    assert list(audio_dir.rglob("*.wav"))
    assert not any("not writable" in w for w in client.get("/-/health").json()["warnings"])


def test_restart_keeps_the_audio_cache(tmp_path: Path, serve: Callable[..., Server]) -> None:
    env = {"KIOSK_SPEECH_PREBUILD": "0"}
    server = serve(warm=False, **env)
    with urllib.request.urlopen(f"{server.url}/reports/{SLUG}/speech.json") as r:
        url = server.url + json.load(r)["sentences"][0]["audio"]["wav"]
    with urllib.request.urlopen(url) as r:
        first = r.read()
    stop_server(server)
    cached = list((tmp_path / "cache" / "audio").rglob("*.wav"))
    assert len(cached) == 1
    mtime = cached[0].stat().st_mtime_ns
    server = serve(warm=False, **env)
    with urllib.request.urlopen(url.replace(url.split("/audio/")[0], server.url)) as r:
        assert r.read() == first
    assert cached[0].stat().st_mtime_ns == mtime  # served from the cache, not made again


def test_content_changes_are_picked_up_without_a_restart(serve: Callable[..., Server]) -> None:
    server = serve(warm=False, KIOSK_RELOAD_INTERVAL="0.2", KIOSK_SPEECH_PREBUILD="0")
    (server.content / "new-2021.md").write_text(
        "---\ntitle: 新区2021年政府信息公开工作年度报告\n---\n正文。\n", encoding="utf-8"
    )
    deadline = time.monotonic() + 10
    slugs: list[str] = []
    while time.monotonic() < deadline and "new-2021" not in slugs:
        with urllib.request.urlopen(f"{server.url}/index.json") as r:
            slugs = [x["slug"] for x in json.load(r)["reports"]]
        time.sleep(0.1)
    assert "new-2021" in slugs
