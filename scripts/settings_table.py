"""Rewrite the settings table in README.md from kiosk/config.py.

.venv/bin/python scripts/settings_table.py
"""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.config import SETTINGS

README = Path(__file__).resolve().parent.parent / "README.md"
HEAD = "| setting | environment | default | meaning |\n| --- | --- | --- | --- |\n"


def table() -> str:
    rows = [
        f"| `{s.name}` | `KIOSK_{s.name.upper()}` | `{s.default!r}` | {s.help} |" for s in SETTINGS
    ]
    return HEAD + "\n".join(rows) + "\n"


def main() -> None:
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(HEAD) + r"(?:\|.*\|\n)+")
    README.write_text(pattern.sub(lambda _: table(), text, count=1), encoding="utf-8")


if __name__ == "__main__":
    main()
