"""How the calibration weighs its question sets (bot/calibrate_rerank.py)."""

import numpy as np
import pytest

from bot import calibrate
from bot.calibrate_rerank import TRAINING, TRAINING_WEIGHT, set_weights


def test_each_set_weighs_the_same_whatever_its_size():
    source = np.array(["a"] * 3 + ["b"] * 1)
    w = set_weights(source)
    assert w[:3].sum() == pytest.approx(w[3:].sum())
    assert w.sum() == pytest.approx(len(source))


def test_the_training_sets_weigh_together_as_one_lighter_population():
    train = sorted(TRAINING)
    source = np.array(["held-out"] * 10 + [train[0]] * 5 + [train[1]] * 20 + [train[2]] * 5)
    w = set_weights(source)
    held, trained = w[:10].sum(), w[10:].sum()
    assert trained == pytest.approx(held * TRAINING_WEIGHT)
    assert w[10] == pytest.approx(w[15])  # one population: every training question alike


def test_the_training_sets_teach_the_ranking_not_the_decision():
    assert set(TRAINING) <= set(calibrate.LABELLED)
    assert not set(TRAINING) & set(calibrate.DECIDED)


def test_no_sets_no_weights():
    assert set_weights(np.array([])).size == 0
