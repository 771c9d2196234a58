"""Shared fixtures: a content folder per test and an app client over it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kiosk.config import Settings
from kiosk.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SEED_MD = CONTENT / "kundulun-2013-report.md"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled content."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture
def settings(content_dir: Path, tmp_path: Path) -> Settings:
    return Settings.from_env(
        {},
        **{
            "content_dir": str(content_dir),
            "cache_dir": str(tmp_path / "cache"),
            "reload_interval": 0,
            "speech_prebuild": False,
            "allowed_hosts": "testserver",  # the host TestClient sends
        },
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c
