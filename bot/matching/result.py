"""What the matcher returns for a question."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.catalogue.schema import Faq, NotServed, Procedure

from .score import Hit

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
