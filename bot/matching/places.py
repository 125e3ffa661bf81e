"""Place names people add to a question ("ở Hóc Môn", "in District 7", "tại Thủ Đức").

Where someone lives says nothing about which procedure they need (every ward files the same ones),
but an unknown name weighs like a rare word and drags a long question under the bars. They are
dropped before matching, like filler. Folded forms (knowledge/lexicon/places.yaml); numbered
districts and wards by pattern.
"""

from __future__ import annotations

import re

from bot.catalogue.lexicon import Lexicon


class Places:
    def __init__(self, lexicon: Lexicon):
        self._names = sorted((tuple(p.split()) for p in lexicon.places), key=len, reverse=True)
        # "quận 7", "q7", "district 7", "phường 12", "p12", "ward 5"
        prefixes = [*lexicon.area_words, *lexicon.area_short]
        self._numbered = re.compile(r"^(?:" + "|".join(map(re.escape, prefixes)) + r")(\d{1,2})$") if prefixes else None
        self._area_words = frozenset(lexicon.area_words)

    def mask(self, tokens: list[str]) -> list[bool]:
        """False for the words of place names, True for the rest."""
        keep = [True] * len(tokens)
        for i, tok in enumerate(tokens):
            if self._numbered and self._numbered.match(tok):
                keep[i] = False
            elif tok in self._area_words and i + 1 < len(tokens) and tokens[i + 1].isdigit():
                keep[i] = keep[i + 1] = False
        return [a and b for a, b in zip(keep, phrase_mask(tokens, self._names), strict=True)]


def phrase_mask(tokens: list[str], phrases: list[tuple[str, ...]]) -> list[bool]:
    """False for the words of any of `phrases` found in `tokens`, True for the rest."""
    keep = [True] * len(tokens)
    present = set(tokens)
    for phrase in phrases:
        if phrase[0] not in present:  # most phrases share no first word with a question: skip them cheaply
            continue
        n = len(phrase)
        for i in range(len(tokens) - n + 1):
            if tuple(tokens[i:i + n]) == phrase:
                keep[i:i + n] = [False] * n
    return keep
