"""Fixtures for the search tests: the evaluation library and indexes over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.evaluate import eval_library
from kiosk.content.library import Library
from kiosk.content.model import Report
from kiosk.content.parse import parse_report
from kiosk.search.index import SearchIndex

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = "kundulun-2013-report"


def make_report(
    slug: str, body: str, title: str = "某区人民政府2020年政府信息公开工作年度报告"
) -> Report:
    report, _ = parse_report(slug, f"---\ntitle: {title}\n---\n{body}\n")
    return report


@pytest.fixture(scope="session")
def library() -> Library:
    """The bundled report plus the fixture reports (青山区 2021 zh/en, 石桥县 2020)."""
    return eval_library()


@pytest.fixture(scope="session")
def index(library: Library, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """A read-only index over :func:`library`, shared by the tests that only query."""
    built = SearchIndex(tmp_path_factory.mktemp("search-cache"))
    built.sync(library)
    yield built
    built.close()


@pytest.fixture
def fresh_index(tmp_path: Path) -> Iterator[SearchIndex]:
    """An empty index of its own, for tests that change it."""
    built = SearchIndex(tmp_path / "cache")
    yield built
    built.close()
