"""Decide what a question gets: one answer, a few choices, or an honest "I don't know"."""

from __future__ import annotations

from bot.catalogue import Catalogue
from bot.catalogue.schema import Procedure

from .aspect import AspectCues
from .decide import decide
from .index import SearchIndex
from .normalize import MAX_QUERY_CHARS, Synonyms, normalize
from .not_served import TopicSpotter, card_text
from .params import MatchParams
from .qa import with_qa
from .result import Match
from .smalltalk import SmallTalk


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
        # Tier 1: the curated cards, with their own index and IDF.
        first = with_qa(curated, q, decide(question, aspect, hits, top, self.params, _content(q), q.english,
                                           curated.anchor_min), self.params)
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
        # Tier 2: the whole catalogue, imports included.
        last = with_qa(self.index, q, decide(question, aspect, hits, top, self.params, _content(q), q.english,
                                             float("inf")), self.params)
        return self._tag(q, last)

    @staticmethod
    def _tag(q, match: Match) -> Match:
        match.english = q.english
        return match
