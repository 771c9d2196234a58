"""The recogniser of a running kiosk: found once, its prompt made once per library.

:class:`AsrService` is what :class:`kiosk.services.Services` holds: it looks for
the model on first use (:func:`kiosk.models.locate` may hash its files, so it is
called off the event loop), keeps one :class:`Recognizer`, and closes it.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from pathlib import Path

from kiosk import models
from kiosk.asr.prompt import library_prompt
from kiosk.asr.worker import Recognizer
from kiosk.caching import ByteCache
from kiosk.content.library import Library

log = logging.getLogger("kiosk.asr")
#: Seconds after a failed start before :meth:`AsrService.warm` tries again.
RETRY_AFTER = 300.0


class AsrService:
    """Whisper base for 说出问题, or nothing when the model is not installed."""

    def __init__(self, models_dir: Path, timeout: float, warm: bool = False) -> None:
        self.models_dir = models_dir
        self.timeout = timeout
        #: Whether :meth:`warm` starts the worker (a kiosk: one visitor, one worker process).
        self.warms = warm
        self._lock = threading.Lock()
        self._looked = False
        self._recognizer: Recognizer | None = None
        self._warming = False
        self._failed_at = -math.inf
        self._prompts: ByteCache[str] = ByteCache(64 * 1024, name="asr-prompts")

    def recognizer(self) -> Recognizer | None:
        """The recogniser (its worker starts with :meth:`warm` or the first question),
        or None when the model is not installed. Blocking the first time: call it in a
        thread."""
        with self._lock:
            if not self._looked:
                model = models.locate("whisper-base", self.models_dir)
                self._recognizer = Recognizer(model, timeout=self.timeout) if model else None
                self._looked = True
            return self._recognizer

    def warm(self) -> None:
        """On a kiosk, start the worker in the background when a page that offers
        说出问题 finds a microphone, so the first question does not wait for the model
        to load. Once at a time; after a failed start, not again for
        :data:`RETRY_AFTER` seconds (the first question still tries)."""
        recognizer = self.recognizer()
        if recognizer is None or not self.warms:
            return
        with self._lock:
            if (
                self._warming
                or recognizer.running
                or time.monotonic() - self._failed_at < RETRY_AFTER
            ):
                return
            self._warming = True
        threading.Thread(target=self._start, args=(recognizer,), daemon=True).start()

    def _start(self, recognizer: Recognizer) -> None:
        try:
            recognizer.start()
        except Exception as exc:  # a thread's error would bypass the log
            with self._lock:
                self._failed_at = time.monotonic()
            if recognizer.closed:  # shutting down while it loaded
                return
            log.warning(
                "asr: the recogniser did not start (%s); the first question tries again", exc
            )
        finally:
            with self._lock:
                self._warming = False

    def prompt(self, library: Library) -> str:
        """The prompt for ``library``: its reports' most used words (made once per library)."""
        return self._prompts.get_or_make("prompt", lambda: library_prompt(library), tag=library)

    def close(self) -> None:
        with self._lock:
            if self._recognizer is not None:
                self._recognizer.close()
