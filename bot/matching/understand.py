"""Understand a question: the words it says, repaired and weighted, as a `Query` the later stages read.

In order (`understand`): texting shorthand spelt out ("ko", "đc"), words typed without a space split
("côngty"), everything folded to accent-free syllables, filler phrases ("cho em hỏi") and place names
masked, the language told (English or Vietnamese), English inflections stemmed, misspellings repaired
against the catalogue's words (`_fix_typo`: Telex leftovers, swapped letters, one or two edits), each word
weighted by its IDF, less for function words, aspect cues ("bao nhiêu") and repaired guesses; then the
synonym spans that add the catalogue's words beside the question's. What is asked (the aspect), small
talk and subjects served elsewhere are told apart in the matcher, from the same question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .index import SearchIndex
from .normalize import folded_words, is_vietnamese_syllable, words
from .places import phrase_mask
from .shorthand import spell_out


@dataclass
class Query:
    """A question as the stages read it: its words, folded and repaired, each with a weight."""

    raw: str
    tokens: list[str]  # folded, typo-fixed, filler removed
    weights: list[float]  # idf x confidence per token
    spans: list[tuple[int, int, list[str]]]  # synonym spans over tokens
    text: str
    expanded_texts: list[str]
    core_text: str = ""  # the question without aspect cue phrases
    acc_tokens: list[str | None] = field(default_factory=list)  # accented form per token (None: repaired)
    stop_mask: list[bool] = field(default_factory=list)  # function words
    english: bool = False
    facets: frozenset[str] = frozenset()  # the variants asked for: re-issue, change, stop... (facet.py)
    accented: set[str] = field(default_factory=set)
    # Words typed with accents no Vietnamese word has ("chiéu" for "chiếu"): a slip of the accent keys,
    # so they match by their folded form alone.
    loose: set[str] = field(default_factory=set)


_TELEX_TONES = set("sfrxj")
_VOWELS = set("aeiouy")
_CLUSTERS = ("ng", "nh", "ch")


def _plausible_short_typo(tok: str, cand: str, careful: bool = False) -> bool:
    """Short words are repaired only for typical slips: a Telex tone key left over ("kys" → "ky"),
    a doubled letter ("hoon" → "hon") or one missed vowel ("ngoi" → "ngoai")."""
    if len(tok) == len(cand) + 1:
        if tok[:-1] == cand and tok[-1] in _TELEX_TONES:
            return True
        return any(tok[i] == tok[i - 1] and tok[:i] + tok[i + 1:] == cand for i in range(1, len(tok)))
    if len(cand) == len(tok) + 1 and cand[-2:] in _CLUSTERS and tok in (cand[:-1], cand[:-2] + cand[-1]):
        return True  # half of a final cluster typed: "đăg" → "đăng", "nhan" → "nhanh"
    if len(cand) == len(tok) and tok[-1] == "k" and cand == tok[:-1] + "c":
        return True  # texting spelling: "thựk" → "thực"
    if len(cand) == len(tok) + 1 and not careful:
        return any(cand[i] in _VOWELS and cand[:i] + cand[i + 1:] == tok for i in range(len(cand)))
    return False


def telex_fold(tok: str) -> str:
    """The accent-free word a Telex spelling stands for, when the keyboard did not convert it:
    "dd" is đ, "w" a horn or breve, doubled vowels a circumflex, s f r x j after the first letter
    tones ("cuwowsc" → "cuoc", "dduwowngf" → "duong", "nhaajp" → "nhap"). "tr" keeps its r."""
    out = tok.replace("dd", "d").replace("w", "")
    for v in "aeo":
        out = out.replace(v + v, v)
    kept = [out[0]] if out else []
    for i, ch in enumerate(out[1:], 1):
        if ch in "sfxj" or (ch == "r" and not (i == 1 and out[0] == "t")):
            continue
        kept.append(ch)
    return "".join(kept)


@lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:
    folded = folded_words(word)
    return folded[0] if folded else word


def _fix_typo(index: SearchIndex, tok: str, careful: bool = False) -> str | None:
    """The catalogue word a misspelt word most likely meant, or None.

    Short words are where folding already made many words collide (tiet/viet, sai/hai), so they
    are only repaired by one dropped or added letter (Telex leftovers such as "kys", a missed
    vowel such as "ngoi"); longer ones by one edit, or two from seven letters. The first letter
    is never changed: people rarely mistype it, and changing it turns "xang" into "sang".
    """
    if len(tok) < 3 or tok.isdigit():
        return None
    telex = telex_fold(tok)
    if telex != tok and telex in index.df and "_" not in telex:
        return telex  # typed in Telex with the accents left as letters ("cuwowsc" → "cuoc")
    swaps = [tok[:i] + tok[i + 1] + tok[i] + tok[i + 2:] for i in range(1, len(tok) - 1)]
    known = [w for w in swaps if w in index.df and "_" not in w]
    if known:  # two neighbouring letters swapped ("tahc" → "tach"), the commonest slip of all
        return max(known, key=lambda w: index.df[w])
    max_dist = 1 if len(tok) < 7 else 2
    best: tuple[int, int, str] | None = None
    for length in range(len(tok) - max_dist, len(tok) + max_dist + 1):
        if len(tok) <= 4 and length == len(tok) and not tok.endswith("k"):
            continue  # short words: no substitutions (but "k" for a final "c")
        for cand, dist, _ in process.extract(
            tok, index.vocab_by_len.get(length, ()), scorer=Levenshtein.distance, score_cutoff=max_dist,
            limit=5,
        ):
            if cand[0] != tok[0] or (len(tok) <= 4 and not _plausible_short_typo(tok, cand, careful)):
                continue
            key = (int(dist), -index.df[cand], cand)
            if best is None or key < best:
                best = key
    return best[2] if best else None


def _en_stem(index: SearchIndex, tok: str) -> str:
    """An English inflection reduced to a word the dictionary or catalogue knows
    ("transferring" → "transfer", "corrected" → "correct", "taxes" → "tax"), else unchanged."""
    cands: list[str] = []
    if tok.endswith("ies"):
        cands.append(tok[:-3] + "y")
    if tok.endswith("es"):
        cands.append(tok[:-2])
    if tok.endswith("s") and not tok.endswith("ss"):
        cands.append(tok[:-1])
    if tok.endswith("ed"):
        cands += [tok[:-2], tok[:-1], tok[:-3] if tok[-3:-2] == tok[-4:-3] else tok[:-2]]
    if tok.endswith("ing") and len(tok) > 5:
        cands += [tok[:-3], tok[:-3] + "e", tok[:-4] if tok[-4:-3] == tok[-5:-4] else tok[:-3]]
    # The dictionary first ("extended" → "extend": gia hạn); a catalogue word only for an unknown one.
    known = tok in index.idf
    return next((c for c in cands if index.synonyms.starts(c) or (not known and c in index.idf)), tok)


def _unglue(index: SearchIndex, accented: list[str], spelt: list[bool]) -> tuple[list[str], list[bool]]:
    """Two words typed without the space between them ("côngty", "khaisinh") split where both
    halves are catalogue words; unknown words only, and only into two."""
    out: list[str] = []
    flags: list[bool] = []
    for word, flag in zip(accented, spelt, strict=True):
        tok = _fold_word(word)
        if (len(tok) >= 5 and tok not in index.df and not tok.isdigit() and not index.synonyms.starts(tok)
                and telex_fold(tok) not in index.df):  # "tachs" is Telex for "tách", not "ta" + "chs"
            splits = [(min(index.df[tok[:i]], index.df[tok[i:]]), i) for i in range(2, len(tok) - 1)
                      if tok[:i] in index.df and tok[i:] in index.df and "_" not in tok]
            if splits:
                i = max(splits)[1]
                out += [word[:i], word[i:]]
                flags += [flag, flag]
                continue
        out.append(word)
        flags.append(flag)
    return out, flags


def understand(index: SearchIndex, text: str) -> Query:
    """The question as the later stages read it, in the words of the catalogue `index` was built from."""
    accented_words, spelt = spell_out(words(text), index.lexicon.shorthand)
    accented_words, spelt = _unglue(index, accented_words, spelt)
    folded = [_fold_word(w) for w in accented_words]
    # A question counts as typed with accents when most of its words carry them ("giai thê cong ty"
    # is an accent-free question with one stray mark); spelt-out shorthand does not count.
    marked = sum(1 for a, f, s in zip(accented_words, folded, spelt, strict=True) if a != f and not s)
    typed = sum(1 for s in spelt if not s)
    with_accents = marked > 0 and marked * 2 >= typed
    english = not with_accents and any(w in index.lexicon.en_markers for w in folded)
    keep = [a and b for a, b in zip(phrase_mask(folded, index.filler), index.places.mask(folded), strict=True)]
    pairs = [(a, f) for a, f, k in zip(accented_words, folded, keep, strict=True) if k]
    tokens = [f for _, f in pairs]
    core = index.generic_free(index.aspects.strip(" ".join(tokens))).split()
    # Cue words ("bao nhiêu", "gồm những gì") say what is asked, not which procedure: keep them
    # for FAQ phrasings but let them weigh little.
    cue_mask, j = [], 0
    for tok in tokens:
        if j < len(core) and core[j] == tok:
            cue_mask.append(False)
            j += 1
        else:
            cue_mask.append(True)
    weights: list[float] = []
    fixed: list[str] = []
    acc_tokens: list[str | None] = []
    stop_mask: list[bool] = []
    loose: set[str] = set()
    for (acc, tok), cue in zip(pairs, cue_mask, strict=True):
        if english and not index.synonyms.starts(tok):
            tok = _en_stem(index, tok)
        if english and tok in index.lexicon.en_stop:
            fixed.append(tok)
            acc_tokens.append(acc)
            stop_mask.append(True)
            weights.append(index.idf.get(tok, index.max_idf) * index.params.stop_weight)
            continue
        original = tok
        is_stop = (acc in index.lexicon.stop_accented) if with_accents else (tok in index.lexicon.stop_folded)
        if tok in index.idf or is_stop:
            w = index.idf.get(tok, index.median_idf)
        else:
            # Accents typed carefully rarely come with a dropped letter, but a Telex key left over
            # ("kys") or a doubled letter ("mụuc") still happens.
            # A well-spelt accented word the catalogue lacks ("tán gái") is a word, not a slip.
            real_word = with_accents and acc != tok and is_vietnamese_syllable(acc)
            repaired = None if real_word else _fix_typo(index, tok, careful=with_accents)
            if repaired and not index.synonyms.spans([tok]):
                tok, w = repaired, index.idf[repaired] * index.params.typo_share  # a guess counts less than a match
            else:
                # An unknown word in a short question is strong evidence of "not ours"; in English
                # (a thin vocabulary here) or a long, chatty question it is more likely a name or
                # a detail ("Sài Gòn", "người quen").
                w = (index.params.unknown_long * index.median_idf if english or len(pairs) > index.params.long_question
                     else index.max_idf)
        if is_stop:
            w *= index.params.stop_weight
        elif cue:
            w *= index.params.cue_weight
        fixed.append(tok)
        acc_tokens.append(acc if tok == original else None)
        if tok == original and acc != tok and not is_vietnamese_syllable(acc):
            loose.add(tok)
        stop_mask.append(is_stop)
        weights.append(w)
    # A slip of the accent keys ("ngừoi") matches a synonym key by its letters, like any repaired word.
    typed_acc = [None if t in loose else a for t, a in zip(fixed, acc_tokens, strict=True)]
    spans = index.synonyms.spans(fixed, typed_acc if with_accents else None)
    expanded = []
    for start, end, exp in spans:
        expanded.append(" ".join(fixed[:start] + exp + fixed[end:]))
    accented = set(accented_words) if with_accents else set()
    core_text = " ".join(t for t, cue in zip(fixed, cue_mask, strict=True) if not cue)
    # Read on the words as typed (places and filler still in) and as repaired and expanded.
    facets = frozenset().union(*(index.facets.asked(t) for t in (" ".join(folded), " ".join(fixed), *expanded)))
    return Query(text, fixed, weights, spans, " ".join(fixed), expanded, core_text=core_text, accented=accented,
                 facets=facets,
                 acc_tokens=acc_tokens if with_accents else [], stop_mask=stop_mask, english=english,
                 loose=loose if with_accents else set())
