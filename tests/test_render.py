from bot import callbacks
from bot.render import TELEGRAM_LIMIT, format_vnd, html_to_text, split_messages


def test_split_on_sections_under_the_limit():
    sections = ["<b>A</b>\n" + "x" * 3000, "y" * 3000, "\n".join(["z" * 100] * 100)]
    messages = split_messages(sections)
    assert all(len(m) < TELEGRAM_LIMIT for m in messages)
    assert messages[0].startswith("<b>A</b>") and "".join(messages).count("z" * 100) == 100


def test_plain_text_and_money():
    assert html_to_text('<b>Phí</b> &amp; <a href="https://a.vn/x">trang</a>') == "Phí & trang (https://a.vn/x)"
    assert format_vnd(0) == "Miễn phí" and format_vnd(100000) == "100.000 đ" and format_vnd(5000, "en") == "5,000 VND"


def test_callback_codec_round_trip_and_limit():
    data = callbacks.card("dang-ky-ket-hon-yeu-to-nuoc-ngoai", "documents")
    assert len(data.encode()) <= 64
    action = callbacks.decode(data)
    assert (action.kind, action.proc_id, action.section) == ("card", "dang-ky-ket-hon-yeu-to-nuoc-ngoai", "documents")
    assert callbacks.decode("garbage|||") is None and callbacks.decode(None) is None
    assert callbacks.decode(callbacks.group("ho-tich", 2)).page == 2
