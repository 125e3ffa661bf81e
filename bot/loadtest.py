"""`python -m bot load`: the real bot (`python -m bot` subprocesses) under load through the strict fake Bot
API, with figures: reply latency percentiles, lost / out-of-order / duplicated replies, requests Telegram
would reject, errors in the bot's log, and CPU per message measured on the bot processes.

- load: U users × M messages, open loop: each user sends a message every `think` seconds (jittered), so
  the rate is U / think messages per second. Each reply is checked against the answer the dialogue gives
  locally, which checks order and content at once.
- --instances 2: two webhook-mode instances behind a round-robin proxy, REDIS_URL for the flood limit;
  --kill-one stops the first one with SIGTERM when 40 % of the messages are sent.
- --fuzz N: N hostile updates (random Unicode, 20k-character texts, HTML and entity breakers, forged and
  stale button data, edited messages, stickers, photos, inline queries), each from its own user: every
  message must get a reply, every button an answerCallbackQuery, every inline query an answer.

It needs the repository checkout (the fake Bot API lives under tests/telegram/). BOT_ROOT=<another
checkout> runs that checkout's bot in polling mode instead (to compare with an older release).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import string
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


@dataclass
class Bots:
    procs: list[Any] = field(default_factory=list)
    proxy: Any = None
    logs: list[Path] = field(default_factory=list)

    def cpu(self) -> list[float]:
        out = []
        for p in self.procs:
            try:
                out.append(cpu_seconds(p.pid))
            except OSError:
                out.append(float("nan"))
        return out


def _start_bots(api, knowledge: Path, work: Path, instances: int, env_extra: dict[str, str]) -> Bots:
    from tests.telegram.instances import free_port, start_instance, wait_healthy
    from tests.telegram.proxy import RoundRobinProxy

    data = work / "data"
    data.mkdir(parents=True, exist_ok=True)
    knowledge = knowledge.resolve()
    bots = Bots()
    if instances == 1 and not env_extra.get("WEBHOOK"):
        import subprocess

        from tests.telegram.fake_bot_api import TOKEN

        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url, KNOWLEDGE_DIR=str(knowledge),
                   DATA_DIR=str(data), LOG_LEVEL="INFO", HASH_SALT="load", RELOAD_CHECK_SECONDS="3600",
                   PYTHONPATH=os.environ.get("BOT_ROOT") or str(Path(__file__).resolve().parents[1]), **env_extra)
        log = work / "instance-polling.log"
        bots.logs.append(log)
        bots.procs.append(subprocess.Popen([sys.executable, "-m", "bot"], cwd=work, env=env,
                                           stdout=open(log, "w"), stderr=subprocess.STDOUT))  # noqa: SIM115
        proc = bots.procs[0]
        api.wait(lambda: api.answers("getUpdates") or proc.poll() is not None, timeout=120)
        if proc.poll() is not None:
            raise SystemExit(f"the bot exited with {proc.returncode}: see {log}")
        return bots
    ports = [free_port() for _ in range(instances)]
    bots.proxy = RoundRobinProxy([("127.0.0.1", p) for p in ports]).start()
    env = {"REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), "HASH_SALT": f"load-{time.time_ns()}",
           "RELOAD_CHECK_SECONDS": "3600", **{k: v for k, v in env_extra.items() if k != "WEBHOOK"}}
    for port in ports:
        bots.procs.append(start_instance(api, knowledge, data, port, bots.proxy.url + "/telegram", **env))
        bots.logs.append(work / f"instance-{port}.log")
    try:
        for port, proc in zip(ports, bots.procs, strict=True):
            wait_healthy(port, proc, timeout=120)
        api.wait(lambda: api.webhook, timeout=60)
    except BaseException:  # one did not start: stop the others rather than leave them running
        _stop_bots(bots)
        raise
    return bots


def _stop_bots(bots: Bots) -> list[int | None]:
    from tests.telegram.instances import stop

    codes = []
    for p in bots.procs:
        try:
            codes.append(stop(p, timeout=60))
        except Exception:
            p.kill()
            codes.append(None)
    if bots.proxy is not None:
        bots.proxy.stop()
    return codes


def _log_errors(bots: Bots) -> int:
    n = 0
    for log in bots.logs:
        with contextlib.suppress(OSError):
            n += sum(1 for line in log.read_text(errors="replace").splitlines() if " ERROR " in line)
    return n


def _questions(engine, n: int, rng: random.Random) -> list[str]:
    """Questions citizens ask: procedure names and aliases, some without accents or with a typo, and
    out-of-scope ones."""
    import unicodedata

    names = [p.name for p in engine.catalogue.procedures if p.is_curated] or [p.name for p in engine.catalogue.procedures]
    out = []
    for _ in range(n):
        r = rng.random()
        name = rng.choice(names).lower()
        if r < 0.5:
            out.append(name)
        elif r < 0.65:
            out.append("".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c)))
        elif r < 0.8:
            out.append(f"lệ phí {name} bao nhiêu")
        elif r < 0.9:
            out.append(f"{name} cần giấy tờ gì")
        else:
            out.append(rng.choice(["thời tiết hôm nay", "giá vàng", "xin chào", "cảm ơn", "mua vé xe buýt"]))
    return out


def run_load(knowledge: Path, users: int, messages: int, think: float, instances: int, kill_one: bool,
             seed: int = 7) -> dict[str, Any]:
    from bot.engine import Engine
    from bot.settings import Settings
    from tests.telegram.fake_bot_api import FakeBotAPI

    rng = random.Random(seed)
    engine = Engine(knowledge, Settings(knowledge_dir=knowledge))
    pool = _questions(engine, 400, rng)
    expected: dict[str, tuple[str, int]] = {}
    for q in set(pool):
        _, reply = engine.dialogue.ask(q, lang="vi")
        chunks = reply.messages()
        expected[q] = (chunks[0], len(chunks))
    plan = {u: [rng.choice(pool) for _ in range(messages)] for u in range(10_000, 10_000 + users)}
    work = Path(tempfile.mkdtemp(prefix="bot-load-"))
    api = FakeBotAPI().start()
    env = {"WEBHOOK": "1"} if instances > 1 else {}
    bots = _start_bots(api, knowledge, work, instances, env)
    total = users * messages
    sent_ids: dict[int, list[int]] = {u: [] for u in plan}
    sent_count = [0]
    killed_at: list[float] = []
    # warm-up (first-use caches, templates, connections): each distinct question once, not counted
    warm = sorted(set(pool))
    for k, q in enumerate(warm):
        api.send_text(9_000 + k % 50, q)
    api.wait(lambda: len(api.answers("sendMessage")) >= len(warm), timeout=120)
    time.sleep(1.0)
    cpu0 = bots.cpu()
    t0 = time.monotonic()
    # open loop: events (when, user, index) in time order
    events = []
    for u in plan:
        at = rng.uniform(0, think)
        for i in range(messages):
            events.append((at, u, i))
            at += think * rng.uniform(0.5, 1.5)
    events.sort()
    for when, u, i in events:
        delay = t0 + when - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        assert len(sent_ids[u]) == i
        sent_ids[u].append(api.send_text(u, plan[u][i]))
        sent_count[0] += 1
        if kill_one and not killed_at and sent_count[0] >= 0.4 * total and len(bots.procs) > 1:
            bots.procs[0].terminate()
            killed_at.append(time.monotonic() - t0)
    sending = time.monotonic() - t0

    def replies(u: int) -> list:
        return [c for c in api.sent_to(u) if c.method == "sendMessage"]

    def done() -> bool:
        return all(len(replies(u)) >= sum(expected[q][1] for q in plan[u]) for u in plan)

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not done():
        time.sleep(0.2)
    elapsed = time.monotonic() - t0
    cpu1 = bots.cpu()
    time.sleep(0.5)  # anything answered twice would show up now
    latencies, lost, disorder, dup = [], 0, 0, 0
    examples: list[dict[str, str]] = []
    for u, qs in plan.items():
        got = replies(u)
        pos = 0
        for q, uid in zip(qs, sent_ids[u], strict=True):
            first, n = expected[q]
            if pos >= len(got):
                lost += 1
                continue
            if got[pos].message["text"] != first:
                disorder += 1
                if len(examples) < 3:
                    examples.append({"question": q, "expected": first[:120], "got": got[pos].message["text"][:120]})
            latencies.append(got[pos].at - api.pushed_at[uid])
            pos += n
        dup += max(0, len(got) - pos)
    codes = _stop_bots(bots)
    cpu_used = [b - a for a, b in zip(cpu0, cpu1, strict=True)]
    result = {
        "mode": f"{instances} instance(s), {'webhook + proxy' if instances > 1 else 'polling'}",
        "database": "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite",
        "users": users, "messages_per_user": messages, "messages": total,
        "rate_per_s": round(total / sending, 1), "elapsed_s": round(elapsed, 1),
        "p50_ms": round(pct(latencies, 50) * 1000, 1), "p95_ms": round(pct(latencies, 95) * 1000, 1),
        "p99_ms": round(pct(latencies, 99) * 1000, 1), "max_ms": round(max(latencies, default=0) * 1000, 1),
        "lost": lost, "out_of_order_or_wrong": disorder, "extra_replies": dup, "mismatch_examples": examples,
        "rejected": len(api.rejected), "log_errors": _log_errors(bots),
        "cpu_ms_per_message": round(sum(c for c in cpu_used if c == c) * 1000 / max(1, total), 2),
        "exit_codes": codes, "killed_at_s": round(killed_at[0], 1) if killed_at else None,
    }
    api.stop()
    shutil.rmtree(work, ignore_errors=True)
    return result


# --- fuzz -----------------------------------------------------------------------------------------------

BREAKERS = ["<b>", "</b>", "<i><b></i></b>", "&", "&amp", "&#0;", "&#xD800;", "&lt", "<a href='javascript:alert(1)'>x</a>",
            "<script>alert(1)</script>", "<<>>", "\"'`", "<tg-spoiler>", "&nbsp;", "<pre><code class=\"x\">",
            "]]>", "{{ 7*7 }}", "{% raw %}", "${jndi:ldap://x}", "%s%s%n", "\u202e", "\u200b\u200d", "\x00", "\x1b[31m"]


def _random_text(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.05:
        return "".join(rng.choice("aăâbcdđeêghiklmnoôơpqrstuưvxy ") for _ in range(20_000))
    if r < 0.35:
        n = rng.randint(1, 300)
        return "".join(chr(rng.choice([rng.randint(0x20, 0x7E), rng.randint(0xA0, 0x2FFF), rng.randint(0x1F300, 0x1FAFF),
                                        rng.randint(0xE000, 0xF8FF), rng.randint(0x10000, 0x10FFFF)]))
                       for _ in range(n))
    if r < 0.7:
        return " ".join(rng.choice(BREAKERS + ["khai sinh", "kết hôn", "lệ phí", "đăng ký"]) for _ in range(rng.randint(1, 12)))
    if r < 0.8:
        return rng.choice(["/start", "/lang", "/help", "/menu", "/following", "/reload", "/stats", "/huongdan",
                           "/start ", "/lang zz", "/contact"]) + " " + rng.choice(BREAKERS + ["x" * 300, ""])
    return rng.choice(string.whitespace + ".!?") * rng.randint(1, 50)


def run_fuzz(knowledge: Path, n: int, rate: float, seed: int = 11) -> dict[str, Any]:
    from bot import callbacks  # noqa: F401  (documents what forged data imitates)
    from tests.telegram.fake_bot_api import FakeBotAPI

    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="bot-fuzz-"))
    api = FakeBotAPI().start()
    bots = _start_bots(api, knowledge, work, 1, {"FLOOD_LIMIT": "1000"})
    kinds: dict[str, int] = {}
    messages: list[int] = []  # users who sent a message-like update (each user sends one)
    callbacks_sent: list[str] = []
    inline_sent: list[str] = []
    cpu0 = bots.cpu()
    t0 = time.monotonic()
    for k in range(n):
        user = 1_000_000 + k
        r = rng.random()
        if r < 0.55:
            kind = "text"
            api.send_text(user, _random_text(rng))
            messages.append(user)
        elif r < 0.62:
            kind = "edited"
            api.edit_text(user, rng.randint(1, 10**6), _random_text(rng))
            messages.append(user)
        elif r < 0.67:
            kind = "sticker"
            api.send_sticker(user)
            messages.append(user)
        elif r < 0.74:
            kind = "photo"
            api.send_photo(user, caption=rng.choice([None, _random_text(rng)[:1024]]))
            messages.append(user)
        elif r < 0.9:
            kind = "button"
            data = rng.choice([
                "".join(rng.choice(string.printable) for _ in range(rng.randint(1, 64))),
                f"p|{rng.choice(['x', '../..', 'dang-ky-ket-hon', 'ā' * 20])}|{rng.choice('odsftaz')}",
                f"g|{rng.choice(['ho-tich', 'zz', ''])}|{rng.choice(['0', '-1', '999999', 'x'])}",
                f"fo|{rng.choice(['dang-ky-khai-sinh', 'nope'])}", f"fb|{rng.choice(['x', 'dang-ky-ket-hon'])}|{rng.choice('01x')}",
                "m", "h", "", "|||"]) or "x"
            data = data.encode()[:64].decode("utf-8", "ignore") or "x"
            if rng.random() < 0.5:
                callbacks_sent.append(api.press_inaccessible(user, rng.randint(1, 10**6), data))
            else:
                # a card the bot sent a month ago (it exists; its buttons are stale or forged)
                stale = api.old_bot_message(user, "<b>old card</b>", {"inline_keyboard": [[
                    {"text": "x", "callback_data": data}]]})
                callbacks_sent.append(api.press(user, stale, data))
        else:
            kind = "inline"
            inline_sent.append(api.inline(user, _random_text(rng)[:256]))
        kinds[kind] = kinds.get(kind, 0) + 1
        delay = t0 + (k + 1) / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def answered(user: int) -> bool:
        return any(c.method == "sendMessage" for c in api.sent_to(user))

    def acked(method: str, key: str) -> set:
        return {c.params.get(key) for c in api.answers(method)}

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if (all(answered(u) for u in messages[-50:]) and set(callbacks_sent) <= acked("answerCallbackQuery", "callback_query_id")
                and set(inline_sent) <= acked("answerInlineQuery", "inline_query_id")):
            break
        time.sleep(0.5)
    time.sleep(1.0)
    cpu1 = bots.cpu()
    alive = all(p.poll() is None for p in bots.procs)
    unanswered = sum(1 for u in messages if not answered(u))
    cb = len(set(callbacks_sent) - acked("answerCallbackQuery", "callback_query_id"))
    il = len(set(inline_sent) - acked("answerInlineQuery", "inline_query_id"))
    codes = _stop_bots(bots)
    result = {
        "updates": n, "kinds": kinds, "elapsed_s": round(time.monotonic() - t0, 1),
        "crashed": not alive, "exit_codes": codes, "log_errors": _log_errors(bots),
        "rejected": len(api.rejected), "rejected_examples": api.rejected[:5],
        "unanswered_messages": unanswered, "unanswered_buttons": cb, "unanswered_inline": il,
        "cpu_ms_per_update": round((sum(cpu1) - sum(cpu0)) * 1000 / max(1, n), 2),
    }
    api.stop()
    shutil.rmtree(work, ignore_errors=True)
    return result


def main(knowledge: Path, users: int, messages: int, think: float, instances: int, kill_one: bool, fuzz: int,
         rate: float) -> int:
    if fuzz:
        result = run_fuzz(knowledge, fuzz, rate)
        ok = (not result["crashed"] and result["rejected"] == 0 and result["unanswered_messages"] == 0
              and result["unanswered_buttons"] == 0 and result["unanswered_inline"] == 0)
    else:
        result = run_load(knowledge, users, messages, think, instances, kill_one)
        ok = (result["lost"] == 0 and result["out_of_order_or_wrong"] == 0 and result["extra_replies"] == 0
              and result["rejected"] == 0)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0 if ok else 1
