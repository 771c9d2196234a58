"""The proposed JSON views work when wired into the app (the lead wires them for real)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from kiosk.app import create_app
from kiosk.search import views_proposal as views
from kiosk.search.index import SearchIndex
from kiosk.settings import Settings


@pytest.fixture
def search_client(settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(settings)
    app.router.routes[:0] = [
        Route("/search.json", views.search_json),
        Route("/ask.json", views.ask_json),
    ]
    app.state.search = SearchIndex(tmp_path / "search-cache")
    with TestClient(app) as client:
        yield client
    app.state.search.close()


def test_search_json(search_client: TestClient) -> None:
    data = search_client.get("/search.json", params={"q": "热线"}).json()
    assert data["reason"] is None and data["hits"]
    hit = data["hits"][0]
    assert hit["url"].startswith("/reports/kundulun-2013-report#s-")
    assert "<mark>热线</mark>" in hit["snippet"]
    empty = search_client.get("/search.json", params={"q": ""}).json()
    assert empty["reason"] == "empty" and empty["message"] and empty["hits"] == []
    hostile = search_client.get("/search.json", params={"q": 'NEAR("x" OR *)', "limit": "x"})
    assert hostile.status_code == 200


def test_ask_json_and_refresh_on_a_new_library(
    search_client: TestClient, content_dir: Path
) -> None:
    data = search_client.get("/ask.json", params={"q": "热线电话处理了多少个?"}).json()
    assert data["found"] is True and "2500个" in data["answer"]["text"]
    assert 1 <= len(data["suggestions"]) <= 8
    (content_dir / "extra-2020.md").write_text(
        "---\ntitle: 石桥县人民政府2020年政府信息公开工作年度报告\n---\n"
        "## 一、情况\n\n全年共开通便民热线12条。\n",
        encoding="utf-8",
    )
    search_client.app.state.store.refresh()  # type: ignore[attr-defined]
    data = search_client.get("/ask.json", params={"q": "石桥县开通了多少条便民热线?"}).json()
    assert data["found"] and data["answer"]["slug"] == "extra-2020"
    missing = search_client.get("/ask.json", params={"q": "图书馆几点开门?"}).json()
    assert missing["found"] is False and missing["message"] == "报告中没有找到答案"
