"""Text normalisation for Vietnamese questions: NFC, one tone placement, accent folding, synonyms.

Every text, from the catalogue or from a citizen, goes through the same functions so both sides meet
in the same form. See shared notes: NFD input, `đ` without decomposition, old/new tone placement and
invisible characters are the traps.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

MAX_QUERY_CHARS = 300  # longer input is truncated for matching: questions are short, spam is not

# Control, common format (zero-width characters that glue or split words, BOM, soft hyphen), surrogate
# and private-use characters (category C), replaced at once; clean() looks at each character only when
# something else unprintable is left.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
                      "\ud800-\udfff\ue000-\uf8ff]")
_WORD = re.compile(r"\w+")
# A syllable ending in oa/oe/uy (no final consonant) with the tone on the last vowel: old style "hoà".
_OLD_TONE = re.compile(r"(?<![qQ])(o(?=[ae])|u(?=y))([aey])([\u0300\u0301\u0303\u0309\u0323])(?=\W|$)")


# Where _OLD_TONE can match, in composed (NFC) form: when a composed text has none, the decomposed round
# trip below changes nothing, and clean() skips it (it was most of the cost of indexing the catalogue).
# ặ, ậ, ệ decompose with the dot below first, which _OLD_TONE also moves ("hoặc" becomes "họăc"): a
# quirk kept for now, as the calibrated parameters were fitted on it; both sides of a match share it.
_OLD_TONE_NFC = re.compile(r"(?<![qQ])(o[àáảãạèéẻẽẹ]|u[ỳýỷỹỵ])(?=\W|$)|(?<![qQ])o[ặậệ]")


def _unify_tone(nfd: str) -> str:
    """Move the tone of open oa/oe/uy syllables to the first vowel (hoà → hòa, thuỷ → thủy)."""
    return _OLD_TONE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), nfd)


# Cleaning can change only the last syllable of a cut text (a tone placed, a character composed, a word
# split): past this many characters, the start of a cleaned prefix is the start of the cleaned whole.
_SETTLE = 16


def clean(text: str, limit: int = MAX_QUERY_CHARS) -> str:
    """NFC, one tone placement, lower case, no control/invisible characters, spaces collapsed; the first
    `limit` characters."""
    # Long texts (a record's summary and steps, indexed by their start) are cleaned from a prefix that
    # usually suffices, instead of the four times `limit` a text full of spaces or invisibles might need.
    short = limit + limit // 2
    if len(text) > short:
        out = _clean(text[:short])
        if len(out) >= limit + _SETTLE:
            return out[:limit]
    return _clean(text[: limit * 4])[:limit]


def _clean(text: str) -> str:
    if not text.isprintable():  # printable: no control, format or odd space character to replace
        text = _CONTROL.sub(" ", text)
        if not text.isprintable():  # a rarer control, format or unassigned character: check each one
            text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = text.lower()
    if not unicodedata.is_normalized("NFC", text) or _OLD_TONE_NFC.search(text):
        text = unicodedata.normalize("NFC", _unify_tone(unicodedata.normalize("NFD", text)))
    return " ".join(text.split())  # runs of any white space (NBSP, ideographic…) made one space


def fold(text: str) -> str:
    """Accent-free form: strip every combining mark and map đ → d (it has no decomposition)."""
    nfd = unicodedata.normalize("NFD", text)
    out = "".join(ch for ch in nfd if not unicodedata.combining(ch))
    return out.replace("đ", "d").replace("Đ", "D")


_I_TONED = dict(zip("iíìỉĩị", "yýỳỷỹỵ", strict=True))


@lru_cache(maxsize=1 << 17)
def _y_spelling(word: str) -> str:
    """kí → ký, lí → lý, quí → quý: one spelling for syllables written with either i or y."""
    if word and word[-1] in _I_TONED and fold(word) in _I_TO_Y:
        return word[:-1] + _I_TONED[word[-1]]
    return word


def words(text: str) -> list[str]:
    """Cleaned words (accents kept, kí/ký unified); punctuation and emoji dropped."""
    return [_y_spelling(w) for w in _WORD.findall(clean(text)) if w != "_"]


# i and y are interchangeable after these consonants (kí/ký, lí/lý, quí/quý): one spelling for both.
_I_TO_Y = {"ki": "ky", "li": "ly", "mi": "my", "ti": "ty", "hi": "hy", "qui": "quy", "si": "sy"}


@lru_cache(maxsize=1 << 17)
def _fold_word(word: str) -> str:
    """One cleaned word folded (cached: building the index folds the same words hundreds of thousands of times)."""
    f = fold(word)
    return _I_TO_Y.get(f, f)


def folded_words(text: str) -> list[str]:
    return fold_words(words(text))


def fold_words(cleaned: list[str]) -> list[str]:
    """Words from `words()` folded (for a caller that needs both forms of the same text)."""
    return [_fold_word(w) for w in cleaned]


def normalize(text: str) -> str:
    """The canonical folded form: idempotent, the same for NFC and NFD input."""
    return " ".join(folded_words(text))


def has_accents(text: str) -> bool:
    return fold(text) != text


def _find_phrase(tokens: list[str], start: int, key: tuple[str, ...], skippable: frozenset[str]) -> list[int] | None:
    """Positions of the key's words from `start`, allowing skippable words between them: classifiers
    and numbers people put inside a phrase ("cất cái nhà", "gộp 2 sổ", "mảnh đất"), at most two."""
    positions, i, skipped = [], start, 0
    for k, word in enumerate(key):
        while k and i < len(tokens) and tokens[i] != word and skipped < 2 and (
                tokens[i] in skippable or tokens[i].isdigit()):
            i += 1
            skipped += 1
        if i >= len(tokens) or tokens[i] != word:
            return None
        positions.append(i)
        i += 1
    return positions


class Synonyms:
    """Expands abbreviations and colloquial phrases; the original words are kept beside them."""

    def __init__(self, mapping: Mapping[str, Iterable[str]], skippable: frozenset[str] = frozenset()):
        # `skippable`: folded words that may stand between a key's words (knowledge/lexicon/filler.yaml).
        self._skippable = skippable
        # first folded word -> [(folded key words, accented key words, meaning words)]
        self._by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...], list[str]]]] = {}
        for key, values in mapping.items():
            key_words = tuple(folded_words(key))
            if not key_words:
                continue
            expansions: list[str] = []
            for value in values:
                expansions.extend(w for w in folded_words(value) if w not in expansions)
            self._by_first.setdefault(key_words[0], []).append((key_words, tuple(words(key)), expansions))
        for entries in self._by_first.values():
            entries.sort(key=lambda e: -len(e[0]))  # longest phrase first

    def starts(self, word: str) -> bool:
        """Whether some key begins with this (folded) word."""
        return word in self._by_first

    def spans(self, tokens: list[str], accented: list[str | None] | None = None) -> list[tuple[int, int, list[str]]]:
        """(start, end, meaning words) for every abbreviation or colloquial phrase in `tokens`.

        With `accented` (the words as typed, when the question carries accents) an accented key must
        match with its accents: "cười" (laugh) is not "cưới" (marry)."""
        out: list[tuple[int, int, list[str]]] = []
        skippable = self._skippable
        i, n = 0, len(tokens)
        while i < n:
            entries = self._by_first.get(tokens[i])
            if not entries:
                i += 1
                continue
            # Most keys end at their second word: when the next word is neither it nor skippable, the
            # key is not here (what _find_phrase would say, without the call).
            nxt = tokens[i + 1] if i + 1 < n else None
            loose = nxt is not None and (nxt in skippable or nxt.isdigit())
            for key_words, key_accented, expansion in entries:
                if len(key_words) > 1 and key_words[1] != nxt and not loose:
                    continue
                positions = _find_phrase(tokens, i, key_words, skippable)
                if positions and (
                    not accented or all(accented[p] is None or not has_accents(k) or accented[p] == k
                                        for p, k in zip(positions, key_accented, strict=False))
                ):
                    out.append((i, positions[-1] + 1, expansion))
                    break  # the longest phrase starting here; phrases starting later may overlap it
            i += 1
        return out


# --- Vietnamese spelling: is a typed syllable a possible word at all? -------------------------------
_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")
_FINALS = frozenset(["", "c", "ch", "m", "n", "ng", "nh", "p", "t"])
_NUCLEI_TEXT = """a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui
    uô uơ uy ưa ưi ưu ươ yê iêu oai oay oao oeo uây uôi ươi ươu uya uyê uyu yêu"""
_NUCLEI = frozenset(_NUCLEI_TEXT.split())
_VOWEL_CHARS = frozenset("aăâeêioôơuưy")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def is_vietnamese_syllable(word: str) -> bool:
    """Whether `word` (lower case, accented) is spelt like a Vietnamese syllable: onset, a known
    vowel cluster and a legal ending. "chiéu", "hồg", "thựk" are not; "mưa", "cười", "yêu" are."""
    nfd = unicodedata.normalize("NFD", word)
    tones = [ch for ch in nfd if ch in _TONES]
    base = unicodedata.normalize("NFC", "".join(ch for ch in nfd if ch not in _TONES))
    if len(tones) > 1 or not base.isalpha():
        return False
    onset = next((o for o in _ONSETS if base.startswith(o) and len(base) > len(o)), "")
    rest = base[len(onset):]
    if onset in ("gi", "qu") and rest and rest[0] not in _VOWEL_CHARS:
        onset, rest = onset[0], base[1:]  # "gìn", "quốc": the i/u is the vowel
    i = 0
    while i < len(rest) and rest[i] in _VOWEL_CHARS:
        i += 1
    nucleus, final = rest[:i], rest[i:]
    if nucleus not in _NUCLEI or final not in _FINALS:
        return False
    # Stop endings take only the sharp or heavy tone ("học", "tết", not "hòc").
    return not (final in ("c", "ch", "p", "t") and tones and tones[0] not in ("\u0301", "\u0323"))
