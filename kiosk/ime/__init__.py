"""拼音 input for the on-screen keyboard: a lexicon built from jieba's dictionary,
pypinyin and the loaded reports, and candidates for what a visitor types.

No web framework here: :mod:`kiosk.web.views.ime` serves it at ``/api/ime``.
"""

from kiosk.ime.engine import Candidate, Result, candidates
from kiosk.ime.lexicon import Lexicon, build_base, build_reports
from kiosk.ime.service import ImeService, load_base
from kiosk.ime.syllables import FUZZY_PAIRS, parse_fuzzy

__all__ = [
    "FUZZY_PAIRS",
    "Candidate",
    "ImeService",
    "Lexicon",
    "Result",
    "build_base",
    "build_reports",
    "candidates",
    "load_base",
    "parse_fuzzy",
]
