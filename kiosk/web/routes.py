"""The route table: every URL the kiosk serves, in one place.

A page with a JSON twin is one resource (``views/*.py`` returns a
:class:`~kiosk.web.pages.Page`) mounted twice, by :func:`~kiosk.web.pages.html`
and :func:`~kiosk.web.pages.json`.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route

from kiosk.resources import ASSETS
from kiosk.web.assets import Assets
from kiosk.web.pages import html, json
from kiosk.web.views import (
    asr,
    guide,
    handoff,
    ime,
    offline,
    ops,
    reading,
    reports,
    search,
    speech,
    toolbar_api,
)


def routes() -> list[BaseRoute]:
    return [
        Route("/", html(reports.home, cache=True), name="home"),
        Route("/library", html(reports.library_page, cache=True), name="library"),
        Route("/index.json", json(reports.home, cache=True), name="home_json"),
        Route("/reports/{slug}.json", json(reports.report, cache=True), name="report_json"),
        Route("/reports/{slug}", html(reports.report, cache=True), name="report"),
        Route("/reports/{slug}/speech.json", speech.speech_json, name="speech_json"),
        # The same per speed as a plain file name, so a static export can serve it.
        Route("/reports/{slug}/speech-{speed}.json", speech.speech_json, name="speech_json_speed"),
        Route("/reports/{slug}/download.html", reports.download_html, name="download_html"),
        Route("/reports/{slug}/audio.mp3", speech.download_audio, name="download_audio"),
        Route("/audio/{slug}/{speed}/{sentence}.{fmt}", speech.audio, name="audio"),
        Route("/search", html(search.search, limited=True), name="search"),
        Route("/search.json", json(search.search, limited=True), name="search_json"),
        Route("/ask", html(search.ask, limited=True), name="ask"),
        Route("/ask.json", json(search.ask, limited=True), name="ask_json"),
        # The embeddable toolbar (无障碍浏览工具条) and its API, for other sites.
        Route("/widget/v1/toolbar.js", toolbar_api.toolbar_js, name="toolbar_js"),
        Route("/widget/v1/toolbar.css", toolbar_api.toolbar_css, name="toolbar_css"),
        Route("/widget/demo", toolbar_api.demo, name="widget_demo"),
        Route("/api/speak", toolbar_api.speak, methods=["POST", "OPTIONS"], name="api_speak"),
        Route("/api/pinyin", toolbar_api.pinyin, methods=["POST", "OPTIONS"], name="api_pinyin"),
        Route("/api/qr.svg", toolbar_api.qr_svg, name="api_qr"),
        # The phone hand-off: the code a phone scans, and the QR that follows the reader.
        Route("/r/{code}", handoff.handoff_redirect, name="handoff"),
        Route("/R/{code}", handoff.handoff_redirect, name="handoff_upper"),
        Route("/qr/{slug}.svg", handoff.report_qr_svg, name="report_qr"),
        Route("/settings", reading.settings_page, methods=["GET"], name="settings"),
        Route("/settings", reading.settings_update, methods=["POST"], name="settings_update"),
        Route("/help", reading.help_page, name="help"),
        Route("/-/reset", reading.reset, methods=["POST"], name="reset"),
        Route("/-/patterns", ops.patterns, name="patterns"),
        Route("/-/health", ops.health, name="health"),
        # The offline kiosk: its service worker and the list of what it keeps.
        Route("/sw.js", offline.service_worker, name="service_worker"),
        Route("/-/offline-manifest.json", offline.offline_manifest, name="offline_manifest"),
        Route("/-/settings.json", ops.settings_json, name="settings_json"),
        Route("/assets/bundle/kiosk-{digest}.{kind}", ops.bundle, name="bundle"),
        # 语音导览 (kiosk only): the audio of one spoken-guide prompt.
        Route("/guide/prompt.wav", guide.prompt, name="guide_prompt"),
        # 拼音 candidates for the kiosk's on-screen keyboard.
        Route("/api/ime", ime.ime, name="api_ime"),
        # 说出问题: a recorded question → its text (GET: is it available?).
        Route("/api/asr", asr.asr, methods=["GET", "POST"], name="api_asr"),
        Mount("/assets", Assets(directory=ASSETS), name="assets"),
    ]
