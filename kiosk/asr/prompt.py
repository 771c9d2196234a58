"""The prompt that biases Whisper to simplified Chinese, to how visitors ask and to
the words of the loaded reports (Whisper reads the prompt as the text before)."""

from __future__ import annotations

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


def prompt_for(words: Iterable[str]) -> str:
    """The base prompt and one sentence naming the first few of ``words``."""
    chosen = list(dict.fromkeys(words))[:_PROMPT_WORDS]
    if not chosen:
        return BASE_PROMPT
    return f"{BASE_PROMPT}市民询问政府信息公开年度报告里的{'、'.join(chosen)}等问题。"


def library_prompt(library: Library) -> str:
    """The prompt for a library: the asking words, then the reports' most used words."""
    counts = report_words(library_texts(library)[1:])  # the reports, not the question words
    return prompt_for([*ASKING, *(w for w, _ in counts.most_common(10) if len(w) <= 4)])


def _plain(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def echoes_prompt(text: str, prompt: str) -> bool:
    """Whisper repeats its prompt when it hears nothing clear: such text is no question
    (it shares a long run with the prompt: ≥ 10 characters, or most of itself)."""
    said, given = _plain(text), _plain(prompt)
    if not said:
        return False
    match = SequenceMatcher(None, said, given, autojunk=False).find_longest_match()
    return match.size >= min(10, max(4, int(len(said) * 0.8)))


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
