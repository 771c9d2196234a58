from __future__ import annotations

import dataclasses

import pytest

from kiosk.config import SETTINGS, Settings, SettingsError


def test_defaults_environment_and_overrides() -> None:
    s = Settings.from_env({"KIOSK_PORT": "9000", "KIOSK_KIOSK_MODE": "yes"})
    assert (s.port, s.kiosk_mode, s.host) == (9000, True, "127.0.0.1")
    s = Settings.from_env({"KIOSK_PORT": "9000"}, port=9100)
    assert s.port == 9100


def test_bad_values_are_clear_errors() -> None:
    with pytest.raises(SettingsError, match="setting port: 'abc' is not a valid int"):
        Settings.from_env({"KIOSK_PORT": "abc"})
    with pytest.raises(SettingsError, match="unknown setting"):
        Settings.from_env({}, nope=1)


def test_values_are_typed_and_replace_coerces() -> None:
    s = Settings(port="8080", kiosk_mode="on", reload_interval=0)  # type: ignore[arg-type]
    assert (s.port, s.kiosk_mode, s.reload_interval) == (8080, True, 0.0)
    assert isinstance(s.reload_interval, float)
    t = s.replace(idle_timeout="30")
    assert (t.idle_timeout, s.idle_timeout) == (30, 90)
    with pytest.raises(SettingsError, match="unknown setting"):
        s.replace(nope=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.port = 1  # type: ignore[misc]


def test_every_default_has_its_fields_type_and_help() -> None:
    for s in SETTINGS:
        assert type(s.default) is s.type, s.name
        assert s.help.strip(), s.name
