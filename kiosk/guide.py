"""语音导览, the kiosk's spoken guide: the prompts it says, in the product's own voice.

The guide (``kiosk/widgets/guide``) speaks every screen in short pieces: a control's
name, its role, its state, a hint, a page summary. Each piece is a *prompt*,
made by the speech service like report audio and cached on disk under the same
key (text, voice, rate, engine version).

Two kinds of prompt:

- **fixed**: every interface string of both gettext catalogs (the zh-CN
  catalog in the Mandarin voice, the English one in the English voice), except
  templates with ``%(name)s`` placeholders. They are made by ``kiosk build``
  and in the background at start-up, so a prompt starts as soon as it is asked.
- **dynamic**: titles, numbers, paragraphs, answers, filled-in templates;
  synthesised on first use and cached like every other audio.

This module does not import Starlette: the web side is ``kiosk.web.views.guide``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cache
from itertools import product

from babel.messages.pofile import read_po

from kiosk.i18n import LANGUAGES, LOCALE_DIR
from kiosk.speech.engine import DEFAULT_GENDER, SpeechError
from kiosk.speech.service import SpeechService, Utterance

log = logging.getLogger("kiosk.guide")

#: Longest prompt the server makes, in characters.
MAX_PROMPT_CHARS = 300
#: The guide (guide.js, ``segments``) cuts text longer than this at sentence ends,
#: into clips of at most this length where it can; :func:`clips` cuts the same way.
CLIP_CHARS = 120
_PLACEHOLDER = re.compile(r"%\(\w+\)s")
_SENTENCE = re.compile(r"[^。！？!?；;.]+[。！？!?；;.]*")


def clips(text: str) -> list[str]:
    """The clips guide.js asks for when it says ``text`` (the same cut as its ``segments``)."""
    out: list[str] = []
    current = ""
    for part in _SENTENCE.findall(text) or [text]:
        if current and len(current + part) > CLIP_CHARS:
            out.append(current)
            current = ""
        current += part
    if current.strip():
        out.append(current)
    return [c.strip() for c in out if any(ch.isalnum() for ch in c)]


@cache
def catalog_prompts(language: str) -> tuple[str, ...]:
    """The fixed prompts of one interface language: every translated string of its
    catalog (the message id where a string is untranslated), without templates."""
    locale = LANGUAGES[language][0]
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    texts: set[str] = set()
    for message in catalog:
        if not message.id or message.pluralizable:
            continue
        text = " ".join(str(message.string or message.id).split())
        if text and not _PLACEHOLDER.search(text):
            texts.update(clips(text))
    return tuple(sorted(texts))


def fixed_prompts() -> list[tuple[str, str]]:
    """(language, text) of every fixed prompt, both interface languages."""
    return [(lang, text) for lang in LANGUAGES for text in catalog_prompts(lang)]


def prompt(
    speech: SpeechService, text: str, language: str, gender: str = DEFAULT_GENDER
) -> Utterance:
    """The utterance of one prompt in the visitor's voice (女声/男声): normalised and
    keyed like report sentences."""
    return speech.adhoc(text, language, gender=gender)


def build_prompts(
    speech: SpeechService, genders: Iterable[str] = (DEFAULT_GENDER,)
) -> tuple[int, int]:
    """Make every fixed prompt that is missing, in each voice (blocking).
    Returns (made, failed)."""
    made = failed = 0
    for (lang, text), gender in product(fixed_prompts(), genders):
        utt = prompt(speech, text, lang, gender)
        if speech.cached(utt) is not None:
            continue
        try:
            speech.synthesize(utt)
            made += 1
        except SpeechError as exc:
            failed += 1
            log.warning("guide: prompt %r not made: %s", text, exc)
    return made, failed


async def prebuild_prompts(speech: SpeechService) -> int:
    """Make the missing fixed prompts in the background after start-up (the
    default voice; ``kiosk build --all-voices`` makes the other one too)."""
    if not speech.available():
        return 0
    made, error = await speech.make_missing(
        prompt(speech, text, lang) for lang, text in fixed_prompts()
    )
    if error is not None:
        log.warning("guide: prompt prebuild stopped: %s", error)
        return made
    log.info("guide: prebuilt %d prompts", made)
    return made
