"""Webhook mode, run as in production: `python -m bot` processes with WEBHOOK_URL, the strict fake Bot API
delivering updates by POST (retrying what is not acknowledged), and for two instances a round-robin proxy."""

import json
import threading
import time
import urllib.request
from urllib.error import HTTPError

import pytest

from bot.settings import Settings
from bot.web import webhook_secret

from .fake_bot_api import TOKEN
from .instances import free_port, start_instance, stop, wait_healthy
from .proxy import RoundRobinProxy
from .test_bot import texts

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # pragma: no cover - the project's machines and CI run Redis
        pytest.fail("Redis is not running on 127.0.0.1:6379 (the project's machines and CI have it)")


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.read().decode()
    except HTTPError as exc:
        return exc.code, exc.read().decode()


def _post(port: int, update: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    req = urllib.request.Request(f"http://127.0.0.1:{port}/telegram", data=json.dumps(update).encode(),
                                 headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except HTTPError as exc:
        return exc.code


def test_webhook_instance_secret_dedup_health_and_metrics(fake_api, kb_dir, tmp_path):
    port = free_port()
    data = tmp_path / "data"
    data.mkdir()
    proc = start_instance(fake_api, kb_dir, data, port, f"http://127.0.0.1:{port}/telegram")
    try:
        health = wait_healthy(port, proc)
        assert health["ok"] and health["database"] and health["procedures"] > 0
        fake_api.wait(lambda: fake_api.webhook)
        assert fake_api.webhook["secret_token"] and TOKEN not in fake_api.webhook["secret_token"]
        fake_api.send_text(61, "đăng ký kết hôn")
        fake_api.send_photo(61, caption="khai sinh")
        fake_api.wait(lambda: len(texts(fake_api, 61)) >= 2)
        secret = webhook_secret(Settings(telegram_bot_token=TOKEN))
        msg = {"message_id": 1, "date": int(time.time()), "chat": {"id": 61, "type": "private"},
               "from": {"id": 61, "is_bot": False, "first_name": "A"}, "text": "thời tiết"}
        assert _post(port, {"update_id": 1, "message": msg}, None) == 403  # no secret: refused, not handled
        assert _post(port, {"update_id": 1, "message": msg}, "wrong") == 403
        assert _post(port, {"update_id": 1, "message": msg}, secret) == 200  # update 1 was delivered already
        assert _post(port, {"update_id": 999, "poll": {"id": "x"}}, secret) == 200  # unparsable: acknowledged
        status, metrics = _get(port, "/metrics")
        time.sleep(0.5)
        assert len(texts(fake_api, 61)) == 2  # the duplicate was not answered
        status, metrics = _get(port, "/metrics")
        assert status == 200
        assert 'bot_questions_total{kind="answer"} 2' in metrics
        assert "bot_duplicate_updates_total 1" in metrics and "bot_catalogue_procedures" in metrics
        assert 'bot_reply_seconds_bucket{le="+Inf"} 2' in metrics and "bot_unparsed_updates_total 1" in metrics
    finally:
        assert stop(proc) == 0
    log = (tmp_path / f"instance-{port}.log").read_text()
    assert TOKEN not in log and TOKEN.split(":")[1] not in log and secret not in log
    assert "Traceback" not in log


def test_two_instances_share_the_work_and_survive_a_sigterm(fake_api, kb_dir, tmp_path):
    """Two webhook instances behind a round-robin proxy, one database, Redis for the flood limit. One is
    stopped with SIGTERM mid-load: every question is answered exactly once, each chat in order."""
    _redis_or_skip()
    ports = [free_port(), free_port()]
    proxy = RoundRobinProxy([("127.0.0.1", p) for p in ports]).start()
    data = tmp_path / "data"
    data.mkdir()
    env = {"REDIS_URL": REDIS_URL, "FLOOD_LIMIT": "8", "HASH_SALT": f"salt-{time.time_ns()}"}
    procs = [start_instance(fake_api, kb_dir, data, p, proxy.url + "/telegram", **env) for p in ports]
    users, per_user = list(range(200, 230)), 6
    try:
        for p, proc in zip(ports, procs, strict=True):
            wait_healthy(p, proc)
        fake_api.wait(lambda: fake_api.webhook)

        def chat(user: int) -> None:
            for i in range(per_user):
                fake_api.send_text(user, f"thời tiết lần {i}")
                time.sleep(0.05)

        threads = [threading.Thread(target=chat, args=(u,)) for u in users]
        for t in threads:
            t.start()
        fake_api.wait(lambda: sum(len(texts(fake_api, u)) for u in users) >= len(users) * per_user // 3)
        assert stop(procs[0]) == 0  # SIGTERM mid-load: requests in flight are finished, then it exits
        for t in threads:
            t.join()
        fake_api.wait(lambda: all(len(texts(fake_api, u)) >= per_user for u in users) or None, timeout=120)
        # the flood limit is shared: 12 messages at once from one user, whichever instance gets them
        for i in range(12):
            fake_api.send_text(299, f"thời tiết nhanh {i}")
        fake_api.wait(lambda: len(texts(fake_api, 299)) >= 9, timeout=60)
        time.sleep(1.0)
    finally:
        for proc in procs:
            stop(proc)
        proxy.stop()
    for u in users:
        got = texts(fake_api, u)
        assert len(got) == per_user, (u, got)  # none lost, none answered twice
        assert [f"lần {i}”" in t for i, t in enumerate(got)] == [True] * per_user, got  # in order
    flood = texts(fake_api, 299)
    assert len(flood) == 9 and sum("quá nhanh" in t for t in flood) == 1
    assert proxy.served[1] > 0 and proxy.served[0] > 0


def test_a_catalogue_change_reaches_both_instances_and_followers_hear_once(fake_api, kb_dir, tmp_path):
    ports = [free_port(), free_port()]
    proxy = RoundRobinProxy([("127.0.0.1", p) for p in ports]).start()
    data = tmp_path / "data"
    data.mkdir()
    procs = [start_instance(fake_api, kb_dir, data, p, proxy.url + "/telegram") for p in ports]
    path = kb_dir / "procedures" / "ho-tich" / "ho-tich.yaml"
    try:
        for p, proc in zip(ports, procs, strict=True):
            wait_healthy(p, proc)
        fake_api.wait(lambda: fake_api.webhook)
        fake_api.send_text(70, "lý lịch tư pháp")
        card = fake_api.wait(lambda: [c for c in fake_api.sent_to(70) if c.method == "sendMessage"])[-1].message
        follow = next(b["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for b in row
                      if b.get("callback_data", "").startswith("fo|"))
        fake_api.press(70, card, follow)
        fake_api.wait(lambda: fake_api.answers("editMessageReplyMarkup"))
        text = path.read_text(encoding="utf-8")
        changed_at = time.time()
        path.write_text(text.replace("amount_vnd: 200000", "amount_vnd: 250000")
                        .replace("làm giấy hôn thú", "làm giấy hôn thú, xin phép cưới"), encoding="utf-8")
        notice = fake_api.wait(lambda: len(texts(fake_api, 70)) >= 2 and texts(fake_api, 70)[-1], timeout=30)
        assert "250.000 đ" in notice
        for p in ports:  # each instance reloads by itself (it looks every 0.5 s, builds in a child process)
            fake_api.wait(lambda p=p: json.loads(_get(p, "/healthz")[1])["catalogue_loaded_at"] > changed_at,
                          timeout=60)
        for chat in range(71, 77):  # round robin: three questions reach each instance
            fake_api.send_text(chat, "xin phép cưới")
        fake_api.wait(lambda: all(texts(fake_api, c) for c in range(71, 77)) or None, timeout=30)
        time.sleep(1.0)
    finally:
        for proc in procs:
            stop(proc)
        proxy.stop()
    assert all("Đăng ký kết hôn" in texts(fake_api, c)[0] for c in range(71, 77))
    assert len(texts(fake_api, 70)) == 2  # one notice, though both instances saw the change
