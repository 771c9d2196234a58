"""Kokoro-82M (int8 ONNX) for Mandarin: phonemes, inference, WAV output.

This module runs inside the speech worker process (:mod:`kiosk.speech._worker`); the
server side is :class:`kiosk.speech.engine.KokoroEngine`. numpy, onnxruntime and misaki
are imported only here, so the server does not pay for them.

Front end: misaki 0.9.4's ``zh`` G2P in its v1.0 form (jieba words, pypinyin readings,
IPA with tone arrows, which is the alphabet of Kokoro v1.0's vocabulary), with two fixes:
``〇`` becomes 零 (misaki drops it), and pypinyin's ``tone_sandhi`` is on, so 3-3 tone
pairs inside a word are read as a person reads them (你好 → ni2 hao3); 一 and 不 are
already changed by pypinyin; and a syllable without an initial after one that ends in
-n is kept apart by a space (进一步 ``ʨi↘n i↗pu↘``, not ``ʨi↘ni↗pu↘``, which the voice
said as jin ni bu: pinyin writes the apostrophe of 西安 for the same reason). The model takes at most 510 phoneme tokens per call, so
longer phoneme strings are cut at clause punctuation (then at word spaces) and the
pieces joined.
"""

from __future__ import annotations

import json
import re
import wave
from functools import cache
from pathlib import Path
from typing import Any

SAMPLE_RATE = 24000
MAX_TOKENS = 510
MODEL_FILE = "kokoro-v1.0.int8.onnx"
#: Below this amplitude (−40 dBFS) a sample is silence; kept around speech: seconds.
SILENCE = 0.01
LEAD_S = 0.05
TRAIL_S = 0.3
_CLAUSE_END = re.compile(r"(?<=[,.!?;:])\s+")
# IPA a syllable without an initial starts with (一 i, 无 u, 于 y, 要 jau, 为 wei, 月 ɥe).
_ZERO_INITIAL = frozenset("aeiouyɤəɛʊɨjwɥ")


@cache
def _g2p_module() -> Any:
    from misaki import zh

    return zh


def phonemes(text: str) -> str:
    """Kokoro v1.0 phonemes for Mandarin text (misaki's v1.0 G2P with tone sandhi)."""
    import cn2an
    import jieba
    from pypinyin import Style, lazy_pinyin

    zh = _g2p_module()
    text = text.replace("〇", "零")
    if not text.strip():
        return ""
    text = zh.ZHG2P.map_punctuation(cn2an.transform(text, "an2cn"))
    out = []
    for segment in re.findall(r"[\u4e00-\u9fff]+|[^\u4e00-\u9fff]+", text):
        if "\u4e00" <= segment[0] <= "\u9fff":
            words = jieba.lcut(segment, cut_all=False)
            readings = (
                lazy_pinyin(w, style=Style.TONE3, neutral_tone_with_five=True, tone_sandhi=True)
                for w in words
            )
            segment = " ".join(_join([zh.ZHG2P.py2ipa(p) for p in r]) for r in readings)
        out.append(segment)
    return "".join(out).replace(chr(815), "")


def _join(syllables: list[str]) -> str:
    """The IPA syllables of one word, with a space where -n meets a syllable without
    an initial (else the n is heard as the next syllable's initial)."""
    out = ""
    for ipa in syllables:
        if out.endswith("n") and ipa[:1] in _ZERO_INITIAL:
            out += " "
        out += ipa
    return out


def split_tokens(ids: list[int], breaks: set[int], limit: int = MAX_TOKENS) -> list[list[int]]:
    """Cut token ids into runs of at most ``limit``, preferring to cut after a token in
    ``breaks`` (clause punctuation, then spaces)."""
    runs: list[list[int]] = []
    start = 0
    while len(ids) - start > limit:
        window = ids[start : start + limit]
        cut = max((i + 1 for i, t in enumerate(window) if t in breaks), default=limit)
        runs.append(ids[start : start + cut])
        start += cut
    if start < len(ids):
        runs.append(ids[start:])
    return runs


def trim_silence(samples: Any, lead: float = LEAD_S, trail: float = TRAIL_S) -> Any:
    """Samples without the silence the model puts around every call (measured: 0.4 s
    before and 1.0 s after, however short the text), keeping ``lead`` and ``trail``
    seconds: pieces of a sentence follow each other with a clause's pause, not 1.4 s
    of dead air, and the first sound comes 0.35 s sooner."""
    import numpy as np

    loud = np.flatnonzero(np.abs(samples) > SILENCE)
    if loud.size == 0:
        return samples
    start = max(0, int(loud[0]) - int(lead * SAMPLE_RATE))
    end = min(len(samples), int(loud[-1]) + int(trail * SAMPLE_RATE))
    return samples[start:end]


class Kokoro:
    """One ONNX session, the vocabulary and the voices of a checked model folder."""

    def __init__(self, folder: Path, threads: int = 2) -> None:
        import numpy as np
        import onnxruntime as ort

        self._np = np
        self.folder = folder
        self.vocab: dict[str, int] = json.loads((folder / "vocab.json").read_text("utf-8"))["vocab"]
        self._clause = {self.vocab[c] for c in ",.!?;:" if c in self.vocab}
        self._space = {self.vocab[" "]} if " " in self.vocab else set()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning: the kiosk's web server shares these
        # cores (measured under load: 1.49 → 1.32 CPU-seconds per second of audio).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(folder / MODEL_FILE), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._voices: dict[str, Any] = {}

    def voice(self, name: str) -> Any:
        if name not in self._voices:
            path = self.folder / f"{name}.bin"
            if not re.fullmatch(r"z[fm]_[a-z]+", name) or not path.is_file():
                raise ValueError(f"unknown voice {name!r}")
            self._voices[name] = self._np.fromfile(path, "<f4").reshape(-1, 256)
        return self._voices[name]

    def audio(self, text: str, voice: str, speed: float = 1.0) -> Any:
        """float32 samples at 24 kHz for text (any length: cut into ≤ 510-token calls)."""
        np = self._np
        style = self.voice(voice)
        ids = [self.vocab[c] for c in phonemes(text) if c in self.vocab]
        ids = ids[1:] if ids[:1] == list(self._space) else ids
        out = []
        for run in split_tokens(ids, self._clause) if ids else []:
            if len(run) > 1 or run[0] not in self._space:
                out.append(trim_silence(self._infer(run, style, speed)))
        return np.concatenate(out) if out else np.zeros(0, np.float32)

    def _infer(self, ids: list[int], style: Any, speed: float) -> Any:
        np = self._np
        # Short runs that are cut at a clause end get a longer style row: fine for the model.
        ref = style[min(len(ids), len(style)) - 1]
        samples = self.session.run(
            None,
            {
                "tokens": np.array([[0, *ids, 0]], dtype=np.int64),
                "style": np.asarray(ref, dtype=np.float32).reshape(1, 256),
                "speed": np.array([speed], dtype=np.float32),
            },
        )[0]
        return np.asarray(samples, np.float32).ravel()

    def write(self, text: str, voice: str, speed: float, path: str) -> int:
        """Synthesise text into a 16-bit mono WAV file; returns the number of frames."""
        np = self._np
        samples = self.audio(text, voice, speed)
        pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
        with wave.open(path, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SAMPLE_RATE)
            w.writeframes(pcm.tobytes())
        return int(pcm.size)
