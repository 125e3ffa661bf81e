"""Decide what a question gets: one answer, a few choices, or an honest "I don't know"."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.catalogue import Catalogue
from bot.catalogue.schema import Faq, NotServed, Procedure

from .aspect import AspectCues
from .index import Hit, SearchIndex
from .normalize import MAX_QUERY_CHARS, Synonyms, normalize
from .not_served import TopicSpotter, card_text
from .params import MatchParams
from .smalltalk import SmallTalk

Kind = Literal["answer", "choices", "none"]

@dataclass
class Match:
    query: str
    kind: Kind
    aspect: str | None
    hits: list[Hit] = field(default_factory=list)
    faqs: list[Faq] = field(default_factory=list)  # staff answers to this very question, best first
    smalltalk: str | None = None  # greeting | thanks | bye | bot | ok
    english: bool = False  # asked in English: the reply follows the question's language
    not_served: NotServed | None = None  # a subject served elsewhere, and where

    @property
    def best(self) -> Procedure | None:
        return self.hits[0].proc if self.hits and self.kind != "none" else None


def _content(q) -> int:
    """How many words of the question are not function words."""
    return sum(1 for stop in q.stop_mask if not stop)


class Matcher:
    """Two tiers: the curated catalogue first (its own index and IDF, so importing the national list
    changes nothing it answers confidently), then everything, imports included, for the rest."""

    def __init__(self, catalogue: Catalogue, params: MatchParams | None = None):
        self.catalogue = catalogue
        self.params = params = params or MatchParams()
        lexicon = catalogue.lexicon
        self.synonyms = Synonyms(catalogue.synonyms, lexicon.skippable)
        curated = [p for p in catalogue.procedures if p.is_curated]
        self.index = SearchIndex(catalogue.procedures, self.synonyms, lexicon, params)
        has_imports = len(curated) < len(catalogue.procedures)
        self.curated_index = SearchIndex(curated, self.synonyms, lexicon, params) if has_imports and curated else None
        self.topics = TopicSpotter(catalogue.not_served, lexicon.skippable)
        self.smalltalk = SmallTalk(lexicon)
        self.aspects = AspectCues(lexicon)
        self._card_texts: dict[str, str] = {}

    def _card_text(self, proc: Procedure) -> str:
        text = self._card_texts.get(proc.id)
        if text is None:
            text = self._card_texts[proc.id] = card_text(proc)
        return text

    def match(self, question: str, top: int = 3) -> Match:
        question = question[: MAX_QUERY_CHARS * 4]
        folded = normalize(question)
        chat = self.smalltalk(question)
        if chat is not None:
            return Match(question, "none", None, smalltalk=chat)
        aspect = self.aspects.detect(folded)
        limit = max(top, 3)
        curated = self.curated_index or self.index
        q, hits = curated.search(question, limit=limit)
        first = self._with_faq(curated, q, self._decide(question, aspect, hits, top, _content(q), q.english,
                                                        curated.anchor_min))
        found = self.topics.find(q.tokens, q.acc_tokens)
        topic = found[0] if found else None
        if (found and first.kind != "none" and (found[0].strong or first.hits[0].anchor < curated.anchor_min)
                and f" {found[1]} " not in self._card_text(first.hits[0].proc)):
            # "xin visa", "sang tên xe": a subject served elsewhere, and no procedure of ours named.
            first = Match(question, "none", aspect, first.hits)
        first.not_served = topic if first.kind == "none" else None
        if first.kind != "none" or self.curated_index is None or topic is not None:
            # A curated answer or "did you mean" beats any imported guess; a subject staff marked as
            # served elsewhere gets their pointer, not a national record that merely shares its words.
            return self._tag(q, first)
        q, hits = self.index.search(question, limit=limit + 3)
        # The curated tier has judged the curated cards already: the national import is asked only about
        # its own records, and they must clear a higher bar.
        hits = [h for h in hits if not h.proc.is_curated]
        for h in hits:
            h.score -= self.params.imported_penalty
        # A short official name found in the question ("khiếu nại", "bệnh viện") says little among
        # thousands of national records: here only the scores decide, never an anchor.
        last = self._with_faq(self.index, q, self._decide(question, aspect, hits, top, _content(q), q.english,
                                                          float("inf")))
        return self._tag(q, last)

    @staticmethod
    def _tag(q, match: Match) -> Match:
        match.english = q.english
        return match

    def _with_faq(self, index: SearchIndex, q, match: Match) -> Match:
        """A specific question about the procedure found gets its staff-written answers first; among
        close candidates, one whose staff Q&A fits the question clearly better is the answer."""
        if match.kind == "choices" and match.hits:
            fits = [index.faq_match(q, h.proc, match.aspect) for h in match.hits[:3]]
            order = sorted(range(len(fits)), key=lambda i: -fits[i][1])
            best = order[0]
            runner = fits[order[1]][1] if len(order) > 1 else 0.0
            ref, fit = fits[best]
            par = self.params
            if ref >= 0 and (fit >= par.faq_strong and fit - runner >= par.faq_strong_gap
                             or fit >= par.faq_clear and fit - runner >= par.faq_clear_gap):
                hits = [match.hits[best]] + [h for i, h in enumerate(match.hits) if i != best]
                match = Match(match.query, "answer", match.aspect, hits, [hits[0].proc.faq[ref]])
        if match.kind == "none" or not match.hits:
            return match
        # Which entries to show, once the procedure is settled (for "did you mean", the likeliest one's).
        proc = match.hits[0].proc
        picked = list(match.faqs)
        ranked = index.faq_rank(q, proc, match.aspect, beta=self.params.faq_beta, soft=True)
        if ranked:
            top_fit = ranked[0][1]
            for ref, fit in ranked[:self.params.faq_shown]:
                if fit >= self.params.faq_show and top_fit - fit <= self.params.faq_second_gap and proc.faq[ref] not in picked:
                    picked.append(proc.faq[ref])
        match.faqs = picked[:self.params.faq_shown]
        return match

    def _decide(self, question: str, aspect: str | None, hits: list[Hit], top: int,
                content_words: int = 0, english: bool = False, anchor_min: float = 3.0) -> Match:
        if not hits:
            return Match(question, "none", aspect)
        par = self.params
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
