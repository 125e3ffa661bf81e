"""The numbers behind "answer / did you mean / I don't know": fitted, cross-validated, pure functions.

A question's top candidates are described by a few features (see `decide.features`). Two logistic
models are fitted on labelled questions: the chance that the first candidate is right, and the chance
that a right one is among the three offered. The decision then compares them with two limits chosen
to minimise a cost in which a confident wrong card is the worst outcome (`Costs`).

Everything here is plain numpy on arrays, so the fitting script (`python -m bot calibrate`), the
tests and the matcher share one definition of each step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Costs:
    """What each outcome costs, per question. Correct outcomes cost nothing."""

    wrong_answer: float = 4.0  # a wrong card shown as the answer (or a card for an out-of-scope question)
    wrong_choices: float = 1.0  # a "did you mean" list without the right procedure (or for out of scope)
    right_in_choices: float = 0.3  # the right procedure offered among others instead of answered
    missed: float = 1.0  # "I don't know" although a right procedure was among the candidates


# Outcome codes per question, computed once from the matcher's candidates.
ANSWER, CHOICES, NONE = 2, 1, 0


def outcome_cost(decision: np.ndarray, top1: np.ndarray, top3: np.ndarray, in_scope: np.ndarray,
                 costs: Costs = Costs()) -> np.ndarray:
    """The cost of each decision, given whether the first / any of three candidates is right."""
    cost = np.zeros(len(decision), dtype=np.float64)
    ans, cho, non = decision == ANSWER, decision == CHOICES, decision == NONE
    cost[ans & ~top1] = costs.wrong_answer
    cost[cho & ~top3] = costs.wrong_choices
    cost[cho & top3] = costs.right_in_choices
    # Out of scope: "none" is right; an in-scope question with a right candidate costs a miss.
    cost[non & in_scope & top3] = costs.missed
    return cost


def standardise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    return mean, scale


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (deterministic, no dependency)."""
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    A = np.hstack([X, np.ones((n, 1))])
    theta = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0  # the intercept is not shrunk
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(A @ theta, -30, 30)))
        grad = A.T @ (p - y) + reg * theta
        hess = (A * (p * (1 - p))[:, None]).T @ A + np.diag(reg) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    w, b = theta[:-1], float(theta[-1])
    return w, b


def probability(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(X @ w + b, -30, 30)))


def decide(p1: np.ndarray, p3: np.ndarray, answer_min: float, choice_min: float) -> np.ndarray:
    """Answer when the first candidate is likely right; offer three when one of them likely is."""
    return np.where(p1 >= answer_min, ANSWER, np.where(p3 >= choice_min, CHOICES, NONE))


GRID = np.round(np.arange(0.05, 0.96, 0.01), 2)


def choose_limits(p1: np.ndarray, p3: np.ndarray, top1: np.ndarray, top3: np.ndarray, in_scope: np.ndarray,
                  costs: Costs = Costs()) -> tuple[float, float, float]:
    """The two limits with the least total cost (ties: the more cautious pair). Returns (answer, choice, cost)."""
    best = (np.inf, 1.0, 1.0)
    for a in GRID:
        for c in GRID:
            if c > a:
                continue
            total = outcome_cost(decide(p1, p3, a, c), top1, top3, in_scope, costs).sum()
            if total < best[0] - 1e-9:
                best = (total, float(a), float(c))
    return best[1], best[2], best[0]


@dataclass(frozen=True)
class Fitted:
    mean: np.ndarray
    scale: np.ndarray
    w1: np.ndarray
    b1: float
    w3: np.ndarray
    b3: float
    answer_min: float
    choice_min: float




def fit(X: np.ndarray, top1: np.ndarray, top3: np.ndarray, in_scope: np.ndarray, l2: float = 1.0,
        costs: Costs = Costs()) -> Fitted:
    mean, scale = standardise(X)
    Z = (X - mean) / scale
    w1, b1 = fit_logistic(Z, top1.astype(float), l2)
    w3, b3 = fit_logistic(Z, top3.astype(float), l2)
    p1, p3 = probability(Z, w1, b1), probability(Z, w3, b3)
    a, c, _ = choose_limits(p1, p3, top1, top3, in_scope, costs)
    return Fitted(mean, scale, w1, b1, w3, b3, a, c)


def folds(n: int, k: int, seed: int = 7) -> list[np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    return [order[i::k] for i in range(k)]




def summary(decision: np.ndarray, top1: np.ndarray, top3: np.ndarray, in_scope: np.ndarray) -> dict[str, float]:
    """The figures people read: answered right, right first among the offered, within three, out of
    scope rejected, and confidently wrong (a wrong card as the answer), as shares."""
    n_in = max(int(in_scope.sum()), 1)
    n_out = max(int((~in_scope).sum()), 1)
    offered = decision != NONE
    return {
        "answered_right": float((in_scope & (decision == ANSWER) & top1).sum() / n_in),
        "top1": float((in_scope & offered & top1).sum() / n_in),
        "top3": float((in_scope & offered & top3).sum() / n_in),
        "rejected": float((~in_scope & (decision == NONE)).sum() / n_out),
        "confident_wrong": float(((decision == ANSWER) & ~top1).sum() / len(decision)),
    }
