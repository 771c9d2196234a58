"""Interface translations from gettext catalogs (Babel), zh-CN first.

Message ids are English; ``kiosk/locale/<locale>/LC_MESSAGES/messages.po`` holds
the translations. The ``.po`` files are compiled in memory at start-up, so no
binary ``.mo`` file is kept in the repository. ``make messages`` re-extracts the
strings from the templates and Python code and updates the catalogs.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import pass_context
from jinja2.runtime import Context

from kiosk.resources import LOCALE

LOCALE_DIR = LOCALE
#: Interface languages: tag → (gettext locale, name in that language).
LANGUAGES: dict[str, tuple[str, str]] = {"zh-CN": ("zh_CN", "中文"), "en": ("en", "English")}
DEFAULT_LANGUAGE = "zh-CN"


@cache
def translations(language: str) -> Translations:
    locale = LANGUAGES.get(language, LANGUAGES[DEFAULT_LANGUAGE])[0]
    po = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf)


def gettext(language: str, message: str, **variables: Any) -> str:
    text = translations(language).ugettext(message)
    return text % variables if variables else text


def ngettext(language: str, singular: str, plural: str, n: int, **variables: Any) -> str:
    text = translations(language).ungettext(singular, plural, n)
    return text % {"num": n, **variables}


@pass_context
def jinja_gettext(context: Context, message: str) -> str:
    """For Jinja's i18n extension (new style: it applies the variables)."""
    return translations(context.get("lang", DEFAULT_LANGUAGE)).ugettext(message)


@pass_context
def jinja_ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return translations(context.get("lang", DEFAULT_LANGUAGE)).ungettext(singular, plural, n)
