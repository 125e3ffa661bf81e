from bot.matching.normalize import folded_words
from bot.matching.places import Places
from tests.conftest import sample_lexicon

PLACES = Places(sample_lexicon())


def kept(text: str) -> list[str]:
    toks = folded_words(text)
    return [t for t, keep in zip(toks, PLACES.mask(toks), strict=True) if keep]


def test_city_and_former_districts_are_dropped():
    assert kept("báo tử ở Hóc Môn") == ["bao", "tu", "o"]
    assert kept("đăng ký tạm trú tại TP Hồ Chí Minh") == ["dang", "ky", "tam", "tru", "tai"]
    assert kept("guesthouse in District 1") == ["guesthouse", "in"]
    assert kept("nhà ở quận 7, phường 12") == ["nha", "o"]
    assert kept("ở Q7") == ["o"]


def test_words_that_only_look_like_places_are_kept():
    # "quán" folds to "quan" like "quận": only a numbered district is a place.
    assert kept("mở quán cà phê") == ["mo", "quan", "ca", "phe"]
    assert kept("phường xác nhận") == ["phuong", "xac", "nhan"]
