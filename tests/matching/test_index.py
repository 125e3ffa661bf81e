"""Building the index: phrases, document frequency, IDF, postings and the typo vocabulary."""

import numpy as np

from bot.catalogue.schema import Faq
from bot.matching.index import SearchIndex, answer_aspects, short_name, word_pairs
from bot.matching.normalize import Synonyms
from tests.matching.catalogue import LEX, proc

INDEX = SearchIndex([
    proc("ho-chieu", "Cấp hộ chiếu phổ thông", ["làm hộ chiếu"]),
    proc("khai-sinh", "Đăng ký khai sinh", ["làm giấy khai sinh"],
         faq=[Faq(q=["bao lâu phải làm khai sinh", "mất bao lâu"], a="Trong 60 ngày kể từ ngày sinh.",
             source="https://example.org")]),
    proc("ket-hon", "Đăng ký kết hôn, có yếu tố nước ngoài"),
], Synonyms({"gcn": ["giấy chứng nhận"]}), LEX)


def doc(pid: str):
    return INDEX.by_id[pid]


def test_short_name_drops_the_issuing_verb_and_the_qualifiers():
    assert short_name("cap giay phep lao dong cho nguoi nuoc ngoai") == "giay phep lao dong"
    assert short_name("dang ky khai sinh") == "khai sinh"
    assert short_name("khai sinh") is None  # no issuing verb


def test_answer_aspects_read_durations_and_amounts():
    assert answer_aspects("Trong 07 ngày làm việc") == {"time"}
    assert answer_aspects("Miễn lệ phí") == {"fees"}
    assert answer_aspects("Tại UBND xã") == frozenset()


def test_every_procedure_has_its_name_short_name_aliases_and_faq_phrasings():
    kinds = [(ph.kind, ph.text) for ph in doc("khai-sinh").phrases]
    assert kinds[0] == ("name", "dang ky khai sinh")
    assert ("short", "khai sinh") in kinds and ("alias", "lam giay khai sinh") in kinds
    assert ("faq", "mat bao lau") in kinds
    # The part of a name before its first comma is how people say it.
    assert ("short", "dang ky ket hon") in [(ph.kind, ph.text) for ph in doc("ket-hon").phrases]


def test_document_frequency_counts_naming_words_not_faq_phrasings():
    assert INDEX.df["dang"] == 2 and INDEX.df["khai"] == 1
    assert INDEX.idf["khai"] > INDEX.idf["dang"]  # rarer, weightier
    assert "lau" not in doc("khai-sinh").core  # a FAQ word: vocabulary, no name
    assert INDEX.df["lau"] == 1  # counted only as the procedure's loose vocabulary


def test_postings_hold_words_and_word_pairs():
    for term in ("khai", "khai_sinh"):
        ids, weights = INDEX.posting(term)
        assert [INDEX.docs[i].proc.id for i in ids] == ["khai-sinh"]
        assert weights[0] > 0
    assert INDEX.posting("khong-co-tu-nay") is None
    assert word_pairs(["dang", "ky", "khai"]) == ["dang_ky", "ky_khai"]


def test_doc_terms_read_back_each_documents_field_weights():
    """Which document says which word or word pair, at which field weight: what coverage reads, pooled."""
    ids = {d.proc.id: n for n, d in enumerate(INDEX.docs)}
    numbers = np.array([ids["khai-sinh"], ids["ho-chieu"]])
    slots = np.array([INDEX.postings["khai"], INDEX.postings["khai_sinh"], -1])
    found, weights = INDEX.doc_terms(numbers).lookup(slots)
    assert found.tolist() == [[True, True, False], [False, False, False]]
    assert weights[0].tolist() == [INDEX.params.w_name, 1.0, 0.0]  # a name's word; a pair counts 1
    assert weights[1].tolist() == [0.0, 0.0, 0.0]


def test_record_text_hashes_are_pooled_per_procedure():
    d = doc("ho-chieu")
    hashes = INDEX.text_hash("ho-chieu")
    assert len(hashes) == d.text_span[1] - d.text_span[0] > 0
    assert list(hashes) == sorted(hashes)
    spans = [e.text_span for e in INDEX.docs]  # the records' slices tile the pooled array in order
    assert spans[0][0] == 0 and spans[-1][1] == len(INDEX.text_hash_all)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_faq_entries_are_grouped_with_their_aspects_and_answers():
    d = doc("khai-sinh")
    assert [ph.text for ph in d.faq_entries[0]] == ["bao lau phai lam khai sinh", "mat bao lau"]
    assert d.faq_answers == {0: frozenset({"time"})}
    assert d.faq_df["lau"] == 1


def test_typo_vocabulary_holds_words_by_length_without_pairs_or_numbers():
    assert "khai" in INDEX.vocab_by_len[4]
    assert all("_" not in t and not t.isdigit() for words in INDEX.vocab_by_len.values() for t in words)
    assert INDEX.vocab_by_len[4] == sorted(INDEX.vocab_by_len[4])


def test_synonyms_in_names_index_their_meaning():
    index = SearchIndex([proc("gcn", "Cấp GCN quyền sử dụng đất")], Synonyms({"gcn": ["giấy chứng nhận"]}), LEX)
    # "GCN" in a name names the procedure as much as "giấy chứng nhận": counted in document frequency
    assert {"giay", "chung", "nhan"} <= index.df.keys()
    assert index.doc_terms(np.array([0])).lookup(np.array([index.postings["giay_chung"]]))[0].all()
