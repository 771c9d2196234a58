"""Reading preferences: text size, colour scheme, line spacing, 适老版, language, voice.

They live in one cookie so the server renders every page in the reader's
settings (no flash of the wrong theme). Values are validated here; anything
unknown falls back to the default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from kiosk.i18n import LANGUAGES
from kiosk.speech.engine import DEFAULT_GENDER, GENDERS

COOKIE = "kiosk_prefs"
#: Set on a phone that arrived by a kiosk's QR code: it gets the phone layout
#: even from a server in kiosk mode.
DEVICE_COOKIE = "kiosk_device"
#: Size steps. The CSS maps each step to a font size for the kiosk and the phone
#: layouts (kiosk 24/28/36/44/56 px, phone 16/18/22/26/30 px).
SIZES = (1, 2, 3, 4, 5)
DEFAULT_SIZE = 2
#: Colour schemes Chinese government readers know; names are msgids.
SCHEMES: dict[str, str] = {
    "default": "Default",
    "dark": "White on black",
    "light": "Black on white",
    "blue": "Yellow on blue",
    "yellow": "Black on yellow",
}
SPACINGS: dict[str, str] = {"15": "1.5", "18": "1.8", "20": "2.0"}
#: 女声 / 男声: the voice that reads aloud (kiosk.speech.engine picks the engine's voice).
VOICES = GENDERS


@dataclass(frozen=True)
class Prefs:
    size: int = DEFAULT_SIZE
    scheme: str = "default"
    spacing: str = "15"
    elder: bool = False
    lang: str = "zh-CN"
    voice: str = DEFAULT_GENDER

    @property
    def html_class(self) -> str:
        classes = [
            f"kiosk-size-{self.size}",
            f"kiosk-scheme-{self.scheme}",
            f"kiosk-spacing-{self.spacing}",
        ]
        if self.elder:
            classes.append("kiosk-elder")
        return " ".join(classes)

    @property
    def voice_param(self) -> str:
        """The voice as URLs carry it: empty for the default voice, so the URLs (and a
        kiosk's offline copy of them) stay the same as before voices."""
        return "" if self.voice == DEFAULT_GENDER else self.voice

    def encode(self) -> str:
        text = f"{self.size}.{self.scheme}.{self.spacing}.{int(self.elder)}.{self.lang}"
        # The default voice is left out: the cookie reads the same as before voices.
        return text if self.voice == DEFAULT_GENDER else f"{text}.{self.voice}"

    def to_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "scheme": self.scheme,
            "spacing": self.spacing,
            "elder": self.elder,
            "lang": self.lang,
            "voice": self.voice,
        }

    def updated(self, form: dict[str, str]) -> Prefs:
        """Apply a settings form; invalid values are ignored."""
        if "reset" in form:
            return Prefs(lang=self.lang, voice=self.voice)
        p = self
        if form.get("elder") in ("1", "0"):
            on = form["elder"] == "1"
            # 适老版: the largest comfortable size, high contrast, roomy lines.
            p = (
                replace(p, elder=on, size=4, scheme="light", spacing="18")
                if on
                else Prefs(lang=p.lang, voice=p.voice)
            )
        size = _int(form.get("size"))
        if size in SIZES:
            p = replace(p, size=size)
        if form.get("bigger") is not None:
            p = replace(p, size=min(p.size + 1, SIZES[-1]))
        if form.get("smaller") is not None:
            p = replace(p, size=max(p.size - 1, SIZES[0]))
        if form.get("scheme") in SCHEMES:
            p = replace(p, scheme=form["scheme"])
        if form.get("spacing") in SPACINGS:
            p = replace(p, spacing=form["spacing"])
        if form.get("lang") in LANGUAGES:
            p = replace(p, lang=form["lang"])
        if form.get("voice") in VOICES:
            p = replace(p, voice=form["voice"])
        return p


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and re.fullmatch(r"[0-9]{1,3}", value) else None


def decode(raw: str | None, default_lang: str = "zh-CN") -> Prefs:
    """Read the cookie; a damaged or foreign value gives the defaults."""
    base = Prefs(lang=default_lang if default_lang in LANGUAGES else "zh-CN")
    if not raw:
        return base
    parts = raw.split(".")
    if len(parts) == 5:  # written before the voice was a preference
        parts.append(base.voice)
    if len(parts) != 6:
        return base
    size, scheme, spacing, elder, lang, voice = parts
    return Prefs(
        size=int(size) if re.fullmatch(r"[1-9]", size) and int(size) in SIZES else base.size,
        scheme=scheme if scheme in SCHEMES else base.scheme,
        spacing=spacing if spacing in SPACINGS else base.spacing,
        elder=elder == "1",
        lang=lang if lang in LANGUAGES else base.lang,
        voice=voice if voice in VOICES else base.voice,
    )
