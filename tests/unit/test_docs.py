"""Documentation stays in step with the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import SETTINGS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting: object) -> None:
    name = setting.name  # type: ignore[attr-defined]
    assert f"`{name}`" in README and f"`KIOSK_{name.upper()}`" in README
    assert setting.help  # type: ignore[attr-defined]


def test_quick_start_is_the_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make run" in quick and "make test" in quick
