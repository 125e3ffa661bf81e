"""Spot subjects that no procedure here serves (knowledge/not_served.yaml).

"xin visa du lịch Nhật Bản" shares words with the passport card, and "sang tên xe ô tô" with the
driving licence; without knowing those subjects exist elsewhere, a lexical matcher offers them. A
question naming such a subject, and naming no procedure of ours, gets an honest "not here" with
where to go instead.
"""

from __future__ import annotations

from functools import lru_cache

from bot.catalogue.schema import NotServed, Procedure

from .normalize import Synonyms, normalize


class TopicSpotter:
    def __init__(self, entries: list[NotServed], skippable: frozenset[str] = frozenset()):
        self.entries = entries
        # The phrase matcher of synonyms (longest phrase, accents checked) with a topic tag as meaning.
        self._phrases = Synonyms({w: [f"topic{i}"] for i, e in enumerate(entries) for w in e.words}, skippable)

    def find(self, tokens: list[str], accented: list[str | None] | None = None) -> tuple[NotServed, str] | None:
        """The subject named in the question, and the words (folded) that named it."""
        for start, end, meaning in self._phrases.spans(tokens, accented or None):
            return self.entries[int(meaning[0].removeprefix("topic"))], " ".join(tokens[start:end])
        return None

    def speaks_of(self, entry: NotServed, text: str) -> bool:
        """Whether a folded card text (spaces around) uses any of the words that name the subject: "cà
        vẹt" in a question, "đăng ký xe" on the card."""
        return any(w in text for w in _naming(tuple(entry.words)))


@lru_cache(maxsize=256)
def _naming(words: tuple[str, ...]) -> tuple[str, ...]:
    """A subject's naming words, folded and padded with spaces (folded once per subject)."""
    return tuple(sorted({f" {normalize(w)} " for w in words}))


def card_text(p: Procedure) -> str:
    """Everything a card says, folded: a subject the card itself talks about ("thuế thu nhập cá nhân"
    on the land-transfer card) is a question about that card, not about somewhere else."""
    # What the card is about, not its long step-by-step text (folding every step of thousands of
    # national records would cost milliseconds per question).
    parts = [p.name, *p.aliases, *p.keywords, p.summary or "", p.conditions or "", p.result or "", p.field or "",
             *(f.label + " " + (f.note or "") for f in p.fees), *(q for f in p.faq for q in f.q), *(f.a for f in p.faq)]
    return " " + " ".join(normalize(t) for t in parts if t) + " "
