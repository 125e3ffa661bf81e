import numpy as np

from bot.matching import calibration as cal


def test_logistic_fit_separates_and_is_deterministic():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(float)
    w, b = cal.fit_logistic(X, y, l2=0.1)
    again = cal.fit_logistic(X, y, l2=0.1)
    assert np.array_equal(w, again[0]) and b == again[1]
    assert ((cal.probability(X, w, b) >= 0.5) == (y == 1)).mean() > 0.95


def test_a_wrong_answer_costs_most_and_a_right_answer_nothing():
    decision = np.array([cal.ANSWER, cal.ANSWER, cal.CHOICES, cal.CHOICES, cal.NONE, cal.NONE])
    top1 = np.array([True, False, False, False, False, False])
    top3 = np.array([True, False, True, False, True, False])
    in_scope = np.array([True, True, True, False, True, False])
    c = cal.Costs()
    assert list(cal.outcome_cost(decision, top1, top3, in_scope)) == [
        0.0, c.wrong_answer, c.right_in_choices, c.wrong_choices, c.missed, 0.0]


def test_summary_counts_offers_and_rejections():
    decision = np.array([cal.ANSWER, cal.CHOICES, cal.NONE, cal.NONE])
    top1 = np.array([True, True, False, False])
    top3 = top1.copy()
    in_scope = np.array([True, True, True, False])
    f = cal.summary(decision, top1, top3, in_scope)
    assert f["answered_right"] == 1 / 3 and f["top1"] == 2 / 3 and f["rejected"] == 1.0
    assert f["confident_wrong"] == 0.0
