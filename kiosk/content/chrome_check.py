"""``kiosk check``: find report bodies that still hold site chrome.

A content file written by hand, or imported before the vocabulary knew a portal's
controls, may still carry 【打印本页】 or 分享到 lines that the reader would hear
read aloud. Each such paragraph is reported as a warning with its line.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kiosk.content.library import Problem, content_files
from kiosk.content.vocab import chrome_reason, is_meta_line


def chrome_problems(paths: Iterable[Path]) -> list[Problem]:
    problems: list[Problem] = []
    for path in paths:
        for f in content_files(path) if path.is_dir() else [path]:
            problems.extend(_file_problems(f))
    return problems


def _file_problems(path: Path) -> list[Problem]:
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return []  # the loader reports those
    out = []
    fence = 0
    for n, line in enumerate(lines, start=1):
        if line.strip() == "---" and fence < 2:
            fence += 1
            continue
        text = line.strip().lstrip("#-> ").replace("\\", "")
        if fence < 2 or not text or text.startswith("|"):
            continue
        reason = chrome_reason(text) or ("metadata line" if is_meta_line(text) else None)
        if reason:
            out.append(
                Problem(str(path), n, f"looks like site chrome ({reason}): {text[:60]}", "warning")
            )
    return out
