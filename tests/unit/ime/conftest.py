"""Fixtures for the input-method tests: the real lexicon, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.content.library import Library, load_library
from kiosk.ime.lexicon import Lexicon, build_reports
from kiosk.ime.service import library_texts, load_base

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def ime_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ime-cache")


@pytest.fixture(scope="session")
def base(ime_cache: Path, lexicon_cache: Path) -> Lexicon:
    return load_base(ime_cache)  # a copy of the session's (tests/conftest.py)


@pytest.fixture(scope="session")
def seed_library() -> Library:
    return load_library(ROOT / "content", 5 << 20)


@pytest.fixture(scope="session")
def layers(base: Lexicon, seed_library: Library) -> tuple[Lexicon, ...]:
    return (base, build_reports(base, library_texts(seed_library)))
