"""Scoring candidates: coverage, phrase fit, anchors, and siblings told apart by the word said."""

from dataclasses import astuple
from itertools import accumulate

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from bot.matching import score
from bot.matching.index import SearchIndex
from bot.matching.matcher import search
from bot.matching.normalize import Synonyms
from bot.matching.score import (
    Hit,
    _phrase_fit,
    _query_weights,
    coverage,
    coverage_plan,
    phrase_fits,
    prefer_specific,
    score_all,
)
from bot.matching.understand import understand
from tests.matching.catalogue import LEX, proc

INDEX = SearchIndex([
    proc("ho-chieu", "Cấp hộ chiếu phổ thông", ["làm hộ chiếu"]),
    proc("khai-sinh", "Đăng ký khai sinh", ["làm giấy khai sinh"]),
    proc("yeu-to", "Đăng ký kết hôn có yếu tố nước ngoài"),
], Synonyms({}), LEX)


def doc(pid: str):
    return next(d for d in INDEX.docs if d.proc.id == pid)


def test_an_accent_slip_still_finds_the_procedure():
    assert search(INDEX, "làm hộ chiéu cho bé")[1][0].proc.id == "ho-chieu"


def test_a_real_word_with_other_accents_is_not_the_catalogue_word():
    hits = search(INDEX, "có người yêu chưa")[1]
    loved = next(h for h in hits if h.proc.id == "yeu-to")
    exact = next(h for h in search(INDEX, "có yếu tố nước ngoài")[1] if h.proc.id == "yeu-to")
    assert loved.score < exact.score


def test_score_all_the_named_procedure_wins_with_full_coverage_and_an_anchor():
    q = understand(INDEX, "đăng ký khai sinh")
    hits = {h.proc.id: h for h in score_all(INDEX, q, INDEX.docs)}
    named = hits["khai-sinh"]
    assert named.score > max(h.score for pid, h in hits.items() if pid != "khai-sinh")
    assert named.coverage == 1.0 and named.name_share == 1.0 and named.anchor > 0
    assert named.phrase is not None and named.phrase.text == "dang ky khai sinh"
    assert hits["ho-chieu"].coverage == 0.0 and hits["ho-chieu"].anchor == 0.0
    assert score_all(INDEX, q, []) == []


def test_coverage_is_the_idf_weighted_share_of_the_question():
    q = understand(INDEX, "đăng ký khai sinh")
    plan = coverage_plan(INDEX, q)  # read once per question, for every candidate
    numbers = np.array([INDEX.doc_number[pid] for pid in ("khai-sinh", "ho-chieu", "yeu-to")])
    cov, pairs = coverage(INDEX, plan, numbers)
    assert cov[0] == 1.0 and pairs[0] == 1.0
    assert cov[1] == 0.0 and pairs[1] == 0.0
    assert 0.0 < cov[2] < 0.5  # says "đăng ký", not the rarer "khai sinh"
    assert pairs[2] == 1 / 3  # "đăng ký" of the pairs "đăng ký", "ký khai", "khai sinh"


def test_coverage_of_a_synonym_counts_its_meaning_at_a_share():
    index = SearchIndex([proc("gcn", "Cấp giấy chứng nhận quyền sử dụng đất")],
                        Synonyms({"sổ đỏ": ["giấy chứng nhận quyền sử dụng đất"]}), LEX)
    plan = coverage_plan(index, understand(index, "sổ đỏ"))
    cov, _ = coverage(index, plan, np.array([0]))
    assert cov[0] == index.params.span_share  # every word of the meaning said by the name


def test_phrase_fit_is_an_f_measure_of_both_sides():
    q = understand(INDEX, "đăng ký khai sinh")
    qweights = _query_weights(INDEX, q)
    total = sum(qweights.values())
    name = doc("khai-sinh").phrases[0]
    assert _phrase_fit(INDEX, qweights, total, name) == (1.0, 1.0)
    short = next(ph for ph in doc("khai-sinh").phrases if ph.kind == "short")  # "khai sinh"
    fit, precision = _phrase_fit(INDEX, qweights, total, short)
    assert precision == 1.0 and fit < 1.0  # all of the phrase is said, not all that is said is the phrase
    assert _phrase_fit(INDEX, qweights, total, doc("ho-chieu").phrases[0]) == (0.0, 0.0)


# "ho" three times with three accents in one name: a word typed with any of them meets it.
ACCENTS = SearchIndex([*(d.proc for d in INDEX.docs), proc("ho-ten", "Sửa họ tên trong hồ sơ hộ kinh doanh")],
                      Synonyms({}), LEX)


@pytest.mark.parametrize("index", [INDEX, ACCENTS])
@pytest.mark.parametrize("question", ["đăng ký khai sinh", "dang ky ket hon nuoc ngoai", "có người yêu chưa",
                                      "làm hộ chiéu cho bé", "xin cấp hộ chiếu phổ thông lần đầu", "kết hôn với người Hàn",
                                      "sửa họ tên", "hồ sơ hộ kinh doanh", "hổ tên hô"])
def test_pooled_phrase_fits_are_the_reference_fits(index, question):
    """Scoring fits every candidate phrase at once from the pooled arrays; each number is the one
    `_phrase_fit` gives that phrase, accents included."""
    INDEX = index  # noqa: N806 - the module's name for the index, shadowed per case
    q = understand(INDEX, question)
    qweights = _query_weights(INDEX, q)
    total = sum(qweights.values())
    typed = ({t: a for t, a in zip(q.tokens, q.acc_tokens, strict=False) if a is not None and t not in q.loose}
             if q.acc_tokens else {})
    pooled = phrase_fits(INDEX, qweights, total, set(q.tokens), typed, INDEX.docs)
    at = 0
    for d in INDEX.docs:
        for ph in d.phrases:
            assert (pooled.fit[at], pooled.precision[at]) == _phrase_fit(INDEX, qweights, total, ph, typed)
            agree = all(typed.get(t) in ph.accented for t in ph.toks if t in typed and ph.accented)
            assert pooled.accents_agree[at] == agree
            assert pooled.shares_content[at] == bool(set(q.tokens) & set(ph.toks))
            at += 1
    assert at == len(pooled.fit) and list(pooled.offsets) == [0, *accumulate(len(d.phrases) for d in INDEX.docs)]


