"""The search index: a lexical candidate stage, then rapidfuzz re-ranking with query coverage.

Design (measured, see README "Matching"): official names are long and questions short, so a plain
fuzzy scan of names is both slow (O(catalogue)) and weak. Instead every procedure contributes short
*phrases* (name, aliases, English names, FAQ phrasings, keywords), folded to accent-free syllables.
1. Candidates: an inverted index of syllables and syllable pairs, scored by IDF x field weight with
   one numpy bincount (sub-millisecond at 30,000 procedures), top `MatchParams.candidates` kept.
2. Re-rank: per candidate, the IDF-weighted share of the question's words it covers (directly or
   through a synonym's meaning), the share of its word pairs, and the best rapidfuzz similarity
   between the question and one of its phrases. The result is a score in [0, 1] that thresholds can
   be calibrated on.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from sys import intern  # the same word in thousands of phrases is one string, not thousands

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.catalogue.lexicon import Lexicon
from bot.catalogue.schema import Procedure

from .aspect import AspectCues
from .normalize import Synonyms, folded_words, is_vietnamese_syllable, normalize, words
from .params import MatchParams
from .places import Places, phrase_mask
from .shorthand import spell_out

# Phrases that name a procedure; one found (nearly) whole in a long question is strong evidence.
ANCHOR_KINDS = frozenset({"name", "short", "alias", "en", "keyword"})


# An issuing verb at the head of an official name; what follows up to the first qualifier is the
# short name people use ("Cấp giấy phép lao động cho người ..." -> "giấy phép lao động").
_HEAD_VERB = re.compile(r"^(?:thu tuc\s+)?(?:cap moi|cap|dang ky|giai quyet|thuc hien)\s+")
_QUALIFIER = re.compile(r"\s(?:cho|doi voi|tai|cua|theo|trong|khi|do|ve|va)\s")


def short_name(folded_name: str) -> str | None:
    m = _HEAD_VERB.match(folded_name)
    if not m:
        return None
    rest = folded_name[m.end():]
    cut = _QUALIFIER.search(f" {rest} ")
    head = (rest[: cut.start()] if cut else rest).strip()
    return head if 2 <= len(head.split()) < len(folded_name.split()) else None


# Phrasings that are questions (staff Q&A, real citizens' portal questions): they add words to a
# procedure's vocabulary but do not name it (no document frequency, no anchor).
QUESTION_KINDS = frozenset({"faq", "portal", "situation"})


@dataclass(slots=True)
class Phrase:
    text: str  # folded words joined by spaces
    weight: float
    kind: str  # name | short | alias | en | faq | keyword
    ref: int = -1  # FAQ entry index for kind == "faq"
    toks: frozenset[str] = frozenset()
    mass: float = 0.0  # IDF mass of its words, set once the index knows the IDFs
    tw: dict[str, float] = field(default_factory=dict)  # each word's share of that mass
    aspect: str | None = None  # what a FAQ phrasing asks (fees, time, ...)
    accented: frozenset[str] = frozenset()  # its words as written, for questions typed with accents


@dataclass(slots=True)
class Doc:
    proc: Procedure
    phrases: list[Phrase]
    vocab: dict[str, float]  # folded word -> best field weight
    core: set[str]  # words of the identity fields (name, aliases, English, keywords)
    pairs: set[str]
    accented: set[str]
    faq_entries: dict[int, list[Phrase]] = field(default_factory=dict)  # FAQ index -> its phrasings
    faq_df: Counter[str] = field(default_factory=Counter)  # in how many of those entries a word is
    faq_answers: dict[int, frozenset[str]] = field(default_factory=dict)  # FAQ index -> aspects its answer gives


@dataclass
class Hit:
    proc: Procedure
    score: float
    phrase: Phrase | None = None
    phrase_sim: float = 0.0
    coverage: float = 0.0
    anchor: float = 0.0  # IDF mass of a naming phrase (name, alias, English) found whole in the question
    name_share: float = 0.0  # the share of the official name's IDF mass the question says


@dataclass
class Query:
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
    accented: set[str] = field(default_factory=set)
    # Words typed with accents no Vietnamese word has ("chiéu" for "chiếu"): a slip of the accent keys,
    # so they match by their folded form alone.
    loose: set[str] = field(default_factory=set)


def _pairs(tokens: list[str]) -> list[str]:
    return [f"{a}_{b}" for a, b in zip(tokens, tokens[1:], strict=False)]


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


_DURATION = re.compile(r"\b\d+\s*(?:ngay|thang|nam|gio|tuan)\b|\bngay lam viec\b|\btrong ngay\b")
_MONEY = re.compile(r"\b\d[\d.,]*\s*(?:dong|d|vnd|trieu)\b|\bmien (?:phi|le phi)\b|\bkhong (?:thu|mat) (?:phi|tien|le phi)\b")


def answer_aspects(answer: str) -> frozenset[str]:
    """What a staff answer gives: a duration ("07 ngày") answers "how long", an amount or "miễn phí"
    answers "how much"."""
    folded = normalize(answer)
    kinds = set()
    if _DURATION.search(folded):
        kinds.add("time")
    if _MONEY.search(folded):
        kinds.add("fees")
    return frozenset(kinds)


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


class SearchIndex:
    def __init__(self, procedures: list[Procedure], synonyms: Synonyms, lexicon: Lexicon,
                 params: MatchParams | None = None, phrasings: dict[str, list[str]] | None = None,
                 situations: dict[str, list[str]] | None = None):
        self.synonyms = synonyms
        self.phrasings = phrasings or {}  # code -> real citizens' questions (the portal's FAQ)
        self.situations = situations or {}  # code -> life situations that lead to the procedure
        self.params = params = params or MatchParams()
        self.lexicon = lexicon
        self.aspects = AspectCues(lexicon)
        self.places = Places(lexicon)
        # Multi-word filler that carries no meaning for matching ("cho em hoi", "i want to").
        self._filler = [tuple(f.split()) for f in lexicon.filler]
        # Words of the domain itself ("thủ tục", "hồ sơ"): they weigh like cue words.
        self._generic = re.compile(r"\b(?:" + "|".join(lexicon.generic) + r")\b") if lexicon.generic else None
        self.docs: list[Doc] = [self._doc(p) for p in procedures]
        self.n = len(self.docs)
        # Document frequency counts the words that name a procedure (name, aliases, English, keywords).
        # FAQ phrasings repeat question words ("mất bao lâu", "gồm những gì") across every card; counted,
        # they would make "mất" (lost) look common and blur "cấp lại do bị mất" against "cấp mới".
        df: Counter[str] = Counter()
        loose: Counter[str] = Counter()
        for doc in self.docs:
            df.update(doc.core)
            df.update(doc.pairs)
            loose.update(t for t in doc.vocab if t not in doc.core)
        for t, c in loose.items():
            df.setdefault(t, c)
        self.df = df
        self._max_idf = math.log(1 + (self.n + 0.5) / 0.5)
        # Anchors are IDF masses, which grow with the catalogue: judge them against its rarest word.
        self.anchor_full = params.anchor_full_idf * self._max_idf
        self.anchor_min = params.anchor_min_share * self._max_idf
        self._median_idf = 0.0  # set below, once the IDFs are known
        self.idf = {t: math.log(1 + (self.n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        if self.idf:
            self._median_idf = sorted(self.idf.values())[len(self.idf) // 2]
        postings: dict[str, list[tuple[int, float]]] = {}
        for i, doc in enumerate(self.docs):
            for tok, w in doc.vocab.items():
                postings.setdefault(tok, []).append((i, w))
            for pair in doc.pairs:
                postings.setdefault(pair, []).append((i, 1.0))
        self.postings = {
            t: (np.fromiter((i for i, _ in v), dtype=np.int32, count=len(v)),
                np.fromiter((w for _, w in v), dtype=np.float32, count=len(v)) * self.idf[t])
            for t, v in postings.items()
        }
        self._by_id = {doc.proc.id: doc for doc in self.docs}
        for doc in self.docs:
            for ph in doc.phrases:
                if ph.kind == "faq":
                    doc.faq_entries.setdefault(ph.ref, []).append(ph)
            for phrasings in doc.faq_entries.values():
                doc.faq_df.update(set().union(*(ph.text.split() for ph in phrasings)))
            doc.faq_answers = {k: answer_aspects(f.a) for k, f in enumerate(doc.proc.faq)}
            for ph in doc.phrases:
                ph.toks = frozenset(intern(t) for t in ph.text.split())
                if ph.kind == "faq":
                    ph.aspect = self.aspects.detect(ph.text)
                # Cue words of a phrasing ("thời hạn ... bao nhiêu ngày") say what is asked, not about
                # what: they weigh in its mass as little as in a question.
                content = set(self._generic_free(self.aspects.strip(ph.text)).split())
                # Sorted: a sum over a set would change in its last digits with PYTHONHASHSEED.
                ph.tw = {t: self.idf.get(t, self._max_idf) * (1.0 if t in content else params.cue_weight)
                         for t in sorted(ph.toks)}
                ph.mass = sum(ph.tw.values())
        self._name_cache: dict[str, frozenset[str]] = {}
        self.curated_prior = np.array([params.curated_prior if d.proc.is_curated else 0.0 for d in self.docs], dtype=np.float32)
        # Typo repair looks words up among catalogue words of similar length only.
        self._vocab_by_len: dict[int, list[str]] = {}
        for tok in sorted(df):  # sorted: typo repair must not depend on set order
            if "_" not in tok and not tok.isdigit():
                self._vocab_by_len.setdefault(len(tok), []).append(tok)

    def _generic_free(self, folded: str) -> str:
        return self._generic.sub(" ", folded) if self._generic else folded

    # --- building --------------------------------------------------------------------------------

    def _doc(self, p: Procedure) -> Doc:
        phrases: list[Phrase] = []
        par = self.params

        def add(text: str | None, weight: float, kind: str, ref: int = -1) -> None:
            if text:
                toks = folded_words(text)
                if kind == "en":  # English function words spell Vietnamese syllables (my = mì, to = tờ)
                    toks = [t for t in toks if t not in self.lexicon.en_stop] or toks
                folded = " ".join(toks)
                if folded:
                    phrases.append(Phrase(folded, weight, kind, ref, accented=frozenset(map(intern, words(text)))))

        name = p.name
        add(name, par.w_name, "name")
        if phrases:
            # Official names run on ("..., tài sản gắn liền với đất"): the part before the first comma
            # or bracket, and that part without its issuing verb, are how people say it.
            first_part = " ".join(folded_words(re.split(r"[,;(:]", name, maxsplit=1)[0]))
            heads = {short_name(phrases[0].text), short_name(first_part)}
            if first_part != phrases[0].text and len(first_part.split()) >= 2:
                heads.add(first_part)
            for head in sorted(h for h in heads if h):
                phrases.append(Phrase(head, par.w_alias * par.short_name_share, "short", accented=phrases[0].accented))
        for alias in p.aliases:
            add(alias, par.w_alias, "alias")
        if p.en:
            add(p.en.name, par.w_en, "en")
            for alias in p.en.aliases:
                add(alias, par.w_en, "en")
        for k, entry in enumerate(p.faq):
            for q in entry.q:
                add(q, par.w_faq, "faq", k)
        for kw in p.keywords:
            add(kw, par.w_keyword, "keyword")
        for question in self.phrasings.get(p.code, ()):
            add(question, par.w_portal, "portal")
        for situation in self.situations.get(p.code, ()):
            add(situation, par.w_situation, "situation")

        vocab: dict[str, float] = {}
        core: set[str] = set()
        pairs: set[str] = set()
        for ph in phrases:
            toks = ph.text.split()
            for t in toks:
                vocab[t] = max(vocab.get(t, 0.0), ph.weight)
            if ph.kind not in QUESTION_KINDS:
                core.update(toks)
                pairs.update(_pairs(toks))
            # Indexing the meaning of abbreviations in names lets "GCN" names meet "giay chung nhan".
            for _, _, exp in self.synonyms.spans(toks):
                for t in exp:
                    vocab.setdefault(t, ph.weight * par.expansion_share)
                if ph.kind not in QUESTION_KINDS:  # "TNHH" in a name names it as much as "trách nhiệm hữu hạn"
                    core.update(exp)
                    pairs.update(_pairs(exp))
        # What the record says beyond its name (who files it, what they get, the field, the agency):
        # vocabulary only, each field at its own weight.
        fields = ((p.summary, par.w_summary), (p.en.summary if p.en else None, par.w_summary),
                  (p.result, par.w_result), (p.field, par.w_field), ("; ".join(p.audience), par.w_audience),
                  (p.agency, par.w_agency))
        for text, weight in fields:
            for t in folded_words(text or "")[: par.field_words]:
                if weight > vocab.get(t, 0.0):
                    vocab[t] = weight
        sources = [name, *p.aliases, *p.keywords, p.summary or "", *(q for f in p.faq for q in f.q)]
        accented = {intern(w) for text in sources for w in words(text)}
        return Doc(p, phrases, vocab, core, pairs, accented)

    # --- querying ----------------------------------------------------------------------------------

    def _fix_typo(self, tok: str, careful: bool = False) -> str | None:
        """The catalogue word a misspelt word most likely meant, or None.

        Short words are where folding already made many words collide (tiet/viet, sai/hai), so they
        are only repaired by one dropped or added letter (Telex leftovers such as "kys", a missed
        vowel such as "ngoi"); longer ones by one edit, or two from seven letters. The first letter
        is never changed: people rarely mistype it, and changing it turns "xang" into "sang".
        """
        if len(tok) < 3 or tok.isdigit():
            return None
        telex = telex_fold(tok)
        if telex != tok and telex in self.df and "_" not in telex:
            return telex  # typed in Telex with the accents left as letters ("cuwowsc" → "cuoc")
        swaps = [tok[:i] + tok[i + 1] + tok[i] + tok[i + 2:] for i in range(1, len(tok) - 1)]
        known = [w for w in swaps if w in self.df and "_" not in w]
        if known:  # two neighbouring letters swapped ("tahc" → "tach"), the commonest slip of all
            return max(known, key=lambda w: self.df[w])
        max_dist = 1 if len(tok) < 7 else 2
        best: tuple[int, int, str] | None = None
        for length in range(len(tok) - max_dist, len(tok) + max_dist + 1):
            if len(tok) <= 4 and length == len(tok) and not tok.endswith("k"):
                continue  # short words: no substitutions (but "k" for a final "c")
            for cand, dist, _ in process.extract(
                tok, self._vocab_by_len.get(length, ()), scorer=Levenshtein.distance, score_cutoff=max_dist,
                limit=5,
            ):
                if cand[0] != tok[0] or (len(tok) <= 4 and not _plausible_short_typo(tok, cand, careful)):
                    continue
                key = (int(dist), -self.df[cand], cand)
                if best is None or key < best:
                    best = key
        return best[2] if best else None

    def _en_stem(self, tok: str) -> str:
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
        known = tok in self.idf
        return next((c for c in cands if self.synonyms.starts(c) or (not known and c in self.idf)), tok)

    def _unglue(self, accented: list[str], spelt: list[bool]) -> tuple[list[str], list[bool]]:
        """Two words typed without the space between them ("côngty", "khaisinh") split where both
        halves are catalogue words; unknown words only, and only into two."""
        out: list[str] = []
        flags: list[bool] = []
        for word, flag in zip(accented, spelt, strict=True):
            tok = _fold_word(word)
            if (len(tok) >= 5 and tok not in self.df and not tok.isdigit() and not self.synonyms.starts(tok)
                    and telex_fold(tok) not in self.df):  # "tachs" is Telex for "tách", not "ta" + "chs"
                splits = [(min(self.df[tok[:i]], self.df[tok[i:]]), i) for i in range(2, len(tok) - 1)
                          if tok[:i] in self.df and tok[i:] in self.df and "_" not in tok]
                if splits:
                    i = max(splits)[1]
                    out += [word[:i], word[i:]]
                    flags += [flag, flag]
                    continue
            out.append(word)
            flags.append(flag)
        return out, flags

    def parse(self, text: str) -> Query:
        accented_words, spelt = spell_out(words(text), self.lexicon.shorthand)
        accented_words, spelt = self._unglue(accented_words, spelt)
        folded = [_fold_word(w) for w in accented_words]
        # A question counts as typed with accents when most of its words carry them ("giai thê cong ty"
        # is an accent-free question with one stray mark); spelt-out shorthand does not count.
        marked = sum(1 for a, f, s in zip(accented_words, folded, spelt, strict=True) if a != f and not s)
        typed = sum(1 for s in spelt if not s)
        with_accents = marked > 0 and marked * 2 >= typed
        english = not with_accents and any(w in self.lexicon.en_markers for w in folded)
        keep = [a and b for a, b in zip(phrase_mask(folded, self._filler), self.places.mask(folded), strict=True)]
        pairs = [(a, f) for a, f, k in zip(accented_words, folded, keep, strict=True) if k]
        tokens = [f for _, f in pairs]
        core = self._generic_free(self.aspects.strip(" ".join(tokens))).split()
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
            if english and not self.synonyms.starts(tok):
                tok = self._en_stem(tok)
            if english and tok in self.lexicon.en_stop:
                fixed.append(tok)
                acc_tokens.append(acc)
                stop_mask.append(True)
                weights.append(self.idf.get(tok, self._max_idf) * self.params.stop_weight)
                continue
            original = tok
            is_stop = (acc in self.lexicon.stop_accented) if with_accents else (tok in self.lexicon.stop_folded)
            if tok in self.idf or is_stop:
                w = self.idf.get(tok, self._median_idf)
            else:
                # Accents typed carefully rarely come with a dropped letter, but a Telex key left over
                # ("kys") or a doubled letter ("mụuc") still happens.
                # A well-spelt accented word the catalogue lacks ("tán gái") is a word, not a slip.
                real_word = with_accents and acc != tok and is_vietnamese_syllable(acc)
                repaired = None if real_word else self._fix_typo(tok, careful=with_accents)
                if repaired and not self.synonyms.spans([tok]):
                    tok, w = repaired, self.idf[repaired] * self.params.typo_share  # a guess counts less than a match
                else:
                    # An unknown word in a short question is strong evidence of "not ours"; in English
                    # (a thin vocabulary here) or a long, chatty question it is more likely a name or
                    # a detail ("Sài Gòn", "người quen").
                    w = (self.params.unknown_long * self._median_idf if english or len(pairs) > self.params.long_question
                         else self._max_idf)
            if is_stop:
                w *= self.params.stop_weight
            elif cue:
                w *= self.params.cue_weight
            fixed.append(tok)
            acc_tokens.append(acc if tok == original else None)
            if tok == original and acc != tok and not is_vietnamese_syllable(acc):
                loose.add(tok)
            stop_mask.append(is_stop)
            weights.append(w)
        # A slip of the accent keys ("ngừoi") matches a synonym key by its letters, like any repaired word.
        typed_acc = [None if t in loose else a for t, a in zip(fixed, acc_tokens, strict=True)]
        spans = self.synonyms.spans(fixed, typed_acc if with_accents else None)
        expanded = []
        for start, end, exp in spans:
            expanded.append(" ".join(fixed[:start] + exp + fixed[end:]))
        accented = set(accented_words) if with_accents else set()
        core_text = " ".join(t for t, cue in zip(fixed, cue_mask, strict=True) if not cue)
        return Query(text, fixed, weights, spans, " ".join(fixed), expanded, core_text=core_text, accented=accented,
                     acc_tokens=acc_tokens if with_accents else [], stop_mask=stop_mask, english=english,
                     loose=loose if with_accents else set())

    def candidates(self, q: Query, limit: int | None = None) -> np.ndarray:
        limit = self.params.candidates if limit is None else limit
        if not self.n:
            return np.empty(0, dtype=np.int32)
        terms = list(q.tokens) + _pairs(q.tokens)
        for _, _, exp in q.spans:
            terms += exp + _pairs(exp)
        ids, ws = [], []
        for t in dict.fromkeys(terms):  # ordered: bincount sums in this order
            post = self.postings.get(t)
            if post is not None:
                ids.append(post[0])
                ws.append(post[1])
        if not ids:
            return np.empty(0, dtype=np.int32)
        scores = np.bincount(np.concatenate(ids), weights=np.concatenate(ws), minlength=self.n)
        scores = scores + self.curated_prior * (scores > 0)
        k = min(limit, int(np.count_nonzero(scores)))
        if k == 0:
            return np.empty(0, dtype=np.int32)
        top = np.argpartition(-scores, k - 1)[:k]
        return top[np.argsort(-scores[top])]

    def _coverage(self, q: Query, doc: Doc) -> float:
        """The IDF-weighted share of the question this procedure's words cover."""
        total = sum(q.weights)
        if total <= 0:
            return 0.0
        got = 0.0
        in_span: dict[int, float] = {}
        for start, end, exp in q.spans:
            if exp:
                share = sum(doc.vocab.get(t, 0.0) for t in exp) / len(exp)  # field-weighted, like direct words
                for i in range(start, end):
                    in_span[i] = max(in_span.get(i, 0.0), share * self.params.span_share)
        seen: set[str] = set()
        for i, (tok, w) in enumerate(zip(q.tokens, q.weights, strict=True)):
            if tok in seen:  # a word said twice ("bé ... bé") is one piece of evidence
                total -= w
                continue
            seen.add(tok)
            direct = doc.vocab.get(tok, 0.0)
            # Typed with accents, a word must match with its accents: "lãi" is not "lại", "cảm" not "cầm".
            if (direct and q.acc_tokens and q.acc_tokens[i] is not None and tok not in q.loose
                    and q.acc_tokens[i] not in doc.accented):
                direct *= self.params.accent_mismatch
            got += w * max(direct, in_span.get(i, 0.0))
        return got / total if total > 0 else 0.0

    def _phrase_fit(self, qweights: dict[str, float], q_total: float, phrase: Phrase,
                    typed: dict[str, str] | None = None) -> tuple[float, float]:
        """How well one phrase and the question cover each other, by IDF mass (an F-measure).

        Precision: "xoa dang ky ho kinh doanh" fits "dang ky ho kinh doanh" less well than the
        phrase "dang ky ho kinh doanh" itself. Recall: the keyword "quyen su dung dat" leaves the
        "chuyen nhuong" of "chuyen nhuong quyen su dung dat" unexplained.
        """
        if phrase.mass <= 0 or q_total <= 0:
            return 0.0, 0.0
        shared = sorted(phrase.toks & qweights.keys())  # sorted: sums must not follow set order
        if not shared:
            return 0.0, 0.0
        if typed and phrase.accented:
            # Typed with accents, "yêu" (love) only half meets "yếu" (element) of the phrase.
            factor = {t: self.params.accent_mismatch if t in typed and typed[t] not in phrase.accented else 1.0 for t in shared}
        else:
            factor = dict.fromkeys(shared, 1.0)
        precision = sum(phrase.tw[t] * factor[t] for t in shared) / phrase.mass
        recall = sum(qweights[t] * factor[t] for t in shared) / q_total
        if precision <= 0 or recall <= 0:
            return 0.0, 0.0
        return 2 * precision * recall / (precision + recall), precision

    def _query_weights(self, q: Query) -> dict[str, float]:
        qweights: dict[str, float] = {}
        for tok, w in zip(q.tokens, q.weights, strict=True):
            qweights[tok] = max(qweights.get(tok, 0.0), w)
        for start, _, exp in q.spans:  # a synonym's meaning stands for its words
            for t in exp:
                qweights.setdefault(t, q.weights[start] * self.params.expansion_weight)
        return qweights

    def score_all(self, q: Query, docs: list[Doc]) -> list[Hit]:
        """Score candidates; the fuzzy similarities of all their phrases come from two batched calls."""
        if not docs:
            return []
        texts = list(dict.fromkeys(t for t in (q.text, q.core_text, *q.expanded_texts) if t))
        qweights = self._query_weights(q)
        q_total = sum(qweights.values())
        qkeys = qweights.keys()
        # Only phrases sharing a word with the question can be its best fit (typos are already
        # repaired word by word); the name always competes so every candidate has a phrase.
        per_doc = [[ph for i, ph in enumerate(doc.phrases) if i == 0 or not ph.toks.isdisjoint(qkeys)]
                   for doc in docs]
        choices = [ph.text for phrases in per_doc for ph in phrases]
        # Symmetric similarities only: token_set_ratio would call any phrase inside a long question a
        # perfect match; coverage of both sides is the F-measure's job.
        sims = np.maximum(process.cdist(texts, choices, scorer=fuzz.ratio, dtype=np.float32),
                          process.cdist(texts, choices, scorer=fuzz.token_sort_ratio, dtype=np.float32)).max(axis=0)
        qpairs = _pairs(q.tokens)
        # Typed with accents, a naming phrase is only found whole if its words match with their accents
        # ("kể chuyện cười" does not contain "cưới").
        typed = ({t: a for t, a in zip(q.tokens, q.acc_tokens, strict=False) if a is not None and t not in q.loose}
                 if q.acc_tokens else {})
        par = self.params
        hits, k = [], 0
        for doc, phrases in zip(docs, per_doc, strict=True):
            best, best_sim, best_phrase, anchor, side = 0.0, 0.0, None, 0.0, 0.0
            name_share = 0.0
            for j, ph in enumerate(phrases):
                sim = float(sims[k])
                k += 1
                fit, precision = self._phrase_fit(qweights, q_total, ph, typed)
                if j == 0:  # the official name: how much of it the question says
                    name_share = precision
                if (ph.kind in ANCHOR_KINDS and precision >= par.anchor_precision
                        and all(typed.get(t) in ph.accented for t in ph.toks if t in typed and ph.accented)):
                    if ph.kind == "keyword":  # a side word of the procedure ("ngân hàng" of a mortgage)
                        side = max(side, precision * ph.mass * par.side_anchor)
                    else:  # the official name (or its short form) weighs more than an alias
                        anchor = max(anchor, precision * ph.mass * (par.name_anchor if ph.kind in ("name", "short") else 1.0))
                value = ((par.phrase_sim_share * sim / 100 + (1 - par.phrase_sim_share) * fit)
                         * ((1 - par.phrase_weight_share) + par.phrase_weight_share * ph.weight))
                if value > best:
                    best, best_sim, best_phrase = value, sim, ph
            cov = self._coverage(q, doc)
            pair_cov = sum(1 for p in qpairs if p in doc.pairs) / len(qpairs) if qpairs else cov
            total = (par.w_cover * cov + par.w_pairs * pair_cov + par.w_phrase * best
                     + par.anchor_bonus * min(anchor / self.anchor_full, 1.0) + par.w_name_share * name_share)
            if q.accented:
                total += par.accent_bonus * len(q.accented & doc.accented) / len(q.accented)
            if doc.proc.is_curated:
                total += par.curated_bonus
            # Naming phrases raise the score; a keyword found whole only helps decide (see matcher).
            hits.append(Hit(doc.proc, total, best_phrase, best_sim, cov, max(anchor, side), name_share))
        return hits

    def faq_match(self, q: Query, proc: Procedure, aspect: str | None = None) -> tuple[int, float]:
        """The FAQ entry of `proc` that a specific question asks, and how well it fits (0..1): the
        strict measure (same aspect, balanced F-measure) used to decide between procedures."""
        ranked = self.faq_rank(q, proc, aspect)
        return ranked[0] if ranked else (-1, 0.0)

    def faq_rank(self, q: Query, proc: Procedure, aspect: str | None = None,
                 beta: float = 1.0, soft: bool = False) -> list[tuple[int, float]]:
        """The FAQ entries of `proc` with how well each fits the question (0..1), best first.

        Within one procedure every entry shares the procedure's own words ("thường trú"); what tells
        entries apart are the rest ("mới sinh", "đồng sở hữu", "bao lâu"), so each word is weighted
        by its IDF across the catalogue times its rarity among this card's entries — cue words
        included, which the procedure search plays down. A question that is no more than a name of
        the procedure ("đăng ký thường trú") asks for the card, not an entry: nothing.

        `beta` below 1 leans on the phrasing being found in the question rather than the question in
        the phrasing: a long question ("vợ tôi vừa sinh ở Từ Dũ, trong bao nhiêu ngày phải khai
        sinh") asks one short phrasing and adds its story. `soft` lets an entry of another aspect
        compete at a cost instead of not at all.
        """
        doc = self._by_id.get(proc.id)
        if doc is None or not proc.faq:
            return []
        stops = q.stop_mask or [False] * len(q.tokens)
        content = {t for t, stop in zip(q.tokens, stops, strict=True) if not stop}
        if any(content <= ph.toks for ph in doc.phrases if ph.kind in ANCHOR_KINDS):
            return []
        entries, local_df = doc.faq_entries, doc.faq_df
        n = len(entries)

        def weight(tok: str) -> float:
            rarity = math.log(1 + n / (1 + local_df.get(tok, 0)))
            return self.idf.get(tok, self._median_idf) * rarity

        qweights: dict[str, float] = {}
        for tok, stop in zip(q.tokens, stops, strict=True):
            qweights[tok] = max(qweights.get(tok, 0.0), weight(tok) * (self.params.stop_weight if stop else 1.0))
        for start, end, exp in q.spans:  # "validity" asks what "thời hạn" does; "sổ đỏ" is a "giấy chứng nhận"
            if all(stops[i] for i in range(start, end)):
                continue
            for t in exp:
                if t not in qweights:
                    qweights[t] = weight(t)
            if q.english:  # staff phrasings are Vietnamese: the English words live on in their meaning only
                for i in range(start, end):
                    if q.tokens[i] not in exp:
                        qweights.pop(q.tokens[i], None)
        q_total = sum(qweights.values())
        b2 = beta * beta
        scores: dict[int, float] = {}
        for ref, phrasings in entries.items():
            for ph in phrasings:
                cost = 0.0
                if ph.aspect != aspect:
                    if not soft:
                        continue
                    # An answer that gives what is asked (a number of days for "how long") is
                    # worth its phrasing being worded otherwise ("hạn làm thủ tục").
                    if aspect not in doc.faq_answers.get(ref, ()):
                        cost = self.params.aspect_mismatch if ph.aspect and aspect else self.params.aspect_mismatch / 2
                p_total = sum(weight(t) for t in sorted(ph.toks))  # sorted: sums must not follow set order
                shared = sorted(ph.toks & qweights.keys())
                if not shared or p_total <= 0 or q_total <= 0:
                    continue
                precision = sum(weight(t) for t in shared) / p_total
                recall = sum(qweights[t] for t in shared) / q_total
                fit = (1 + b2) * precision * recall / (b2 * precision + recall)
                sim = max(fuzz.ratio(q.text, ph.text), fuzz.token_sort_ratio(q.text, ph.text)) / 100
                value = (1 - self.params.faq_sim_share) * fit + self.params.faq_sim_share * sim - cost
                if value > scores.get(ref, 0.0):
                    scores[ref] = value
        return sorted(scores.items(), key=lambda kv: -kv[1])

    def search(self, text: str, limit: int = 10) -> tuple[Query, list[Hit]]:
        q = self.parse(text)
        if not q.tokens:
            return q, []
        hits = self.score_all(q, [self.docs[i] for i in self.candidates(q)])
        hits.sort(key=lambda h: -h.score)
        self._prefer_specific(q, hits)
        return q, hits[:limit]

    def _prefer_specific(self, q: Query, hits: list[Hit]) -> None:
        """Between sibling procedures whose names differ by a word or two ("đăng ký thế chấp" / "xóa
        đăng ký thế chấp", "đăng ký tạm trú" / "đăng ký thường trú", "… kết hôn" / "… kết hôn có yếu tố
        nước ngoài"), the question decides by those words: the one whose own words are said, and whose
        sibling's are not, goes first. Shares of a long story cannot make this call; one word can."""
        said = set(q.tokens)
        for _, _, exp in q.spans:
            said.update(exp)
        top = hits[:3]
        for a in top:
            for b in top:
                if a is b or b.score > a.score:
                    continue  # b is the one behind that may move up
                na, nb = self._name_words(a.proc), self._name_words(b.proc)
                only_a, only_b = na - nb, nb - na
                # Siblings: a shared name of some substance, a few words apart.
                if len(na & nb) < 3 or not only_b or len(only_b) > 4 or len(only_a) > 2:
                    continue
                # By count, not IDF: legal wording ("yếu tố") is rare and never said, "nước ngoài" is.
                if len(only_b & said) * 2 >= len(only_b) and not only_a & said:
                    b.score = a.score + self.params.sibling_step
        hits.sort(key=lambda h: -h.score)

    def _name_words(self, proc: Procedure) -> frozenset[str]:
        words_ = self._name_cache.get(proc.id)
        if words_ is None:
            head = re.split(r"[,;(:]", proc.name, maxsplit=1)[0]
            words_ = frozenset(t for t in folded_words(head) if t not in self.lexicon.stop_folded
                               and t not in self.lexicon.name_filler)
            self._name_cache[proc.id] = words_
        return words_
