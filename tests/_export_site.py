"""Building a static export for the tests (tests/test_export.py, tests/test_nginx.py).

The audio cache is shared by every export of a test session (audio is cached
by content, so sharing it is safe): only the first export synthesises.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from kiosk.export import ExportOptions, ExportResult, export

ROOT = Path(__file__).resolve().parent.parent
SHORT = "short-sentences"
SEED = "kundulun-2013-report"
URL_ATTR = re.compile(r'\s(?:href|src|action|data-(?!kiosk-)[\w-]+)="([^"#]*)')


def content_with_fixtures(tmp: Path) -> Path:
    """The bundled reports plus the short-sentence report of the browser tests."""
    content = tmp / "content"
    if not content.exists():
        shutil.copytree(ROOT / "content", content)
        shutil.copy(ROOT / "tests" / "browser" / "fixtures" / f"{SHORT}.md", content)
    return content


def audio_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "export-audio-cache"


def build(
    out: Path, content: Path, cache: Path, base_url: str, **options: object
) -> tuple[ExportResult, str]:
    """Export ``content``; returns the result and what went to stderr (the progress bar)."""
    err = io.StringIO()
    result = export(
        ExportOptions(
            out=out,
            base_url=base_url,
            content_dir=str(content),
            cache_dir=str(cache),
            **options,  # type: ignore[arg-type]
        ),
        stream=err,
    )
    return result, err.getvalue()
