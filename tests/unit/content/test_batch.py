"""``kiosk import`` of many files, ``--explain``, and ``kiosk check`` on leftover chrome."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.cli import main

CASES = Path(__file__).resolve().parents[2] / "content_cases"


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(CASES / "pipe-tables" / "source.txt", folder / "pipe-tables.txt")
    shutil.copy(CASES / "html-standard-tables" / "source.html", folder / "qingshan-2021.html")
    shutil.copy(CASES / "pipe-tables" / "source.txt", folder / "zz-copy.txt")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n this is not a PDF")
    return folder


def test_a_batch_imports_every_file_and_fails_for_the_broken_one(
    sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "content"
    assert main(["import", str(sources), "-o", str(out)]) == 1
    printed = capsys.readouterr()
    assert "[" in printed.err  # the progress bar
    lines = printed.out.splitlines()
    assert any("broken.pdf: FAILED" in line for line in lines)
    summary = next(line for line in lines if "qingshan-2021.md" in line)
    assert (
        "青山区人民政府2021年政府信息公开工作年度报告 | 2022-01-25 | 6 sections, 6 tables"
        in summary
    )
    assert any("zz-copy.txt: same bytes" in line for line in lines)
    assert sorted(p.name for p in out.iterdir()) == ["pipe-tables.md", "qingshan-2021.md"]
    first = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    # The same files again: the same slugs, no duplicate, nothing changed.
    main(
        [
            "import",
            str(sources / "pipe-tables.txt"),
            str(sources / "qingshan-2021.html"),
            "-o",
            str(out),
        ]
    )
    assert "(unchanged)" in capsys.readouterr().out
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == first
    assert main(["check", str(out)]) == 0


def test_a_batch_without_failures_exits_zero(sources: Path, tmp_path: Path) -> None:
    (sources / "broken.pdf").unlink()
    assert main(["import", str(sources), "-o", str(tmp_path / "c")]) == 0


def test_explain_lists_each_dropped_line_with_its_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", "--explain", str(CASES / "chrome-print-close" / "source.txt")]) == 0
    out = capsys.readouterr().out
    assert "2 sections, 0 tables, 2 figures" in out
    assert "[chrome vocabulary: 返回顶部] 返回顶部" in out
    assert "[bracketed controls] 【打印】【收藏】【纠错】" in out
    assert "---\n" not in out  # the explanation instead of the Markdown


def test_check_reports_a_body_that_still_looks_like_chrome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.md"
    report.write_text(
        "---\ntitle: 报告\n---\n\n## 一、总体情况\n\n全年公开信息12条。\n\n【打印本页】【关闭窗口】\n\n分享到：微信 微博\n",
        encoding="utf-8",
    )
    main(["check", str(report)])
    out = capsys.readouterr().out
    assert "report.md:9: warning: looks like site chrome (bracketed controls)" in out
    assert "report.md:11: warning: looks like site chrome" in out
    assert "12条" not in out


def test_check_finds_no_chrome_in_any_golden_output_nor_in_the_bundled_content() -> None:
    from kiosk.content.chrome_check import chrome_problems

    outputs = sorted(CASES.glob("*/expected.md"))
    assert len(outputs) >= 20
    root = CASES.parents[1]
    assert chrome_problems([*outputs, root / "content"]) == []


def test_the_same_report_saved_under_another_name_replaces_its_file(
    sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "content"
    main(["import", str(sources / "qingshan-2021.html"), "-o", f"{out}/"])
    renamed = tmp_path / "page (1).html"
    data = (sources / "qingshan-2021.html").read_bytes().replace(b"</body>", b"<p></p></body>")
    renamed.write_bytes(data)
    assert main(["import", str(renamed), "-o", str(out)]) == 0
    assert [p.name for p in out.iterdir()] == ["qingshan-2021.md"]
    assert "qingshan-2021.md (unchanged)" in capsys.readouterr().out
