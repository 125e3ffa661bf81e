import datetime as dt

import numpy as np

from bot.catalogue.schema import Procedure
from bot.matching.decide import FEATURES, Evidence, decide, features, kind_of
from bot.matching.params import DecisionModel, MatchParams
from bot.matching.score import Hit

# A hand-made model for the mechanics: the answer score is 10 x score + 20 x margin, the choice score
# 10 x score; answer from logistic 0.9999 (a score of about 9.2), choices from 0.99 (about 4.6).
W1 = [10.0 if f == "score" else 20.0 if f == "margin" else 0.0 for f in FEATURES]
W3 = [10.0 if f == "score" else 0.0 for f in FEATURES]
P = MatchParams(decision=DecisionModel(FEATURES, tuple(W1), 0.9999, tuple(W3), 0.99))
SHORT = Evidence(content_words=3, english=False)


def hit(pid: str, score: float, anchor: float = 0.0) -> Hit:
    """A curated card, or a national record when its id says so ("tthc-...")."""
    proc = Procedure(id=pid, code="1.000001", name=pid, group="ho-tich", source="https://example.org",
                     verified_on=dt.date(2026, 1, 1), imported_from="national.jsonl" if pid.startswith("tthc-") else None)
    return Hit(proc, score, anchor=anchor)


def test_features_follow_their_names():
    x = features([hit("a", 0.8), hit("b", 0.5), hit("c", 0.4)], SHORT, 10.0, P)
    assert len(x) == len(FEATURES)
    named = dict(zip(FEATURES, x, strict=True))
    assert named["score"] == 0.8 and np.isclose(named["margin"], 0.3) and np.isclose(named["margin3"], 0.4)
    assert named["imported"] == 0.0 and named["runner_imported"] == 0.0 and np.isclose(named["words"], np.log1p(3))


def test_a_national_runner_up_is_a_feature():
    """Which tier the second candidate is from: a lead over a national sibling means less than over a card."""
    named = dict(zip(FEATURES, features([hit("a", 0.8), hit("tthc-1-000002", 0.5)], SHORT, 10.0, P), strict=True))
    assert named["imported"] == 0.0 and named["runner_imported"] == 1.0
    alone = dict(zip(FEATURES, features([hit("tthc-1-000002", 0.8)], SHORT, 10.0, P), strict=True))
    assert alone["imported"] == 1.0 and alone["runner_imported"] == 0.0


def test_a_clear_best_is_the_answer():
    m = decide("q", None, [hit("a", 0.8), hit("b", 0.5)], 3, P, SHORT, 10.0)
    assert m.kind == "answer" and m.best.id == "a"


def test_a_close_runner_up_offers_the_three_the_decision_weighed():
    """The "a right one among three" model is fitted on the first three candidates, whatever their
    scores: "did you mean" offers those three (cutting a far third dropped the right one for 0.4-3 % of
    blind questions)."""
    m = decide("q", None, [hit("a", 0.7), hit("b", 0.68), hit("c", 0.5), hit("d", 0.45)], 3, P, SHORT, 10.0)
    assert m.kind == "choices" and [h.proc.id for h in m.hits] == ["a", "b", "c"]


def test_low_scores_are_none():
    assert decide("q", None, [hit("a", 0.45), hit("b", 0.44)], 3, P, SHORT, 10.0).kind == "none"
    assert decide("q", None, [], 3, P, SHORT, 10.0).kind == "none"


def test_without_a_fitted_model_it_offers_and_never_asserts():
    x = features([hit("a", 0.99)], SHORT, 10.0, P)
    assert kind_of(DecisionModel(), x) == "choices"
