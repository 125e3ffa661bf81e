"""Choose the staff Q&A entries a settled match shows, and let a clearly fitting entry settle a "did you mean"."""

from __future__ import annotations

from .index import Query, SearchIndex
from .params import MatchParams
from .result import Match


def with_qa(index: SearchIndex, q: Query, match: Match, params: MatchParams) -> Match:
    """A specific question about the procedure found gets its staff-written answers first; among
    close candidates, one whose staff Q&A fits the question clearly better is the answer."""
    if match.kind == "choices" and match.hits:
        fits = [index.faq_match(q, h.proc, match.aspect) for h in match.hits[:3]]
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
    ranked = index.faq_rank(q, proc, match.aspect, beta=params.faq_beta, soft=True)
    if ranked:
        top_fit = ranked[0][1]
        for ref, fit in ranked[:params.faq_shown]:
            if fit >= params.faq_show and top_fit - fit <= params.faq_second_gap and proc.faq[ref] not in picked:
                picked.append(proc.faq[ref])
    match.faqs = picked[:params.faq_shown]
    return match

