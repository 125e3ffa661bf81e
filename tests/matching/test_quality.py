"""Quality floors on the labelled questions in the repository, and the decision's sensitivity.

The matcher runs once over every labelled set (`calibrate.LABELLED`, all in the repository) and over
held-out 9 to 17 (never used for fitting). The shipped decision (bot/matching/params.json) must keep the
floors below; and moving any number of the decision 30 % either way must cost more than the tolerance
`python -m bot calibrate` prunes with — a drifted or hand-edited limit fails here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot import calibrate as calib
from bot.catalogue import load_or_raise
from bot.matching import Matcher
from bot.matching import calibration as cal
from bot.matching.params import load_params

ROOT = Path(__file__).resolve().parents[2]
HOLDOUT9 = ("eval/untuned/holdout9_questions.tsv",)
HOLDOUT10 = ("eval/untuned/holdout10_questions.tsv",)
HOLDOUT11 = ("eval/untuned/holdout11_questions.tsv",)
HOLDOUT12 = ("eval/untuned/holdout12_questions.tsv",)
HOLDOUT13 = ("eval/untuned/holdout13_questions.tsv",)
HOLDOUT14 = ("eval/untuned/holdout14_questions.tsv",)
HOLDOUT15 = ("eval/untuned/holdout15_questions.tsv",)
HOLDOUT16 = ("eval/untuned/holdout16_questions.tsv",)
HOLDOUT17 = ("eval/untuned/holdout17_questions.tsv",)
HOLDOUT18 = ("eval/untuned/holdout18_questions.tsv",)

# Floors: the shipped model's figures (see params.json "figures") less about one point.
FLOORS = {
    "labelled": {"answered_right": 0.74, "top1": 0.89, "top3": 0.935, "rejected": 0.96, "confident_wrong_max": 0.02},
    "holdout9": {"answered_right": 0.475, "top1": 0.755, "top3": 0.84, "rejected": 0.8, "confident_wrong_max": 0.02},
    "holdout10": {"answered_right": 0.515, "top1": 0.795, "top3": 0.86, "rejected": 0.92, "confident_wrong_max": 0.035},
    "holdout11": {"answered_right": 0.505, "top1": 0.76, "top3": 0.85, "rejected": 0.805, "confident_wrong_max": 0.035},
    "holdout12": {"answered_right": 0.48, "top1": 0.72, "top3": 0.825, "rejected": 0.865, "confident_wrong_max": 0.04},
    "holdout13": {"answered_right": 0.45, "top1": 0.71, "top3": 0.81, "rejected": 0.87, "confident_wrong_max": 0.025},
    "holdout14": {"answered_right": 0.535, "top1": 0.755, "top3": 0.855, "rejected": 0.905, "confident_wrong_max": 0.02},
    "holdout15": {"answered_right": 0.545, "top1": 0.745, "top3": 0.865, "rejected": 0.925, "confident_wrong_max": 0.04},
    "holdout16": {"answered_right": 0.445, "top1": 0.725, "top3": 0.81, "rejected": 0.92, "confident_wrong_max": 0.04},
    "holdout17": {"answered_right": 0.54, "top1": 0.77, "top3": 0.845, "rejected": 0.795, "confident_wrong_max": 0.03},
    "holdout18": {"answered_right": 0.545, "top1": 0.79, "top3": 0.87, "rejected": 0.97, "confident_wrong_max": 0.045},
}


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_or_raise(ROOT / "knowledge"), load_params())


@pytest.fixture(scope="module")
def labelled(matcher) -> calib.Data:
    return calib.collect(matcher)


@pytest.fixture(scope="module")
def shipped(matcher) -> calib.Linear:
    return calib.from_params(matcher.params)


def _check(figures: dict[str, float], floor: dict[str, float]) -> None:
    for key, value in floor.items():
        if key.endswith("_max"):
            assert figures[key[:-4]] <= value, f"{key[:-4]} {figures[key[:-4]]:.3f} > {value}"
        else:
            assert figures[key] >= value, f"{key} {figures[key]:.3f} < {value}"


def test_quality_floor_on_the_labelled_sets(labelled, shipped):
    _check(calib.figures(calib.decisions(shipped, labelled), labelled), FLOORS["labelled"])


@pytest.mark.parametrize("name, files", [("holdout9", HOLDOUT9), ("holdout10", HOLDOUT10), ("holdout11", HOLDOUT11),
                                         ("holdout12", HOLDOUT12), ("holdout13", HOLDOUT13),
                                         ("holdout14", HOLDOUT14), ("holdout15", HOLDOUT15),
                                         ("holdout16", HOLDOUT16), ("holdout17", HOLDOUT17),
                                         ("holdout18", HOLDOUT18)])
def test_quality_floor_on_the_untuned_held_out_sets(matcher, shipped, name, files):
    d = calib.collect(matcher, files)
    _check(calib.figures(calib.decisions(shipped, d), d), FLOORS[name])


def test_every_decision_weight_is_in_use(shipped):
    assert np.count_nonzero(shipped.w1) >= 2 and np.count_nonzero(shipped.w3) >= 2


@pytest.mark.parametrize("factor", [1.3, 0.7])
@pytest.mark.parametrize("limit", ["answer_min", "choice_min"])
def test_shifting_a_decision_limit_by_30_percent_fails_the_quality_test(matcher, labelled, limit, factor):
    """The limits are probabilities; moved 30 % either way, the decision costs more than the tolerance
    the calibration works to (a wrong card counting most)."""
    d = matcher.params.decision
    moved = replace(matcher.params, decision=replace(d, **{limit: getattr(d, limit) * factor}))
    rows = np.arange(len(labelled.X))
    base = calib.cost(calib.from_params(matcher.params), labelled, rows)
    shifted = calib.cost(calib.from_params(moved), labelled, rows)
    assert shifted > base + calib.TOLERANCE * len(rows), f"{limit} x{factor}: cost {shifted:.1f} vs {base:.1f}"


@pytest.mark.parametrize("factor", [1.3, 0.7])
def test_shifting_any_decision_weight_by_30_percent_changes_decisions(labelled, shipped, factor):
    """No dead weight: every number of the model decides something on the labelled questions."""
    base = calib.decisions(shipped, labelled)
    dead = [(w, i) for w, i in shipped.numbers() if w in ("w1", "w3") and getattr(shipped, w)[i] != 0
            and np.array_equal(calib.decisions(shipped.scaled(w, i, factor), labelled), base)]
    assert not dead, f"moving these by x{factor} changes no decision: {dead}"


def test_the_costs_rank_a_confident_wrong_card_worst():
    c = cal.Costs()
    assert c.wrong_answer > max(c.wrong_choices, c.missed, c.right_in_choices)


def test_the_calibration_reproduces_the_shipped_decision(matcher, labelled):
    """`python -m bot calibrate --write` refits on the same questions and writes the same model."""
    refit = calib.to_params(calib.fit_bagged(labelled), matcher.params).decision
    shipped = matcher.params.decision
    assert refit.features == shipped.features
    assert np.allclose(refit.w_first, shipped.w_first) and np.allclose(refit.w_three, shipped.w_three)
    assert np.isclose(refit.answer_min, shipped.answer_min) and np.isclose(refit.choice_min, shipped.choice_min)


def test_the_calibration_reproduces_the_shipped_reranker(matcher):
    """The reranker `python -m bot calibrate --write` fits (L2 chosen by cross-validation) is the shipped one."""
    refit, per_fold, figures = calib.fit_reranker(matcher)
    shipped = matcher.params.rerank
    assert refit.rerank.features == shipped.features and (refit.rerank.l2, refit.rerank.depth) == (shipped.l2, shipped.depth)
    assert np.allclose(refit.rerank.weights, shipped.weights)
    assert refit.lm_prior == matcher.params.lm_prior  # the language model's prior, chosen the same way
    assert len(per_fold) == calib.FOLDS
    # It must earn its place: cross-validated, it ranks better than the additive order.
    assert figures["cross_validated_quality"] > figures["additive_quality"]
