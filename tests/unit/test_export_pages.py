"""The export's own pages come from templates, through the catalogs."""

from __future__ import annotations

from kiosk.caching import ByteCache
from kiosk.export.pages import redirect_page, unavailable_page
from kiosk.templating import make_environment

ENV = make_environment(ByteCache(1 << 20))


def test_the_redirect_page_speaks_the_readers_language() -> None:
    zh = redirect_page(ENV, "/k/reports/a#s1", "报告<一>", "/k/b.css", "zh-CN").decode()
    en = redirect_page(ENV, "/k/reports/a#s1", "报告<一>", "/k/b.css", "en").decode()
    assert "正在打开" in zh and "Opening" not in zh
    assert "Opening" in en and '<html lang="en"' in en
    for page in (zh, en):
        assert 'content="0; url=/k/reports/a#s1"' in page
        assert "报告&lt;一&gt;" in page and "<一>" not in page  # escaped by Jinja
        assert '<link rel="stylesheet" href="/k/b.css">' in page


def test_the_unavailable_page_says_it_in_every_language() -> None:
    page = unavailable_page(ENV, "/k", "/k/b.css", "", "zh-CN").decode()
    assert page.index("此功能需要在线服务") < page.index("This needs the live service")
    assert '<div lang="en">' in page and 'href="/k/"' in page
    assert "Live service" not in page and "在线服务</a>" not in page
    live = unavailable_page(ENV, "/k", "/k/b.css", "https://kiosk.example", "en").decode()
    assert 'href="https://kiosk.example/"' in live and live.index("This needs") < live.index(
        "此功能"
    )
