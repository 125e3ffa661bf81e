"""Every number the matcher weighs, limits or decides by, in one place.

The defaults below are starting values; the numbers in force are in `params.json` beside this file,
written by `python -m bot calibrate` (which fits them on labelled questions, cross-validated, and
prints its figures). `load_params()` reads that file; a field it does not name keeps its default.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PARAMS_FILE = Path(__file__).with_name("params.json")


@dataclass(frozen=True)
class DecisionModel:
    """Two logistic models over `decide.FEATURES` (no intercept: the limits hold it): answer when
    P(first candidate right) = logistic(x·w_first) >= answer_min, else offer choices when
    P(a right one among three) = logistic(x·w_three) >= choice_min, else say "I don't know"."""

    features: tuple[str, ...] = ()
    w_first: tuple[float, ...] = ()
    answer_min: float = 0.5  # a probability
    w_three: tuple[float, ...] = ()
    choice_min: float = 0.5  # a probability


@dataclass(frozen=True)
class Reranker:
    """A linear model over `rerank.RANK_FEATURES` reordering the best `depth` candidates (a softmax over
    them gives each its probability); no features: the additive order stands."""

    features: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()
    depth: int = 10  # candidates reranked (chosen by cross-validation)
    l2: float = 1.0  # the penalty it was fitted with (chosen by cross-validation)


@dataclass(frozen=True)
class MatchParams:
    # --- retrieve ------------------------------------------------------------------------------
    candidates: int = 24  # procedures kept from the inverted index for scoring
    curated_prior: float = 0.15  # candidate-stage bonus of a curated card that matched any word
    # --- field weights: how much a word found in that field says about the procedure -----------
    w_name: float = 1.0  # official name
    w_alias: float = 1.0  # aliases (and, times short_name_share, the short name)
    w_en: float = 1.0  # English name and aliases
    w_faq: float = 0.5  # staff FAQ phrasings
    w_keyword: float = 0.8  # keywords
    w_summary: float = 0.3  # summary words (vocabulary only, no phrase)
    w_portal: float = 0.5  # real citizens' questions from the national portal's FAQ
    w_situation: float = 0.8  # life situations leading to the procedure (knowledge/situations.yaml)
    w_result: float = 0.3  # what the citizen gets (vocabulary only)
    w_field: float = 0.2  # the field of activity (vocabulary only)
    w_audience: float = 0.15  # who files it (vocabulary only)
    w_agency: float = 0.15  # the agency (vocabulary only)
    field_words: int = 40  # words of each of those fields indexed
    short_name_share: float = 0.95  # the short name ("giấy phép lao động") weighs this share of an alias
    expansion_share: float = 0.8  # a synonym's meaning inside a phrase weighs this share of the phrase
    # --- understand: word weights of a question ------------------------------------------------
    cue_weight: float = 0.3  # aspect cue and generic words ("bao nhiêu", "thủ tục") weigh this share
    stop_weight: float = 0.15  # function words weigh this share
    long_question: int = 7  # words: above this an unknown word is a detail, not evidence
    unknown_long: float = 1.0  # weight of an unknown word in a long or English question, x median IDF
    typo_share: float = 0.75  # a repaired word weighs this share of the word it was repaired to
    expansion_weight: float = 1.0  # a synonym's meaning weighs as much as the words it explains
    # --- score ---------------------------------------------------------------------------------
    accent_mismatch: float = 0.4  # a word typed with other accents ("lãi" for "lại") counts this share
    w_cover: float = 0.35  # score weight of the IDF-weighted share of the question covered
    w_pairs: float = 0.1  # ... of the share of the question's word pairs covered
    w_phrase: float = 0.55  # ... of the best phrase fit
    phrase_sim_share: float = 0.3  # in a phrase fit: fuzzy similarity's share (the rest is the F-measure)
    phrase_weight_share: float = 0.1  # in a phrase fit: the field weight's say (0: none, 1: all)
    span_share: float = 0.9  # a word explained only through a synonym's meaning covers this share
    side_anchor: float = 0.5  # a keyword found whole counts this share of its mass as an anchor
    anchor_precision: float = 0.999  # a naming phrase is found whole when this share of it is said
    w_name_share: float = 0.0  # score weight of the share of the official name the question says
    anchor_bonus: float = 0.1  # score bonus of a naming phrase found whole (at anchor_full)
    name_anchor: float = 1.5  # the official name (or short name) found whole weighs this much more
    anchor_full_idf: float = 1.6  # the anchor bonus is full at this many times the rarest word's IDF
    anchor_min_share: float = 0.6  # an anchor counts from this share of the rarest word's IDF
    accent_bonus: float = 0.03  # score bonus for the share of accented words the card writes alike
    curated_bonus: float = 0.02  # score bonus of a curated card
    sibling_step: float = 0.01  # a sibling named by the words said goes this far ahead
    lm_prior: float = 1.0  # the phrasings' language model (rerank.phrasings_lm): its prior, in records' mean words
    # --- decide --------------------------------------------------------------------------------
    rerank: Reranker = field(default_factory=Reranker)  # fitted by `python -m bot calibrate`
    decision: DecisionModel = field(default_factory=DecisionModel)  # fitted by `python -m bot calibrate`
    # --- Q&A entries ---------------------------------------------------------------------------
    faq_min: float = 80.0  # similarity (0-100) of the question to a staff phrasing to answer it first
    faq_strong: float = 0.7  # a "did you mean" whose candidate has an entry fitting this well ...
    faq_strong_gap: float = 0.1  # ... and better than the others' by this much is answered
    faq_clear: float = 0.55  # ... or fitting this well ...
    faq_clear_gap: float = 0.2  # ... and better than the others' by this much
    faq_beta: float = 0.4  # F-beta of showing entries: below 1 leans on precision
    faq_show: float = 0.3  # an entry is shown from this fit ...
    faq_second_gap: float = 0.1  # ... a second one when this close to the first
    faq_shown: int = 2  # at most this many entries shown
    faq_sim_share: float = 0.3  # in an entry's fit: fuzzy similarity's share (the rest is the F-measure)
    aspect_mismatch: float = 0.1  # cost of an entry asking another aspect (fees for "how long")


def load_params(path: Path = PARAMS_FILE) -> MatchParams:
    """The parameters in force: the defaults, overridden by what the calibration wrote."""
    base = MatchParams()
    if not path.exists():
        return base
    data = json.loads(path.read_text(encoding="utf-8"))
    known = {f.name for f in fields(MatchParams)} - {"decision", "rerank"}
    values = {k: v for k, v in data.get("match", {}).items() if k in known}
    for key, cls in (("decision", DecisionModel), ("rerank", Reranker)):
        d = data.get(key)
        if d:
            values[key] = cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})
    return replace(base, **values)


def dump_params(params: MatchParams, figures: dict | None = None) -> str:
    """params.json's text: what differs from the defaults, the decision model, and the figures the
    calibration measured (cross-validated) when it wrote them."""
    base = MatchParams()
    match = {f.name: getattr(params, f.name) for f in fields(MatchParams)
             if f.name not in ("decision", "rerank") and getattr(params, f.name) != getattr(base, f.name)}

    def plain(obj: DecisionModel | Reranker) -> dict:
        return {f.name: (list(getattr(obj, f.name)) if isinstance(getattr(obj, f.name), tuple) else getattr(obj, f.name))
                for f in fields(obj)}

    return json.dumps({"match": match, "rerank": plain(params.rerank), "decision": plain(params.decision),
                       "figures": figures or {}}, ensure_ascii=False, indent=1) + "\n"
