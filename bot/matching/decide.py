"""Decide what a question gets from its ranked candidates: one answer, a few choices, or none.

The decision is a fitted model, not hand-set bars: `features` describes the candidates (scores,
margins, coverage, whether the question names a procedure whole, tier, length, language, what kind of
question it is), two linear scores (the logits of two logistic models) say how likely the first
candidate is right and a right one is among the three offered, and two limits decide. `python -m bot calibrate` fits all
of it on labelled questions, cross-validated, and writes the numbers into `params.json`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.catalogue.schema import Faq

from .params import DecisionModel, MatchParams
from .result import Kind, Match
from .score import Hit
from .understand import Query

# The features, in the order the model's weights follow (params.json names them, and a mismatch fails).
FEATURES = (
    "score",  # the first candidate's score
    "margin",  # ... minus the second's
    "margin3",  # ... minus the third's
    "coverage",  # the share of the question's words the first candidate explains
    "anchor",  # a naming phrase of the first candidate found whole in the question (0..1)
    "similarity",  # fuzzy similarity of the question to the first candidate's best phrase (0..1)
    "imported",  # the first candidate is a national record, not a curated card
    "runner_imported",  # ... and the second: among national siblings a lead means less than over a card
    "words",  # log(1 + content words of the question)
    "english",  # asked in English
    "qa",  # the best phrase is a staff Q&A phrasing said nearly as written
    "name_share",  # the share of the first candidate's official name the question says
    "name_lead",  # ... minus the second candidate's
    "prob",  # the reranker's probability of the first candidate (rerank.py)
    "prob_lead",  # ... minus the second candidate's
)


@dataclass(frozen=True)
class Evidence:
    """What the decision looks at besides the hits."""

    content_words: int
    english: bool


def features(hits: list[Hit], evidence: Evidence, anchor_full: float, params: MatchParams) -> np.ndarray:
    s = [h.score for h in hits[:3]] + [0.0] * (3 - min(len(hits), 3))
    best = hits[0]
    qa = best.phrase is not None and best.phrase.kind == "faq" and best.phrase_sim >= params.faq_min
    return np.array([
        s[0], s[0] - s[1], s[0] - s[2], best.coverage, min(best.anchor / anchor_full, 1.0) if anchor_full else 0.0,
        best.phrase_sim / 100.0, float(not best.proc.is_curated),
        float(len(hits) > 1 and not hits[1].proc.is_curated), math.log1p(evidence.content_words),
        float(evidence.english), float(qa), best.name_share,
        best.name_share - (hits[1].name_share if len(hits) > 1 else 0.0),
        best.prob, best.prob - (hits[1].prob if len(hits) > 1 else 0.0),
    ], dtype=np.float64)


@lru_cache(maxsize=8)
def _positions(names: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(FEATURES.index(n) for n in names)


def kind_of(model: DecisionModel, x: np.ndarray) -> Kind:
    """`x` holds every feature of FEATURES; the model weighs the ones it kept (params.json names them)."""
    if not model.w_first:
        return "choices"  # no fitted model (a catalogue built before calibration): offer, never assert
    used = x[list(_positions(model.features))]
    if float(used @ np.asarray(model.w_first)) >= logit(model.answer_min):
        return "answer"
    return "choices" if float(used @ np.asarray(model.w_three)) >= logit(model.choice_min) else "none"


def logit(p: float) -> float:
    """The linear score a probability limit stands for (a limit of 1 or more is never reached)."""
    if p >= 1.0:
        return math.inf
    if p <= 0.0:
        return -math.inf
    return math.log(p / (1.0 - p))


def decide(question: str, aspect: str | None, hits: list[Hit], top: int, params: MatchParams,
           evidence: Evidence, anchor_full: float) -> Match:
    """Answer, offer choices or say none, from the ranked hits."""
    if not hits:
        return Match(question, "none", aspect)
    best = hits[0]
    kind = kind_of(params.decision, features(hits, evidence, anchor_full, params))
    faq: Faq | None = None
    if best.phrase is not None and best.phrase.kind == "faq" and best.phrase_sim >= params.faq_min:
        faq = best.proc.faq[best.phrase.ref]
    return Match(question, kind, aspect, hits[:top], [faq] if faq is not None and kind == "answer" else [])


def query_evidence(q: Query) -> Evidence:
    return Evidence(sum(1 for stop in q.stop_mask if not stop), q.english)
