"""Regenerate the expected output of importer golden cases.

    .venv/bin/python scripts/regen_cases.py            # every case
    .venv/bin/python scripts/regen_cases.py deep-nesting

Writes tests/content_cases/<slug>/expected.md and expected-metadata.json from
source.(txt|html). Review the diff before committing it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kiosk.content.importer import import_bytes, import_file

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.content.render import render  # noqa: E402

CASES = Path(__file__).resolve().parent.parent / "tests" / "content_cases"


def source_of(case: Path) -> Path:
    (source,) = [p for p in case.iterdir() if p.stem == "source"]
    return source


def regenerate(case: Path) -> None:
    if (case / "render.json").exists():  # a PDF or .docx made from a golden Markdown
        imported = import_bytes(render(case))
    else:
        imported = import_file(source_of(case))
    (case / "expected.md").write_text(imported.to_markdown(), encoding="utf-8")
    (case / "expected-metadata.json").write_text(
        json.dumps(imported.meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"{case.name}: {len(imported.blocks)} blocks")


def main(names: list[str]) -> None:
    cases = (
        [CASES / n for n in names] if names else sorted(p for p in CASES.iterdir() if p.is_dir())
    )
    for case in cases:
        regenerate(case)


if __name__ == "__main__":
    main(sys.argv[1:])
