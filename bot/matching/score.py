"""Score candidates: how well each fits the question, as a number in [0, 1] thresholds are calibrated on.

Per candidate: the IDF-weighted share of the question's words it covers (directly or through a
synonym's meaning, `coverage`), the share of its word pairs, the best fit of one of its phrases
(rapidfuzz similarity and an IDF F-measure, `_phrase_fit`), a naming phrase found whole in the
question (the anchor) and the share of the official name said. Then `prefer_specific` lets one word
decide between sibling procedures ("đăng ký thế chấp" / "xóa đăng ký thế chấp").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from bot.catalogue.schema import Procedure

from .index import ANCHOR_KINDS, PHRASE_KINDS, Doc, Phrase, SearchIndex, word_pairs
from .normalize import folded_words
from .params import MatchParams
from .understand import Query


@dataclass
class Hit:
    """A candidate procedure scored against the question."""

    proc: Procedure
    score: float
    phrase: Phrase | None = None
    phrase_sim: float = 0.0
    coverage: float = 0.0
    anchor: float = 0.0  # IDF mass of a naming phrase (name, alias, English) found whole in the question
    name_share: float = 0.0  # the share of the official name's IDF mass the question says
    pair_cov: float = 0.0  # the share of the question's word pairs the procedure has
    fits: dict[str, float] = field(default_factory=dict)  # best phrase fit per kind group (FIT_GROUPS)
    retrieval: float = 0.0  # the inverted-index score, as a share of the best candidate's
    specific: bool = False  # moved ahead of a sibling by the words that tell them apart
    rank: float = 0.0  # the reranker's linear score (rerank.py), which orders the candidates
    prob: float = 0.0  # the reranker's probability that this is the procedure meant (among the reranked)


# Phrase kinds grouped by what they are: the reranker weighs the best fit of each group.
FIT_GROUPS = {"name": "name", "short": "name", "alias": "alias", "en": "alias", "keyword": "alias",
              "faq": "faq", "portal": "portal", "situation": "situation"}


@dataclass(frozen=True)
class CoveragePlan:
    """What coverage needs of a question, read once for all its candidates (`coverage_plan`): each
    distinct word's position, term slot (`SearchIndex.postings`; -1: no document says it) and weight, the
    accented form it must match (`SearchIndex.accent_ids`; -1: none to check, -2: a form no document
    has), the synonym spans with their meaning's slots, the word pairs' slots, the total weight."""

    positions: np.ndarray
    slots: np.ndarray
    weights: np.ndarray
    accents: np.ndarray
    spans: tuple[tuple[int, int, np.ndarray], ...]
    pairs: np.ndarray
    total: float
    span_share: float
    mismatch: float


def coverage_plan(index: SearchIndex, q: Query) -> CoveragePlan:
    total = sum(q.weights)
    seen: set[str] = set()
    positions, slots, weights, accents = [], [], [], []
    for i, (tok, w) in enumerate(zip(q.tokens, q.weights, strict=True)):
        if tok in seen:  # a word said twice ("bé ... bé") is one piece of evidence
            total -= w
            continue
        seen.add(tok)
        # Typed with accents, a word must match with its accents: "lãi" is not "lại", "cảm" not "cầm".
        acc = q.acc_tokens[i] if q.acc_tokens and tok not in q.loose else None
        positions.append(i)
        slots.append(index.postings.get(tok, -1))
        weights.append(w)
        accents.append(-1 if acc is None else index.accent_ids.get(acc, -2))

    def slots_of(terms) -> np.ndarray:
        return np.array([index.postings.get(t, -1) for t in terms], dtype=np.int64)

    spans = tuple((start, end, slots_of(exp)) for start, end, exp in q.spans if exp)
    return CoveragePlan(np.array(positions, dtype=np.int64), np.array(slots, dtype=np.int64),
                        np.array(weights, dtype=np.float64), np.array(accents, dtype=np.int64), spans,
                        slots_of(word_pairs(q.tokens)), total, index.params.span_share, index.params.accent_mismatch)


def coverage(index: SearchIndex, plan: CoveragePlan, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the documents `numbers`: the IDF-weighted share of the question their words cover, and the
    share of its word pairs they say (coverage itself when it has none). Sums run word by word in
    question order (`cumsum`), as a loop would add them."""
    k = len(numbers)
    terms = index.doc_terms(numbers)
    _, direct = terms.lookup(plan.slots)
    checked = plan.accents != -1
    if checked.any():
        agree = index.doc_says_accented(numbers, plan.accents)
        direct = np.where((direct != 0) & checked[None, :] & ~agree, direct * plan.mismatch, direct)
    if plan.spans:
        in_span = np.zeros((k, int(plan.positions.max()) + 1 if len(plan.positions) else 0))
        for start, end, exp in plan.spans:
            _, values = terms.lookup(exp)
            share = np.cumsum(values, axis=1)[:, -1] / len(exp)  # field-weighted, like direct words
            end = min(end, in_span.shape[1])
            in_span[:, start:end] = np.maximum(in_span[:, start:end], (share * plan.span_share)[:, None])
        direct = np.maximum(direct, in_span[:, plan.positions])
    if plan.total > 0 and len(plan.weights):
        cov = np.cumsum(plan.weights[None, :] * direct, axis=1)[:, -1] / plan.total
    else:
        cov = np.zeros(k)
    if not len(plan.pairs):
        return cov, cov
    said, _ = terms.lookup(plan.pairs)
    return cov, said.sum(axis=1) / len(plan.pairs)


