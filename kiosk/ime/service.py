"""The input method of a running kiosk: lexicons kept on disk and in memory.

The base lexicon is built once per jieba/pypinyin version and saved in the cache
folder (and shared by every app in one process); the reports' layer is rebuilt
when the content changes, and also saved, named by a digest of the content.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path

from kiosk.content.library import Library
from kiosk.ime.engine import Result, candidates
from kiosk.ime.lexicon import Lexicon, base_signature, build_base, build_reports
from kiosk.search._lexicon import QUESTION_WORDS_ZH, SYNONYMS

log = logging.getLogger("kiosk.ime")

_BASE: dict[str, Lexicon] = {}
#: The last reports' layers built or loaded in this process, by file name.
_REPORTS: dict[str, Lexicon] = {}
_KEEP_REPORTS = 4
_BASE_LOCK = threading.Lock()


def load_base(cache_dir: Path) -> Lexicon:
    """The base lexicon: from memory, from the cache folder, or built (≈ 10 s) and saved."""
    sig = base_signature()
    with _BASE_LOCK:
        path = cache_dir / "ime" / f"base-{sig}.lexicon"
        if sig in _BASE:
            if not path.exists():  # another cache folder: keep a copy there too
                _BASE[sig].save(path)
            return _BASE[sig]
        lex = Lexicon.load(path)
        if lex is None:
            start = time.perf_counter()
            lex = build_base()
            lex.save(path)
            log.info(
                "ime: built the base lexicon (%d entries) in %.1f s",
                len(lex),
                time.perf_counter() - start,
            )
        _BASE[sig] = lex
        return lex


def library_texts(library: Library) -> list[str]:
    """Every title and block of the loaded reports, in a stable order, after the
    words visitors ask with (question words and everyday synonyms of 智能问答)."""
    asking = sorted(QUESTION_WORDS_ZH | set(SYNONYMS) | {w for v in SYNONYMS.values() for w in v})
    texts: list[str] = ["\n".join(asking)]
    for slug in sorted(library.reports):
        report = library.reports[slug]
        texts.append(report.meta.title)
        texts.extend(block.text for block in report.blocks)
    return texts


class ImeService:
    """Candidates for typed pinyin, over the base and the reports' words."""

    def __init__(self, cache_dir: Path, fuzzy: frozenset[str]) -> None:
        self.cache_dir = cache_dir
        self.fuzzy = fuzzy
        self._layers: tuple[Lexicon, ...] = ()
        self._library: Library | None = None
        self._lock = threading.Lock()
        self._building = threading.Lock()

    @property
    def library(self) -> Library | None:
        """The content the reports' layer was built from."""
        return self._library

    @property
    def ready(self) -> bool:
        return bool(self._layers)

    def ensure(self, library: Library) -> bool:
        """Build what is missing for ``library``; True when the layers changed."""
        if library is self._library:
            return False
        with self._lock:
            if library is self._library:
                return False
            base = load_base(self.cache_dir)
            texts = library_texts(library)
            digest = hashlib.sha256("\n\0".join(texts).encode()).hexdigest()[:16]
            path = self.cache_dir / "ime" / f"reports-{base_signature()}-{digest}.lexicon"
            reports = _REPORTS.get(path.name) or Lexicon.load(path)
            if reports is None or reports.syllables.table != base.syllables.table:
                reports = build_reports(base, texts)
            if not path.exists():
                reports.save(path)
            _REPORTS[path.name] = reports
            while len(_REPORTS) > _KEEP_REPORTS:
                del _REPORTS[next(iter(_REPORTS))]
            self._layers = (base, reports)
            self._library = library
            return True

    def refresh(self, library: Library) -> None:
        """Bring the lexicon in line with ``library`` unless a build is under way
        (then return at once). A failure is logged: typing waits for the next try,
        reading is unaffected."""
        if not self._building.acquire(blocking=False):
            return
        try:
            self.ensure(library)
        except Exception:
            log.exception("ime: building the lexicon failed")
        finally:
            self._building.release()

    def candidates(self, raw: str, limit: int = 60) -> Result | None:
        """None until the lexicon is loaded."""
        layers = self._layers
        if not layers:
            return None
        return candidates(layers, raw, self.fuzzy, limit)
