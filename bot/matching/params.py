"""Every number the matcher weighs, limits or decides by, in one place.

Calibrated on the dev questions and the Q&A sets (see `python -m bot eval`); change one only with the
eval figures before and after. Scores are in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass


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
    anchor_bonus: float = 0.1  # score bonus of a naming phrase found whole (at anchor_full)
    name_anchor: float = 1.5  # the official name (or short name) found whole weighs this much more
    anchor_full_idf: float = 1.6  # the anchor bonus is full at this many times the rarest word's IDF
    anchor_min_share: float = 0.6  # an anchor counts from this share of the rarest word's IDF
    accent_bonus: float = 0.03  # score bonus for the share of accented words the card writes alike
    curated_bonus: float = 0.02  # score bonus of a curated card
    sibling_step: float = 0.01  # a sibling named by the words said goes this far ahead
    # --- decide --------------------------------------------------------------------------------
    answer_min: float = 0.60  # below this a single confident answer is not given
    answer_margin: float = 0.05  # ... nor when the runner-up is this close
    choice_min: float = 0.52  # below this nothing fits: out of scope (unless anchored or long)
    long_from: int = 6  # content words: from here the bars come down with length ...
    long_to: int = 12  # ... reaching the long_* bars here
    long_choice_min: float = 0.30  # choice bar of a long, chatty question
    long_answer_min: float = 0.42  # answer bar of a long, chatty question
    english_choice_min: float = 0.36  # choice bar of an English question of 3+ content words
    english_answer_min: float = 0.42  # answer bar of an English question of 3+ content words
    anchored_answer_min: float = 0.42  # answer bar when the question names the procedure whole
    anchored_choice_min: float = 0.33  # choice bar when the question names the procedure whole
    choice_gap: float = 0.15  # "did you mean" lists only candidates this close to the best
    imported_penalty: float = 0.08  # an imported (national) record must clear bars this much higher
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
