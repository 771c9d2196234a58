"""Every setting of the kiosk, with its default and help text.

A setting is read from the environment as ``KIOSK_<NAME>`` (upper case) and
can be overridden by a CLI flag. ``/-/settings.json`` serves the values, and
``tests/test_docs.py`` fails when a setting is missing from README.md.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    #: Secret settings are not shown at /-/settings.json.
    public: bool = True


SETTINGS: tuple[Setting, ...] = (
    Setting("content_dir", "content", "Folder of report files (Markdown with YAML front matter)."),
    Setting(
        "cache_dir",
        ".cache/kiosk",
        "Folder for generated files: audio, QR codes, the search index.",
    ),
    Setting("host", "127.0.0.1", "Address `kiosk serve` listens on."),
    Setting("port", 8000, "Port `kiosk serve` listens on."),
    Setting(
        "kiosk_mode",
        False,
        "Run as a service-hall kiosk: paged large-type layout, start screen, idle reset, no external links.",
    ),
    Setting(
        "public_base_url",
        "",
        "Address phones use to reach this server, e.g. https://kiosk.example.gov.cn; QR codes always use it.",
    ),
    Setting(
        "default_language",
        "zh-CN",
        "Interface language when the visitor has not chosen one (zh-CN or en).",
    ),
    Setting(
        "reload_interval",
        2.0,
        "Seconds between checks of the content folder for changes (0 turns reloading off).",
    ),
    Setting(
        "max_content_bytes",
        5 * 1024 * 1024,
        "Largest content file accepted, in bytes; larger files are rejected and reported.",
    ),
    Setting(
        "max_body_bytes",
        64 * 1024,
        "Largest request body accepted, in bytes; larger requests get 413.",
    ),
    Setting(
        "rate_limit",
        "120/60/30",
        "Per-client limit on the expensive routes (speech synthesis, whole-report audio, search, 智能问答, QR codes): N/SECONDS/BURST, or off.",
    ),
    Setting(
        "widget_allowed_origins",
        "",
        "Sites whose pages may use the embeddable toolbar's API (speech, pinyin, QR codes): comma-separated origins such as https://www.example.gov.cn. Our own origin is always allowed; exact origins only, * is ignored.",
    ),
    Setting(
        "speak_rate_limit",
        "30/60",
        "Requests per seconds per client IP for /api/speak, as N/SECONDS or N/SECONDS/BURST (bursts of 10 by default; off for no limit). /api/pinyin and /api/qr.svg allow four times as much.",
    ),
    Setting("idle_timeout", 90, "Seconds without input before the kiosk asks '还在阅读吗?'."),
    Setting(
        "idle_countdown",
        20,
        "Seconds the '还在阅读吗?' dialog counts down before the kiosk resets.",
    ),
    Setting(
        "speech_engine",
        "pyttsx3",
        "Speech engine: pyttsx3 (eSpeak NG in a worker process), espeak-cli, or none (text only).",
    ),
    Setting(
        "speech_timeout",
        10.0,
        "Seconds one sentence may take to synthesise before the request fails with 503 and the engine restarts.",
    ),
    Setting(
        "speech_max_waiting",
        16,
        "Sentences that may wait for the speech engine at once; more get 503 with Retry-After.",
    ),
    Setting(
        "speech_prebuild",
        True,
        "Synthesise the audio of every report in the background after start-up (normal speed, WAV).",
    ),
    Setting("log_level", "info", "Logging level: debug, info, warning or error."),
    Setting(
        "ime_fuzzy",
        "z-zh,c-ch,s-sh,n-l,f-h,an-ang,en-eng,in-ing",
        "模糊音 of the on-screen keyboard's 拼音 input: the pairs typed as the same, comma-separated (z-zh, c-ch, s-sh, n-l, f-h, an-ang, en-eng, in-ing), or off.",
    ),
    Setting(
        "asr_timeout",
        30.0,
        "Seconds the speech recogniser (说出问题, Whisper base) may take for one question before it is restarted.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class SettingsError(ValueError):
    pass


def _coerce(setting: Setting, value: Any) -> Any:
    kind = type(setting.default)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    text = str(value).strip()
    try:
        if kind is bool:
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(text)
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
    except ValueError:
        raise SettingsError(
            f"setting {setting.name}: {text!r} is not a valid {kind.__name__}"
        ) from None
    return text


class Settings:
    """Resolved settings: defaults, then ``KIOSK_*`` environment, then overrides."""

    def __init__(
        self,
        overrides: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for s in SETTINGS:
            raw = env.get(f"KIOSK_{s.name.upper()}")
            values[s.name] = _coerce(s, raw) if raw is not None else s.default
        for name, value in (overrides or {}).items():
            if name not in _BY_NAME:
                raise SettingsError(f"unknown setting {name!r}")
            if value is not None:
                values[name] = _coerce(_BY_NAME[name], value)
        self._values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def content_path(self) -> Path:
        return Path(self.content_dir)

    @property
    def cache_path(self) -> Path:
        return Path(self.cache_dir)

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {"name": s.name, "value": self._values[s.name], "default": s.default, "help": s.help}
            for s in SETTINGS
            if s.public
        ]
