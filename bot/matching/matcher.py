"""The matching pipeline: understand the question, retrieve, score and rerank candidates, decide, choose Q&A."""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalogue import Catalogue
from bot.catalogue.schema import NotServed, Procedure

from .aspect import AspectCues
from .decide import FEATURES, Evidence, decide, query_evidence
from .index import SearchIndex
from .normalize import MAX_QUERY_CHARS, Synonyms, normalize
from .not_served import TopicSpotter, card_text
from .params import MatchParams, load_params
from .qa import with_qa
from .rerank import rerank
from .result import Match
from .retrieve import scored_candidates
from .score import Hit, prefer_specific, score_all
from .smalltalk import SmallTalk
from .understand import Query, understand


def search(index: SearchIndex, text: str, limit: int = 10, rerank_hits: bool = True) -> tuple[Query, list[Hit]]:
    """Understand the question, retrieve candidates from the whole catalogue, score them, rerank the
    best, best first (`rerank_hits=False`: the additive order, as the reranker is fitted on)."""
    q = understand(index, text)
    if not q.tokens:
        return q, []
    found, retrieval = scored_candidates(index, q)
    hits = score_all(index, q, [index.docs[i] for i in found], retrieval)
    hits.sort(key=lambda h: -h.score)
    prefer_specific(index, q, hits)
    if rerank_hits:
        hits = rerank(index, q, hits)
    return q, hits[:limit]


@dataclass
class Ranked:
    """A question understood and its candidates scored, before any decision."""

    question: str
    query: Query
    aspect: str | None
    hits: list[Hit]
    evidence: Evidence
    topic: NotServed | None


class Matcher:
    """One pass over the whole catalogue, curated cards and national records alike: understand the
    question, retrieve, score and rerank candidates, decide, then choose the Q&A entries to show."""

    def __init__(self, catalogue: Catalogue, params: MatchParams | None = None):
        self.catalogue = catalogue
        self.params = params = params or load_params()
        if not set(params.decision.features) <= set(FEATURES):
            raise ValueError("params.json was fitted on other features: run `python -m bot calibrate --write`")
        lexicon = catalogue.lexicon
        self.synonyms = Synonyms(catalogue.synonyms, lexicon.skippable)
        self.index = SearchIndex(catalogue.procedures, self.synonyms, lexicon, params, catalogue.phrasings,
                                 catalogue.situations)
        self.topics = TopicSpotter(catalogue.not_served, lexicon.skippable)
        self.smalltalk = SmallTalk(lexicon)
        self.aspects = AspectCues(lexicon)
        self._card_texts: dict[str, str] = {}
        self._identity_texts: dict[str, str] = {}

    def _card_text(self, proc: Procedure) -> str:
        """What the card speaks of, with the situations people describe for it (folded, cached)."""
        text = self._card_texts.get(proc.id)
        if text is None:
            extra = " ".join(normalize(t) for t in self.catalogue.situations.get(proc.code, ()))
            text = self._card_texts[proc.id] = card_text(proc) + extra + " "
        return text

    def _identity_text(self, proc: Procedure) -> str:
        """What names the card: its name, aliases and keywords (folded, cached). Not its situations: "lý
        lịch tư pháp để xin visa" describes why, it does not make the card about visas."""
        text = self._identity_texts.get(proc.id)
        if text is None:
            parts = [proc.name, *proc.aliases, *proc.keywords]
            text = self._identity_texts[proc.id] = " " + " ".join(normalize(t) for t in parts) + " "
        return text

    def rank(self, question: str, top: int = 3, limit: int | None = None, rerank_hits: bool = True) -> Ranked:
        """Understand, retrieve, score and rerank: everything the decision looks at (`limit` candidates,
        by default a few more than `top`, for the scope rule to filter)."""
        question = question[: MAX_QUERY_CHARS * 4]
        aspect = self.aspects.detect(normalize(question))
        q, hits = search(self.index, question, limit or max(top, 3) + 3, rerank_hits)
        found = self.topics.find(q.tokens, q.acc_tokens)
        topic = found[0] if found else None
        if found:
            # One scope rule: a question naming a subject served elsewhere ("gia hạn visa") is fitted
            # only by a procedure that speaks of it (its card says those words, or names itself by any
            # word of the subject: "cà vẹt" asked, "đăng ký xe" in the name), or that the question names
            # whole ("đăng ký kết hôn để xin visa") unless staff marked the subject strong; if none is
            # left, their pointer answers.
            hits = [h for h in hits if f" {found[1]} " in self._card_text(h.proc)
                    or self.topics.speaks_of(topic, self._identity_text(h.proc))
                    or (not topic.strong and h.anchor >= self.index.anchor_min)]
        return Ranked(question, q, aspect, hits, query_evidence(q), topic)

    def match(self, question: str, top: int = 3) -> Match:
        chat = self.smalltalk(question[: MAX_QUERY_CHARS * 4])
        if chat is not None:
            return Match(question, "none", None, smalltalk=chat)
        r = self.rank(question, top)
        match = decide(r.question, r.aspect, r.hits, top, self.params, r.evidence, self.index.anchor_full)
        match = with_qa(self.index, r.query, match, self.params)
        # One scope rule: a subject served elsewhere is the answer only when nothing here fits.
        match.not_served = r.topic if match.kind == "none" else None
        match.english = r.query.english
        return match
