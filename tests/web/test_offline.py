"""The offline kiosk's two endpoints: the service worker script (/sw.js) and the
list of what a kiosk keeps (/-/offline-manifest.json), with the content version."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.testclient import TestClient

from kiosk.config import Settings
from kiosk.web.app import create_app

SLUG = "kundulun-2013-report"


def _manifest(settings: Settings) -> dict[str, object]:
    with TestClient(create_app(settings)) as client:
        data: dict[str, object] = client.get("/-/offline-manifest.json").json()
        return data


def test_the_worker_script(client: TestClient) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["service-worker-allowed"] == "/"
    assert response.headers["cache-control"] == "no-cache"
    version = client.get("/-/offline-manifest.json").json()["version"]
    assert f'var VERSION = "{version}";' in response.text
    assert "__KIOSK_OFFLINE_VERSION__" not in response.text
    # Found relative to its scope, so a static export under a sub-path works the same.
    assert 'new URL("-/offline-manifest.json", SCOPE)' in response.text


def test_the_manifest_lists_what_the_kiosk_shows(client: TestClient) -> None:
    response = client.get("/-/offline-manifest.json")
    assert response.headers["cache-control"] == "no-cache"
    data = response.json()
    urls = data["urls"]
    assert data["count"] == len(urls) == len(set(urls))
    for url in (
        "/",
        "/library",
        "/help",
        f"/reports/{SLUG}",
        f"/reports/{SLUG}/speech-normal.json",
    ):
        assert url in urls
    assert "/assets/vendor/htmx-4.0.1.min.js" in urls
    assert sum(u.startswith("/assets/bundle/kiosk-") for u in urls) == 2
    speech = client.get(f"/reports/{SLUG}/speech-normal.json").json()
    if data["speech"]:
        # Exactly the URLs the player asks for: every sentence, normal speed, MP3.
        assert [u for u in urls if u.startswith("/audio/")] == [
            s["audio"]["mp3"] for s in speech["sentences"]
        ]


def test_the_version_follows_the_content_not_file_times(settings: Settings) -> None:
    first = _manifest(settings)
    assert first == _manifest(settings)  # every worker of every server agrees
    source = Path(settings.content_dir) / f"{SLUG}.md"
    os.utime(source, (1, 1))  # touched, not changed (a fresh checkout, rsync)
    assert _manifest(settings)["version"] == first["version"]
    source.write_text(
        source.read_text(encoding="utf-8").replace("2013", "2014", 1), encoding="utf-8"
    )
    assert _manifest(settings)["version"] != first["version"]
