"""Which variant of a procedure a question asks for, and which variant a record is: re-issue, exchange,
change, extension, stop, filed abroad (knowledge/lexicon/facets.yaml).

Siblings share most of their name ("cấp giấy phép lái xe" / "cấp lại …" / "đổi …"); the question rarely
says the word that differs ("làm mất bằng lái" asks a re-issue). The reranker weighs whether a candidate
is the variant asked and whether it is a variant nobody asked for.
"""

from __future__ import annotations

import re

from bot.catalogue.lexicon import Lexicon

from .aspect import cue_pattern
from .normalize import normalize


class Facets:
    def __init__(self, lexicon: Lexicon):
        self._asked = {f: cue_pattern(list(c)) for f, c in lexicon.facet_cues.items() if c}
        self._named = {f: cue_pattern(list(c)) for f, c in lexicon.facet_names.items() if c}

    def asked(self, folded: str) -> frozenset[str]:
        """The facets an accent-folded, lower-case question asks for."""
        return frozenset(f for f, p in self._asked.items() if p.search(folded))

    def of_name(self, name: str) -> frozenset[str]:
        """The facets a record's name makes it (read before its first comma, semicolon or bracket: the
        rest lists cases, "… do bị mất, cháy, rách")."""
        head = normalize(re.split(r"[,;(:]", name, maxsplit=1)[0]).strip()
        return frozenset(f for f, p in self._named.items() if p.search(head))
