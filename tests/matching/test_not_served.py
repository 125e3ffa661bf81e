"""Subjects served elsewhere: spotting one in a question, and which cards speak of it."""

from bot.catalogue.schema import NotServed
from bot.matching.normalize import folded_words
from bot.matching.not_served import TopicSpotter, card_text
from tests.matching.catalogue import proc

VEHICLES = NotServed(topic="Đăng ký xe", topic_en="Vehicle registration", words=["cà vẹt", "đăng ký xe", "biển số"],
                     where="Công an", where_en="The police")
SPOTTER = TopicSpotter([VEHICLES])


def test_the_subject_and_the_words_that_named_it_are_found():
    found = SPOTTER.find(folded_words("làm mất cà vẹt xe thì sao"))
    assert found is not None and found[0] is VEHICLES and found[1] == "ca vet"
    assert SPOTTER.find(folded_words("đăng ký khai sinh")) is None


def test_a_card_speaks_of_the_subject_by_any_of_its_naming_words():
    # Asked as "cà vẹt", named "đăng ký xe": the national record is about the subject.
    record = proc("cap-lai-dkx", "Cấp lại chứng nhận đăng ký xe")
    assert SPOTTER.speaks_of(VEHICLES, card_text(record))
    assert not SPOTTER.speaks_of(VEHICLES, card_text(proc("khai-sinh", "Đăng ký khai sinh")))
