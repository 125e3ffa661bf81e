"""Greetings, thanks and questions about the bot itself: answered kindly, never matched to a procedure.

The phrases are knowledge/lexicon/smalltalk.yaml; each kind is one pattern over a whole sentence.
"""

from __future__ import annotations

import re

from bot.catalogue.lexicon import REGEX_PREFIX, SMALLTALK_KINDS, Lexicon

from .normalize import normalize

# Kinds a particle may follow: "chào bạn", "cảm ơn nhiều nhé", "bye cả nhà".
_WITH_PARTICLES = ("greeting", "thanks", "bye")


def _alternatives(entries: tuple[str, ...]) -> str:
    return "|".join(e[len(REGEX_PREFIX):] if e.startswith(REGEX_PREFIX) else re.escape(e) for e in entries)


class SmallTalk:
    def __init__(self, lexicon: Lexicon):
        particles = rf"(?:\s+(?:{_alternatives(lexicon.particles)}))*" if lexicon.particles else ""
        self._patterns = {
            kind: re.compile(rf"^(?:{_alternatives(phrases)}){particles if kind in _WITH_PARTICLES else ''}$")
            for kind in SMALLTALK_KINDS if (phrases := lexicon.smalltalk.get(kind))
        }

    def _kind(self, text: str) -> str | None:
        for kind, pattern in self._patterns.items():
            if pattern.match(text):
                return kind
        return None

    def __call__(self, text: str) -> str | None:
        """The kind of small talk a whole message is ("Bạn là ai? Ai tạo ra bạn?"), or None.

        `text` is the raw message: each sentence is folded and must be small talk itself."""
        sentences = [normalize(s) for s in re.split(r"[.!?;\n]+", text)]
        kinds = [self._kind(s) for s in sentences if s]
        if kinds and all(kinds):
            return kinds[0]
        return None
