"""What part of a procedure a question asks about: fees, documents, steps, time, place, online, law.

Cue phrases are matched on the accent-folded question, in Vietnamese and English (knowledge/lexicon/aspect_cues.yaml). The aspect whose cue
comes last wins (see AspectCues.detect); a question with no cue asks for the whole card (None).
"""

from __future__ import annotations

import re

from bot.catalogue.lexicon import ASPECTS, REGEX_PREFIX, Lexicon

__all__ = ["ASPECTS", "AspectCues"]

# Cues that often frame a question rather than ask it: "theo luật, … bao lâu", "nộp online … có rẻ hơn
# không" ask the time and the fee. They decide only when no other aspect is asked.
_FRAMING = ("legal", "online")


class AspectCues:
    def __init__(self, lexicon: Lexicon):
        # "re:" cues are patterns: "bao nhiêu" asks a price unless a unit follows ("bao nhiêu thành viên").
        self._patterns = {aspect: cue_pattern(cues) for aspect, cues in lexicon.aspect_cues.items() if cues}
        # Every cue at once, longest first, for strip(): one pass instead of one per aspect (indexing strips
        # every phrase of the catalogue).
        every = [c for cues in lexicon.aspect_cues.values() for c in cues]
        self._any = cue_pattern(every) if every else None

    def detect(self, folded: str) -> str | None:
        """Return the aspect asked in an accent-folded, lower-case question, or None.

        A question puts its ask last ("con tôi sinh ở Từ Dũ …, bao lâu phải khai sinh?"), so the last cue
        wins, at the same end the longer cue ("bao nhieu ngay" over "bao nhieu"), and framing cues only
        count alone."""
        found: dict[str, tuple[int, int]] = {}
        for aspect, pattern in self._patterns.items():
            for m in pattern.finditer(folded):
                found[aspect] = max(found.get(aspect, (-1, 0)), (m.end(), len(m.group())))
        asked = {a: v for a, v in found.items() if a not in _FRAMING} or found
        return max(asked, key=lambda a: asked[a]) if asked else None

    def strip(self, folded: str) -> str:
        """The question without its aspect cue phrases, so they do not steer the match."""
        if self._any is not None:
            folded = self._any.sub(" ", folded)
        return " ".join(folded.split())


def cue_pattern(cues: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(c[len(REGEX_PREFIX):] if c.startswith(REGEX_PREFIX) else re.escape(c)
                                          for c in sorted(cues, key=len, reverse=True)) + r")\b")
