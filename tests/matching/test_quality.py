"""Quality floors on the labelled questions in the repository, and the decision's sensitivity.

The matcher runs once over every labelled set (`calibrate.LABELLED`, all in the repository) and over
held-out 8 (never used for fitting). The shipped decision (bot/matching/params.json) must keep the
floors below; and moving any number of the decision 30 % either way must cost more than the tolerance
`python -m bot calibrate` prunes with — a drifted or hand-edited limit fails here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot import calibrate as calib
from bot.catalogue import load_or_raise
from bot.matching import Matcher
from bot.matching import calibration as cal
from bot.matching.params import load_params

ROOT = Path(__file__).resolve().parents[2]
HOLDOUT8 = ("eval/untuned/holdout8_questions.tsv",)

# Floors: the shipped model's figures (see params.json "figures") less about one point.
FLOORS = {
    "labelled": {"top1": 0.82, "top3": 0.89, "rejected": 0.84, "confident_wrong_max": 0.02},
    "holdout8": {"top1": 0.60, "top3": 0.70, "rejected": 0.80, "confident_wrong_max": 0.05},
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


def test_quality_floor_on_held_out_8(matcher, shipped):
    d = calib.collect(matcher, HOLDOUT8)
    _check(calib.figures(calib.decisions(shipped, d), d), FLOORS["holdout8"])


def _numbers(model: calib.Linear) -> list[tuple[str, int]]:
    # A weight of 0 is a feature the model does not use: there is nothing to shift.
    return [(w, i) for w, i in model.numbers() if w in ("t1", "t3") or getattr(model, w)[i] != 0]


def test_every_decision_number_is_in_use(shipped):
    assert len(_numbers(shipped)) >= 4


@pytest.mark.parametrize("factor", [1.3, 0.7])
def test_shifting_any_decision_number_by_30_percent_fails_the_quality_test(labelled, shipped, factor):
    rows = np.arange(len(labelled.X))
    base = calib.cost(shipped, labelled, rows)
    allowed = base + calib.TOLERANCE * len(rows)
    survivors = [(w, i) for w, i in _numbers(shipped)
                 if calib.cost(shipped.scaled(w, i, factor), labelled, rows) <= allowed]
    assert not survivors, f"moving these by x{factor} does not make the decision worse: {survivors}"


def test_the_costs_rank_a_confident_wrong_card_worst():
    c = cal.Costs()
    assert c.wrong_answer > max(c.wrong_choices, c.missed, c.right_in_choices)
