import pytest

from bot.catalogue import load_or_raise
from bot.matching import Matcher
from bot.matching.matcher import search
from bot.matching.params import MatchParams
from bot.matching.qa import faq_match, faq_rank, with_qa
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


def test_faq_match_finds_the_entry_of_the_aspect_asked(matcher):
    index = matcher.index
    q, hits = search(index, "bao lâu phải làm khai sinh cho con")
    ref, fit = faq_match(index, q, hits[0].proc, "time")
    assert ref >= 0 and fit > 0.5 and "60 ngày" in hits[0].proc.faq[ref].a


def test_faq_rank_is_empty_for_a_bare_name(matcher):
    index = matcher.index
    q, hits = search(index, "đăng ký khai sinh")
    assert faq_rank(index, q, hits[0].proc, None) == []
    assert faq_match(index, q, hits[0].proc, None) == (-1, 0.0)


def test_faq_rank_soft_lets_another_aspect_compete_at_a_cost(matcher):
    index = matcher.index
    q, hits = search(index, "khai sinh bao lâu")
    proc = hits[0].proc
    assert faq_rank(index, q, proc, "fees") == []  # strict: the "how long" entry does not answer "how much"
    soft = faq_rank(index, q, proc, "fees", soft=True)
    right = faq_rank(index, q, proc, "time", soft=True)
    assert soft and right and soft[0][0] == right[0][0] and soft[0][1] < right[0][1]
