import pytest

from bot.matching.facet import Facets
from tests.conftest import sample_lexicon

facets = Facets(sample_lexicon())


@pytest.mark.parametrize("question, asked", [
    ("toi lam mat bang lai xe may, lam lai o dau", {"reissue"}),
    ("dang huong tro cap that nghiep thi co viec, muon ngung nhan", {"stop"}),
    ("cong ty muon tang von dieu le", {"change"}),
    ("giay phep lao dong sap het han", {"extend"}),
    ("dang o nuoc ngoai muon lam ho chieu", {"abroad"}),
    ("my work permit expired, how to renew", {"extend"}),
    ("dang ky khai sinh cho con", set()),
])
def test_the_variant_a_question_asks(question, asked):
    assert facets.asked(question) == asked


@pytest.mark.parametrize("name, variant", [
    ("Cấp lại giấy phép lái xe", {"reissue"}),
    ("Cấp giấy phép lái xe", set()),
    ("Đổi giấy phép lái xe", {"exchange"}),
    ("Đối với hàng hóa nhập khẩu được miễn thuế", set()),  # "đối với" is not "đổi"
    ("Thôi quốc tịch Việt Nam ở nước ngoài", {"stop", "abroad"}),
    ("Thôi quốc tịch Việt Nam ở trong nước", {"stop"}),
    # Only the head of the name: its list of cases ("do bị mất, cháy …") does not make a variant.
    ("Cấp Giấy chứng nhận đăng ký doanh nghiệp (thay thế khi bị mất, cấp lại)", set()),
])
def test_the_variant_a_record_is(name, variant):
    assert facets.of_name(name) == variant
