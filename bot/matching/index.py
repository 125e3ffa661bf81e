"""The search index: everything built once from the catalogue, before any question is asked.

Design (measured, see README "Matching"): official names are long and questions short, so a plain
fuzzy scan of names is both slow (O(catalogue)) and weak. Instead every procedure contributes short
*phrases* (name, aliases, English names, FAQ phrasings, keywords), folded to accent-free syllables.
The index holds them per procedure (`Doc`), with the catalogue's document frequencies and IDFs, an
inverted index of syllables and syllable pairs (postings), and the words typo repair may choose from.

The stages that use it, one question at a time (`matcher.search` runs them in order):
1. understand.py: the question -> a `Query` (folded, repaired, expanded words with their weights).
2. retrieve.py: candidates from an inverted-index bincount over the whole catalogue (sub-millisecond at
   30,000 procedures), top `MatchParams.candidates` kept.
3. score.py: per candidate, the IDF-weighted share of the question's words it covers (directly or
   through a synonym's meaning), the share of its word pairs, and the best rapidfuzz similarity
   between the question and one of its phrases: a score in [0, 1] that thresholds can be calibrated on.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from sys import intern  # the same word in thousands of phrases is one string, not thousands

import numpy as np

from bot.catalogue.lexicon import Lexicon
from bot.catalogue.schema import Procedure

from .aspect import AspectCues
from .facet import Facets
from .normalize import Synonyms, fold_words, folded_words, normalize, words
from .params import MatchParams
from .places import Places

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
PHRASE_KINDS = ("name", "short", "alias", "en", "keyword", "faq", "portal", "situation")  # codes of pooled kinds
POOLED_ONLY = frozenset({"portal", "situation"})  # kinds whose words live in the pooled arrays only


@dataclass(slots=True)
class Phrase:
    text: str  # folded words joined by spaces
    weight: float
    kind: str  # name | short | alias | en | faq | keyword
    ref: int = -1  # FAQ entry index for kind == "faq"
    mass: float = 0.0  # IDF mass of its words, set once the index knows the IDFs
    # Its distinct words, sorted (sums over them never follow set order), and each one's share of that
    # mass. Tuples of shared objects, not a dict and a set per phrase: the catalogue has some 45,000
    # phrases, and per-phrase hash tables were a quarter of the serving memory.
    toks: tuple[str, ...] = ()
    ws: tuple[float, ...] = ()
    aspect: str | None = None  # what a FAQ phrasing asks (fees, time, ...)
    accented: tuple[str, ...] = ()  # its distinct words as written, for questions typed with accents


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
    # Each FAQ word's weight within this card (qa.faq_weight) and each phrasing's total, parallel to
    # `faq_entries`: fixed by the catalogue, so read once at build, not for every question.
    faq_weights: dict[str, float] = field(default_factory=dict)
    faq_totals: dict[int, list[float]] = field(default_factory=dict)
    # Where the CRC32s of the record's opening text are in SearchIndex.text_hash_all (`text_hash`).
    text_span: tuple[int, int] = (0, 0)
    first_phrase: int = 0  # the number of its first phrase in SearchIndex's pooled phrase arrays


def word_pairs(tokens: list[str]) -> list[str]:
    return [f"{a}_{b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def text_hashes(tokens: list[str]) -> np.ndarray:
    """Sorted unique CRC32s of the words and word pairs (the same in every process, unlike hash())."""
    found = {zlib.crc32(t.encode()) for t in tokens} | {zlib.crc32(t.encode()) for t in word_pairs(tokens)}
    return np.array(sorted(found), dtype=np.uint32)


def record_text(p: Procedure) -> str:
    """What a record says beyond its phrases, most telling first: name, summary, result, conditions,
    agency... Only its first MAX_QUERY_CHARS (300) characters are read (`folded_words` cuts there): the
    whole text (3,000 characters on average) was measured to add 0.3 point of cross-validated top-1
    (1.7 on portal questions) for 4 s more of index build without the cache and 7 MB more memory."""
    return "\n".join([p.name, p.summary or "", p.result or "", p.conditions or "", p.agency or "", p.field or "",
                      *p.audience, *p.steps, *p.documents, *p.legal_basis, *(f.label for f in p.fees),
                      *(f.a for f in p.faq)])



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


def _gather(keys: np.ndarray, starts: np.ndarray, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The keys of documents `numbers` (each document's a sorted slice `starts[d]:starts[d + 1]` of the
    document-major sorted `keys`), still sorted, and where they are in `keys`."""
    order = np.unique(numbers)
    lo = starts[order]
    lengths = starts[order + 1] - lo
    pos = np.repeat(lo - (np.cumsum(lengths) - lengths), lengths) + np.arange(int(lengths.sum()))
    return keys[pos], pos


