"""Reranking: the features of each candidate, the softmax fit, and the reorder it drives."""

from dataclasses import replace

import numpy as np

from bot.matching.index import SearchIndex, text_hashes
from bot.matching.matcher import search
from bot.matching.normalize import Synonyms
from bot.matching.params import MatchParams, Reranker
from bot.matching.rerank import RANK_FEATURES, features, fit_softmax, phrasings_lm, rerank, softmax
from bot.matching.understand import understand
from tests.matching.catalogue import LEX, proc


def _index(params: MatchParams | None = None) -> SearchIndex:
    return SearchIndex([
        proc("rut-ky-quy", "Rút tiền ký quỹ của doanh nghiệp",
             documents=["Văn bản đề nghị rút tiền ký quỹ để trả nợ lương người lao động"]),
        proc("cap-phep", "Cấp giấy phép hoạt động của doanh nghiệp",
             steps=["Doanh nghiệp nộp hồ sơ xin giấy phép"]),
    ], Synonyms({}), LEX, params)


def test_whole_record_words_count_as_evidence():
    index = _index()
    q = understand(index, "doanh nghiệp nợ lương người lao động")
    _, hits = search(index, "doanh nghiệp nợ lương người lao động", rerank_hits=False)
    X = features(index, q, hits)
    assert X.shape == (len(hits), len(RANK_FEATURES))
    col = RANK_FEATURES.index("text_cover")
    by_id = {h.proc.id: X[i, col] for i, h in enumerate(hits)}
    # "nợ lương người lao động" is only in the deposit record's documents.
    assert by_id["rut-ky-quy"] > by_id["cap-phep"]


def test_text_hashes_are_stable_and_sorted():
    a = text_hashes(["rut", "tien", "ky", "quy"])
    assert np.array_equal(a, text_hashes(["rut", "tien", "ky", "quy"]))
    assert np.all(np.diff(a.astype(np.int64)) > 0)
    assert len(a) == 4 + 3  # the words and their pairs


def test_without_a_fitted_model_the_additive_order_stands():
    index = _index()
    _, plain = search(index, "giấy phép doanh nghiệp", rerank_hits=False)
    _, ranked = search(index, "giấy phép doanh nghiệp")
    assert [h.proc.id for h in ranked] == [h.proc.id for h in plain]
    assert np.isclose(sum(h.prob for h in ranked), 1.0)


def test_a_fitted_model_reorders_and_gives_probabilities():
    # A model that only trusts whole-record evidence puts the record whose documents say it first.
    weights = Reranker(features=("text_cover",), weights=(50.0,), depth=10)
    index = _index(replace(MatchParams(), rerank=weights))
    q = understand(index, "doanh nghiệp nợ lương người lao động")
    _, hits = search(index, q.raw, rerank_hits=False)
    ranked = rerank(index, q, hits)
    assert ranked[0].proc.id == "rut-ky-quy"
    assert ranked[0].prob > ranked[1].prob and np.isclose(sum(h.prob for h in ranked), 1.0)


def test_fit_softmax_learns_which_feature_marks_the_right_candidate():
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(200):
        rows = rng.normal(size=(5, 3))
        right = np.zeros(5, dtype=bool)
        right[int(np.argmax(rows[:, 1] + 0.3 * rng.normal(size=5)))] = True
        groups.append((rows, right))
    w = fit_softmax(groups, l2=1.0)
    assert w[1] > 5 * max(abs(w[0]), abs(w[2]))
    # Deterministic: the same data gives the same weights.
    assert np.array_equal(w, fit_softmax(groups, l2=1.0))
    hit = np.mean([r[np.argmax(x @ w)] for x, r in groups])
    assert hit > 0.8


def test_several_right_candidates_share_the_probability():
    rows = np.array([[1.0], [1.0], [0.0]])
    w = fit_softmax([(rows, np.array([True, True, False]))] * 20, l2=0.1)
    p = softmax(rows @ w)
    assert p[0] + p[1] > 0.9


def test_the_variant_asked_and_a_variant_not_asked_are_features():
    index = SearchIndex([
        proc("cap-gplx", "Cấp giấy phép lái xe"),
        proc("cap-lai-gplx", "Cấp lại giấy phép lái xe"),
        proc("gplx-nuoc-ngoai", "Cấp giấy phép lái xe ở nước ngoài"),
    ], Synonyms({}), LEX)

    def facet_columns(question: str) -> dict[str, tuple[float, float]]:
        q = understand(index, question)
        _, hits = search(index, question, rerank_hits=False)
        X = features(index, q, hits)
        a, u = RANK_FEATURES.index("facet_asked"), RANK_FEATURES.index("facet_unasked")
        return {h.proc.id: (X[i, a], X[i, u]) for i, h in enumerate(hits)}

    lost = facet_columns("tôi làm mất giấy phép lái xe")
    assert lost["cap-lai-gplx"] == (1.0, 0.0) and lost["cap-gplx"] == (0.0, 0.0)
    assert lost["gplx-nuoc-ngoai"] == (0.0, 1.0)  # filed abroad: nobody said so
    first = facet_columns("xin giấy phép lái xe")
    assert first["cap-gplx"] == (0.0, 0.0) and first["cap-lai-gplx"] == (0.0, 1.0)


def test_the_phrasings_language_model_weighs_what_many_phrasings_say():
    # Both records mention parents and a monthly allowance once; only the martyr's relatives' record
    # says "liệt sĩ" in every phrasing: the question's rarest word, said by all of them, decides.
    index = SearchIndex([
        proc("nhan-cha-me", "Đăng ký nhận cha mẹ con", code="1.000001"),
        proc("than-nhan-liet-si", "Trợ cấp thân nhân liệt sĩ", code="1.000002"),
    ], Synonyms({}), LEX, situations={
        "1.000001": ["cha mẹ muốn nhận con", "nhận cha cho con ngoài giá thú", "cha mẹ nhận con nuôi tháng trước"],
        "1.000002": ["mẹ là vợ liệt sĩ", "con của liệt sĩ đi học", "bố mẹ liệt sĩ nhận tiền hằng tháng"],
    })
    q = understand(index, "cha mẹ của liệt sĩ nhận trợ cấp hằng tháng")
    _, hits = search(index, q.raw, rerank_hits=False)
    col = RANK_FEATURES.index("phrasings_lm")
    X = features(index, q, hits)
    lm = {h.proc.id: X[i, col] for i, h in enumerate(hits)}
    assert lm["than-nhan-liet-si"] > lm["nhan-cha-me"]
    # A question of no word the phrasings know leaves every candidate at the same place.
    assert phrasings_lm(index, {"xyz": 1.0}, hits) == [0.0, 0.0]
