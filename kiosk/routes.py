"""The route table: every URL the kiosk serves, in one place."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from kiosk import asr_views, bundle, ime_views, offline, qr_views, views, widget_views
from kiosk.app import ASSETS
from kiosk.search import views as search_views


def routes() -> list[BaseRoute]:
    return [
        Route("/", views.home, name="home"),
        Route("/library", views.library_page, name="library"),
        Route("/index.json", views.home_json, name="home_json"),
        Route("/reports/{slug}.json", views.report_json, name="report_json"),
        Route("/reports/{slug}", views.report_page, name="report"),
        Route("/reports/{slug}/speech.json", views.speech_json, name="speech_json"),
        # The same per speed as a plain file name, so a static export can serve it.
        Route("/reports/{slug}/speech-{speed}.json", views.speech_json, name="speech_json_speed"),
        Route("/reports/{slug}/download.html", views.download_html, name="download_html"),
        Route("/reports/{slug}/audio.mp3", views.download_audio, name="download_audio"),
        Route("/audio/{slug}/{speed}/{sentence}.{fmt}", views.audio, name="audio"),
        Route("/search", search_views.search_page, name="search"),
        Route("/search.json", search_views.search_json, name="search_json"),
        Route("/ask", search_views.ask_page, name="ask"),
        Route("/ask.json", search_views.ask_json, name="ask_json"),
        # The embeddable toolbar (无障碍浏览工具条) and its API, for other sites.
        Route("/widget/v1/toolbar.js", widget_views.toolbar_js, name="toolbar_js"),
        Route("/widget/v1/toolbar.css", widget_views.toolbar_css, name="toolbar_css"),
        Route("/widget/demo", widget_views.demo, name="widget_demo"),
        Route("/api/speak", widget_views.speak, methods=["POST", "OPTIONS"], name="api_speak"),
        Route("/api/pinyin", widget_views.pinyin, methods=["POST", "OPTIONS"], name="api_pinyin"),
        Route("/api/qr.svg", widget_views.qr_svg, name="api_qr"),
        Route("/r/{code}", qr_views.handoff_redirect, name="handoff"),
        Route("/R/{code}", qr_views.handoff_redirect, name="handoff_upper"),
        Route("/qr/{slug}.svg", qr_views.report_qr_svg, name="report_qr"),
        Route("/settings", views.settings_page, methods=["GET"], name="settings"),
        Route("/settings", views.settings_update, methods=["POST"], name="settings_update"),
        Route("/help", views.help_page, name="help"),
        Route("/-/reset", views.reset, methods=["POST"], name="reset"),
        Route("/-/patterns", views.patterns, name="patterns"),
        Route("/-/health", views.health, name="health"),
        # The offline kiosk: its service worker and the list of what it keeps.
        Route("/sw.js", offline.service_worker, name="service_worker"),
        Route("/-/offline-manifest.json", offline.offline_manifest, name="offline_manifest"),
        Route("/-/settings.json", views.settings_json, name="settings_json"),
        Route("/assets/bundle/kiosk-{digest}.{kind}", bundle.serve, name="bundle"),
        Mount("/assets", StaticFiles(directory=ASSETS), name="assets"),
        # 拼音 candidates for the kiosk's on-screen keyboard.
        Route("/api/ime", ime_views.ime, name="api_ime"),
        # 说出问题: a recorded question → its text (GET: is it available?).
        Route("/api/asr", asr_views.asr, methods=["GET", "POST"], name="api_asr"),
    ]
