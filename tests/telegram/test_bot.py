"""Scenario tests: the real python-telegram-bot Application, polling a strict fake Bot API on 127.0.0.1."""

from db.models import QueryLog

from .fake_bot_api import TOKEN


def texts(api, chat_id):
    return [c.message["text"] for c in api.sent_to(chat_id) if c.method == "sendMessage"]


def wait_messages(api, chat_id, n):
    return api.wait(lambda: [c for c in api.sent_to(chat_id) if c.method == "sendMessage"][n - 1:] and
                    [c for c in api.sent_to(chat_id) if c.method == "sendMessage"])


def first_reply(run_bot, chat_id, text):
    """Send one message to the running bot; the first message it sends back, and the fake API."""
    def scenario(api):
        api.send_text(chat_id, text)
        return wait_messages(api, chat_id, 1)[-1]

    return run_bot(scenario)


def buttons(message):
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def test_start_menu_and_commands_registered(run_bot):
    def scenario(api):
        api.send_text(1, "/start")
        [sent] = wait_messages(api, 1, 1)
        return sent

    sent, _ = run_bot(scenario)
    assert "Xin chào" in sent.message["text"]
    groups = [b for b in buttons(sent.message) if b.get("callback_data", "").startswith("g|")]
    assert len(groups) == 7


def test_accent_free_question_gets_card_with_filing_link(run_bot):
    sent, _ = first_reply(run_bot, 2, "lam giay khai sinh cho con")
    assert "Đăng ký khai sinh" in sent.message["text"]
    urls = [b["url"] for b in buttons(sent.message) if "url" in b]
    assert any(u.startswith("https://dichvucong.gov.vn") for u in urls)


def test_card_buttons_edit_in_place(run_bot):
    def scenario(api):
        api.send_text(3, "đăng ký kết hôn")
        card = wait_messages(api, 3, 1)[-1].message
        docs = next(b for b in buttons(card) if b.get("callback_data", "").endswith("|d"))
        api.press(3, card, docs["callback_data"])
        edit = api.wait(lambda: api.answers("editMessageText"))[-1]
        api.wait(lambda: api.answers("answerCallbackQuery"))
        return edit

    edit, _ = run_bot(scenario)
    assert "Giấy tờ" in edit.params["text"] and "Tờ khai đăng ký kết hôn" in edit.params["text"]


def test_fee_question_shows_fee(run_bot):
    sent, _ = first_reply(run_bot, 4, "lệ phí đăng ký kết hôn bao nhiêu")
    text = sent.message["text"]
    assert "Lệ phí" in text and "Miễn" in text
    assert text.index("Lệ phí") < text.index("Cơ quan")  # the card leads with what was asked


def test_out_of_scope_points_to_hotline(run_bot):
    sent, _ = first_reply(run_bot, 5, "thời tiết hôm nay thế nào")
    assert "1022" in sent.message["text"]
    assert any(b.get("callback_data", "").startswith("g|") for b in buttons(sent.message))


def test_deep_link_opens_card(run_bot):
    sent, _ = first_reply(run_bot, 6, "/start dang-ky-ket-hon")
    assert sent.message["text"].startswith("<b>Đăng ký kết hôn</b>")


def test_english_user_gets_english(run_bot):
    def scenario(api):
        api.send_text(7, "/start", lang="en")
        api.send_text(7, "birth certificate", lang="en")
        return wait_messages(api, 7, 2)

    sent, _ = run_bot(scenario)
    # Updates are handled concurrently: the two replies may come in either order.
    greeting = next(s.message for s in sent if "Hello" in s.message["text"])
    card = next(s.message for s in sent if "Birth registration" in s.message["text"])
    assert greeting is not card
    assert "📄 Documents" in [b["text"] for b in buttons(card)]


def test_lang_switch_is_remembered(run_bot):
    def scenario(api):
        api.send_text(8, "/lang")
        wait_messages(api, 8, 1)  # the switch is done before the next question
        api.send_text(8, "khai sinh")
        return wait_messages(api, 8, 2)

    sent, services = run_bot(scenario)
    assert "Birth registration" in sent[1].message["text"]
    assert services.store.get_lang(8) == "en"


def test_inline_query(run_bot):
    def scenario(api):
        api.inline(9, "khai sinh")
        api.inline(9, "")
        return api.wait(lambda: len(api.answers("answerInlineQuery")) >= 2 and api.answers("answerInlineQuery"))

    answers, _ = run_bot(scenario)
    first = answers[0].params["results"]
    assert first[0]["id"] == "dang-ky-khai-sinh" and first[0]["title"] == "Đăng ký khai sinh"
    assert 0 < len(answers[1].params["results"]) <= 10


