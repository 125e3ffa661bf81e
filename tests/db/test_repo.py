from bot.privacy import REDACTED
from db.models import QueryLog
from db.repo import Store


def test_store_hashes_users_and_redacts(db_url):
    store = Store(db_url, b"salt")
    store.touch_user(123456789, chat_id=123456789, lang="vi")
    store.log_query(123456789, "sđt 0912345678 cccd 079123456789 đăng ký kết hôn", "answer", "dang-ky-ket-hon", 0.9)
    [row] = store.queries()
    assert "0912345678" not in row.text and "079123456789" not in row.text and REDACTED in row.text
    assert row.user_hash != "123456789" and len(row.user_hash) == 32
    assert store.toggle_follow(123456789, "dang-ky-ket-hon") is True
    assert store.followers("dang-ky-ket-hon") == [(123456789, "vi")]
    store.mark_inactive(123456789)
    assert store.followers("dang-ky-ket-hon") == []
    store.add_feedback(123456789, "dang-ky-ket-hon", True)
    stats = store.stats({"dang-ky-ket-hon": "ho-tich"})
    assert (stats.today, stats.week, stats.useful, stats.by_group) == (1, 1, 1, {"ho-tich": 1})
    assert store.forget(123456789) >= 3
    assert store.count(QueryLog) == 0


def test_most_asked_is_counted_in_the_database(db_url):
    store = Store(db_url, b"salt")
    for pid in ["a", "b", "b", "c", "b", "c"]:
        store.log_query(1, "q", "answer", pid)
    store.log_query(1, "thời tiết", "none")
    assert store.most_asked(2) == ["b", "c"]


def test_texts_postgresql_would_refuse_are_cleaned(db_url):
    store = Store(db_url, b"salt")
    store.log_query(1, "nul\x00 and a lone surrogate \ud800 khai sinh", "none")
    store.audit(1, "reload", "detail\x00")
    [row] = store.queries()
    assert "\x00" not in row.text and "khai sinh" in row.text


def test_update_claims_and_notice_claims(db_url):
    store = Store(db_url, b"salt")
    assert store.claim_update(10) == "new"
    assert store.claim_update(10) == "busy"  # in flight on another instance: Telegram is asked to retry
    store.finish_update(10)
    assert store.claim_update(10) == "done"  # handled: a retried delivery is acknowledged and dropped
    assert store.claim_update(11) == "new"
    assert store.claim_update(11, lease_seconds=-1) == "new"  # its instance died: the claim is taken over
    store.finish_update(11, handled=False)
    assert store.claim_update(11) == "new"  # released after a failure: handled again
    assert store.claim_notice("p", "h1") is True and store.claim_notice("p", "h1") is False
    assert store.claim_notice("p", "h2") is True
