"""Offline kiosks: a service worker keeps what the kiosk shows, for when the network is down.

Two views (:mod:`kiosk.web.views.offline`) serve what this module builds:

- ``/sw.js`` (:func:`service_worker`): the worker script, ``kiosk/static/sw.js``
  with the content version written into it. The browser compares the script
  byte for byte at every navigation and every ``registration.update()``, so a
  new version of the content *is* a new worker: it installs everything into a
  new cache (``kiosk-offline-<version>``) while the old worker keeps serving
  the old one, takes over in one step, then deletes the old cache. A kiosk
  therefore never shows part of one version and part of another.
- ``/-/offline-manifest.json`` (:func:`offline_manifest`): every URL the kiosk
  needs (start screen, library, help, every report page, its speech JSON and
  its normal-speed WAV audio, the bundles, the vendored scripts) and the
  version.

The version is a hash of what the kiosk shows: every report's document model
(not file times, so servers behind one proxy that hold the same content agree
on it), the speech engine version (audio), the bundle digests, the templates
and interface strings, the worker script itself and the settings that change
pages (kiosk mode, default language).

``kiosk/assets/js/offline.js`` registers the worker on kiosk pages only (``<html
class="kiosk-mode">``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache

from kiosk import __version__
from kiosk.bundle import Bundle
from kiosk.config import Settings
from kiosk.content.library import Library
from kiosk.resources import ASSETS, LOCALE, SERVICE_WORKER, TEMPLATES, WIDGETS
from kiosk.speech.service import SpeechService

VERSION_PLACEHOLDER = "__KIOSK_OFFLINE_VERSION__"
#: The speed whose audio kiosks keep (the player starts at 中, normal).
OFFLINE_SPEED = "normal"
OFFLINE_FORMAT = "wav"  # the kiosk player plays WAV (report.html: player(..., format="wav"))


@dataclass(frozen=True)
class Manifest:
    version: str
    urls: list[str]
    body: bytes


@cache
def worker_source() -> str:
    return SERVICE_WORKER.read_text(encoding="utf-8")


@cache
def _code_digest() -> str:
    """What changes pages without changing the content: templates, component
    markup, interface strings and the worker itself (read once: deploys restart)."""
    h = hashlib.sha256(__version__.encode())
    files = sorted(
        [*TEMPLATES.glob("*.html"), *WIDGETS.glob("*/*.html"), *LOCALE.glob("*/LC_MESSAGES/*")]
    )
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(worker_source().encode())
    return h.hexdigest()


def _report_digest(library: Library) -> str:
    h = hashlib.sha256()
    for slug in sorted(library.reports):
        model = json.dumps(library.reports[slug].to_json(), ensure_ascii=False, sort_keys=True)
        h.update(slug.encode() + b"\0" + hashlib.sha256(model.encode()).digest())
    return h.hexdigest()


def _vendor_urls() -> list[str]:
    vendor = ASSETS / "vendor"
    return sorted(
        f"/assets/vendor/{p.name}" for p in vendor.iterdir() if p.is_file() and p.name[0] != "."
    )


def build_manifest(
    library: Library, speech: SpeechService, bundles: dict[str, Bundle], settings: Settings
) -> Manifest:
    """Every URL the kiosk needs offline, and the content version."""
    speak = speech.available()
    urls = ["/", "/library", "/help"]
    for report in library.newest_first():
        base = f"/reports/{report.slug}"
        urls += [base, f"{base}/speech-{OFFLINE_SPEED}.json"]
        if speak:
            # The URLs speech_json gives the player: one per sentence, in reading order.
            urls += [
                f"/audio/{report.slug}/{OFFLINE_SPEED}/{s.id}.{OFFLINE_FORMAT}?v={speech.tag}"
                for s in report.sentences
            ]
    urls += [bundles[kind].url for kind in sorted(bundles)]
    urls += _vendor_urls()
    h = hashlib.sha256()
    for part in (
        _code_digest(),
        _report_digest(library),
        speech.version if speak else "text-only",
        *(bundles[kind].digest for kind in sorted(bundles)),
        f"kiosk={bool(settings.kiosk_mode)} lang={settings.default_language}",
    ):
        h.update(part.encode() + b"\0")
    version = h.hexdigest()[:16]
    body = json.dumps(
        {"version": version, "speech": speak, "count": len(urls), "urls": urls},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    return Manifest(version, urls, body)
