from __future__ import annotations

import pytest

from kiosk.settings import Settings, SettingsError


def test_defaults_environment_and_overrides() -> None:
    s = Settings(environ={"KIOSK_PORT": "9000", "KIOSK_KIOSK_MODE": "yes"})
    assert (s.port, s.kiosk_mode, s.host) == (9000, True, "127.0.0.1")
    s = Settings({"port": 9100}, environ={"KIOSK_PORT": "9000"})
    assert s.port == 9100


def test_bad_values_are_clear_errors() -> None:
    with pytest.raises(SettingsError, match="setting port: 'abc' is not a valid int"):
        Settings(environ={"KIOSK_PORT": "abc"})
    with pytest.raises(SettingsError, match="unknown setting"):
        Settings({"nope": 1}, environ={})
