from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.cli import main
from tests.servers import copy_warm

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "content_cases" / "kundulun-2013" / "source.txt"


def test_check_passes_on_the_bundled_content(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(ROOT / "content")]) == 0
    assert capsys.readouterr().out == ""


def test_check_reports_one_line_per_problem(
    content_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (content_dir / "a.md").write_text("---\ntitle: x\ndate: soon\n---\nbody\n", encoding="utf-8")
    (content_dir / "b.md").write_bytes(b"---\ntitle: x\n---\n\xff\n")
    assert main(["check", str(content_dir)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{content_dir / 'a.md'}:3: 'date' is not YYYY-MM-DD: 'soon'",
        f"{content_dir / 'b.md'}:4: invalid UTF-8 at byte 17",
    ]


def test_check_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope")]) == 1
    assert "no such file or folder" in capsys.readouterr().out


def test_import_writes_a_valid_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "kundulun.md"
    assert main(["import", str(SEED), "-o", str(out)]) == 0
    assert "昆都仑区人民政府2013年度政府信息公开年度报告" in capsys.readouterr().out
    assert main(["check", str(out)]) == 0
    assert main(["import", str(SEED), "--origin-url", "https://example.gov.cn/a.html"]) == 0
    assert "origin_url: https://example.gov.cn/a.html" in capsys.readouterr().out


def test_list(content_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--content", str(content_dir)]) == 0
    assert capsys.readouterr().out.startswith("kundulun-2013-report\t2013\t2014-01-30\t")


def test_bad_setting_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KIOSK_MAX_CONTENT_BYTES", "lots")
    assert main(["list"]) == 2
    assert "max_content_bytes" in capsys.readouterr().err


def test_every_setting_is_a_serve_flag() -> None:
    from kiosk.cli import build_parser
    from kiosk.config import SETTINGS

    args = build_parser().parse_args(
        ["serve", "--kiosk-mode", "--port", "9001", "--idle-timeout", "30"]
    )
    assert (args.kiosk_mode, args.port, args.idle_timeout) == ("1", "9001", "30")
    for s in SETTINGS:
        assert hasattr(args, s.name)


def test_build_is_resumable_after_a_kill(tmp_path: Path, audio_cache: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    # A report of its own (24 sentences, none in the session's audio), over a cache
    # seeded with the session's: the 拼音 lexicon and 语音导览's prompts are there
    # (their own tests make them), so the runs spend their time on the sentences.
    content = tmp_path / "content"
    content.mkdir()
    sentences = "".join(f"第{n}项工作已经按计划完成。" for n in range(1, 25))
    (content / "resume.md").write_text(
        f"---\ntitle: 续建测试\ndate: 2020-01-01\nlanguage: zh-CN\n---\n\n{sentences}\n",
        encoding="utf-8",
    )
    copy_warm(audio_cache, tmp_path / "cache")
    env = {
        **os.environ,
        "KIOSK_SPEECH_ENGINE": "pyttsx3",
        "KIOSK_CACHE_DIR": str(tmp_path / "cache"),
    }
    cmd = [sys.executable, "-m", "kiosk.cli", "build", "--content", str(content)]
    audio = tmp_path / "cache" / "audio"
    before = set(audio.glob("*/*.mp3"))
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(set(audio.glob("*/*.mp3")) - before) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)  # half-way, the hardest way
    first.communicate()
    kept = len(set(audio.glob("*/*.mp3")) - before)
    assert 5 <= kept < 24  # it was stopped half-way
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    # It continues: what was made is not made again, and it shows progress with an ETA.
    built = re.search(r"24 sentences, (\d+) already built, (\d+) to make", again.stderr)
    assert built is not None, again.stderr
    assert int(built[1]) >= kept and int(built[1]) + int(built[2]) == 24
    assert "ETA" in again.stderr
    assert "24 sentences" in again.stdout and "MB of MP3" in again.stdout
    assert "0 guide prompts made" in again.stdout  # looked for, found in the cache
    last = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert "24 sentences, 24 already built, 0 to make" in last.stderr


def test_build_makes_the_pinyin_lexicon(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lexicon_cache: Path
) -> None:
    """Into the cache folder: the base (this process has the session's in memory, as
    a kiosk that built it before would) and the reports' layer (made here)."""
    from kiosk.cli import _build_ime
    from kiosk.config import Settings
    from kiosk.content.library import load_library
    from tests.conftest import CONTENT

    settings = Settings.from_env({}, cache_dir=str(tmp_path / "cache"))
    _build_ime(settings, load_library(CONTENT, 5 << 20))
    assert "拼音 lexicon ready" in capsys.readouterr().out
    names = {p.name.split("-")[0] for p in (tmp_path / "cache" / "ime").glob("*.lexicon")}
    assert names == {"base", "reports"}
