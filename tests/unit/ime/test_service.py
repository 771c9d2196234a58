from __future__ import annotations

import shutil
from pathlib import Path

from kiosk.content.library import load_library
from kiosk.ime.service import ImeService, library_texts
from kiosk.ime.syllables import parse_fuzzy

ROOT = Path(__file__).resolve().parents[3]


def test_not_ready_until_ensured(ime_cache: Path) -> None:
    service = ImeService(ime_cache, parse_fuzzy("all"))
    assert not service.ready
    assert service.candidates("zhu") is None


def test_rebuilt_when_the_content_changes(ime_cache: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    service = ImeService(ime_cache, parse_fuzzy("all"))
    first = load_library(content, 5 << 20)
    assert service.ensure(first)
    assert not service.ensure(first)
    result = service.candidates("shiguaiqu")
    assert result is not None and result.candidates[0].word != "石拐区"
    text = (content / "kundulun-2013-report.md").read_text(encoding="utf-8")
    (content / "kundulun-2013-report.md").write_text(
        text.replace("昆都仑区", "石拐区"), encoding="utf-8"
    )
    assert service.ensure(load_library(content, 5 << 20))
    result = service.candidates("shiguaiqu")
    assert result is not None and result.candidates[0].word == "石拐区"
    # Both layers are kept on disk, named by what they were built from.
    names = sorted(p.name.split("-")[0] for p in (ime_cache / "ime").glob("*.lexicon"))
    assert names.count("base") == 1 and names.count("reports") >= 2


def test_library_texts_include_the_words_visitors_ask_with(seed_library) -> None:  # type: ignore[no-untyped-def]
    texts = library_texts(seed_library)
    assert "多少" in texts[0] and "热线" in texts[0]
    assert any("昆都仑区" in t for t in texts[1:])
