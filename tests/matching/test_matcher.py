import pytest

from bot.catalogue import load_or_raise
from bot.matching import Matcher
from bot.matching.aspect import AspectCues
from bot.matching.normalize import normalize


@pytest.fixture(scope="module")
def matcher():
    from tests.conftest import SAMPLE_KB

    return Matcher(load_or_raise(SAMPLE_KB))


@pytest.mark.parametrize("question, expected", [
    ("đăng ký kết hôn", "dang-ky-ket-hon"),
    ("dang ki ket hon", "dang-ky-ket-hon"),
    ("dang kys ket hon", "dang-ky-ket-hon"),
    ("lam giay khai sinh cho con", "dang-ky-khai-sinh"),
    ("Đăng ký khai sinh", "dang-ky-khai-sinh"),  # NFD input
    ("birth certificate", "dang-ky-khai-sinh"),
    ("xin lý lịch tư pháp", "ly-lich-tu-phap"),
])
def test_finds_the_procedure(matcher, question, expected):
    m = matcher.match(question)
    assert m.kind == "answer"
    assert m.hits[0].proc.id == expected


@pytest.mark.parametrize("question", ["thời tiết hôm nay", "qwertyuiop", "🎉🎉🎉", "", "   ", "<script>"])
def test_out_of_scope_is_none(matcher, question):
    assert matcher.match(question).kind == "none"


def test_aspect_and_faq(matcher):
    m = matcher.match("lệ phí đăng ký kết hôn bao nhiêu")
    assert (m.kind, m.aspect, m.hits[0].proc.id) == ("answer", "fees", "dang-ky-ket-hon")
    m = matcher.match("bao lâu phải làm khai sinh")
    assert m.faqs and "60 ngày" in m.faqs[0].a


@pytest.mark.parametrize("question, aspect", [
    ("hết bao nhiêu tiền", "fees"), ("how much", "fees"), ("cần giấy tờ gì", "documents"),
    ("làm thế nào", "steps"), ("mất bao lâu", "time"), ("nộp ở đâu", "agency"),
    ("nộp online được không", "online"), ("căn cứ pháp lý", "legal"), ("đăng ký kết hôn", None),
    ("bao nhiêu ngày thì có", "time"),
])
def test_aspects(question, aspect):
    from tests.conftest import sample_lexicon

    assert AspectCues(sample_lexicon()).detect(normalize(question)) == aspect


def test_strip_removes_the_cues_of_every_aspect():
    from tests.conftest import sample_lexicon

    cues = AspectCues(sample_lexicon())
    for question in ("đăng ký kết hôn hết bao nhiêu tiền, cần giấy tờ gì, nộp ở đâu", "mất bao lâu, nộp online được không",
                     "how much and where to apply"):
        folded = normalize(question)
        one_by_one = folded
        for pattern in cues._patterns.values():  # what the single pass stands for
            one_by_one = pattern.sub(" ", one_by_one)
        assert cues.strip(folded) == " ".join(one_by_one.split())
        assert not any(cues.detect(w) for w in cues.strip(folded).split())
    assert cues.strip(normalize("đăng ký kết hôn")) == "dang ky ket hon"


def test_curated_preferred_over_name_only(matcher):
    ids = [h.proc.id for h in matcher.match("thủ tục chỉ có tên").hits]
    assert "tthc-1-000001" in ids


def test_a_long_specific_question_gets_its_entry(matcher):
    # The story around the question ("vợ tôi vừa sinh ở bệnh viện") must not hide what is asked.
    m = matcher.match("Vợ tôi vừa sinh em bé ở bệnh viện, trong bao nhiêu ngày thì phải đi đăng ký khai sinh cho bé?")
    assert m.hits[0].proc.id == "dang-ky-khai-sinh"
    assert any("60 ngày" in f.a for f in m.faqs) and len(m.faqs) <= 2


def test_a_bare_name_gets_the_card_not_an_entry(matcher):
    assert matcher.match("đăng ký khai sinh").faqs == []


def test_a_subject_served_elsewhere_gets_where_to_go(matcher):
    m = matcher.match("xin visa du lịch Nhật Bản")
    assert m.kind == "none" and m.not_served is not None and m.not_served.topic.startswith("Thị thực")
    # Naming one of our procedures outweighs the subject word.
    assert matcher.match("đăng ký kết hôn để xin visa cho vợ").kind != "none"


def test_a_strong_subject_settles_it_even_beside_a_procedure_name(matcher):
    # The sample has no licence card; the criminal-record card's name is said, the subject decides.
    m = matcher.match("thi bằng lái có cần lý lịch tư pháp không")
    assert m.kind == "none" and m.not_served is not None and m.not_served.strong
