"""Search and 智能问答 over HTTP: JSON twins, pages, bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kiosk.config import Settings
from kiosk.web.app import create_app


@pytest.fixture
def search_client(settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


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
    search_client.app.state.services.store.refresh()  # type: ignore[attr-defined]
    data = search_client.get("/ask.json", params={"q": "石桥县开通了多少条便民热线?"}).json()
    assert data["found"] and data["answer"]["slug"] == "extra-2020"
    missing = search_client.get("/ask.json", params={"q": "图书馆几点开门?"}).json()
    assert missing["found"] is False and missing["message"] == "报告中没有找到答案"


@pytest.mark.parametrize(
    "q",
    [
        "",
        "x" * 10_000,
        '"',
        "*",
        "NEAR(a b)",
        "a OR b",
        "((",
        "😀😀",
        "\x00\x07ctrl",
        "公开 open 公開",
        "<script>alert(1)</script>",
    ],
)
def test_pages_never_fail_on_bad_input(search_client: TestClient, q: str) -> None:
    for path in ("/ask", "/search", "/ask.json", "/search.json"):
        response = search_client.get(path, params={"q": q})
        assert response.status_code == 200, (path, q)
        if path.endswith(".json"):
            assert response.headers["content-type"] == "application/json"
        else:
            assert "<script>alert" not in response.text


def test_ask_page_answers_with_source_link_and_speech(search_client: TestClient) -> None:
    response = search_client.get("/ask", params={"q": "2013年收到多少政府信息公开申请?"})
    assert response.template.name == "ask.html"  # type: ignore[attr-defined]
    answer = response.context["answer"]  # type: ignore[attr-defined]
    assert answer.found and "未收到政府信息公开申请" in answer.answer.text
    assert f'href="{answer.answer.url}"' in response.text
    assert f"/audio/{answer.answer.slug}/normal/{answer.answer.sentence_id}.mp3" in response.text
    chips = search_client.get("/ask").text
    assert chips.count('class="kiosk-chip"') >= 3


def test_no_answer_says_so_plainly(search_client: TestClient) -> None:
    text = search_client.get("/ask", params={"q": "图书馆几点开门?"}).text
    assert "报告中没有找到答案" in text
