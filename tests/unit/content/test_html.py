"""HTML pages: what lies outside the article, in tables or too deep is kept or named."""

from __future__ import annotations

from kiosk.content.importer import Dropped, import_bytes

TITLE = "<h1>某县2020年政府信息公开工作年度报告</h1>"
PARAGRAPHS = "".join(f"<p>第{i}段很长的文字内容，用来测试这个导入程序。</p>" for i in range(20))


def _import(body: str) -> tuple[str, list[Dropped], list[str]]:
    imported = import_bytes(f"<html><body>{TITLE}{body}</body></html>".encode())
    return imported.to_markdown(), imported.dropped, imported.warnings


def test_repeated_paragraphs_and_the_table_after_them_are_kept() -> None:
    # One of four identical paragraphs held "most of the article" and was taken for it.
    markdown, dropped, _ = _import(
        "<p>00000000</p>" * 3
        + "<table><tr><td>00000000</td><td>1</td></tr><tr><td>规章</td><td>2</td></tr></table>"
    )
    assert markdown.count("00000000") == 4
    assert "| 规章 | 2 |" in markdown
    assert [d.reason for d in dropped] == ["title (in the front matter)"]


def test_a_table_the_extractor_counts_as_article_is_kept_beside_its_paragraphs() -> None:
    # Short cells are no probes: the paragraphs' <div> alone looked like the article.
    markdown, _, _ = _import(
        f"<div>{PARAGRAPHS}</div>"
        "<table><tr><th>信息内容</th><th>本年制发件数</th></tr>"
        "<tr><td>规章</td><td>12</td></tr></table>"
    )
    assert "| 规章 | 12 |" in markdown


def test_a_table_with_figures_left_outside_the_article_is_named_with_a_warning() -> None:
    markdown, dropped, warnings = _import(
        f"<div class='article'>{PARAGRAPHS}</div><div class='sidebar related'>"
        "<table><tr><td>访问量</td><td>3456</td></tr><tr><td>今日</td><td>78</td></tr></table>"
        "</div>"
    )
    assert "3456" not in markdown
    assert Dropped("访问量 | 3456 | 今日 | 78", "table outside the article") in dropped
    assert any("table with figures outside the article" in w for w in warnings)


def test_repeated_lines_after_the_article_are_each_listed_as_dropped() -> None:
    _, dropped, _ = _import(
        f"<div class='article'>{PARAGRAPHS}</div>"
        "<div class='sidebar related'><p>第3段很长的文字内容，用来测试这个导入程序。</p></div>"
    )
    assert Dropped("第3段很长的文字内容，用来测试这个导入程序。", "outside the article") in dropped


def test_a_caption_and_text_outside_the_cells_of_a_table_are_kept() -> None:
    markdown, _, _ = _import(
        "<table><caption>表1 收到申请 37 件</caption><tr><td>规章</td><td>12</td>"
        "stray 55</tr><tr><td>文件</td><td>13</td></tr></table>"
    )
    assert "表1 收到申请 37 件" in markdown
    assert "stray 55" in markdown
    assert "| 文件 | 13 |" in markdown


def test_the_text_after_a_table_is_read_once() -> None:
    markdown, _, _ = _import(
        "<div><table><tr><td>规章</td><td>12</td></tr><tr><td>文件</td><td>13</td></tr></table>"
        "合计 25 件<p>结束语。</p></div>"
    )
    assert markdown.count("合计 25 件") == 1


def test_noscript_text_is_listed_as_dropped() -> None:
    _, dropped, _ = _import(f"<noscript>请开启脚本 11</noscript>{PARAGRAPHS}")
    assert Dropped("请开启脚本 11", "<noscript> element") in dropped


def test_lists_nested_deeper_than_the_parser_goes_lose_no_text() -> None:
    deep = "<ul><li>" * 3000 + "深处的文字 4242 件" + "</li></ul>" * 3000
    markdown, _, warnings = _import(f"{deep}<p>结束语 77</p>")
    assert "4242" in markdown
    assert "77" in markdown
    assert any("every element was flattened" in w for w in warnings)


def test_a_merged_header_cell_is_named_once_and_two_equal_cells_twice() -> None:
    markdown, _, _ = _import(
        "<table><tr><th rowspan='2'>申请人情况</th><th>本年 37 件</th></tr>"
        "<tr><th>本年 37 件</th></tr><tr><td>自然人</td><td>5</td></tr></table>"
    )
    assert "| 申请人情况 | 本年 37 件 / 本年 37 件 |" in markdown
