"""The package installs: a wheel built from the checkout serves every page's files.

Builds the wheel, checks its file list, installs it (without dependencies:
they are the test environment's, added by a ``.pth`` file) into a fresh
virtualenv outside the checkout, then runs ``kiosk serve`` from another folder
and fetches a page, its CSS and JS, the service worker and the toolbar.
``make check`` skips it (``-m "not wheel"``); ``make test`` and CI run it.
"""

from __future__ import annotations

import os
import re
import shutil
import site
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.servers import answers, free_port, spawn, stop

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.wheel

#: Files the server reads at run time; each must be in the wheel.
REQUIRED = [
    "kiosk/templates/base.html",
    "kiosk/templates/report.html",
    "kiosk/templates/_settings_panel.html",
    "kiosk/widgets/player/player.html",
    "kiosk/widgets/player/player.js",
    "kiosk/widgets/player/player.css",
    "kiosk/widgets/toolbar/toolbar.js",
    "kiosk/widgets/toolbar/toolbar.css",
    "kiosk/widgets/toolbar/examples.yaml",
    "kiosk/assets/css/kiosk.css",
    "kiosk/assets/css/print.css",
    "kiosk/assets/js/kiosk.js",
    "kiosk/assets/js/offline.js",
    "kiosk/assets/vendor/htmx-4.0.1.min.js",
    "kiosk/assets/export/static-settings.js",
    "kiosk/assets/demo-portal/portal.css",
    "kiosk/static/sw.js",
    "kiosk/locale/zh_CN/LC_MESSAGES/messages.po",
    "kiosk/locale/en/LC_MESSAGES/messages.po",
]


def _build_wheel(out: Path) -> Path:
    """Build from a copy: setuptools writes build/ and *.egg-info/ into the source."""
    source = out.parent / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "kiosk", source / "kiosk", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("kiosk-*.whl")
    return wheel


def _install(wheel: Path, venv: Path) -> Path:
    """A virtualenv with only the wheel installed; dependencies come from ours."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
        + ["--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    # The test environment's packages (Starlette, Jinja2, …) but not its editable
    # kiosk: a path listed in a .pth file is not a site folder, so the editable
    # install's own .pth hook inside it does not run.
    (purelib,) = (venv / "lib").glob("python3*/site-packages")
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (purelib / "test-deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    return venv / "bin" / "kiosk"


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_wheel_installs_and_serves(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path / "dist")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in REQUIRED if name not in names]
    assert not missing, f"not in the wheel: {missing}"
    assert not [n for n in names if n.startswith(("bench/", "tests/", "kiosk/search/bench"))]
    every_widget = {p.relative_to(ROOT).as_posix() for p in (ROOT / "kiosk/widgets").rglob("*.*")}
    assert every_widget <= names

    kiosk = _install(wheel, tmp_path / "venv")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(kiosk.parent / "python"), "-c", "import kiosk; print(kiosk.__file__)"],
        cwd=elsewhere,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(tmp_path / "venv")), where

    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(elsewhere),
        "KIOSK_CACHE_DIR": str(elsewhere / "cache"),
        "KIOSK_SPEECH_PREBUILD": "0",
        "KIOSK_RELOAD_INTERVAL": "0",
    }
    base = f"http://127.0.0.1:{port}"
    server = spawn(
        [str(kiosk), "serve", "--port", str(port), "--content", str(ROOT / "content")],
        answers(base + "/-/health"),
        env=env,
        cwd=elsewhere,
        timeout=60,
    )
    try:
        status, page = _get(base + "/reports/kundulun-2013-report")
        assert status == 200
        text = page.decode("utf-8")
        assert "kiosk-player" in text
        linked = re.findall(r'(?:href|src)="(/assets/[^"]+)"', text)
        assert any(".css" in u for u in linked) and any(".js" in u for u in linked), linked
        for url in linked:
            assert _get(base + url)[0] == 200, url
        status, worker = _get(base + "/sw.js")
        assert status == 200 and b"__KIOSK_OFFLINE_VERSION__" not in worker
        status, toolbar = _get(base + "/widget/v1/toolbar.js")
        assert status == 200 and len(toolbar) > 1000
        assert _get(base + "/widget/v1/toolbar.css")[0] == 200
        assert _get(base + "/-/patterns")[0] == 200  # every component's template
        assert _get(base + "/?lang=en")[0] == 200  # the English catalog
    finally:
        stop(server)
