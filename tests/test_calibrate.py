"""The decision's fitting script: refining moves the two limits only, never up the cost."""

import numpy as np

from bot import calibrate as calib


def _data(n: int = 200, seed: int = 3) -> calib.Data:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    top1 = X[:, 0] + 0.3 * rng.normal(size=n) > 0.2
    top3 = top1 | (X[:, 1] > 0)
    in_scope = X[:, 2] > -1.0
    source = np.array(["a" if i % 2 else "b" for i in range(n)])
    return calib.Data(X, top1 & in_scope, top3 & in_scope, in_scope, source, np.ones(n, dtype=bool),
                      np.arange(n) % calib.FOLDS)


def test_refining_moves_the_limits_and_keeps_the_weights():
    d = _data()
    rows = np.arange(len(d.X))
    start = calib.Linear(np.array([1.0, 0.2, 0.1]), 3.0, np.array([0.5, 1.0, 0.3]), 2.5)
    refined = calib.refine(start, d, rows)
    assert np.array_equal(refined.w1, start.w1) and np.array_equal(refined.w3, start.w3)
    assert (refined.t1, refined.t3) != (start.t1, start.t3)  # limits far off are moved
    assert calib.cost(refined, d, rows) < calib.cost(start, d, rows)


def test_the_fit_is_deterministic():
    d = _data()
    a, b = calib.fit_bagged(d), calib.fit_bagged(d)
    assert np.array_equal(a.w1, b.w1) and a.t1 == b.t1 and np.array_equal(a.w3, b.w3) and a.t3 == b.t3
