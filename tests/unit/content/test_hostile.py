"""The importer against hostile pages: bounded work, no lost text, valid output."""

from __future__ import annotations

from kiosk.content.batch import validated
from kiosk.content.html import MAX_CELLS
from kiosk.content.importer import import_bytes

TITLE = "<h1>某县2020年政府信息公开工作年度报告</h1><p>发布日期：2021-01-15</p>"


def page(body: str, head: str = "") -> bytes:
    return f"<html><head>{head}</head><body>{TITLE}{body}</body></html>".encode()


def span_bomb(rows: int) -> bytes:
    cell = '<td rowspan="50" colspan="50">7</td>'
    table = "<table>" + "".join(f"<tr>{cell * 20}</tr>" for _ in range(rows)) + "</table>"
    return page(table + "<p>一、总体情况</p><p>全年公开信息12条。</p>")


def test_a_span_bomb_is_kept_as_text_with_a_clear_warning() -> None:
    data = span_bomb(80)  # about 60 KB, like the attack
    imported = import_bytes(data)
    assert any("over the limit" in w and f"{MAX_CELLS:,}" in w for w in imported.warnings)
    markdown = imported.to_markdown()
    assert len(markdown) < 2 * len(data)  # was 17 MB
    assert markdown.count("7") >= 80 * 20  # every cell's text is still there
    assert "全年公开信息12条。" in markdown
    validated("bomb", markdown)


def test_spans_within_the_limit_still_make_a_table() -> None:
    table = '<table><tr><th>项目</th><th colspan="2">数量</th></tr><tr><td rowspan="2">规章</td><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></table>'
    imported = import_bytes(page(table))
    (block,) = [b for b in imported.blocks if b.kind == "table"]
    assert block.table is not None
    assert block.table.rows == [["规章", "1", "2"], ["规章", "3", "4"]]


def test_nesting_deeper_than_the_parser_allows_loses_no_text() -> None:
    depth = 3000
    data = page(
        "<div>" * depth + "<p>深处公开信息123条。</p>" + "</div>" * depth + "<p>结尾456条。</p>"
    )
    imported = import_bytes(data)
    markdown = imported.to_markdown()
    assert "深处公开信息123条。" in markdown
    assert "结尾456条。" in markdown
    assert any("too deeply" in w for w in imported.warnings)


def test_twenty_thousand_paragraphs_all_arrive() -> None:
    n = 20_000
    data = page("".join(f"<p>第{i}段，公开信息{i}条。</p>" for i in range(n)))
    markdown = import_bytes(data).to_markdown()
    assert markdown.count("段，公开信息") == n
    assert f"第{n - 1}段" in markdown


def test_an_impossible_date_is_not_written() -> None:
    data = page("<p>正文。</p>", '<meta name="PubDate" content="2021-13-45">').replace(
        b"2021-01-15", "2021年13月45日".encode()
    )
    imported = import_bytes(data)
    assert "date" not in imported.meta
    validated("date", imported.to_markdown())


def test_a_quote_in_the_canonical_link_does_not_break_the_file() -> None:
    head = '<link rel="canonical" href="https://www.example.gov.cn/a&quot;b c<d>.html">'
    imported = import_bytes(page("<p>正文。</p>", head))
    assert imported.meta["origin_url"] == "https://www.example.gov.cn/a%22b%20c%3Cd%3E.html"
    validated("quote", imported.to_markdown())
    assert (
        "origin_url"
        not in import_bytes(
            page("<p>正文。</p>", '<link rel="canonical" href="javascript:alert(1)">')
        ).meta
    )


def test_old_word_files_and_ofd_are_refused_with_what_to_do() -> None:
    import io
    import zipfile

    import pytest

    from kiosk.content.documents import UnsupportedFormat

    with pytest.raises(UnsupportedFormat, match=r"\.docx or PDF"):
        import_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    ofd = io.BytesIO()
    with zipfile.ZipFile(ofd, "w") as z:
        z.writestr("OFD.xml", "<ofd:OFD/>")
    with pytest.raises(UnsupportedFormat, match="OFD"):
        import_bytes(ofd.getvalue())


def test_a_ragged_html_table_is_explained() -> None:
    table = "<table><tr><th>项目</th><th>甲</th><th>乙</th></tr><tr><td>规章</td><td>1</td></tr></table>"
    imported = import_bytes(page(table))
    assert any("fewer cells than its 3 columns (rows 2)" in w for w in imported.warnings)
