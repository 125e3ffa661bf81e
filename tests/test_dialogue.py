"""The dialogue: what a question gets, independent of Telegram."""

from dataclasses import replace

import pytest

from bot.catalogue import load_or_raise
from bot.dialogue import Dialogue
from bot.matching import Matcher
from bot.matching.params import DecisionModel, load_params
from bot.settings import Settings
from tests.conftest import SAMPLE_KB


@pytest.fixture(scope="module")
def dialogue() -> Dialogue:
    cat = load_or_raise(SAMPLE_KB)
    return Dialogue(cat, Matcher(cat), Settings(_env_file=None))


def test_a_specific_question_leads_with_its_staff_answer(dialogue):
    match, reply = dialogue.ask("bao lâu phải làm khai sinh cho con")
    assert match.kind == "answer"
    text = reply.text()
    assert text.index("60 ngày") < text.index("Đăng ký khai sinh")  # the answer, then the card


def test_a_question_in_english_is_answered_in_english(dialogue):
    # Words the sample cards' English names say, far from the decision's limit on this small catalogue
    # ("how to register a birth for my baby" sat 0.01 of a logit below it after a refit).
    match, reply = dialogue.ask("birth registration for my baby")
    assert match.english and match.best is not None and match.best.id == "dang-ky-khai-sinh"
    assert "Birth registration" in reply.text()


def test_a_subject_served_elsewhere_says_where(dialogue):
    match, reply = dialogue.ask("gia hạn visa cho chồng")
    assert match.kind == "none" and "đại sứ quán" in reply.text() and "1022" in reply.text()


def test_did_you_mean_shows_the_likeliest_procedures_section_for_the_aspect():
    # How a "did you mean" reads, whatever the fitted decision: an unfitted one always offers choices.
    cat = load_or_raise(SAMPLE_KB)
    offering = Matcher(cat, replace(load_params(), decision=DecisionModel()))
    match, reply = Dialogue(cat, offering, Settings(_env_file=None)).ask("đăng ký khai sinh kết hôn mất bao lâu")
    assert match.kind == "choices" and match.aspect == "time"
    text = reply.text()
    likely = match.hits[0].proc
    assert f"Nếu bạn hỏi về {likely.name}" in text and likely.processing_time in text
    assert text.index("Nếu bạn hỏi về") < text.index("Có phải bạn muốn hỏi")
