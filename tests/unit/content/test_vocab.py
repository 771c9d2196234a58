"""Every entry of kiosk/content/vocab.yaml does what it is there for."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.content.texttables import Table, text_items
from kiosk.content.vocab import chrome_reason, has_figure, meta_fields, parse_date, vocab

V = vocab()
BODY = "本单位{}工作持续推进，全年公开信息12条。"


@pytest.mark.parametrize("word", V["controls"])
def test_a_control_alone_or_bracketed_is_chrome_but_not_inside_a_sentence(word: str) -> None:
    assert chrome_reason(word)
    assert chrome_reason(f"【{word}】")
    assert chrome_reason(f"{word} | 【{word}】")
    assert chrome_reason(BODY.format(word)) is None


@pytest.mark.parametrize("word", V["services"])
def test_a_row_of_services_is_chrome(word: str) -> None:
    assert chrome_reason(f"分享到：{word}")
    assert chrome_reason(f"{word} {word}")
    assert chrome_reason(BODY.format(word)) is None


@pytest.mark.parametrize("word", V["counters"])
def test_a_counter_is_chrome(word: str) -> None:
    assert chrome_reason(f"{word}：2356")
    assert chrome_reason(f"【{word}：88】")


@pytest.mark.parametrize("word", V["credits"])
def test_a_credit_is_chrome(word: str) -> None:
    assert chrome_reason(f"{word}：王明")
    assert chrome_reason(BODY.format(word)) is None


@pytest.mark.parametrize("word", V["line_starts"])
def test_a_line_start_makes_a_chrome_line(word: str) -> None:
    assert chrome_reason(f"{word}：东江市人民政府")


@pytest.mark.parametrize("word", V["footer_words"])
def test_a_footer_word_makes_a_footer_line(word: str) -> None:
    assert chrome_reason(f"东江市人民政府 {word} 东江市大数据中心")


@pytest.mark.parametrize("word", V["size_words"])
def test_size_words_are_a_font_size_switcher(word: str) -> None:
    assert chrome_reason(f"字号：【{word} 小】")


@pytest.mark.parametrize("unit", V["figure_units"])
def test_a_figure_is_never_chrome(unit: str) -> None:
    line = f"【打印】 12{unit}"
    assert has_figure(line)
    assert chrome_reason(line) is None


@pytest.mark.parametrize("label", V["metadata"]["date"])
def test_date_labels(label: str) -> None:
    assert meta_fields(f"{label}：2021-03-04 10:30:00") == {"date": "2021-03-04"}
    assert meta_fields(f"{label}：2021年3月4日")["date"] == "2021-03-04"


@pytest.mark.parametrize("key", ["publisher", "source"])
def test_publisher_and_source_labels(key: str) -> None:
    for label in V["metadata"][key]:
        assert meta_fields(f"发布日期：2021-03-04 {label}：东江市统计局")[key] == "东江市统计局"
        assert meta_fields(f"{label}：东江市统计局 发布时间：2021-03-04")[key] == "东江市统计局"


@pytest.mark.parametrize("label", V["metadata"]["other"])
def test_other_labels_end_a_value(label: str) -> None:
    assert meta_fields(f"来源：东江市统计局 {label}：100")["source"] == "东江市统计局"


def test_a_date_that_is_not_in_the_calendar_is_no_date() -> None:
    assert parse_date("2021年13月45日") is None
    assert parse_date("2021-02-29") is None
    assert meta_fields("发布日期：2021年13月45日") == {}
    assert parse_date("2020年2月29日") == "2020-02-29"


@pytest.mark.parametrize(
    "entry", V["standard_tables"], ids=lambda e: f"{e['caption']}-{len(e['header'])}"
)
def test_each_template_table_is_read_from_one_cell_a_line(entry: dict[str, Any]) -> None:
    header = entry["header"]
    label = header[0] in ("信息内容", "申请情况")
    leaves = [h.split(" / ")[-1] for h in header[1:] if label] or [
        h.split(" / ")[-1] for h in header
    ]
    figures = [str(n + 1) for n in range(len(header) - (1 if label else 0))]
    lines = [entry["caption"], *dict.fromkeys(leaves), *(["行政许可"] if label else []), *figures]
    items, _ = text_items("\n".join(lines) + "\n下文。")
    tables = [x for x in items if isinstance(x, Table)]
    assert len(tables) == 1
    assert tables[0].header == header
    assert tables[0].rows == [(["行政许可"] if label else []) + figures]
    assert items[-1] == "下文。"


@pytest.mark.parametrize(
    "line",
    [
        "〖打印〗〖关闭〗",
        "〔大 中 小〕",
        "字体：〖大 中 小〗",
        "【字号 大 中 小】【打印】【关闭】",
        "手机扫描二维码 浏览本页",
        "用微信扫一扫",
        "扫一扫 在手机上查看当前页面",
        "本页浏览量：1234",
        "阅读：1234次",
        "打印文章 关闭窗口 收藏本文",
        "分享至：微信 | QQ | 微博",
        "视力保护色：",
        "【网站纠错】",
        "[责任编辑：张三]",
    ],
)
def test_chrome_variants_seen_on_portals(line: str) -> None:
    assert chrome_reason(line)


@pytest.mark.parametrize(
    "line",
    [
        "网站访问量：120万次",
        "全年网站浏览量12万次",
        "相关文件：",
        "附件：",
        "打印、复印政府信息收费0元。",
    ],
)
def test_report_lines_that_look_a_little_like_chrome_are_kept(line: str) -> None:
    assert chrome_reason(line) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "【 发布日期：2021-01-01 】【 来源：某某局 】",
            {"date": "2021-01-01", "source": "某某局"},
        ),
        (
            "信息来源：某某局　　发布时间：2021年01月01日　　浏览次数：",
            {"source": "某某局", "date": "2021-01-01"},
        ),
        (
            "发布时间: 2021-01-01 | 来源: 某某局 | 点击: 123",
            {"date": "2021-01-01", "source": "某某局"},
        ),
        ("日期：2021-01-01 作者：admin 点击：[ 123 ]", {"date": "2021-01-01"}),
        ("文章来源：某某局 更新时间：2021/01/01", {"source": "某某局", "date": "2021-01-01"}),
        ("2021-01-26 16:30 来源：某某局", {"date": "2021-01-26", "source": "某某局"}),
        ("Updated: 2021-01-01 Source: Foo Bureau", {"date": "2021-01-01", "source": "Foo Bureau"}),
    ],
)
def test_metadata_variants_seen_on_portals(line: str, expected: dict[str, str]) -> None:
    assert meta_fields(line) == expected
