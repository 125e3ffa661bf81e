"""Regressions from the production review: captions, inaccessible messages, personal inline answers,
update types, errors reported with their frames, and a held database that must not stall other chats."""

import sqlite3
import threading
import time

import psycopg
from sqlalchemy import text

from .test_bot import buttons, texts, wait_messages

ADMIN = 600


def test_captioned_photo_is_answered_as_a_question(run_bot):
    def scenario(api):
        api.send_photo(41, caption="đăng ký kết hôn cần gì")
        api.send_photo(41)  # no caption: the nudge to type
        return wait_messages(api, 41, 2)

    sent, _ = run_bot(scenario)
    out = [s.message["text"] for s in sent]
    assert any("Đăng ký kết hôn" in t for t in out)
    assert any("Đăng ký kết hôn" not in t for t in out)


def test_edited_message_is_answered(run_bot):
    def scenario(api):
        api.send_text(42, "khai sihn")
        wait_messages(api, 42, 1)
        api.edit_text(42, 5000, "đăng ký kết hôn")
        return wait_messages(api, 42, 2)

    sent, _ = run_bot(scenario)
    assert "Đăng ký kết hôn" in sent[1].message["text"]


def test_only_handled_update_types_are_asked_for(run_bot):
    def scenario(api):
        # Telegram applies allowed_updates from the getUpdates call that carries it on
        api.wait(lambda: any("allowed_updates" in c.params for c in api.answers("getUpdates")))
        # A reaction and a chat-member change: the bot handles neither, so it must not subscribe to them.
        api.send_update({"message_reaction": {"chat": {"id": 43, "type": "private"}, "message_id": 1, "date": 1,
                                              "old_reaction": [], "new_reaction": []}})
        api.send_update({"poll": {"id": "p", "question": "?", "options": [], "total_voter_count": 0,
                                  "is_closed": False, "is_anonymous": True, "type": "regular",
                                  "allows_multiple_answers": False}})
        api.send_text(43, "khai sinh")
        wait_messages(api, 43, 1)
        return list(api.allowed_updates)

    allowed, _ = run_bot(scenario)
    assert sorted(allowed) == ["callback_query", "edited_message", "inline_query", "message"]


def test_button_under_an_inaccessible_message_gets_a_new_message(run_bot):
    def scenario(api):
        api.send_text(44, "đăng ký kết hôn")
        card = wait_messages(api, 44, 1)[-1].message
        docs = next(b["callback_data"] for b in buttons(card) if b.get("callback_data", "").endswith("|d"))
        api.press_inaccessible(44, 7, docs)  # message 7 is long gone
        api.press_inaccessible(44, 8, "zz|forged|data")
        return wait_messages(api, 44, 2), api.wait(lambda: len(api.answers("answerCallbackQuery")) >= 2)

    (sent, _acks), _ = run_bot(scenario)
    assert "Giấy tờ" in sent[1].message["text"]


def test_inline_answers_are_personal(run_bot):
    def scenario(api):
        api.send_text(45, "/lang en")
        wait_messages(api, 45, 1)
        api.inline(45, "khai sinh")
        return api.wait(lambda: api.answers("answerInlineQuery"))[-1]

    answer, _ = run_bot(scenario)
    assert answer.params["is_personal"] is True
    assert answer.params["results"][0]["title"] == "Birth registration"


def test_error_is_logged_with_frames_sent_to_admins_and_apologised(run_bot, caplog):
    def scenario(api):
        api.send_text(ADMIN, "/start")
        wait_messages(api, ADMIN, 1)
        services = api.services
        with services.store.engine.begin() as conn:  # a real failure: the users table is gone
            conn.execute(text("DROP TABLE follow"))
        api.send_text(46, "đăng ký kết hôn")
        api.send_text(47, "khai sinh")
        return wait_messages(api, 46, 1), api.wait(lambda: len(texts(api, ADMIN)) >= 2 and texts(api, ADMIN))

    (user, admin), _ = run_bot(scenario, admin_ids=[ADMIN], error_notice_seconds=3600)
    assert "1022" in user[-1].message["text"]  # the apology with the hotline
    notice = admin[1]
    assert "bot/telegram/handlers.py:" in notice and "in question" in notice
    assert len(texts_of_admin := admin) == 2, texts_of_admin  # the second error was rate-limited
    record = next(r for r in caplog.records if r.levelname == "ERROR" and r.exc_info)
    from bot.logs import FrameFormatter

    formatted = FrameFormatter().format(record)
    assert "at bot/telegram/handlers.py:" in formatted and "in question" in formatted


def _hold_database(url: str, seconds: float, held: threading.Event) -> None:
    """Another client takes the write lock for `seconds` (SQLite: the whole file; PostgreSQL: the tables
    the bot writes). Readers are not blocked, writers wait."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
        conn.close()
        return
    from sqlalchemy.engine import make_url

    u = make_url(url)
    with psycopg.connect(host=u.host, port=u.port or 5432, user=u.username, dbname=u.database,
                         options=u.query.get("options", "")) as conn:
        conn.execute("LOCK TABLE bot_user, follow, query_log, feedback IN EXCLUSIVE MODE")
        held.set()
        time.sleep(seconds)
        conn.commit()


def test_held_database_does_not_stall_another_chat(run_bot):
    """Chat 48 switches language (a write it must wait for) while the database is held for 2 s; chat 49's
    question is answered within 300 ms all the same."""
    def scenario(api):
        api.send_text(49, "/start")
        wait_messages(api, 49, 1)
        url = api.services.store.engine.url.render_as_string(hide_password=False)
        held = threading.Event()
        holder = threading.Thread(target=_hold_database, args=(url, 2.0, held))
        holder.start()
        held.wait(10)
        api.send_text(48, "/lang en")
        time.sleep(0.1)  # 48's write is now waiting for the lock
        asked = api.send_text(49, "đăng ký kết hôn")
        answer = wait_messages(api, 49, 2)[-1]
        slow = wait_messages(api, 48, 1)[-1]
        holder.join()
        return api.pushed_at[asked], answer.at, slow.at

    (asked, answered, slow), _ = run_bot(scenario)
    assert answered - asked < 0.3, f"another chat waited {answered - asked:.3f} s"
    assert slow > answered  # the chat whose write was held came after