class DocTerms:
    """The terms (words and word pairs) a question's candidates say, with their field weights, gathered
    once from the pooled arrays (`SearchIndex._pool_terms`) so that each lookup searches only theirs."""

    def __init__(self, index: SearchIndex, numbers: np.ndarray):
        self.numbers, self.base = numbers.astype(np.int64), index.term_base
        self.keys, pos = _gather(index.term_keys, index.term_start, numbers)
        self.values = index.field_values[index.term_field[pos]]

    def lookup(self, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For term slots `slots` (columns; -1: a term no document says), whether each document (rows, in
        the order of `numbers`) says each, and its field weight there (0 where it does not)."""
        shape = (len(self.numbers), len(slots))
        if not len(slots) or not len(self.keys):
            return np.zeros(shape, dtype=bool), np.zeros(shape)
        wanted = (self.numbers[:, None] * self.base + np.maximum(slots, 0)[None, :]).astype(self.keys.dtype)
        at = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        found = (self.keys[at] == wanted) & (slots >= 0)[None, :]
        return found, np.where(found, self.values[at], 0.0)


class SearchIndex:
    """The catalogue's vocabulary, built once: the stages read it and never change it (but for
    `name_cache` and `facet_cache`, filled as candidates' names are read)."""

    def __init__(self, procedures: list[Procedure], synonyms: Synonyms, lexicon: Lexicon,
                 params: MatchParams | None = None, phrasings: dict[str, list[str]] | None = None,
                 situations: dict[str, list[str]] | None = None):
        self.synonyms = synonyms
        self.phrasings = phrasings or {}  # code -> real citizens' questions (the portal's FAQ)
        self.situations = situations or {}  # code -> life situations that lead to the procedure
        self.params = params = params or MatchParams()
        self.lexicon = lexicon
        self.aspects = AspectCues(lexicon)
        self.facets = Facets(lexicon)
        self.places = Places(lexicon)
        # Multi-word filler that carries no meaning for matching ("cho em hoi", "i want to").
        self.filler = [tuple(f.split()) for f in lexicon.filler]
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
        self.max_idf = math.log(1 + (self.n + 0.5) / 0.5)
        # Anchors are IDF masses, which grow with the catalogue: judge them against its rarest word.
        self.anchor_full = params.anchor_full_idf * self.max_idf
        self.anchor_min = params.anchor_min_share * self.max_idf
        self.median_idf = 0.0  # set below, once the IDFs are known
        self.idf = {t: math.log(1 + (self.n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        if self.idf:
            self.median_idf = sorted(self.idf.values())[len(self.idf) // 2]
        # One array of procedure indices and one of weights for every term (its IDF x field weight), each
        # term a slice of them, in catalogue order (`postings`: term -> its slot in post_start). Built in
        # bulk: two numpy arrays per term cost ~300 bytes each on load from the cache, twice 21,000.
        self.postings: dict[str, int] = {}
        term_of, doc_of, field_w = [], [], []
        for i, doc in enumerate(self.docs):
            for terms, weights in ((doc.vocab.keys(), doc.vocab.values()), (doc.pairs, (1.0 for _ in doc.pairs))):
                for t in terms:
                    term_of.append(self.postings.setdefault(t, len(self.postings)))
                doc_of.extend([i] * (len(term_of) - len(doc_of)))
                field_w.extend(weights)
        terms_idf = np.array([self.idf[t] for t in self.postings], dtype=np.float32)
        order = np.argsort(np.array(term_of, dtype=np.int32), kind="stable")  # by term, catalogue order within
        slots = np.array(term_of, dtype=np.int32)[order]
        self.post_ids = np.array(doc_of, dtype=np.int32)[order]
        self.post_ws = np.array(field_w, dtype=np.float32)[order] * terms_idf[slots]
        self.post_start = np.searchsorted(slots, np.arange(len(self.postings) + 1)).astype(np.int64)
        self._pool_terms(np.array(doc_of, dtype=np.int64), np.array(term_of, dtype=np.int64), field_w)
        # The words and word pairs of each record's opening text (`record_text`) as sorted CRC32s, pooled
        # the same way (Doc.text_span is a record's slice): evidence the reranker reads for a few
        # candidates, ~4 bytes a word in memory.
        spans, pooled = 0, []
        for doc in self.docs:
            hashes = text_hashes(folded_words(record_text(doc.proc)))
            doc.text_span = (spans, spans + len(hashes))
            spans += len(hashes)
            pooled.append(hashes)
        self.text_hash_all = np.concatenate(pooled) if pooled else np.empty(0, dtype=np.uint32)
        self.by_id = {doc.proc.id: doc for doc in self.docs}
        weights_of_words: dict[tuple[str, bool], float] = {}

        def word_weight(t: str, content: bool) -> float:
            w = weights_of_words.get((t, content))
            if w is None:
                w = weights_of_words[(t, content)] = self.idf.get(t, self.max_idf) * (1.0 if content else params.cue_weight)
            return w

        for doc in self.docs:
            for ph in doc.phrases:
                if ph.kind == "faq":
                    doc.faq_entries.setdefault(ph.ref, []).append(ph)
            for phrasings in doc.faq_entries.values():
                doc.faq_df.update(set().union(*(ph.text.split() for ph in phrasings)))
            doc.faq_answers = {k: answer_aspects(f.a) for k, f in enumerate(doc.proc.faq)}
            for ph in doc.phrases:
                toks = sorted({intern(t) for t in ph.text.split()})
                if ph.kind == "faq":
                    ph.aspect = self.aspects.detect(ph.text)
                # Cue words of a phrasing ("thời hạn ... bao nhiêu ngày") say what is asked, not about
                # what: they weigh in its mass as little as in a question.
                content = set(self.generic_free(self.aspects.strip(ph.text)).split())
                # Sorted: a sum over a set would change in its last digits with PYTHONHASHSEED. The
                # weights are the index's own float objects (`word_weight`), shared by every phrase.
                ph.toks = tuple(toks)
                ph.ws = tuple(word_weight(t, t in content) for t in toks)
                ph.mass = sum(ph.ws)
            doc.core = set()  # only document frequency needed it
            self._faq_weights(doc)
        self._pool_phrases()
        self.name_cache: dict[str, frozenset[str]] = {}  # procedure id -> its name's words (score.py)
        self.facet_cache: dict[str, frozenset[str]] = {}  # procedure id -> the variant its name makes it
        # How often people are known to need a procedure (portal questions, situations): a reranker prior.
        self.popularity = {code: math.log1p(len(self.phrasings.get(code, ())) + len(self.situations.get(code, ())))
                           for code in sorted({*self.phrasings, *self.situations})}
        self.curated_prior = np.array([params.curated_prior if d.proc.is_curated else 0.0 for d in self.docs], dtype=np.float32)
        # Typo repair looks words up among catalogue words of similar length only.
        self.vocab_by_len: dict[int, list[str]] = {}
        for tok in sorted(df):  # sorted: typo repair must not depend on set order
            if "_" not in tok and not tok.isdigit():
                self.vocab_by_len.setdefault(len(tok), []).append(tok)

    def _pool_terms(self, doc_of: np.ndarray, term_of: np.ndarray, field_w: list[float]) -> None:
        """Which document says which term (word or word pair) at which field weight, as one sorted array
        of document x term keys and a code into the few distinct weights: what `doc_terms` reads for
        coverage, in one search for all candidates, instead of a dict and two sets per document (~30 MB
        at 5,000 records)."""
        self.term_base = max(1, len(self.postings))
        keys = doc_of * self.term_base + term_of
        order = np.argsort(keys, kind="stable")
        fits32 = self.n * self.term_base < 2**32
        self.term_keys = keys[order].astype(np.uint32 if fits32 else np.int64)
        values, codes = np.unique(np.array(field_w, dtype=np.float64), return_inverse=True)
        self.field_values = values  # exact: a code gives back the very float the document had
        self.term_field = codes.reshape(-1)[order].astype(np.uint8 if len(values) <= 256 else np.int32)
        # Where each document's keys start: a question's candidates search only theirs (a few thousand
        # keys that stay in cache, not millions at 30,000 records).
        self.term_start = np.searchsorted(self.term_keys, (np.arange(self.n + 1, dtype=np.int64) * self.term_base)
                                          .astype(self.term_keys.dtype)).astype(np.int64)

    def doc_terms(self, numbers: np.ndarray) -> DocTerms:
        """The terms documents `numbers` say, gathered for lookups (`DocTerms.lookup`)."""
        return DocTerms(self, numbers)

    def doc_says_accented(self, numbers: np.ndarray, accent: np.ndarray) -> np.ndarray:
        """Whether each document (rows) has each accented word (columns, ids of `accent_ids`; negative:
        a form no document has) in its naming text, as written."""
        keys, _ = _gather(self.doc_accent_keys, self.doc_accent_start, numbers)
        wanted = (numbers[:, None].astype(np.int64) * self.accent_base
                  + np.maximum(accent, 0)[None, :]).astype(keys.dtype)
        if not len(keys):
            return np.zeros(wanted.shape, dtype=bool)
        at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        return (keys[at] == wanted) & (accent >= 0)[None, :]

    def faq_weight(self, doc: Doc, tok: str) -> float:
        """A word's weight among a card's FAQ entries: its IDF across the catalogue times its rarity among
        the card's entries (every entry says the procedure's own words; the rest tell entries apart)."""
        rarity = math.log(1 + len(doc.faq_entries) / (1 + doc.faq_df.get(tok, 0)))
        return self.idf.get(tok, self.median_idf) * rarity

    def _faq_weights(self, doc: Doc) -> None:
        doc.faq_weights = {t: self.faq_weight(doc, t) for ph in doc.phrases if ph.kind == "faq" for t in ph.toks}
        # Summed in the phrasing's sorted word order, as qa.faq_rank did per question.
        doc.faq_totals = {ref: [sum(doc.faq_weights[t] for t in ph.toks) for ph in phrasings]
                          for ref, phrasings in doc.faq_entries.items()}

    def _pool_phrases(self) -> None:
        """Every phrase's words, weights and accented words in flat arrays, a phrase a slice of them
        (`phrase_start`; a document's phrases are numbered from `Doc.first_phrase`), so that scoring
        fits all the candidates' phrases with a few numpy operations (score.phrase_fits) instead of a
        Python loop per phrase and word."""
        self.phrase_vocab: dict[str, int] = {}
        self.accent_ids: dict[str, int] = {}
        vocab, accent_ids = self.phrase_vocab, self.accent_ids
        tok_ids: list[int] = []
        tok_ws: list[float] = []
        starts, masses, accented, kinds, field_weights = [0], [], [], [], []
        accent_of: list[int] = []  # (phrase number, accented word) pairs, as two lists
        accent_word: list[int] = []
        doc_tokens: list[int] = []  # how many pooled words each document has
        doc_accent_of: list[int] = []  # (document number, accented word) pairs of its naming text
        doc_accent_word: list[int] = []
        for doc_no, doc in enumerate(self.docs):
            for a in sorted(doc.accented):
                doc_accent_of.append(doc_no)
                doc_accent_word.append(accent_ids.setdefault(a, len(accent_ids)))
        for doc in self.docs:
            doc.first_phrase = len(masses)
            before = len(tok_ids)
            for ph in doc.phrases:
                number = len(masses)
                for a in ph.accented:
                    accent_of.append(number)
                    accent_word.append(accent_ids.setdefault(a, len(accent_ids)))
                for t in ph.toks:
                    tok_ids.append(vocab.setdefault(t, len(vocab)))
                tok_ws.extend(ph.ws)
                starts.append(len(tok_ids))
                masses.append(ph.mass)
                accented.append(bool(ph.accented))
                kinds.append(PHRASE_KINDS.index(ph.kind))
                field_weights.append(ph.weight)
            doc_tokens.append(len(tok_ids) - before)
        self.phrase_tok = np.array(tok_ids, dtype=np.int32)
        self.phrase_w = np.array(tok_ws, dtype=np.float64)
        self.phrase_start = np.array(starts, dtype=np.int64)
        self.phrase_mass = np.array(masses, dtype=np.float64)
        self.phrase_accented = np.array(accented, dtype=bool)
        self.phrase_kind = np.array(kinds, dtype=np.int8)  # PHRASE_KINDS.index(phrase.kind)
        self.phrase_weight = np.array(field_weights, dtype=np.float64)  # phrase.weight
        self._pool_word_counts(np.array(doc_tokens, dtype=np.int64))
        # "Is this accented word one of that phrase's words?" as one sorted array of phrase x word keys.
        self.accent_base = len(accent_ids) + 1
        self.phrase_accent_keys = np.sort(np.array(accent_of, dtype=np.int64) * self.accent_base
                                          + np.array(accent_word, dtype=np.int64))
        self.doc_accent_keys = np.sort(np.array(doc_accent_of, dtype=np.int64) * self.accent_base
                                       + np.array(doc_accent_word, dtype=np.int64))
        self.doc_accent_start = np.searchsorted(self.doc_accent_keys,
                                                np.arange(self.n + 1, dtype=np.int64) * self.accent_base)
        # Portal questions and situations (most of the phrases) are only ever fitted from the pooled
        # arrays; naming phrases and staff Q&A phrasings keep their words (qa.py reads them) and their
        # weights and accents (the reference `score._phrase_fit`, which tests hold the pooled fits to).
        no_vocab: dict[str, float] = {}  # one empty dict and set for all (15,000 empty ones held 2.3 MB)
        no_words: set[str] = set()
        for doc in self.docs:
            # The pooled arrays hold them now (`doc_terms`, `doc_says_accented`); nothing writes them after.
            doc.vocab, doc.pairs, doc.accented = no_vocab, no_words, no_words
            for ph in doc.phrases:
                if ph.kind in POOLED_ONLY:
                    ph.toks, ph.ws, ph.accented = (), (), ()

    def _pool_word_counts(self, doc_tokens: np.ndarray) -> None:
        """In how many of each document's phrases each word is (`word_keys`: document x word, sorted;
        `word_counts`), each document's total (`doc_words`) and each word's share of the whole catalogue
        (`word_share`): the language model `rerank.phrasings_lm` reads. A word many of a record's
        phrasings say ("liệt sĩ" in every situation of a martyr's relative) is stronger evidence than one
        a single situation mentions in passing ("cha mẹ"), which the best single phrase fit cannot see."""
        docs = np.repeat(np.arange(len(doc_tokens), dtype=np.int64), doc_tokens)
        keys, counts = np.unique(docs * len(self.phrase_vocab) + self.phrase_tok, return_counts=True)
        # The smallest types that hold them (4,965 records x 6,678 words: 311,000 pairs in 1.9 MB).
        fits32 = len(doc_tokens) * len(self.phrase_vocab) < 2**32
        self.word_keys = keys.astype(np.uint32 if fits32 else np.int64)
        self.word_counts = counts.astype(np.uint16 if len(counts) and counts.max() < 2**16 else np.uint32)
        self.doc_words = doc_tokens.astype(np.float64)
        self.doc_words_mean = float(self.doc_words.mean()) if len(self.doc_words) else 0.0
        total = np.bincount(self.phrase_tok, minlength=len(self.phrase_vocab)).astype(np.float64)
        self.word_share = total / max(1.0, total.sum())
        self.doc_number = {doc.proc.id: i for i, doc in enumerate(self.docs)}

    def posting(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The procedures a term is in and its weight in each (IDF x field weight), or None."""
        slot = self.postings.get(term)
        if slot is None:
            return None
        start, end = self.post_start[slot], self.post_start[slot + 1]
        return self.post_ids[start:end], self.post_ws[start:end]

    def text_hash(self, proc_id: str) -> np.ndarray:
        """The sorted CRC32s of a record's opening words and word pairs (see `text_hashes`)."""
        start, end = self.by_id[proc_id].text_span
        return self.text_hash_all[start:end]

    def facets_of(self, proc: Procedure) -> frozenset[str]:
        """The variant a record's name makes it ("cấp lại …": reissue), read once per record."""
        found = self.facet_cache.get(proc.id)
        if found is None:
            found = self.facet_cache[proc.id] = self.facets.of_name(proc.name)
        return found

    def generic_free(self, folded: str) -> str:
        """A folded text without the domain's own words ("thu tuc", "ho so")."""
        return self._generic.sub(" ", folded) if self._generic else folded

    def _doc(self, p: Procedure) -> Doc:
        phrases: list[Phrase] = []
        par = self.params
        seen: dict[str, list[str]] = {}  # text -> its words: a name or alias is read for several purposes

        def words_of(text: str) -> list[str]:
            found = seen.get(text)
            if found is None:
                found = seen[text] = words(text)
            return found

        def add(text: str | None, weight: float, kind: str, ref: int = -1) -> None:
            if text:
                cleaned = words_of(text)
                toks = fold_words(cleaned)
                if kind == "en":  # English function words spell Vietnamese syllables (my = mì, to = tờ)
                    toks = [t for t in toks if t not in self.lexicon.en_stop] or toks
                folded = " ".join(toks)
                if folded:
                    phrases.append(Phrase(folded, weight, kind, ref, accented=tuple(dict.fromkeys(map(intern, cleaned)))))

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
            toks = [intern(t) for t in ph.text.split()]  # one string per word across thousands of docs
            for t in toks:
                vocab[t] = max(vocab.get(t, 0.0), ph.weight)
            if ph.kind not in QUESTION_KINDS:
                core.update(toks)
                pairs.update(map(intern, word_pairs(toks)))
            # Indexing the meaning of abbreviations in names lets "GCN" names meet "giay chung nhan".
            for _, _, exp in self.synonyms.spans(toks):
                for t in exp:
                    vocab.setdefault(t, ph.weight * par.expansion_share)
                if ph.kind not in QUESTION_KINDS:  # "TNHH" in a name names it as much as "trách nhiệm hữu hạn"
                    core.update(exp)
                    pairs.update(map(intern, word_pairs(exp)))
        # What the record says beyond its name (who files it, what they get, the field, the agency):
        # vocabulary only, each field at its own weight.
        fields = ((p.summary, par.w_summary), (p.en.summary if p.en else None, par.w_summary),
                  (p.result, par.w_result), (p.field, par.w_field), ("; ".join(p.audience), par.w_audience),
                  (p.agency, par.w_agency))
        for text, weight in fields:
            for t in fold_words(words_of(text or ""))[: par.field_words]:
                if weight > vocab.get(t, 0.0):
                    vocab[intern(t)] = weight
        sources = [name, *p.aliases, *p.keywords, p.summary or "", *(q for f in p.faq for q in f.q)]
        accented = {intern(w) for text in sources for w in words_of(text)}
        return Doc(p, phrases, vocab, core, pairs, accented)
