"""The prompt that biases Whisper to simplified Chinese, to how visitors ask and to
the words of the loaded reports (Whisper reads the prompt as the text before)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher

from kiosk.content.library import Library
from kiosk.ime.lexicon import report_words
from kiosk.ime.service import library_texts

BASE_PROMPT = "以下是普通话的句子。"
#: How visitors ask: named first, before the reports' own words.
ASKING = ("多少", "怎么", "申请", "收费", "电话")
#: Words named in the prompt: a short natural sentence (a long list of words makes
#: Whisper answer with lists of words, measured in bench/asr.py).
_PROMPT_WORDS = 10


#: Publishers named in the prompt (the most reports first).
_PROMPT_PUBLISHERS = 3
#: A report title's publisher: the Chinese characters before its year
#: (昆都仑区人民政府2013年度… → 昆都仑区人民政府).
_PUBLISHER = re.compile(r"^([\u4e00-\u9fff]{2,16}?)(?:19|20)\d\d")


def prompt_for(words: Iterable[str], publishers: Iterable[str] = ()) -> str:
    """The base prompt and one sentence naming the first few of ``words`` (and the
    reports' ``publishers``: a visitor names their district or bureau, which Whisper
    cannot guess — 昆都仑区 came back as 坤多伦去)."""
    chosen = list(dict.fromkeys(words))[:_PROMPT_WORDS]
    named = list(dict.fromkeys(publishers))[:_PROMPT_PUBLISHERS]
    whose = f"{'、'.join(named)}的" if named else ""
    if not chosen:
        return BASE_PROMPT
    return f"{BASE_PROMPT}市民询问{whose}政府信息公开年度报告里的{'、'.join(chosen)}等问题。"


def publishers(library: Library) -> list[str]:
    """The publishers named by the library's report titles, the most reports first."""
    found = Counter(
        m.group(1)
        for report in library.reports.values()
        if (m := _PUBLISHER.match(report.meta.title.strip()))
    )
    return [name for name, _ in found.most_common()]


def library_prompt(library: Library) -> str:
    """The prompt for a library: the asking words, then the reports' most used words."""
    counts = report_words(library_texts(library)[1:])  # the reports, not the question words
    return prompt_for(
        [*ASKING, *(w for w, _ in counts.most_common(10) if len(w) <= 4)], publishers(library)
    )


def _plain(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def echoes_prompt(text: str, prompt: str) -> bool:
    """Whisper repeats its prompt when it hears nothing clear: such text is no question.
    It shares most of itself with the prompt (≥ 80 %, or ≥ 10 characters that are ≥ 60 %
    of it). A question that only names the reports as the prompt does
    (2013年政府信息公开年度报告什么时候发布?) is a question."""
    said, given = _plain(text), _plain(prompt)
    if not said:
        return False
    run = SequenceMatcher(None, said, given, autojunk=False).find_longest_match().size
    return run >= max(4, int(len(said) * 0.8)) or (run >= 10 and run >= 0.6 * len(said))


#: A transcript of at least this many letters, one of which is this share of it, is
#: Whisper repeating itself over unclear audio ("金河沙山沙沙沙沙沙沙沙沙沙"), not a question.
_REPEATS_FROM = 8
_REPEATED_SHARE = 0.4


def repeats_itself(text: str) -> bool:
    """Whisper looping on audio it cannot make out: one character (not a digit) makes
    up a large share of a long enough text."""
    said = _plain(text)
    letters = [c for c in said if not c.isdigit()]  # 10000000元 is a number, not a loop
    if len(said) < _REPEATS_FROM or not letters:
        return False
    return Counter(letters).most_common(1)[0][1] >= _REPEATED_SHARE * len(said)


def no_question(text: str, prompt: str) -> bool:
    """What Whisper wrote is no question: nothing, its prompt, or itself repeated."""
    return not _plain(text) or echoes_prompt(text, prompt) or repeats_itself(text)
