"""AsrService: the recogniser of a running app, loaded ahead on a kiosk."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kiosk.asr import AsrService, Recognizer
from tests.unit.speech.test_engine import _gone

# Whisper's worker loads the real model: make test runs these, make check does not.
pytestmark = pytest.mark.neural

MODELS = Path(__file__).resolve().parents[3] / ".cache" / "models"


def _until(condition: object, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_a_kiosk_loads_the_model_ahead_once() -> None:
    service = AsrService(MODELS, timeout=60, warm=True)
    try:
        recognizer = service.recognizer()
        assert isinstance(recognizer, Recognizer)
        service.warm()  # returns at once; the worker loads in the background
        assert _until(lambda: recognizer.running)
        pid = recognizer.worker_pid
        service.warm()  # loading or loaded: no second worker
        recognizer.start()  # waits for the load the warm-up began
        assert recognizer.worker_pid == pid
    finally:
        service.close()


def test_elsewhere_the_first_question_loads_it() -> None:
    service = AsrService(MODELS, timeout=60, warm=False)
    try:
        service.warm()
        time.sleep(0.5)
        recognizer = service.recognizer()
        assert recognizer is not None and not recognizer.running
    finally:
        service.close()


def test_closing_while_the_model_loads_leaves_no_worker() -> None:
    service = AsrService(MODELS, timeout=60, warm=True)
    recognizer = service.recognizer()
    assert recognizer is not None
    service.warm()
    assert _until(lambda: recognizer.running)
    pid = recognizer.worker_pid
    assert pid is not None
    service.close()  # does not wait for the load to finish
    assert not recognizer.running
    assert _until(lambda: _gone(pid), 10)
    service.warm()  # closed: nothing starts again
    assert not recognizer.running
