"""`kiosk export`: the reading side as a static site under a sub-path, made by the
real app in-process, with working links, audio, hand-off pages and an honest
degradation of what needs a server."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kiosk import handoff
from kiosk.cli import main
from kiosk.config import Settings
from kiosk.content.library import load_library
from kiosk.export import (
    MARKER,
    ExportError,
    ExportOptions,
    ExportResult,
    Rewriter,
    export,
    file_for,
)
from kiosk.web.app import create_app
from tests._export_site import SEED, SHORT, URL_ATTR, build
from tests.servers import content_with_fixtures, copy_warm

BASE = "https://cdn.example.gov.cn/kiosk"
PREFIX = "/kiosk"
LIVE = "https://kiosk.example.gov.cn"
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")\s]+)")


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, audio_cache: Path
) -> tuple[Path, ExportResult, str, Path]:
    """The export, with its cache (``content``'s sibling) seeded from the session's audio."""
    tmp = tmp_path_factory.mktemp("export")
    content = content_with_fixtures(tmp)
    copy_warm(audio_cache, tmp / "cache")
    out = tmp / "site"
    result, err = build(out, content, tmp / "cache", BASE)
    return out, result, err, content


@pytest.fixture(scope="module")
def text_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kiosk-layout export without audio that points to a live server."""
    tmp = tmp_path_factory.mktemp("export-text")
    out = tmp / "site"
    build(
        out,
        content_with_fixtures(tmp),
        tmp / "cache",
        BASE,
        kiosk=True,
        audio=False,
        live_url=LIVE,
    )
    return out


def _local(out: Path, url: str) -> Path:
    assert url.startswith(PREFIX + "/"), url
    return out / file_for(url[len(PREFIX) :])


def _urls(out: Path) -> Iterator[tuple[Path, str]]:
    """Every URL written in the export's pages, style sheets and JSON."""
    for path in sorted(out.rglob("*")):
        if path.suffix == ".html":
            for url in URL_ATTR.findall(path.read_text(encoding="utf-8")):
                if url.startswith(("/", "http:", "https:")):  # not labels, not #fragments
                    yield path, url
        elif path.suffix == ".css":
            for url in CSS_URL.findall(path.read_text(encoding="utf-8")):
                yield path, url
        elif path.suffix == ".json":
            stack = [json.loads(path.read_text(encoding="utf-8"))]
            while stack:
                value = stack.pop()
                if isinstance(value, dict):
                    stack.extend(v for k, v in value.items() if k not in ("text", "spoken"))
                elif isinstance(value, list):
                    stack.extend(value)
                elif isinstance(value, str) and value.startswith("/"):
                    yield path, value


def test_the_export_holds_every_url_of_the_reading_side(
    site: tuple[Path, ExportResult, str, Path],
) -> None:
    out, result, err, content = site
    library = load_library(content, 5 << 20)
    expected = ["index.html", "library/index.html", "help/index.html", "settings/index.html"]
    expected += ["index.json", "404.html", "unavailable/index.html", MARKER]
    for slug, report in library.reports.items():
        expected += [
            f"reports/{slug}/index.html",
            f"reports/{slug}.json",
            f"reports/{slug}/speech.json",
            f"reports/{slug}/speech-normal.json",
            f"reports/{slug}/download.html",
            f"reports/{slug}/audio.mp3",
        ]
        for s in report.sentences:
            expected += [f"audio/{slug}/normal/{s.id}.wav", f"audio/{slug}/normal/{s.id}.mp3"]
        assert not (out / "audio" / slug / "slow").exists()  # --speeds normal
    expected += ["assets/vendor/htmx-4.0.1.min.js", "assets/export/static-settings.js"]
    expected += ["widget/v1/toolbar.js", "sw.js", "-/offline-manifest.json"]
    missing = [f for f in expected if not (out / f).is_file()]
    assert missing == []
    assert len(list((out / "assets" / "bundle").glob("kiosk-*.css"))) == 1
    assert result.reports == len(library.reports) >= 2 and result.sentences == sum(
        len(r.sentences) for r in library.reports.values()
    )
    assert result.files == sum(1 for p in out.rglob("*") if p.is_file())
    assert result.bytes == sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    assert result.widget and result.offline and result.codes == len(library.reports)
    assert "[##############################]" in err  # the progress bar reached the end
    assert not list(out.parent.glob(".site.partial-*"))  # built aside, swapped in


def test_every_link_stays_under_the_sub_path_and_leads_to_a_file(
    site: tuple[Path, ExportResult, str, Path],
) -> None:
    out = site[0]
    checked = 0
    for path, url in _urls(out):
        if url.startswith(("http://", "https://")):
            # Hand-off links show the public address; the report's own origin_url.
            if url.startswith(BASE):
                assert _local(out, PREFIX + url[len(BASE) :]).exists(), (path, url)
            continue
        assert url.startswith(PREFIX + "/"), (path, url)
        if path.name == "speech-normal.json" or url.startswith(PREFIX + "/audio/"):
            assert "?v=" not in url, url  # a static server ignores queries
        if "?next=" in url or url.endswith("?"):
            url = url.split("?", 1)[0]
        assert _local(out, url.split("?", 1)[0]).exists(), (path, url)
        checked += 1
    assert checked > 1000


def test_pages_and_audio_are_what_the_server_serves(
    site: tuple[Path, ExportResult, str, Path],
) -> None:
    out, _, _, content = site
    settings = Settings.from_env(
        {},
        **{
            "content_dir": str(content),
            "cache_dir": str(content.parent / "cache"),
            "public_base_url": BASE,
            "allowed_hosts": "testserver",  # TestClient's Host, besides BASE's
            "reload_interval": 0,
            "speech_prebuild": False,
            "rate_limit": "off",
            "speech_engine": "pyttsx3",  # as the export (tests/conftest.py)
        },
    )
    rewriter = Rewriter(PREFIX, "")
    with TestClient(create_app(settings)) as client:
        page = client.get(f"/reports/{SHORT}").text
        assert (out / f"reports/{SHORT}/index.html").read_text(encoding="utf-8") == rewriter.html(
            page
        )
        speech = client.get(f"/reports/{SHORT}/speech-normal.json").json()
        exported = json.loads((out / f"reports/{SHORT}/speech-normal.json").read_bytes())
        assert exported == rewriter.json(speech)
        first = speech["sentences"][0]
        assert all(s["duration"] for s in exported["sentences"])
        for fmt in ("wav", "mp3"):
            served = client.get(first["audio"][fmt]).content
            assert _local(out, exported["sentences"][0]["audio"][fmt]).read_bytes() == served
        assert (out / f"reports/{SHORT}/audio.mp3").read_bytes() == client.get(
            f"/reports/{SHORT}/audio.mp3"
        ).content


def test_the_hand_off_codes_have_static_pages(
    site: tuple[Path, ExportResult, str, Path],
) -> None:
    out, _, _, content = site
    library = load_library(content, 5 << 20)
    for slug in (SEED, SHORT):
        page = (out / f"reports/{slug}/index.html").read_text(encoding="utf-8")
        (code,) = set(re.findall(r"/r/(?:<wbr>)?([A-Z2-7]{10})\b", page))
        assert handoff.resolve(code, library) is not None
        assert f'href="{BASE}/r/{code}"' in page  # the link under the code, on the phone
        for form in (f"R/{code}", f"r/{code}", f"r/{code.lower()}", f"R/{code.lower()}"):
            target = (out / form / "index.html").read_text(encoding="utf-8")
            assert f'<meta http-equiv="refresh" content="0; url={PREFIX}/reports/{slug}">' in target
            assert f'<a class="kiosk-button" href="{PREFIX}/reports/{slug}">' in target
            assert "<script" not in target  # our CSP forbids inline script


def test_what_needs_a_server_degrades_without_a_live_url(
    site: tuple[Path, ExportResult, str, Path],
) -> None:
    out = site[0]
    page = (out / f"reports/{SHORT}/index.html").read_text(encoding="utf-8")
    # Reading settings: in the browser (a blocking script before the styles), and
    # without JavaScript a plain GET to the page that explains; never htmx.
    head = page.split("</head>", 1)[0]
    assert head.index(f'<script src="{PREFIX}/assets/export/static-settings.js"></script>') < (
        head.index("<link rel=")
    )
    assert f'data-kiosk-export="{PREFIX}"' in page and "data-kiosk-live" not in page
    form = re.search(r'<form class="kiosk-settings__form"[^>]*>', page)
    assert form is not None
    assert f'method="get" action="{PREFIX}/unavailable/"' in form.group(0)
    assert "hx-" not in form.group(0)
    # The QR code does not follow the reader (it opens the report at its start).
    assert "data-endpoint" not in page and "/qr/" not in page
    # 智能问答 leads to the page that says it needs the live service.
    assert f'href="{PREFIX}/unavailable/">智能问答' in page
    assert "需要在线服务" in (out / "unavailable/index.html").read_text(encoding="utf-8")
    # The saved page stays a standalone file: no scripts added.
    assert "<script" not in (out / f"reports/{SHORT}/download.html").read_text(encoding="utf-8")


def test_a_live_url_takes_what_needs_a_server(text_only: Path) -> None:
    page = (text_only / f"reports/{SHORT}/index.html").read_text(encoding="utf-8")
    form = re.search(r'<form class="kiosk-settings__form"[^>]*>', page)
    assert form is not None
    assert f'method="post" action="{LIVE}/settings"' in form.group(0)
    assert "hx-" not in form.group(0)
    assert f'data-kiosk-live="{LIVE}"' in page
    assert f'data-endpoint="{LIVE}/qr/{SHORT}.svg"' in page
    assert f'href="{LIVE}/ask?report={SHORT}"' in page
    # The next page after the settings is a page of the live server.
    assert f'name="next" value="/reports/{SHORT}"' in page


def test_a_text_only_kiosk_export(text_only: Path) -> None:
    start = (text_only / "index.html").read_text(encoding="utf-8")
    assert "kiosk-page--start" in start and f'data-href="{PREFIX}/library"' in start
    assert 'class="kiosk-size-2 kiosk-scheme-default kiosk-spacing-15 kiosk-mode"' in start
    assert not (text_only / "audio").exists()
    speech = json.loads((text_only / f"reports/{SHORT}/speech-normal.json").read_bytes())
    assert speech["available"] is False  # the player says so at once
    # The offline kiosk works from the export too: its manifest names only exported files.
    manifest = json.loads((text_only / "-/offline-manifest.json").read_bytes())
    assert manifest["count"] == len(manifest["urls"]) > 5
    for url in manifest["urls"]:
        assert _local(text_only, url).is_file(), url
    worker = (text_only / "sw.js").read_text(encoding="utf-8")
    assert f'var VERSION = "{manifest["version"]}";' in worker
    info = json.loads((text_only / MARKER).read_bytes())
    assert info["kiosk"] is True and info["audio"] is False and info["live_url"] == LIVE


def test_an_export_replaces_an_earlier_one_and_nothing_else(tmp_path: Path) -> None:
    content = content_with_fixtures(tmp_path)
    out = tmp_path / "site"
    options = dict(audio=False)
    build(out, content, tmp_path / "cache", "", **options)
    assert 'href="/reports/short-sentences"' in (out / "index.html").read_text(encoding="utf-8")
    (content / f"{SHORT}.md").unlink()
    build(out, content, tmp_path / "cache", "", **options)
    assert not (out / "reports" / SHORT).exists()  # the old files are gone with the old export
    assert (out / "reports" / SEED / "index.html").is_file()
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "cat.jpg").write_bytes(b"meow")
    with pytest.raises(ExportError, match="not an earlier export"):
        build(foreign, content, tmp_path / "cache", "", **options)
    assert (foreign / "cat.jpg").read_bytes() == b"meow"
    with pytest.raises(ExportError, match="base-url"):
        export(ExportOptions(out=tmp_path / "x", base_url="cdn.example.gov.cn/kiosk"))


