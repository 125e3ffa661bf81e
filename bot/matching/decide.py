"""Decide what a question gets from its ranked candidates: one answer, a few choices, or none."""

from __future__ import annotations

from .index import Hit
from .params import MatchParams
from .result import Kind, Match


def decide(question: str, aspect: str | None, hits: list[Hit], top: int, params: MatchParams,
           content_words: int = 0, english: bool = False, anchor_min: float = 3.0) -> Match:
    """Answer, offer choices or say none, from the ranked hits; the bars come down for long and English
    questions and for a question that names the procedure whole."""
    if not hits:
        return Match(question, "none", aspect)
    par = params
    best = hits[0]
    faq = None
    if best.phrase is not None and best.phrase.kind == "faq" and best.phrase_sim >= par.faq_min:
        faq = best.proc.faq[best.phrase.ref]
    runner = hits[1].score if len(hits) > 1 else 0.0
    anchored = best.anchor >= anchor_min
    t = min(max((content_words - par.long_from) / (par.long_to - par.long_from), 0.0), 1.0)
    answer_min = par.answer_min + t * (par.long_answer_min - par.answer_min)
    choice_min = par.choice_min + t * (par.long_choice_min - par.choice_min)
    if english and content_words >= 3:
        answer_min, choice_min = min(answer_min, par.english_answer_min), min(choice_min, par.english_choice_min)
    clear = best.score - runner >= par.answer_margin or faq is not None
    if clear and (best.score >= answer_min or (anchored and best.score >= par.anchored_answer_min)):
        kind: Kind = "answer"
    elif best.score >= choice_min or (anchored and best.score >= par.anchored_choice_min):
        kind = "choices"
    else:
        kind = "none"
    if kind == "choices":
        # Only offer alternatives that are themselves plausible.
        hits = [h for h in hits if best.score - h.score < par.choice_gap] or hits[:1]
    return Match(question, kind, aspect, hits[:top], [faq] if faq is not None and kind == "answer" else [])
