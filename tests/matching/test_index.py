import datetime as dt

import pytest

from bot.catalogue.schema import Procedure
from bot.matching.index import SearchIndex
from bot.matching.matcher import search
from bot.matching.normalize import Synonyms
from bot.matching.understand import telex_fold, understand
from tests.conftest import sample_lexicon

LEX = sample_lexicon()


def proc(pid: str, name: str, aliases: list[str] | None = None) -> Procedure:
    return Procedure(id=pid, code="1.000001", name=name, group="ho-tich", source="https://example.org",
                     verified_on=dt.date(2026, 1, 1), aliases=aliases or [])


INDEX = SearchIndex([
    proc("ho-chieu", "Cấp hộ chiếu phổ thông", ["làm hộ chiếu"]),
    proc("khai-sinh", "Đăng ký khai sinh", ["làm giấy khai sinh"]),
    proc("yeu-to", "Đăng ký kết hôn có yếu tố nước ngoài"),
], Synonyms({}), LEX)


def test_an_accent_the_catalogue_never_writes_is_a_slip():
    q = understand(INDEX, "làm hộ chiéu cho bé")
    assert "chieu" in q.loose  # "chiéu" is no word here: matched as "chiếu"
    assert search(INDEX, "làm hộ chiéu cho bé")[1][0].proc.id == "ho-chieu"


def test_a_real_word_with_other_accents_is_not_the_catalogue_word():
    q = understand(INDEX, "có người yếu không")
    assert "yeu" not in q.loose
    hits = search(INDEX, "có người yêu chưa")[1]
    loved = next(h for h in hits if h.proc.id == "yeu-to")
    exact = next(h for h in search(INDEX, "có yếu tố nước ngoài")[1] if h.proc.id == "yeu-to")
    assert loved.score < exact.score


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