def test_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = content_with_fixtures(tmp_path)
    out = tmp_path / "site"
    argv = ["export", str(out), "--content", str(content), "--no-audio", "--base-url", BASE]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert re.search(r"\r\[\.{30}\] 1/\d+ ", captured.err)  # the progress bar, from empty
    assert re.search(r"\r\[#{30}\] (\d+)/\1 ", captured.err)  # to full
    n = len(list(content.glob("*.md")))  # the bundled reports and the fixture reports
    assert re.search(
        rf"{n} reports, \d+ files, [\d.]+ MB, no audio, {n} hand-off codes, [\d.]+ s", captured.out
    )
    assert main(["export", str(tmp_path / "y"), "--content", str(tmp_path / "none")]) == 1
    assert "no reports" in capsys.readouterr().err


def test_rewriting() -> None:
    r = Rewriter("/k", "")
    assert r.url("/reports/a") == "/k/reports/a"
    assert r.url("/audio/a/normal/s-1.wav?v=abc") == "/k/audio/a/normal/s-1.wav"
    assert r.url("/assets/x.css?v=1") == "/k/assets/x.css?v=1"
    assert r.url("/qr/a.svg") is None and r.url("/ask?q=1") is None and r.url("/-/reset") is None
    assert r.url("/-/offline-manifest.json") == "/k/-/offline-manifest.json"
    assert Rewriter("/k", LIVE).url("/search?q=x") == LIVE + "/search?q=x"
    assert r.css("a{background:url(/assets/i.png)} b{src:url('/f.woff2')} c{x:url(//cdn/x)}") == (
        "a{background:url(/k/assets/i.png)} b{src:url('/k/f.woff2')} c{x:url(//cdn/x)}"
    )
    data = {
        "url": "/reports/a",
        "text": "/不是链接",
        "spoken": "/x",
        "audio": {"wav": "/audio/a.wav?v=1"},
    }
    assert r.json(data) == {
        "url": "/k/reports/a",
        "text": "/不是链接",
        "spoken": "/x",
        "audio": {"wav": "/k/audio/a.wav"},
    }
    html = '<a href="//cdn.example/x">x</a><a href="#top">t</a><img src="/i.png" alt="/i">'
    assert (
        r.html(html)
        == '<a href="//cdn.example/x">x</a><a href="#top">t</a><img src="/k/i.png" alt="/i">'
    )
    assert file_for("/") == "index.html"
    assert file_for("/reports/a") == "reports/a/index.html"
    assert file_for("/reports/a.json") == "reports/a.json"
    assert file_for("/audio/a/normal/s-1.wav?v=2") == "audio/a/normal/s-1.wav"
    assert file_for("/R/ABC") == "R/ABC/index.html"
