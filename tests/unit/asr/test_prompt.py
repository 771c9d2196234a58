"""The prompt that biases Whisper to the reports (no model needed)."""

from __future__ import annotations

from kiosk.asr import echoes_prompt, library_prompt, prompt_for
from kiosk.asr.prompt import publishers
from kiosk.content.library import load_library
from tests.conftest import CONTENT


def test_the_prompt_names_the_publishers_of_the_reports() -> None:
    """A visitor names their district or bureau, which Whisper cannot guess (昆都仑区
    came back as 坤多伦去 without it)."""
    library = load_library(CONTENT, 10_000_000)
    assert publishers(library) == ["昆都仑区人民政府"]
    prompt = library_prompt(library)
    assert "市民询问昆都仑区人民政府的政府信息公开年度报告里的多少、怎么" in prompt


def test_publishers_are_optional_and_few() -> None:
    assert (
        prompt_for(["多少"]) == "以下是普通话的句子。市民询问政府信息公开年度报告里的多少等问题。"
    )
    named = prompt_for(["多少"], ["甲区人民政府", "乙局", "丙县", "丁市", "甲区人民政府"])
    assert "甲区人民政府、乙局、丙县的政府" in named and "丁市" not in named


def test_a_question_naming_the_reports_is_no_echo() -> None:
    """The prompt names the reports (政府信息公开年度报告) and their publisher; a
    question that names them too is still a question."""
    prompt = prompt_for(["多少", "主动公开"], ["昆都仑区人民政府"])
    for asked in (
        "2013年政府信息公开年度报告什么时候发布?",
        "昆都仑区人民政府的年度报告在哪里看?",
        "昆都仑区人民政府主动公开了多少条?",
    ):
        assert not echoes_prompt(asked, prompt), asked
    assert echoes_prompt("市民询问昆都仑区人民政府的政府信息公开年度报告。", prompt)
    assert echoes_prompt("以下是普通话的句子。", prompt)
