import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.matching.normalize import MAX_QUERY_CHARS, Synonyms, _clean, clean, fold, normalize

VIETNAMESE = st.text(
    alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợ"
                                   "ùúủũụừứửữựỳýỷỹỵĐĂ ÂÊÔƠƯ.,!?🎉\u200b\u00a0\t")),
    max_size=60,
)


@given(VIETNAMESE)
def test_normalize_is_idempotent(text: str):
    once = normalize(text)
    assert normalize(once) == once


@given(VIETNAMESE)
def test_nfc_and_nfd_give_the_same_result(text: str):
    nfd = unicodedata.normalize("NFD", text)
    assert normalize(nfd) == normalize(text)
    assert clean(nfd) == clean(text)


@given(st.text(max_size=2000))
def test_any_text_is_safe_and_capped(text: str):
    out = normalize(text)
    assert len(out) <= MAX_QUERY_CHARS
    assert out == out.strip()


def test_folding_and_tone_placement():
    assert fold("Đăng ký") == "Dang ky"
    assert normalize("ĐĂNG KÝ  kết-hôn!!") == "dang ky ket hon"
    assert clean("hoà thuỷ khoẻ uỷ") == clean("hòa thủy khỏe ủy")
    assert clean("của quả quý hoàng") == "của quả quý hoàng"  # not oa/oe/uy open syllables
    assert normalize("giấy\u200bphép\u00adlao động") == "giay phep lao dong"
    assert normalize("🎉 khai\x00sinh\x1b") == "khai sinh"


def test_synonym_spans():
    syn = Synonyms({"gpkd": ["giấy phép kinh doanh"], "sổ đỏ": ["giấy chứng nhận quyền sử dụng đất"]})
    tokens = normalize("xin gpkd và so do").split()
    spans = syn.spans(tokens)
    assert (1, 2, ["giay", "phep", "kinh", "doanh"]) in spans
    assert any(start == 3 and end == 5 for start, end, _ in spans)


def test_vietnamese_syllable_spelling():
    from bot.matching.normalize import is_vietnamese_syllable

    for word in ("mưa", "cười", "yêu", "học", "quốc", "gìn", "nghiêng", "thuỷ", "khoẻ"):
        assert is_vietnamese_syllable(word), word
    for word in ("chiéu", "hồg", "thựk", "tiếg", "hòc", "abc1"):
        assert not is_vietnamese_syllable(word), word


def test_shorthand_is_spelt_out():
    from bot.matching.shorthand import spell_out
    from tests.conftest import sample_lexicon

    assert spell_out(["kết", "hôn", "vs", "ng", "nc", "ngoài", "đc", "ko"], sample_lexicon().shorthand) == (
        ["kết", "hôn", "với", "người", "nước", "ngoài", "được", "không"],
        [False, False, True, True, True, False, True, True],
    )


def test_synonym_phrases_skip_classifiers_and_numbers():
    from tests.conftest import sample_lexicon

    syn = Synonyms({"cất nhà": ["xây dựng nhà ở"], "gộp sổ": ["hợp thửa"]}, sample_lexicon().skippable)
    assert syn.spans(normalize("tính cất cái nhà cấp 4").split()) == [(1, 4, ["xay", "dung", "nha", "o"])]
    assert syn.spans(normalize("gộp 2 sổ đất").split()) == [(0, 3, ["hop", "thua"])]
    assert syn.spans(normalize("gộp đất rồi mới sổ").split()) == []


def _clean_whole(text: str) -> str:
    return _clean(text[: MAX_QUERY_CHARS * 4])[:MAX_QUERY_CHARS]


def test_a_long_text_is_cleaned_from_a_prefix_with_the_same_result():
    body = "Thủ tục hoà giải, thuỷ lợi: hồ sơ gồm đơn đề nghị và bản sao giấy tờ. " * 40
    for text in (body, " \u00a0\u200b" * 200 + body, body[:440] + "hoà" + body):
        assert clean(text) == _clean_whole(text)
        assert len(clean(text)) == MAX_QUERY_CHARS


@given(st.lists(st.sampled_from(["hoà", "thuỷ", "hoặc", " ", "\u00a0", "\u200b", "\x00", "İ", "a\u0301",
                                 "đăng ký", "\n", "Ở", "qua", "ĐẤT"]), max_size=600).map("".join))
def test_cleaning_a_prefix_never_changes_the_result(text):
    assert clean(text) == _clean_whole(text)
