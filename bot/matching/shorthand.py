"""Texting shorthand ("ko", "đc", "vs", "ng nc ngoài"), spelt out before matching.

Unlike synonyms (knowledge/synonyms.yaml, which add a procedure's words beside the user's), these
are plain spellings of ordinary words: "ko" is "không" and must weigh like "không", a function word,
not like an unknown rare word. Keys are whole words as typed (lower case).
"""

from __future__ import annotations

SHORTHAND: dict[str, str] = {
    "ko": "không", "k": "không", "kg": "không", "hok": "không", "hông": "không", "khg": "không",
    "đc": "được", "dc": "được", "dk": "đăng ký", "đk": "đăng ký", "dky": "đăng ký", "đky": "đăng ký",
    "vs": "với", "ng": "người", "nc": "nước", "ntn": "như thế nào", "j": "gì", "z": "vậy",
    "bn": "bao nhiêu", "bnhiu": "bao nhiêu", "bnh": "bao nhiêu", "nhiu": "nhiêu", "mk": "mình",
    "sk": "sức khỏe", "wa": "qua", "bít": "biết", "bik": "biết", "trc": "trước", "ms": "mới",
    "cx": "cũng", "vn": "việt nam", "đt": "điện thoại", "sđt": "số điện thoại",
}


def spell_out(tokens: list[str]) -> tuple[list[str], list[bool]]:
    """The words with shorthand spelt out, and for each word whether it came from shorthand."""
    out: list[str] = []
    spelt: list[bool] = []
    for tok in tokens:
        full = SHORTHAND.get(tok)
        if full is None:
            out.append(tok)
            spelt.append(False)
        else:
            parts = full.split()
            out.extend(parts)
            spelt.extend([True] * len(parts))
    return out, spelt
