"""Choose the staff Q&A entries a settled match shows, and let a clearly fitting entry settle a "did you mean".

`faq_rank` weighs a procedure's Q&A entries against the question, `faq_match` is its strict form (same
aspect, balanced F-measure) used to decide between procedures; `with_qa` applies both to a decision.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from bot.catalogue.schema import Procedure

from .index import ANCHOR_KINDS, SearchIndex
from .params import MatchParams
from .result import Match
from .understand import Query


def with_qa(index: SearchIndex, q: Query, match: Match, params: MatchParams) -> Match:
    """A specific question about the procedure found gets its staff-written answers first; among
    close candidates, one whose staff Q&A fits the question clearly better is the answer."""
    if match.kind == "choices" and match.hits:
        fits = [faq_match(index, q, h.proc, match.aspect) for h in match.hits[:3]]
        order = sorted(range(len(fits)), key=lambda i: -fits[i][1])
        best = order[0]
        runner = fits[order[1]][1] if len(order) > 1 else 0.0
        ref, fit = fits[best]
        par = params
        if ref >= 0 and (fit >= par.faq_strong and fit - runner >= par.faq_strong_gap
                         or fit >= par.faq_clear and fit - runner >= par.faq_clear_gap):
            hits = [match.hits[best]] + [h for i, h in enumerate(match.hits) if i != best]
            match = Match(match.query, "answer", match.aspect, hits, [hits[0].proc.faq[ref]])
    if match.kind == "none" or not match.hits:
        return match
    # Which entries to show, once the procedure is settled (for "did you mean", the likeliest one's).
    proc = match.hits[0].proc
    picked = list(match.faqs)
    ranked = faq_rank(index, q, proc, match.aspect, beta=params.faq_beta, soft=True)
    if ranked:
        top_fit = ranked[0][1]
        for ref, fit in ranked[:params.faq_shown]:
            if fit >= params.faq_show and top_fit - fit <= params.faq_second_gap and proc.faq[ref] not in picked:
                picked.append(proc.faq[ref])
    match.faqs = picked[:params.faq_shown]
    return match


def faq_match(index: SearchIndex, q: Query, proc: Procedure, aspect: str | None = None) -> tuple[int, float]:
    """The FAQ entry of `proc` that a specific question asks, and how well it fits (0..1): the
    strict measure (same aspect, balanced F-measure) used to decide between procedures."""
    ranked = faq_rank(index, q, proc, aspect)
    return ranked[0] if ranked else (-1, 0.0)


def faq_rank(index: SearchIndex, q: Query, proc: Procedure, aspect: str | None = None,
             beta: float = 1.0, soft: bool = False) -> list[tuple[int, float]]:
    """The FAQ entries of `proc` with how well each fits the question (0..1), best first.

    Within one procedure every entry shares the procedure's own words ("thường trú"); what tells
    entries apart are the rest ("mới sinh", "đồng sở hữu", "bao lâu"), so each word is weighted
    by its IDF across the catalogue times its rarity among this card's entries — cue words
    included, which the procedure search plays down. A question that is no more than a name of
    the procedure ("đăng ký thường trú") asks for the card, not an entry: nothing.

    `beta` below 1 leans on the phrasing being found in the question rather than the question in
    the phrasing: a long question ("vợ tôi vừa sinh ở Từ Dũ, trong bao nhiêu ngày phải khai
    sinh") asks one short phrasing and adds its story. `soft` lets an entry of another aspect
    compete at a cost instead of not at all.
    """
    doc = index.by_id.get(proc.id)
    if doc is None or not proc.faq:
        return []
    stops = q.stop_mask or [False] * len(q.tokens)
    content = {t for t, stop in zip(q.tokens, stops, strict=True) if not stop}
    if any(content.issubset(ph.toks) for ph in doc.phrases if ph.kind in ANCHOR_KINDS):
        return []
    entries, known = doc.faq_entries, doc.faq_weights

    def weight(tok: str) -> float:
        w = known.get(tok)
        return index.faq_weight(doc, tok) if w is None else w

    qweights: dict[str, float] = {}
    for tok, stop in zip(q.tokens, stops, strict=True):
        qweights[tok] = max(qweights.get(tok, 0.0), weight(tok) * (index.params.stop_weight if stop else 1.0))
    for start, end, exp in q.spans:  # "validity" asks what "thời hạn" does; "sổ đỏ" is a "giấy chứng nhận"
        if all(stops[i] for i in range(start, end)):
            continue
        for t in exp:
            if t not in qweights:
                qweights[t] = weight(t)
        if q.english:  # staff phrasings are Vietnamese: the English words live on in their meaning only
            for i in range(start, end):
                if q.tokens[i] not in exp:
                    qweights.pop(q.tokens[i], None)
    q_total = sum(qweights.values())
    b2 = beta * beta
    scores: dict[int, float] = {}
    for ref, phrasings in entries.items():
        for ph, p_total in zip(phrasings, doc.faq_totals[ref], strict=True):
            cost = 0.0
            if ph.aspect != aspect:
                if not soft:
                    continue
                # An answer that gives what is asked (a number of days for "how long") is
                # worth its phrasing being worded otherwise ("hạn làm thủ tục").
                if aspect not in doc.faq_answers.get(ref, ()):
                    cost = index.params.aspect_mismatch if ph.aspect and aspect else index.params.aspect_mismatch / 2
            shared = [t for t in ph.toks if t in qweights]  # sorted words: sums must not follow set order
            if not shared or p_total <= 0 or q_total <= 0:
                continue
            precision = sum(known[t] for t in shared) / p_total
            recall = sum(qweights[t] for t in shared) / q_total
            fit = (1 + b2) * precision * recall / (b2 * precision + recall)
            sim = max(fuzz.ratio(q.text, ph.text), fuzz.token_sort_ratio(q.text, ph.text)) / 100
            value = (1 - index.params.faq_sim_share) * fit + index.params.faq_sim_share * sim - cost
            if value > scores.get(ref, 0.0):
                scores[ref] = value
    return sorted(scores.items(), key=lambda kv: -kv[1])
