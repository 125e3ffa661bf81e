"""Rerank the best scored candidates with a fitted linear model over what each one's evidence is.

`score.py` adds its evidence up with fixed shares; which evidence tells the procedure meant depends on
how people ask (a long portal question says the official name, a story matches situations, a short
question an alias). The reranker weighs every kind of evidence per candidate (`RANK_FEATURES`) with
weights fitted by `python -m bot calibrate` on the labelled questions (a softmax over each question's
candidates, cross-validated): the candidates are ordered by their linear score (`Hit.rank`; the
additive `Hit.score` is kept as evidence), and the softmax gives each a probability the decision reads.

Pure functions over numpy arrays: fitting (`fit_softmax`) and use (`rerank`) share `features`.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .index import SearchIndex, word_pairs
from .params import Reranker
from .score import Hit
from .understand import Query

# One row per candidate, in this order (params.json names the features it weighs).
RANK_FEATURES = (
    "score",  # the additive score (score.py)
    "gap",  # ... minus the best candidate's
    "coverage",  # IDF share of the question's words the procedure explains
    "pairs",  # share of the question's word pairs it has
    "similarity",  # fuzzy similarity of the question to its best phrase (0..1)
    "anchor",  # a naming phrase found whole (0..1)
    "name_share",  # share of the official name said
    "fit_name",  # best fit of the official name or short name
    "fit_alias",  # ... of an alias, English name or keyword
    "fit_faq",  # ... of a staff Q&A phrasing
    "fit_portal",  # ... of a real citizen's portal question
    "fit_situation",  # ... of a life situation
    "curated",  # a curated card
    "curated_cover",  # ... times coverage
    "retrieval",  # inverted-index score as a share of the best candidate's
    "popular",  # log(1 + portal questions and situations known for it): how often people need it
    "specific",  # moved ahead of a sibling by the words that tell them apart
    "position",  # 1 / (1 + its place in the additive order)
    "long_name",  # name_share x log(1 + content words): long questions tend to say the name
    "long_cover",  # coverage x log(1 + content words)
    "text_cover",  # weighted share of the question's words found in the record's opening text
    "text_pairs",  # share of the question's word pairs found in the record's opening text
    "facet_asked",  # its name makes it a variant the question asks for ("làm mất" → "cấp lại …"; facet.py)
    "facet_unasked",  # ... a variant, none of which the question asks for ("… ở nước ngoài", unasked)
    "phrasings_lm",  # how likely its phrasings, taken together, make the question's words (`phrasings_lm`)
)


def question_weights(q: Query) -> dict[str, float]:
    """Each word of the question once, at its highest weight in it."""
    weights: dict[str, float] = {}
    for tok, w in zip(q.tokens, q.weights, strict=True):
        weights[tok] = max(weights.get(tok, 0.0), w)
    return weights


def features(index: SearchIndex, q: Query, hits: list[Hit]) -> np.ndarray:
    """The candidates' feature rows (`hits` in the additive order, best first)."""
    if not hits:
        return np.zeros((0, len(RANK_FEATURES)))
    top = hits[0].score
    lw = math.log1p(sum(1 for stop in q.stop_mask if not stop))
    anchor_full, popularity = index.anchor_full, index.popularity
    weights = question_weights(q)
    words_ = np.array([zlib.crc32(t.encode()) for t in weights], dtype=np.uint32)
    wts = np.array(list(weights.values()))
    total = wts.sum()
    pairs = np.array(sorted({zlib.crc32(t.encode()) for t in word_pairs(q.tokens)}), dtype=np.uint32)
    lm = phrasings_lm(index, weights, hits)
    rows = []
    for i, h in enumerate(hits):
        text = index.text_hash(h.proc.id)
        text_cover = float(wts[_member(text, words_)].sum() / total) if total > 0 else 0.0
        text_pairs = float(_member(text, pairs).mean()) if len(pairs) else text_cover
        f = h.fits
        anchor = min(h.anchor / anchor_full, 1.0) if anchor_full else 0.0
        cur = float(h.proc.is_curated)
        variant = index.facets_of(h.proc)
        rows.append((h.score, h.score - top, h.coverage, h.pair_cov, h.phrase_sim / 100.0, anchor, h.name_share,
                     f.get("name", 0.0), f.get("alias", 0.0), f.get("faq", 0.0), f.get("portal", 0.0),
                     f.get("situation", 0.0), cur, cur * h.coverage, h.retrieval,
                     popularity.get(h.proc.code, 0.0), float(h.specific), 1.0 / (1 + i), h.name_share * lw,
                     h.coverage * lw, text_cover, text_pairs, float(bool(variant & q.facets)),
                     float(bool(variant) and not variant & q.facets), lm[i]))
    return np.array(rows, dtype=np.float64)


def phrasings_lm(index: SearchIndex, weights: dict[str, float], hits: list[Hit]) -> list[float]:
    """Each candidate's language-model fit of the question: the question's words weighted by their
    weight in it (theta), each word w scored by how many of the record's phrases say it (c), against
    its share of the whole catalogue (p), with a Dirichlet prior of mu words (`MatchParams.lm_prior`
    times the records' mean): sum theta_w * log(1 + c_w / (mu * p_w)) + log(mu / (words of the record +
    mu)) — the query-likelihood ranking of information retrieval, over every phrasing of a record at once."""
    return lm_score(lm_parts(index, weights, hits), index.params.lm_prior, len(hits)).tolist()


