"""Understanding a question: spell-out, unglue, fold, masks, typo repair, weights, synonyms, language."""

from bot.matching.index import SearchIndex
from bot.matching.normalize import Synonyms
from bot.matching.understand import _en_stem, _fix_typo, _plausible_short_typo, _unglue, telex_fold, understand
from tests.matching.catalogue import LEX, proc

INDEX = SearchIndex([
    proc("ho-chieu", "Cấp hộ chiếu phổ thông", ["làm hộ chiếu"]),
    proc("khai-sinh", "Đăng ký khai sinh", ["làm giấy khai sinh"]),
    proc("yeu-to", "Đăng ký kết hôn có yếu tố nước ngoài"),
], Synonyms({}), LEX)


def test_an_accent_the_catalogue_never_writes_is_a_slip():
    q = understand(INDEX, "làm hộ chiéu cho bé")
    assert "chieu" in q.loose  # "chiéu" is no word here: matched as "chiếu"


def test_a_real_word_with_other_accents_is_not_loose():
    q = understand(INDEX, "có người yếu không")
    assert "yeu" not in q.loose


def test_english_contractions_and_places_weigh_nothing():
    q = understand(INDEX, "I'm in Ho Chi Minh City and need a passport")
    assert "m" not in [t for t, w in zip(q.tokens, q.weights, strict=True) if w > 0.5]
    assert not {"ho", "chi", "minh"} & set(q.tokens)


def test_half_typed_final_clusters_are_repaired():
    index = SearchIndex([proc("tam-tru", "Đăng ký tạm trú"), proc("chung-thuc", "Chứng thực bản sao")], Synonyms({}), LEX)
    assert understand(index, "đăg ký tạm trú").tokens[:2] == ["dang", "ky"]
    assert understand(index, "chứg thựk bản sao").tokens[:2] == ["chung", "thuc"]


def test_english_inflections_reach_the_dictionary():
    index = SearchIndex([proc("chuyen-nhuong", "Chuyển nhượng quyền sử dụng đất")],
                        Synonyms({"transfer": ["chuyển nhượng"], "tax": ["thuế"]}), LEX)
    q = understand(index, "transferring my land, what taxes apply")
    assert "transfer" in q.tokens and "tax" in q.tokens
    assert any(exp == ["chuyen", "nhuong"] for _, _, exp in q.spans)


def test_unconverted_telex_is_read():
    assert [telex_fold(w) for w in ("cuwowsc", "dduwowngf", "nhaajp", "truwowngf")] == ["cuoc", "duong", "nhap", "truong"]
    index = SearchIndex([proc("cccd", "Cấp đổi thẻ căn cước")], Synonyms({}), LEX)
    assert understand(index, "làm căn cuwowsc").tokens[-1] == "cuoc"


def test_accent_free_vietnamese_with_that_is_not_english():
    # "thất nghiệp" without accents spells the English "that".
    assert not understand(INDEX, "dang huong tro cap that nghiep thi phai lam gi").english
    assert understand(INDEX, "how do I get a passport").english


def test_words_typed_without_a_space_are_split():
    index = SearchIndex([proc("cong-ty", "Thành lập công ty"), proc("khai-sinh", "Đăng ký khai sinh")], Synonyms({}), LEX)
    assert understand(index, "thành lập côngty").tokens == ["thanh", "lap", "cong", "ty"]
    assert understand(index, "dangky khaisinh").tokens == ["dang", "ky", "khai", "sinh"]


def test_unglue_splits_unknown_words_only_and_keeps_the_spelt_flags():
    assert _unglue(INDEX, ["khaisinh", "hộ"], [False, True]) == (["khai", "sinh", "hộ"], [False, False, True])
    assert _unglue(INDEX, ["khai", "qwerty"], [False, False]) == (["khai", "qwerty"], [False, False])


def test_fix_typo_swapped_letters_telex_and_nothing_for_short_or_unknown_words():
    assert _fix_typo(INDEX, "khia") == "khai"  # two neighbouring letters swapped
    assert _fix_typo(INDEX, "chieuf") == "chieu"  # a Telex tone key left over
    assert _fix_typo(INDEX, "ab") is None  # too short to guess
    assert _fix_typo(INDEX, "xyzxyz") is None
    assert _fix_typo(INDEX, "hieu") is None  # the first letter is never changed ("chieu" is not meant)


def test_plausible_short_typos():
    assert _plausible_short_typo("kys", "ky")  # Telex tone key
    assert _plausible_short_typo("hoon", "hon")  # doubled letter
    assert _plausible_short_typo("ngoi", "ngoai")  # one missed vowel
    assert not _plausible_short_typo("ngoi", "ngoai", careful=True)  # typed with accents: not that slip
    assert _plausible_short_typo("thuk", "thuc")  # texting "k"
    assert not _plausible_short_typo("sai", "hai")


def test_en_stem_prefers_the_dictionary():
    index = SearchIndex([proc("gia-han", "Gia hạn giấy phép")], Synonyms({"extend": ["gia hạn"], "tax": ["thuế"]}), LEX)
    assert _en_stem(index, "extended") == "extend"
    assert _en_stem(index, "taxes") == "tax"
    assert _en_stem(index, "passport") == "passport"  # nothing to reduce


def test_weights_follow_idf_and_repairs_weigh_less():
    q = understand(INDEX, "dang ky khai sinh")
    w = dict(zip(q.tokens, q.weights, strict=True))
    assert w["khai"] > w["dang"]  # "đăng ký" names two procedures, "khai sinh" one
    repaired = understand(INDEX, "dang kys khai sinh")
    assert repaired.tokens == q.tokens and repaired.weights[1] < q.weights[1]


def test_synonym_spans_add_the_catalogue_words():
    index = SearchIndex([proc("gcn", "Cấp giấy chứng nhận quyền sử dụng đất")],
                        Synonyms({"sổ đỏ": ["giấy chứng nhận quyền sử dụng đất"]}), LEX)
    q = understand(index, "sổ đỏ")
    assert q.tokens == ["so", "do"]
    assert q.spans == [(0, 2, ["giay", "chung", "nhan", "quyen", "su", "dung", "dat"])]
    assert q.expanded_texts == ["giay chung nhan quyen su dung dat"]
