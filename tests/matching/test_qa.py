import pytest

from bot.catalogue import load_or_raise
from bot.matching import Matcher
from bot.matching.matcher import search
from bot.matching.params import MatchParams
from bot.matching.qa import with_qa
from bot.matching.result import Match


@pytest.fixture(scope="module")
def matcher():
    from tests.conftest import SAMPLE_KB

    return Matcher(load_or_raise(SAMPLE_KB))


def test_a_specific_question_gets_its_entry(matcher):
    index = matcher.index
    q, hits = search(index, "bao lâu phải làm khai sinh cho con")
    settled = Match("bao lâu phải làm khai sinh cho con", "answer", "time", hits[:1])
    shown = with_qa(index, q, settled, MatchParams())
    assert shown.faqs and "60 ngày" in shown.faqs[0].a


def test_no_entries_for_none_or_a_bare_name(matcher):
    index = matcher.index
    q, hits = search(index, "đăng ký khai sinh")
    assert with_qa(index, q, Match("x", "none", None, hits), MatchParams()).faqs == []
    assert with_qa(index, q, Match("x", "answer", None, hits[:1]), MatchParams()).faqs == []


def test_at_most_faq_shown_entries(matcher):
    index = matcher.index
    q, hits = search(index, "khai sinh bao lâu, lệ phí bao nhiêu, nộp ở đâu")
    shown = with_qa(index, q, Match("x", "answer", None, hits[:1]), MatchParams(faq_shown=1))
    assert len(shown.faqs) <= 1