@dataclass(frozen=True)
class LMParts:
    """What `phrasings_lm` needs of a question and its candidates, whatever the prior (calibration
    tries several on the same candidates)."""

    counts: np.ndarray  # candidates x question words: in how many of the record's phrases the word is
    share: np.ndarray  # each question word's share of the catalogue's phrase words
    theta: np.ndarray  # each question word's weight, summing to 1
    lengths: np.ndarray  # each candidate's phrase words
    mean: float  # the catalogue's mean phrase words per record


def lm_parts(index: SearchIndex, weights: dict[str, float], hits: list[Hit]) -> LMParts | None:
    vocab = index.phrase_vocab
    known = [(vocab[t], w) for t, w in weights.items() if t in vocab and w > 0]
    if not hits or not known:
        return None
    toks = np.array([i for i, _ in known], dtype=np.int64)
    theta = np.array([w for _, w in known])
    docs = np.array([index.doc_number[h.proc.id] for h in hits], dtype=np.int64)
    keys = (docs[:, None] * len(vocab) + toks[None, :]).astype(index.word_keys.dtype)  # no copy of the pooled keys
    at = np.minimum(np.searchsorted(index.word_keys, keys), len(index.word_keys) - 1)
    counts = np.where(index.word_keys[at] == keys, index.word_counts[at], 0.0)
    return LMParts(counts, index.word_share[toks], theta / theta.sum(), index.doc_words[docs],
                   index.doc_words_mean)


def lm_score(parts: LMParts | None, prior: float, n: int = 0) -> np.ndarray:
    """`phrasings_lm` from its parts (`n` zeros when the question has no word the phrasings know)."""
    if parts is None:
        return np.zeros(n)
    mu = prior * parts.mean
    return np.log1p(parts.counts / (mu * parts.share[None, :])) @ parts.theta + np.log(mu / (parts.lengths + mu))


def _member(sorted_values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Which keys are in a sorted array (a binary search each: cheaper than np.isin's sort here)."""
    if not len(sorted_values):
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_values, keys), len(sorted_values) - 1)
    return sorted_values[at] == keys


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


@lru_cache(maxsize=8)
def weights_of(r: Reranker) -> np.ndarray | None:
    """The reranker's weights over RANK_FEATURES (read-only, built once per model), or None when none
    was fitted."""
    if not r.features:
        return None
    w = np.zeros(len(RANK_FEATURES))
    for name, value in zip(r.features, r.weights, strict=True):
        w[RANK_FEATURES.index(name)] = value
    w.flags.writeable = False
    return w


def rerank(index: SearchIndex, q: Query, hits: list[Hit]) -> list[Hit]:
    """The first `params.rerank.depth` hits reordered by the fitted model; each gets its linear score as
    `rank` and its probability among them as `prob`. Without a fitted model the order is kept and
    `rank` is the additive score."""
    params = index.params
    head, tail = hits[: params.rerank.depth], hits[params.rerank.depth:]
    if not head:
        return hits
    w = weights_of(params.rerank)
    z = np.array([h.score for h in head]) if w is None else features(index, q, head) @ w
    for h, s, p in zip(head, z, softmax(z), strict=True):
        h.rank, h.prob = float(s), float(p)
    for h in tail:
        h.rank, h.prob = float(z.min()) - 1.0, 0.0  # below every reranked one
    # Stable: equal scores keep the additive order, whatever the platform.
    order = sorted(range(len(head)), key=lambda i: -z[i])
    return [head[i] for i in order] + tail


def fit_softmax(groups: list[tuple[np.ndarray, np.ndarray]], weights: list[float] | None = None, l2: float = 1.0,
                iterations: int = 60) -> np.ndarray:
    """Weights maximising the (weighted) log-probability of the right candidates, each question a softmax
    over its candidates (`groups`: (rows, right) pairs, right a boolean mask with at least one True), with
    an L2 penalty, by damped Newton steps (deterministic, no dependency). Rows are standardised inside;
    the weights returned apply to raw rows."""
    X = np.vstack([g for g, _ in groups])
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    groups = [(g / scale, r) for g, r in groups]
    each = [1.0] * len(groups) if weights is None else list(weights)
    d = X.shape[1]
    w = np.zeros(d)

    def loss_grad_hess(w: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        loss, grad, hess = 0.5 * l2 * w @ w, l2 * w, l2 * np.eye(d)
        for (g, right), c in zip(groups, each, strict=True):
            p = softmax(g @ w)
            pr = p[right].sum()
            loss -= c * math.log(max(pr, 1e-300))
            q = np.where(right, p / pr, 0.0)
            grad += c * (g.T @ (p - q))
            gp = g.T @ p
            hess += c * (g.T @ (g * p[:, None]) - np.outer(gp, gp))  # the convex part: the softmax's own curvature
        return loss, grad, hess

    loss, grad, hess = loss_grad_hess(w)
    for _ in range(iterations):
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-4:
            trial = w - t * step
            tl, tg, th = loss_grad_hess(trial)
            if tl <= loss:
                break
            t /= 2
        else:
            break
        converged = loss - tl < 1e-9 * max(1.0, abs(loss))
        w, loss, grad, hess = trial, tl, tg, th
        if converged:
            break
    return w / scale
