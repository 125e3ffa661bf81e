"""Retrieving candidates from the whole catalogue with the inverted index."""

import numpy as np

from bot.matching.index import SearchIndex
from bot.matching.normalize import Synonyms
from bot.matching.retrieve import scored_candidates, top_k
from bot.matching.understand import understand
from tests.matching.catalogue import LEX, proc

PROCS = [
    proc("ho-chieu", "Cấp hộ chiếu phổ thông", ["làm hộ chiếu"]),
    proc("khai-sinh", "Đăng ký khai sinh", ["làm giấy khai sinh"]),
    proc("ket-hon", "Đăng ký kết hôn"),
    proc("gcn", "Cấp giấy chứng nhận quyền sử dụng đất"),
]
INDEX = SearchIndex(PROCS, Synonyms({"sổ đỏ": ["giấy chứng nhận quyền sử dụng đất"]}), LEX)


def ids(text: str, limit: int | None = None) -> list[str]:
    return [INDEX.docs[i].proc.id for i in scored_candidates(INDEX, understand(INDEX, text), limit)[0]]


def test_the_procedure_named_comes_first_and_those_sharing_words_follow():
    assert ids("đăng ký khai sinh") == ["khai-sinh", "ket-hon"]
    assert ids("hộ chiếu")[0] == "ho-chieu"


def test_a_synonym_retrieves_through_its_meaning():
    assert ids("sổ đỏ")[0] == "gcn"


def test_limit_caps_the_candidates():
    assert len(ids("đăng ký khai sinh", limit=1)) == 1
    assert ids("đăng ký khai sinh", limit=1) == ["khai-sinh"]


def test_no_shared_word_no_candidates():
    found, _ = scored_candidates(INDEX, understand(INDEX, "qwerty"))
    assert isinstance(found, np.ndarray) and found.size == 0
    empty = SearchIndex([], Synonyms({}), LEX)
    assert scored_candidates(empty, understand(empty, "đăng ký khai sinh"))[0].size == 0


def test_at_most_params_candidates_by_default():
    many = SearchIndex([proc(f"p{i}", f"Đăng ký việc số {i}") for i in range(40)], Synonyms({}), LEX)
    found, _ = scored_candidates(many, understand(many, "đăng ký"))
    assert len(found) == many.params.candidates < 40


def test_candidates_come_with_their_scores_best_first():
    found, scores = scored_candidates(INDEX, understand(INDEX, "đăng ký khai sinh"))
    assert len(found) == len(scores) and np.all(scores > 0) and np.all(np.diff(scores) <= 0)


def test_top_k_is_the_exact_best_first_with_ties_to_the_earlier_record():
    rng = np.random.default_rng(3)
    for size, k in ((5, 3), (40, 24), (3000, 24), (30000, 24), (30000, 5)):
        scores = np.round(rng.random(size) * 20) / 4  # many ties
        scores[rng.random(size) < 0.3] = 0.0
        k = min(k, int(np.count_nonzero(scores)))
        expected = sorted(np.flatnonzero(scores), key=lambda i: (-scores[i], i))[:k]
        assert top_k(scores, k).tolist() == expected