PHRASED = SearchIndex([
    proc("ho-chieu", "Cấp hộ chiếu phổ thông", ["làm hộ chiếu", "xin hộ chiếu lần đầu", "hộ chiếu cho trẻ em",
                                               "cấp lại hộ chiếu bị mất", "passport"]),
    proc("khai-sinh", "Đăng ký khai sinh", ["làm giấy khai sinh", "khai sinh cho con mới sinh", "đăng ký khai sinh muộn",
                                           "khai sinh cho trẻ bị bỏ rơi"]),
    proc("yeu-to", "Đăng ký kết hôn có yếu tố nước ngoài", ["kết hôn với người nước ngoài", "lấy chồng nước ngoài",
                                                           "cưới vợ Hàn Quốc"]),
], Synonyms({}), LEX)


def _every_similarity(index, texts, choices, fit, pids, label):
    return np.maximum(process.cdist(texts, choices, scorer=fuzz.ratio, dtype=np.float32),
                      process.cdist(texts, choices, scorer=fuzz.token_sort_ratio, dtype=np.float32)).max(axis=0)


@pytest.mark.parametrize("question", ["làm hộ chiếu cho con", "đăng ký khai sinh cho con mới sinh ở bệnh viện",
                                      "ket hon voi nguoi nuoc ngoai", "hộ chiếu mất rồi xin cấp lại sao",
                                      "vợ tôi người Hàn Quốc muốn đăng ký kết hôn"])
def test_similarities_skipped_where_they_cannot_win_change_no_score(monkeypatch, question):
    """token_sort_ratio is computed only for phrases that could be their group's best: every hit is the
    one computing it for all phrases gives."""
    q = understand(PHRASED, question)
    pruned = [astuple(h) for h in score_all(PHRASED, q, PHRASED.docs)]
    monkeypatch.setattr(score, "_similarities", _every_similarity)
    assert [astuple(h) for h in score_all(PHRASED, q, PHRASED.docs)] == pruned


def test_similarities_of_phrases_that_cannot_win_are_skipped(monkeypatch):
    seen = []
    real = score._similarities

    def spy(index, texts, choices, fit, pids, label):
        got = real(index, texts, choices, fit, pids, label)
        seen.append((got, _every_similarity(index, texts, choices, fit, pids, label)))
        return got

    monkeypatch.setattr(score, "_similarities", spy)
    score_all(PHRASED, understand(PHRASED, "đăng ký khai sinh cho con mới sinh ở bệnh viện"), PHRASED.docs)
    got, every = seen[0]
    assert (got <= every).all() and (got < every).any()


def test_query_weights_give_a_synonyms_meaning_a_share_of_its_words_weight():
    index = SearchIndex([proc("gcn", "Cấp giấy chứng nhận quyền sử dụng đất")],
                        Synonyms({"sổ đỏ": ["giấy chứng nhận quyền sử dụng đất"]}), LEX)
    q = understand(index, "sổ đỏ")
    qweights = _query_weights(index, q)
    assert qweights["so"] == q.weights[0]
    assert qweights["giay"] == q.weights[0] * index.params.expansion_weight


SIBLINGS = [
    proc("the-chap", "Đăng ký thế chấp quyền sử dụng đất", ["thế chấp sổ đỏ vay ngân hàng"]),
    proc("xoa-the-chap", "Xóa đăng ký thế chấp quyền sử dụng đất"),
    proc("tam-tru", "Đăng ký tạm trú", ["đăng ký tạm trú trực tuyến có rẻ hơn nộp trực tiếp không"]),
    proc("thuong-tru", "Đăng ký thường trú"),
]


@pytest.mark.parametrize("question, expected", [
    ("xoa the chap so do vay ngan hang", "xoa-the-chap"),  # the word only the specialisation names
    ("the chap so do vay ngan hang", "the-chap"),
    ("đăng ký thường trú nộp trực tuyến có rẻ hơn nộp trực tiếp không", "thuong-tru"),  # a word apart
])
def test_siblings_follow_the_word_said(question, expected):
    index = SearchIndex(SIBLINGS, Synonyms({}), LEX)
    assert search(index, question)[1][0].proc.id == expected


def test_prefer_specific_moves_the_sibling_whose_own_word_is_said_first():
    index = SearchIndex(SIBLINGS, Synonyms({}), LEX)
    general, specific = index.docs[0].proc, index.docs[1].proc
    q = understand(index, "xóa thế chấp")
    hits = [Hit(general, 0.9), Hit(specific, 0.8)]
    prefer_specific(index, q, hits)
    assert [h.proc.id for h in hits] == ["xoa-the-chap", "the-chap"]
    assert hits[0].score == pytest.approx(0.9 + index.params.sibling_step)
    unsaid = [Hit(general, 0.9), Hit(specific, 0.8)]
    prefer_specific(index, understand(index, "thế chấp"), unsaid)
    assert [(h.proc.id, h.score) for h in unsaid] == [("the-chap", 0.9), ("xoa-the-chap", 0.8)]


def test_search_with_nothing_to_read_finds_nothing():
    q, hits = search(INDEX, "?!")
    assert q.tokens == [] and hits == []
