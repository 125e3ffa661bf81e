import datetime as dt

from bot.catalogue.schema import Procedure
from bot.matching.decide import decide
from bot.matching.index import Hit
from bot.matching.params import MatchParams

P = MatchParams()


def hit(pid: str, score: float, anchor: float = 0.0) -> Hit:
    proc = Procedure(id=pid, code="1.000001", name=pid, group="ho-tich", source="https://example.org",
                     verified_on=dt.date(2026, 1, 1))
    return Hit(proc, score, anchor=anchor)


def test_a_clear_best_is_the_answer():
    m = decide("q", None, [hit("a", 0.8), hit("b", 0.5)], 3, P)
    assert m.kind == "answer" and m.best.id == "a"


def test_a_close_runner_up_makes_choices_of_plausible_ones_only():
    m = decide("q", None, [hit("a", 0.7), hit("b", 0.68), hit("c", 0.5)], 3, P)
    assert m.kind == "choices" and [h.proc.id for h in m.hits] == ["a", "b"]


def test_low_scores_are_none_unless_the_question_names_the_procedure():
    assert decide("q", None, [hit("a", 0.45)], 3, P).kind == "none"
    assert decide("q", None, [hit("a", 0.45, anchor=5.0)], 3, P, anchor_min=3.0).kind == "answer"
    assert decide("q", None, [], 3, P).kind == "none"


def test_long_questions_meet_lower_bars():
    assert decide("q", None, [hit("a", 0.45)], 3, P, content_words=12).kind == "answer"
