"""The terminal chat: the same dialogue and templates as the bot, rendered as plain text."""

from __future__ import annotations

import sys
import time

from bot.engine import Engine
from db.repo import Store

TERMINAL_USER = 0  # the terminal chat logs its questions as one anonymous user


def run_chat(engine: Engine, lang: str = "vi", store: Store | None = None) -> int:
    interactive = sys.stdin.isatty()
    if interactive:
        print(engine.dialogue.start(lang).text())
        print("\n(Ctrl-D để thoát / to quit)\n")
    while True:
        if interactive:
            print("> ", end="", flush=True)
        line = sys.stdin.readline()
        if not line:
            return 0
        text = line.strip()
        if not text:
            continue
        reply = _command(engine, text, lang)
        if reply is None:
            started = time.perf_counter()
            match, reply = engine.dialogue.ask(text, lang=lang)
            if store is not None:
                best = match.hits[0] if match.hits else None
                store.log_query(TERMINAL_USER, text, match.kind, best.proc.id if best else None,
                                best.score if best else None, match.aspect, lang,
                                (time.perf_counter() - started) * 1000)
        print(reply.text(), end="\n\n", flush=True)


def _command(engine: Engine, text: str, lang: str):
    d = engine.dialogue
    word, _, rest = text.partition(" ")
    match word.lower():
        case "/start" | "/menu":
            return d.card(rest.strip(), lang) if rest.strip() in d.catalogue.by_id else d.start(lang)
        case "/help":
            return d.help(lang)
        case "/contact":
            return d.contact(lang)
        case "/huongdan" | "/howto":
            return d.howto(lang)
    return None
