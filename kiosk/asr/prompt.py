"""The prompt that biases Whisper to simplified Chinese, to how visitors ask and to
the words of the loaded reports (Whisper reads the prompt as the text before)."""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.content.library import Library
from kiosk.ime.lexicon import report_words
from kiosk.ime.service import library_texts

BASE_PROMPT = "以下是普通话的句子，是市民对政府信息公开工作年度报告的提问。"
#: How visitors ask: named first, before the reports' own words.
ASKING = ("多少", "多少条", "怎么", "哪里", "什么时候", "申请", "收费", "电话")
_PROMPT_CHARS = 120


def prompt_for(words: Iterable[str]) -> str:
    """The base prompt and as many of ``words`` as fit."""
    text = BASE_PROMPT + "常用词："
    for word in words:
        if len(text) + len(word) + 1 > _PROMPT_CHARS:
            break
        text += word + "，"
    return text.rstrip("，") + "。"


def library_prompt(library: Library) -> str:
    """The prompt for a library: the asking words, then the reports' most used words."""
    counts = report_words(library_texts(library)[1:])  # the reports, not the question words
    return prompt_for([*ASKING, *(w for w, _ in counts.most_common(30) if len(w) <= 4)])
