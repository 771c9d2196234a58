"""说出问题: offline speech recognition of a visitor's spoken question.

Whisper base (CTranslate2 int8) runs in its own worker process through
faster-whisper (:mod:`kiosk.asr.worker`); the model is ``kiosk.models.locate("whisper-base")``
(installed by ``kiosk models install whisper-base``). Audio stays in memory: it is never written to disk or logs.
"""

from kiosk.asr.prompt import (
    echoes_prompt,
    library_prompt,
    no_question,
    prompt_for,
    repeats_itself,
)
from kiosk.asr.service import AsrService
from kiosk.asr.worker import AsrError, AsrTimeout, Recognizer

__all__ = [
    "AsrError",
    "AsrService",
    "AsrTimeout",
    "Recognizer",
    "echoes_prompt",
    "library_prompt",
    "no_question",
    "prompt_for",
    "repeats_itself",
]