def _phrase_fit(index: SearchIndex, qweights: dict[str, float], q_total: float, phrase: Phrase,
                typed: dict[str, str] | None = None) -> tuple[float, float]:
    """How well one phrase and the question cover each other, by IDF mass (an F-measure). The
    reference for `phrase_fits`, which scoring uses (portal and situation phrases keep their words only
    in the index's pooled arrays).

    Precision: "xoa dang ky ho kinh doanh" fits "dang ky ho kinh doanh" less well than the
    phrase "dang ky ho kinh doanh" itindex. Recall: the keyword "quyen su dung dat" leaves the
    "chuyen nhuong" of "chuyen nhuong quyen su dung dat" unexplained.
    """
    if phrase.mass <= 0 or q_total <= 0:
        return 0.0, 0.0
    p_sum = r_sum = 0.0
    # `toks` are sorted (index.py), so these sums never follow set or hash order.
    if typed and phrase.accented:
        # Typed with accents, "yêu" (love) only half meets "yếu" (element) of the phrase.
        accented, mismatch = phrase.accented, index.params.accent_mismatch
        for t, w in zip(phrase.toks, phrase.ws, strict=True):
            qw = qweights.get(t)
            if qw is not None:
                f = mismatch if t in typed and typed[t] not in accented else 1.0
                p_sum += w * f
                r_sum += qw * f
    else:
        for t, w in zip(phrase.toks, phrase.ws, strict=True):
            qw = qweights.get(t)
            if qw is not None:
                p_sum += w
                r_sum += qw
    precision = p_sum / phrase.mass
    recall = r_sum / q_total
    if precision <= 0 or recall <= 0:
        return 0.0, 0.0
    return 2 * precision * recall / (precision + recall), precision


@dataclass
class PhraseFits:
    """The candidates' phrases fitted at once (`phrase_fits`), one entry per phrase in candidate order."""

    fit: np.ndarray  # the F-measure of `_phrase_fit`
    precision: np.ndarray  # ... and its precision
    shares_content: np.ndarray  # the phrase has a word of substance of the question
    accents_agree: np.ndarray  # no word typed with accents meets it with other accents
    offsets: np.ndarray  # where each candidate's phrases start (len(docs) + 1)
    pids: np.ndarray  # each phrase's number in the index's pooled arrays


