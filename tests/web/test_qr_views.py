"""The hand-off endpoints on a tiny app of their own (independent of the route table)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from kiosk.config import Settings
from kiosk.content.library import ContentStore
from kiosk.handoff import Handoff, encode, handoff_url, resolve
from kiosk.prefs import COOKIE, Prefs
from kiosk.services import build_services
from kiosk.web.views.handoff import LINK_HEADER, handoff_qr, handoff_redirect, report_qr_svg
from tests.unit.test_qr import decode_svg

ROOT = Path(__file__).resolve().parents[2]
SLUG = "kundulun-2013-report"
BASE = "https://kiosk.baotou-kundulun.gov.cn:8443"


async def card(request: Request) -> Response:
    """What a report page does with the helper: the QR and its link, or nothing."""
    store: ContentStore = request.app.state.services.store
    found = handoff_qr(request, store.library.reports[SLUG], request.query_params.get("at"))
    return PlainTextResponse("none" if found is None else f"{found.display_url}\n{found.url}")


def make_app(content: Path, tmp: Path, public_base_url: str = BASE) -> Starlette:
    app = Starlette(
        routes=[
            Route("/r/{code}", handoff_redirect),
            Route("/R/{code}", handoff_redirect),
            Route("/qr/{slug}.svg", report_qr_svg),
            Route("/card", card),
        ]
    )
    settings = Settings.from_env(
        {},
        **{
            "content_dir": str(content),
            "cache_dir": str(tmp / "cache"),
            "public_base_url": public_base_url,
            "reload_interval": 0,
            "speech_prebuild": False,
        },
    )
    app.state.services = build_services(settings)
    return app


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


@pytest.fixture
def client(content: Path, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(make_app(content, tmp_path), base_url="https://testserver") as c:
        yield c


def store(client: TestClient) -> ContentStore:
    result: ContentStore = client.app.state.services.store  # type: ignore[attr-defined]
    return result


def sentence_ids(client: TestClient) -> list[str]:
    return [s.id for s in store(client).library.reports[SLUG].sentences]


# --- /r/{code} -----------------------------------------------------------------------


def test_redirect_sets_the_prefs_cookie_and_goes_to_the_sentence(client: TestClient) -> None:
    sentence = sentence_ids(client)[7]
    p = Prefs(size=5, scheme="dark", spacing="20", elder=True, lang="en")
    code = encode(SLUG, sentence, p, True)
    response = client.get(f"/R/{code}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/reports/{SLUG}?from=kiosk&speak=1#{sentence}"
    cookies = response.headers.get_list("set-cookie")
    assert f"{COOKIE}={p.encode()}; HttpOnly; Max-Age=31536000; Path=/; SameSite=lax" in cookies
    assert "kiosk_device=phone; HttpOnly; Max-Age=31536000; Path=/; SameSite=lax" in cookies
    assert response.headers["cache-control"] == "no-store"
    assert client.cookies.get(COOKIE) == p.encode()


def test_redirect_from_the_lower_case_link(client: TestClient) -> None:
    code = encode(SLUG, None, Prefs(), False)
    response = client.get(f"/r/{code.lower()}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/reports/{SLUG}?from=kiosk"


def test_redirect_to_a_section(client: TestClient) -> None:
    report = store(client).library.reports[SLUG]
    section = report.sections[0].id
    response = client.get(f"/R/{encode(SLUG, section, Prefs(), False)}", follow_redirects=False)
    assert response.headers["location"] == f"/reports/{SLUG}?from=kiosk#{section}"


def test_unknown_and_forged_codes_are_404(client: TestClient) -> None:
    good = encode(SLUG, sentence_ids(client)[0], Prefs(), False)
    typo = good[:5] + ("A" if good[5] != "A" else "B") + good[6:]
    for code in (typo, encode("no-such-report", None, Prefs(), False), "AAAAAAAAAA", "x", "%00"):
        response = client.get(f"/R/{code}", follow_redirects=False)
        assert response.status_code == 404, code
        assert "set-cookie" not in response.headers
        assert "location" not in response.headers


def test_position_dropped_when_the_sentence_is_rewritten(client: TestClient, content: Path) -> None:
    report = store(client).library.reports[SLUG]
    sentence = report.sentences[2]
    code = encode(SLUG, sentence.id, Prefs(size=4), False)
    path = content / f"{SLUG}.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace(sentence.text, "这一句已经改写。", 1),
        encoding="utf-8",
    )
    assert store(client).refresh()
    response = client.get(f"/R/{code}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/reports/{SLUG}?from=kiosk"
    assert response.headers["set-cookie"].startswith(f"{COOKIE}={Prefs(size=4).encode()};")


# --- /qr/{slug}.svg ------------------------------------------------------------------


def code_of(svg: str) -> str:
    (url,) = decode_svg(svg)
    text = url.decode("ascii")
    assert text.startswith(BASE.upper() + "/R/")
    return text.rsplit("/", 1)[1]


def test_svg_for_the_visitor_at_a_sentence(client: TestClient) -> None:
    sentence = sentence_ids(client)[-3]
    p = Prefs(size=3, scheme="blue", spacing="18")
    client.cookies.set(COOKIE, p.encode())
    response = client.get(f"/qr/{SLUG}.svg", params={"at": sentence, "speak": "1"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["cache-control"] == "public, max-age=86400"
    assert response.headers["vary"] == "Cookie"
    assert response.text.startswith("<svg ") and 'role="img"' in response.text
    code = code_of(response.text)
    assert response.headers[LINK_HEADER] == f"{BASE}/r/{code}"
    library = store(client).library
    assert resolve(code, library) == Handoff(SLUG, sentence, p, True)
    # ?lang= counts, as on every page.
    english = client.get(f"/qr/{SLUG}.svg", params={"lang": "en"})
    in_english = Prefs(size=3, scheme="blue", spacing="18", lang="en")
    assert resolve(code_of(english.text), library) == Handoff(SLUG, None, in_english, False)


def test_svg_404_for_unknown_reports_and_ids(client: TestClient) -> None:
    for path, params in [
        ("/qr/no-such-report.svg", {}),
        ("/qr/Kundulun-2013-Report.svg", {}),
        ("/qr/..%2Fsecrets.svg", {}),
        (f"/qr/{SLUG}.svg", {"at": "s-00000000"}),
        (f"/qr/{SLUG}.svg", {"at": "https://evil.example.com/"}),
        (f"/qr/{SLUG}.svg", {"at": "扫码领红包"}),
        (f"/qr/{SLUG}.svg", {"at": "kiosk-toc"}),
    ]:
        assert client.get(path, params=params).status_code == 404, (path, params)


def test_svg_never_encodes_what_it_is_given(client: TestClient) -> None:
    response = client.get(
        f"/qr/{SLUG}.svg", params={"url": "https://evil.example.com/", "text": "hello"}
    )
    assert response.status_code == 200
    assert resolve(code_of(response.text), store(client).library) is not None


@pytest.mark.parametrize("base", ["", "ftp://kiosk.example.gov.cn", "kiosk.example.gov.cn"])
def test_svg_409_without_a_public_base_url(content: Path, tmp_path: Path, base: str) -> None:
    with TestClient(make_app(content, tmp_path, public_base_url=base)) as client:
        response = client.get(f"/qr/{SLUG}.svg")
        assert response.status_code == 409
        assert "public_base_url" in response.text and "KIOSK_PUBLIC_BASE_URL" in response.text
        assert client.get("/card").text == "none"
        # Unknown reports are still 404, whatever the setting.
        assert client.get("/qr/no-such-report.svg").status_code == 404


def test_handoff_qr_gives_the_code_and_the_readable_link(client: TestClient) -> None:
    sentence = sentence_ids(client)[0]
    first, second = client.get("/card", params={"at": sentence}).text.splitlines()
    code = encode(SLUG, sentence, Prefs(), False)
    assert second == handoff_url(BASE, code)
    assert first == f"{BASE}/r/{code}"
    with pytest.raises(ValueError):
        client.get("/card", params={"at": "s-00000000"})
