import pytest

from bot.matching.smalltalk import SmallTalk
from tests.conftest import sample_lexicon

smalltalk = SmallTalk(sample_lexicon())


@pytest.mark.parametrize("text, kind", [
    ("xin chào", "greeting"), ("Chào bạn!", "greeting"), ("hello", "greeting"), ("cảm ơn bạn nhiều", "thanks"),
    ("thanks", "thanks"), ("Bạn là ai? Ai tạo ra bạn?", "bot"), ("tạm biệt", "bye"), ("ok", "ok"),
])
def test_small_talk(text, kind):
    assert smalltalk(text) == kind


@pytest.mark.parametrize("text", ["xin chào, cho em hỏi làm khai sinh", "đăng ký kết hôn", "cảm ơn, lệ phí hộ chiếu?"])
def test_questions_are_not_small_talk(text):
    assert smalltalk(text) is None


def test_personal_questions_to_the_bot_are_small_talk():
    assert smalltalk("bạn có người yêu chưa") == "bot"
    assert smalltalk("ban bao nhieu tuoi") == "bot"
    assert smalltalk("đăng ký kết hôn với người yêu") is None
