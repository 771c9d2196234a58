from __future__ import annotations

import re
from pathlib import Path

from starlette.testclient import TestClient

SLUG = "kundulun-2013-report"


def test_home_lists_reports_newest_first_grouped_by_year(
    client: TestClient, content_dir: Path
) -> None:
    (content_dir / "newer-2020.md").write_text(
        "---\ntitle: 某区2020年政府信息公开工作年度报告\n---\n正文。\n", encoding="utf-8"
    )
    client.app.state.services.store.refresh()  # type: ignore[attr-defined]
    response = client.get("/")
    assert response.status_code == 200
    assert response.template.name == "home.html"  # type: ignore[attr-defined]
    groups = response.context["groups"]  # type: ignore[attr-defined]
    assert [year for year, _ in groups] == [2020, 2013]
    assert '<html lang="zh-CN" ' in response.text
    assert response.text.index("2020年政府信息") < response.text.index("2013年度政府信息")
    data = client.get("/index.json").json()
    assert [r["slug"] for r in data["reports"]] == ["newer-2020", SLUG]


def test_report_page_has_semantic_headings_and_sentence_ids(client: TestClient) -> None:
    response = client.get(f"/reports/{SLUG}")
    assert response.status_code == 200
    html = response.text
    assert html.count("<h1") == 1
    assert '<h2 class="kiosk-report__heading"' in html
    assert '<h3 class="kiosk-report__heading"' in html
    assert 'lang="zh-CN"' in html
    report = response.context["report"]  # type: ignore[attr-defined]
    for sentence in report.sentences:
        assert f'id="{sentence.id}"' in html
    assert 'class="kiosk-toc"' in html


def test_report_json_twin_has_sections_blocks_and_sentences(client: TestClient) -> None:
    data = client.get(f"/reports/{SLUG}.json").json()
    assert data["title"] == "昆都仑区人民政府2013年度政府信息公开年度报告"
    assert data["date"] == "2014-01-30"
    assert data["publisher"] == "昆区政府管理员"
    assert data["source"] == "昆区政府网"
    assert data["year"] == 2013
    first = data["sections"][0]
    assert first["title"] == "一、政府信息公开的主要措施及成效"
    assert first["children"][0]["title"].startswith("(一)高度重视")
    assert [s["title"][:2] for s in data["sections"]] == [
        "一、",
        "二、",
        "三、",
        "四、",
        "五、",
        "六、",
        "七、",
        "八、",
    ]
    ids = set()
    for block in data["blocks"]:
        assert set(block) >= {"id", "type", "text", "sentences"}
        if block["type"] == "heading":
            assert block["level"] in (2, 3, 4, 5)
        for s in block["sentences"]:
            assert re.fullmatch(r"s-[0-9a-f]{8}(-\d+)?", s["id"])
            ids.add(s["id"])
    assert len(ids) == sum(len(b["sentences"]) for b in data["blocks"])
    joined = "".join(
        s["text"] for b in data["blocks"] if b["type"] == "paragraph" for s in b["sentences"]
    )
    assert "全文电子化率达100%。" in joined


def test_friendly_404(client: TestClient) -> None:
    for path in ("/reports/nope", "/reports/..%2F..%2Fetc%2Fpasswd", "/nothing-here"):
        response = client.get(path)
        assert response.status_code == 404
        assert "页面不存在" in response.text
        assert 'href="/"' in response.text
    assert client.get("/reports/nope.json").json() == {"error": "Not Found", "status": 404}


def test_english_interface(client: TestClient) -> None:
    response = client.get("/?lang=en")
    assert '<html lang="en" ' in response.text
    assert "Government reports" in response.text
    client.post("/settings", data={"lang": "en", "next": "/"}, follow_redirects=False)
    assert "Contents" in client.get(f"/reports/{SLUG}").text


def test_health_counts_loaded_and_rejected(client: TestClient, content_dir: Path) -> None:
    assert client.get("/-/health").json()["reports"] == 1
    (content_dir / "broken.md").write_text("---\ntitle: [\n---\nx\n", encoding="utf-8")
    client.app.state.services.store.refresh()  # type: ignore[attr-defined]
    health = client.get("/-/health").json()
    assert (health["reports"], health["rejected"]) == (1, 1)
    assert "broken.md:2: broken front matter" in health["problems"][0]
    assert client.get(f"/reports/{SLUG}").status_code == 200


def test_settings_json(client: TestClient) -> None:
    names = {s["name"] for s in client.get("/-/settings.json").json()["settings"]}
    assert {"content_dir", "kiosk_mode", "public_base_url"} <= names


def test_assets_are_served_with_a_version(client: TestClient) -> None:
    html = client.get("/").text
    href = re.search(r'href="(/assets/bundle/kiosk-[0-9a-f]{12}\.css)"', html)
    assert href
    assert client.get(href.group(1)).status_code == 200
    assert client.get("/assets/vendor/htmx-4.0.1.min.js").status_code == 200
    assert client.get("/assets/../kiosk/app.py").status_code == 404