def test_browse_group_pages(run_bot):
    def scenario(api):
        api.send_text(10, "/menu")
        menu = wait_messages(api, 10, 1)[-1].message
        ho_tich = next(b for b in buttons(menu) if b.get("callback_data") == "g|ho-tich|0")
        api.press(10, menu, ho_tich["callback_data"])
        return api.wait(lambda: api.answers("editMessageText"))[-1]

    edit, _ = run_bot(scenario)
    assert "Hộ tịch" in edit.params["text"]
    data = [b.get("callback_data") for row in edit.params["reply_markup"]["inline_keyboard"] for b in row]
    assert "p|dang-ky-khai-sinh|o" in data and "m" in data


def test_feedback_and_follow(run_bot):
    def scenario(api):
        api.send_text(11, "đăng ký kết hôn")
        card = wait_messages(api, 11, 1)[-1].message
        data = [b.get("callback_data") for b in buttons(card)]
        api.press(11, card, next(d for d in data if d and d.startswith("fb|")))
        api.press(11, card, next(d for d in data if d and d.startswith("fo|")))
        api.wait(lambda: len(api.answers("answerCallbackQuery")) >= 2)
        return api.wait(lambda: api.answers("editMessageReplyMarkup"))

    _, services = run_bot(scenario)
    assert services.store.feedback()[0].useful is True
    assert services.store.following(11) == ["dang-ky-ket-hon"]


def test_garbage_input_always_gets_a_polite_reply(run_bot):
    garbage = ["x" * 10000, "<script>alert(1)</script>", "🎉" * 500, "\x00\x01\x1b[31m", "<b>bold</b> &amp; &",
               "/unknowncommand", "   ", "a" * 5000 + " khai sinh"]

    def scenario(api):
        for text in garbage:
            api.send_text(12, text)
        api.send_sticker(12)
        return wait_messages(api, 12, len(garbage) + 1)

    sent, _ = run_bot(scenario)
    assert len(sent) == len(garbage) + 1
    assert any("&lt;script&gt;" in s.message["text"] for s in sent)


def test_many_users_at_once(run_bot):
    questions = ["đăng ký kết hôn", "khai sinh", "lý lịch tư pháp", "thời tiết"]

    def scenario(api):
        for q in questions:
            for user in range(100, 150):
                api.send_text(user, q)
        return api.wait(lambda: all(len(texts(api, u)) >= 4 for u in range(100, 150)) or None, timeout=120)

    run_bot(scenario)


def test_privacy_and_no_rejections(run_bot, fake_api):
    def scenario(api):
        api.send_text(13, "sđt của tôi 0912345678, cccd 079123456789, đăng ký kết hôn")
        return wait_messages(api, 13, 1)

    _, services = run_bot(scenario)
    rows = services.store.queries()
    assert rows and all("0912345678" not in r.text and "079123456789" not in r.text for r in rows)
    assert all(r.user_hash != "13" for r in rows)
    assert services.store.count(QueryLog) == 1
    assert fake_api.rejected == []
    assert TOKEN not in repr(services.settings)


def test_python_m_bot_polls_the_api_and_logs_safely(fake_api, kb_dir, tmp_path):
    """The entry point citizens' admins run: `python -m bot` with a token and TELEGRAM_BASE_URL."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=fake_api.base_url, KNOWLEDGE_DIR=str(kb_dir),
               DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(root), LOG_LEVEL="INFO")
    proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        fake_api.send_text(21, "/start")
        fake_api.send_text(21, "sđt 0912345678 dang ky ket hon")
        sent = fake_api.wait(lambda: len(texts(fake_api, 21)) >= 2 and texts(fake_api, 21), timeout=60)
        assert fake_api.answers("setMyCommands")
    finally:
        proc.terminate()
        log, _ = proc.communicate(timeout=30)
    assert any("Đăng ký kết hôn" in text for text in sent)
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert "Traceback" not in log and "0912345678" not in log
    for path in (tmp_path / "data").glob("bot.sqlite3*"):  # the database and its WAL
        assert b"0912345678" not in path.read_bytes()


def test_one_chat_is_answered_in_order(run_bot):
    """Chats run concurrently, but a chat's own messages are handled in the order they came."""
    def scenario(api):
        api.send_text(31, "/lang")
        api.send_text(31, "khai sinh")  # sent at once: must already be answered in English
        for q in ("đăng ký kết hôn", "hộ chiếu", "lý lịch tư pháp"):
            api.send_text(32, q)
        return wait_messages(api, 31, 2), wait_messages(api, 32, 3)

    (lang, orderly), _ = run_bot(scenario)
    assert "Birth registration" in lang[1].message["text"]
    texts_ = [m.message["text"] for m in orderly]
    assert texts_[0].startswith("<b>Đăng ký kết hôn") and "1022" in texts_[1]
    assert texts_[2].startswith("<b>Cấp Phiếu lý lịch tư pháp")
