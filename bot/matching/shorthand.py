"""Texting shorthand ("ko", "đc", "vs", "ng nc ngoài"), spelt out before matching.

Unlike synonyms (knowledge/synonyms.yaml, which add a procedure's words beside the user's), these
are plain spellings of ordinary words: "ko" is "không" and must weigh like "không", a function word,
not like an unknown rare word. The list is knowledge/lexicon/shorthand.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping


def spell_out(tokens: list[str], shorthand: Mapping[str, str]) -> tuple[list[str], list[bool]]:
    """The words with shorthand spelt out, and for each word whether it came from shorthand."""
    out: list[str] = []
    spelt: list[bool] = []
    for tok in tokens:
        full = shorthand.get(tok)
        if full is None:
            out.append(tok)
            spelt.append(False)
        else:
            parts = full.split()
            out.extend(parts)
            spelt.extend([True] * len(parts))
    return out, spelt
