"""Decide what a question gets: one answer, a few choices, or an honest "I don't know"."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.catalogue import Catalogue
from bot.catalogue.schema import Faq, Procedure

from .aspect import detect_aspect
from .index import Hit, SearchIndex
from .normalize import MAX_QUERY_CHARS, Synonyms, normalize

Kind = Literal["answer", "choices", "none"]

# Calibrated on the dev questions (see `python -m bot eval`): scores are in [0, 1].
ANSWER_MIN = 0.60  # below this a single confident answer is not given
ANSWER_MARGIN = 0.05  # ... nor when the runner-up is this close
CHOICE_MIN = 0.45  # below this nothing fits: out of scope
FAQ_MIN = 80.0  # similarity of the question to a staff FAQ phrasing to answer that FAQ first


@dataclass
class Match:
    query: str
    kind: Kind
    aspect: str | None
    hits: list[Hit] = field(default_factory=list)
    faq: Faq | None = None

    @property
    def best(self) -> Procedure | None:
        return self.hits[0].proc if self.hits and self.kind != "none" else None


class Matcher:
    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.synonyms = Synonyms(catalogue.synonyms)
        self.index = SearchIndex(catalogue.procedures, self.synonyms)

    def match(self, question: str, top: int = 3) -> Match:
        question = question[: MAX_QUERY_CHARS * 4]
        folded = normalize(question)
        aspect = detect_aspect(folded)
        _, hits = self.index.search(question, limit=max(top, 3))
        if not hits:
            return Match(question, "none", aspect)
        best = hits[0]
        faq = None
        if best.phrase is not None and best.phrase.kind == "faq" and best.phrase_sim >= FAQ_MIN:
            faq = best.proc.faq[best.phrase.ref]
        runner = hits[1].score if len(hits) > 1 else 0.0
        if best.score >= ANSWER_MIN and (best.score - runner >= ANSWER_MARGIN or faq is not None):
            kind: Kind = "answer"
        elif best.score >= CHOICE_MIN:
            kind = "choices"
        else:
            kind = "none"
        if kind == "choices":
            # Only offer alternatives that are themselves plausible.
            hits = [h for h in hits if h.score >= CHOICE_MIN and best.score - h.score < 0.15] or hits[:1]
        return Match(question, kind, aspect, hits[:top], faq if kind == "answer" else None)
