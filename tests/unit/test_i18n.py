"""Every interface string is translated, and the catalogs hold no stale entries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from kiosk.i18n import LOCALE_DIR, gettext

ROOT = Path(__file__).resolve().parents[2]


def _extracted(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "gettext:2",
            "-k",
            "ngettext:2,3",
            "--no-location",
            "--omit-header",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id and isinstance(m.id, str)}


def test_catalogs_cover_every_string(tmp_path: Path) -> None:
    wanted = _extracted(tmp_path)
    assert "Skip to content" in wanted
    for locale in ("zh_CN", "en"):
        with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        ids = {m.id for m in catalog if m.id}
        assert wanted <= ids, f"{locale}: run `make messages`: {sorted(wanted - ids)}"
        if locale == "zh_CN":
            untranslated = [m.id for m in catalog if m.id and not m.string]
            assert untranslated == []


def test_gettext() -> None:
    assert gettext("zh-CN", "Skip to content") == "跳到正文"
    assert gettext("en", "Skip to content") == "Skip to content"
    assert gettext("fr", "Year %(year)s", year=2013) == "2013年"  # unknown → default
