"""The recogniser of a running kiosk: found once, its prompt made once per library.

:class:`AsrService` is what :class:`kiosk.services.Services` holds: it looks for
the model on first use (:func:`kiosk.models.locate` may hash its files, so it is
called off the event loop), keeps one :class:`Recognizer`, and closes it.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from kiosk import models
from kiosk.asr.prompt import library_prompt
from kiosk.asr.worker import AsrError, Recognizer
from kiosk.caching import ByteCache
from kiosk.content.library import Library

log = logging.getLogger("kiosk.asr")


class AsrService:
    """Whisper base for 说出问题, or nothing when the model is not installed."""

    def __init__(self, models_dir: Path, timeout: float) -> None:
        self.models_dir = models_dir
        self.timeout = timeout
        self._lock = threading.Lock()
        self._looked = False
        self._recognizer: Recognizer | None = None
        self._prompts: ByteCache[str] = ByteCache(64 * 1024, name="asr-prompts")

    def recognizer(self) -> Recognizer | None:
        """The recogniser (its worker starts with the first question), or None when
        the model is not installed. Blocking the first time: call it in a thread."""
        with self._lock:
            if not self._looked:
                model = models.locate("whisper-base", self.models_dir)
                self._recognizer = Recognizer(model, timeout=self.timeout) if model else None
                self._looked = True
            return self._recognizer

    def warm(self) -> None:
        """Start the worker in the background (a page that offers 说出问题 asks for
        it), so the first question does not wait for the model to load."""
        recognizer = self.recognizer()
        if recognizer is None or recognizer.worker_pid is not None:
            return
        threading.Thread(target=self._start, args=(recognizer,), daemon=True).start()

    @staticmethod
    def _start(recognizer: Recognizer) -> None:
        try:
            recognizer.start()
        except AsrError:
            log.exception("asr: the recogniser did not start; the first question tries again")

    def prompt(self, library: Library) -> str:
        """The prompt for ``library``: its reports' most used words (made once per library)."""
        return self._prompts.get_or_make("prompt", lambda: library_prompt(library), tag=library)

    def close(self) -> None:
        with self._lock:
            if self._recognizer is not None:
                self._recognizer.close()
