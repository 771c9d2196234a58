"""Building a static export for the tests (tests/web/test_export.py, tests/browser/test_nginx.py).

Exports start from the session's audio (the ``audio_cache`` fixture of
tests/conftest.py, copied with ``tests.servers.copy_warm``): none synthesises
the library again.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from kiosk.export import ExportOptions, ExportResult, export

ROOT = Path(__file__).resolve().parent.parent
SHORT = "short-sentences"
SEED = "kundulun-2013-report"
URL_ATTR = re.compile(r'\s(?:href|src|action|data-(?!kiosk-)[\w-]+)="([^"#]*)')


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