def phrase_fits(index: SearchIndex, qweights: dict[str, float], q_total: float, content: set[str],
                typed: dict[str, str], docs: list[Doc]) -> PhraseFits:
    """`_phrase_fit` of every phrase of `docs` with a few numpy operations over the index's pooled
    phrase arrays (the same sums in the same order, so the same numbers), plus whether each phrase
    shares a word of substance with the question and whether its accents agree with the question's."""
    vocab = index.phrase_vocab
    qw, asked, substance = np.zeros(len(vocab)), np.zeros(len(vocab), dtype=bool), np.zeros(len(vocab), dtype=bool)
    for t, w in qweights.items():
        i = vocab.get(t)
        if i is not None:
            qw[i], asked[i] = w, True
    for t in content:
        i = vocab.get(t)
        if i is not None:
            substance[i] = True
    counts = np.array([len(d.phrases) for d in docs], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    pids = np.repeat(np.array([d.first_phrase for d in docs], dtype=np.int64) - offsets[:-1], counts) + np.arange(offsets[-1])
    starts, lengths = index.phrase_start[pids], index.phrase_start[pids + 1] - index.phrase_start[pids]
    label = np.repeat(np.arange(len(pids)), lengths)
    within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    entries = np.repeat(starts, lengths) + within
    tok = index.phrase_tok[entries]
    hit = asked[tok]
    factor = np.ones(len(entries))
    mismatch = np.zeros(len(entries), dtype=bool)
    if typed:
        # A word typed with accents meets a phrase's word only if the phrase has it with those accents.
        form = np.full(len(vocab), -1, dtype=np.int64)  # -1: not typed with accents; -2: a form no phrase has
        for t, a in typed.items():
            i = vocab.get(t)
            if i is not None:
                form[i] = index.accent_ids.get(a, -2)
        typed_form = form[tok]
        check = np.flatnonzero((typed_form != -1) & index.phrase_accented[pids][label])
        if len(check):
            keys = index.phrase_accent_keys
            wanted = pids[label[check]] * index.accent_base + typed_form[check]
            at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
            mismatch[check] = (typed_form[check] < 0) | (keys[at] != wanted)
        factor[mismatch] = index.params.accent_mismatch
    n = len(pids)
    p_sum = np.bincount(label, weights=np.where(hit, index.phrase_w[entries] * factor, 0.0), minlength=n)
    r_sum = np.bincount(label, weights=np.where(hit, qw[tok] * factor, 0.0), minlength=n)
    mass = index.phrase_mass[pids]
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(mass > 0, p_sum / mass, 0.0)
        recall = r_sum / q_total if q_total > 0 else np.zeros(n)
        ok = (precision > 0) & (recall > 0) & (mass > 0) & (q_total > 0)
        fit = np.where(ok, 2 * precision * recall / (precision + recall), 0.0)
    precision = np.where(ok, precision, 0.0)
    shares = np.bincount(label, weights=substance[tok], minlength=n) > 0
    agree = np.bincount(label, weights=mismatch, minlength=n) == 0
    return PhraseFits(fit, precision, shares, agree, offsets, pids)


def _query_weights(index: SearchIndex, q: Query) -> dict[str, float]:
    qweights: dict[str, float] = {}
    for tok, w in zip(q.tokens, q.weights, strict=True):
        qweights[tok] = max(qweights.get(tok, 0.0), w)
    for start, _, exp in q.spans:  # a synonym's meaning stands for its words
        for t in exp:
            qweights.setdefault(t, q.weights[start] * index.params.expansion_weight)
    return qweights


def score_all(index: SearchIndex, q: Query, docs: list[Doc], retrieval: np.ndarray | None = None) -> list[Hit]:
    """Score candidates; the fuzzy similarities of all their phrases come from two batched calls.
    `retrieval`: the candidates' inverted-index scores, in the order of `docs`."""
    if not docs:
        return []
    top_retrieval = float(retrieval.max()) if retrieval is not None and len(retrieval) else 0.0
    texts = list(dict.fromkeys(t for t in (q.text, q.core_text, *q.expanded_texts) if t))
    qweights = _query_weights(index, q)
    q_total = sum(qweights.values())
    # Only phrases sharing a word of substance with the question can be its best fit (typos are
    # already repaired word by word; a phrase sharing only "thì", "là", "của" explains nothing); the
    # name always competes so every candidate has a phrase.
    content = {t for t, stop in zip(q.tokens, q.stop_mask, strict=True) if not stop}
    for _, _, exp in q.spans:
        content.update(exp)
    # Typed with accents, a naming phrase is only found whole if its words match with their accents
    # ("kể chuyện cười" does not contain "cưới").
    typed = ({t: a for t, a in zip(q.tokens, q.acc_tokens, strict=False) if a is not None and t not in q.loose}
             if q.acc_tokens else {})
    pf = phrase_fits(index, qweights, q_total, content, typed, docs)
    # Each candidate's official name (its first phrase) and the phrases sharing a word of substance.
    first = np.zeros(len(pf.fit), dtype=bool)
    first[pf.offsets[:-1][np.diff(pf.offsets) > 0]] = True
    sel = np.flatnonzero(first | pf.shares_content)
    label = np.searchsorted(pf.offsets, sel, side="right") - 1  # the candidate of each selected phrase
    offsets = pf.offsets.tolist()
    chosen = [docs[n].phrases[at - offsets[n]] for n, at in zip(label.tolist(), sel.tolist(), strict=True)]
    # Symmetric similarities only: token_set_ratio would call any phrase inside a long question a
    # perfect match; coverage of both sides is the F-measure's job.
    choices = [ph.text for ph in chosen]
    sims = _similarities(index, texts, choices, pf.fit[sel], pf.pids[sel], label)
    plan = coverage_plan(index, q)
    numbers = np.array([index.doc_number[d.proc.id] for d in docs], dtype=np.int64)
    cov_all, pair_all = (a.tolist() for a in coverage(index, plan, numbers))
    if q.accented:  # the share of the words typed with accents that the card's naming text has as typed
        typed_ids = np.array([index.accent_ids.get(a, -2) for a in sorted(q.accented)], dtype=np.int64)
        accent_share = (index.doc_says_accented(numbers, typed_ids).sum(axis=1) / len(q.accented)).tolist()
    par = index.params
    best, best_at, fits, name_share, naming, side = _phrase_evidence(index, pf, sel, label, sims.astype(np.float64),
                                                                     len(docs))
    best_l, best_at_l, name_share_l = best.tolist(), best_at.tolist(), name_share.tolist()
    naming_l, side_l = naming.tolist(), side.tolist()
    sims_l = sims.tolist()
    hits = []
    for n, doc in enumerate(docs):
        at = best_at_l[n]
        best_phrase, best_sim = (chosen[at], sims_l[at]) if at >= 0 else (None, 0.0)
        best_value, name_share_n, anchor_n = best_l[n], name_share_l[n], naming_l[n]
        doc_fits = {group: v[n] for group, v in fits.items() if v[n] > 0.0}
        cov, pair_cov = cov_all[n], pair_all[n]
        total = (par.w_cover * cov + par.w_pairs * pair_cov + par.w_phrase * best_value
                 + par.anchor_bonus * min(anchor_n / index.anchor_full, 1.0) + par.w_name_share * name_share_n)
        if q.accented:
            total += par.accent_bonus * accent_share[n]
        if doc.proc.is_curated:
            # A curated card is what most citizens mean, in proportion to how much of the question it explains:
            # a card that explains little must not outrank the national record that fits.
            total += par.curated_bonus * cov
        share = float(retrieval[n]) / top_retrieval if top_retrieval > 0 else 0.0
        # Naming phrases raise the score; a keyword found whole only helps decide (see matcher).
        hits.append(Hit(doc.proc, total, best_phrase, best_sim, cov, max(anchor_n, side_l[n]), name_share_n, pair_cov,
                        doc_fits, share))
    return hits


def _similarities(index: SearchIndex, texts: list[str], choices: list[str], fit: np.ndarray, pids: np.ndarray,
                  label: np.ndarray) -> np.ndarray:
    """Each phrase's fuzzy similarity to the question: the best over the question's texts of `ratio`
    and `token_sort_ratio` (0..100).

    `token_sort_ratio` is four fifths of the cost (it sorts every phrase's words for every text), and
    scoring reads a phrase's similarity only through the best phrase value of its candidate and kind
    group (`_phrase_evidence`). So it is computed only for the phrases that could reach that best: a
    phrase whose value with the highest similarity its length allows (two strings of lengths a and b
    are at most 200·min(a, b)/(a + b) alike) stays below what another phrase of its group already
    has with `ratio` alone cannot change any figure. The numbers are those of computing it for all.
    """
    ratio = process.cdist(texts, choices, scorer=fuzz.ratio, dtype=np.float32).max(axis=0)
    par = index.params
    field_weight = index.phrase_weight[pids]
    lengths = np.array([len(c) for c in choices], dtype=np.float64)
    bound = np.zeros(len(choices))
    for text in texts:  # token_sort_ratio compares the words re-joined by single spaces
        n = len(" ".join(text.split()))
        bound = np.maximum(bound, 200 * np.minimum(lengths, n) / np.maximum(lengths + n, 1))
    low = _phrase_value(par, ratio.astype(np.float64), fit, field_weight)
    high = _phrase_value(par, np.maximum(ratio, bound), fit, field_weight)
    group = _KIND_GROUP[index.phrase_kind[pids].astype(np.int64)]
    key = label * (len(_GROUPS) + 1) + np.where(group < 0, len(_GROUPS), group)
    reached = np.zeros(int(key.max()) + 1 if len(key) else 0)
    np.maximum.at(reached, key, low)
    need = np.flatnonzero(high >= reached[key] - 1e-9)
    if len(need):
        sorted_sim = process.cdist(texts, [choices[i] for i in need.tolist()], scorer=fuzz.token_sort_ratio,
                                   dtype=np.float32).max(axis=0)
        ratio[need] = np.maximum(ratio[need], sorted_sim)
    return ratio


def _phrase_value(par: MatchParams, sims: np.ndarray, fit: np.ndarray, field_weight: np.ndarray) -> np.ndarray:
    """A phrase's value as evidence: its fuzzy similarity (0..100) and F-measure mixed, times its field
    weight's say. One formula for scoring (`_phrase_evidence`) and for the bounds `_similarities` prunes by."""
    return ((par.phrase_sim_share * sims / 100 + (1 - par.phrase_sim_share) * fit)
            * ((1 - par.phrase_weight_share) + par.phrase_weight_share * field_weight))


# The pooled phrase kinds (index.PHRASE_KINDS codes) as arrays: their fit group, and which ones name.
_GROUPS = tuple(dict.fromkeys(FIT_GROUPS.values()))
_KIND_GROUP = np.array([_GROUPS.index(FIT_GROUPS[k]) if k in FIT_GROUPS else -1 for k in PHRASE_KINDS], dtype=np.int64)
_ANCHOR = np.array([k in ANCHOR_KINDS for k in PHRASE_KINDS])
_NAMING = np.array([k in ("name", "short") for k in PHRASE_KINDS])
_SIDE = np.array([k == "keyword" for k in PHRASE_KINDS])


def _phrase_evidence(index: SearchIndex, pf: PhraseFits, sel: np.ndarray, label: np.ndarray, sims: np.ndarray,
                     n: int) -> tuple[np.ndarray, np.ndarray, dict[str, list[float]], np.ndarray, np.ndarray, np.ndarray]:
    """Per candidate, from its selected phrases (`sel`, of candidate `label`, with fuzzy similarities
    `sims`): the best phrase value and which phrase it is (-1: none above 0), the best value per kind
    group, the share of the official name said (its first phrase's precision), and the anchors: a naming
    phrase found whole (its IDF mass, the official name's times `name_anchor`) and a keyword found whole
    (times `side_anchor`)."""
    par = index.params
    pids = pf.pids[sel]
    kind = index.phrase_kind[pids].astype(np.int64)
    fit, precision = pf.fit[sel], pf.precision[sel]
    value = _phrase_value(par, sims, fit, index.phrase_weight[pids])
    starts = np.searchsorted(label, np.arange(n))
    has = np.bincount(label, minlength=n) > 0
    at = np.minimum(starts, max(len(sel) - 1, 0))

    def per_doc_max(values: np.ndarray) -> np.ndarray:
        if not len(values):
            return np.zeros(n)
        return np.where(has, np.maximum.reduceat(values, at), 0.0)

    best = np.maximum(per_doc_max(value), 0.0)
    position = np.arange(len(sel))
    first_best = np.where((value == best[label]) & (value > 0), position, len(sel))
    best_at = np.where(has & (best > 0), np.minimum.reduceat(first_best, at) if len(sel) else -1, -1)
    fits = {}
    group = _KIND_GROUP[kind]
    for g, name in enumerate(_GROUPS):
        fits[name] = per_doc_max(np.where(group == g, value, 0.0)).tolist()
    is_first = position == starts[label]
    name_share = np.zeros(n)
    name_share[label[is_first]] = precision[is_first]
    found = _ANCHOR[kind] & (precision >= par.anchor_precision) & pf.accents_agree[sel]
    mass = precision * index.phrase_mass[pids]
    naming = per_doc_max(np.where(found & ~_SIDE[kind], mass * np.where(_NAMING[kind], par.name_anchor, 1.0), 0.0))
    side = per_doc_max(np.where(found & _SIDE[kind], mass * par.side_anchor, 0.0))
    return best, best_at, fits, name_share, naming, side


def prefer_specific(index: SearchIndex, q: Query, hits: list[Hit]) -> None:
    """Between sibling procedures whose names differ by a word or two ("đăng ký thế chấp" / "xóa
    đăng ký thế chấp", "đăng ký tạm trú" / "đăng ký thường trú", "… kết hôn" / "… kết hôn có yếu tố
    nước ngoài"), the question decides by those words: the one whose own words are said, and whose
    sibling's are not, goes first. Shares of a long story cannot make this call; one word can."""
    said = set(q.tokens)
    for _, _, exp in q.spans:
        said.update(exp)
    top = hits[:3]
    for a in top:
        for b in top:
            if a is b or b.score > a.score:
                continue  # b is the one behind that may move up
            na, nb = _name_words(index, a.proc), _name_words(index, b.proc)
            only_a, only_b = na - nb, nb - na
            # Siblings: a shared name of some substance, a few words apart.
            if len(na & nb) < 3 or not only_b or len(only_b) > 4 or len(only_a) > 2:
                continue
            # By count, not IDF: legal wording ("yếu tố") is rare and never said, "nước ngoài" is.
            if len(only_b & said) * 2 >= len(only_b) and not only_a & said:
                b.score = a.score + index.params.sibling_step
                b.specific = True
    hits.sort(key=lambda h: -h.score)


def _name_words(index: SearchIndex, proc: Procedure) -> frozenset[str]:
    words_ = index.name_cache.get(proc.id)
    if words_ is None:
        head = re.split(r"[,;(:]", proc.name, maxsplit=1)[0]
        words_ = frozenset(t for t in folded_words(head) if t not in index.lexicon.stop_folded
                           and t not in index.lexicon.name_filler)
        index.name_cache[proc.id] = words_
    return words_
