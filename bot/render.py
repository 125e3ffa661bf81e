"""Render replies from jinja2 templates into Telegram HTML, or plain text for the terminal.

Templates produce Telegram's HTML subset (autoescape on, so every value is escaped); the terminal
gets the same text with tags removed. Messages are split on section boundaries below Telegram's
4,096-character limit.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bot.i18n import label

TELEGRAM_LIMIT = 4096
MESSAGE_BUDGET = 3900  # headroom below the limit


def format_vnd(amount: int | None, lang: str = "vi") -> str:
    if amount is None:
        return ""
    if amount == 0:
        return label(lang, "free")
    sep = "." if lang == "vi" else ","
    return f"{amount:,}".replace(",", sep) + (" đ" if lang == "vi" else " VND")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bot", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["vnd"] = format_vnd
    env.globals["label"] = label
    return env


def render(template: str, **context: Any) -> str:
    """Render a whole template file to Telegram HTML."""
    return environment().get_template(template).render(**context).strip()


def render_macro(template: str, macro: str, *args: Any, **kwargs: Any) -> str:
    module = environment().get_template(template).module
    return str(getattr(module, macro)(*args, **kwargs)).strip()


_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def html_to_text(fragment: str) -> str:
    """Telegram HTML to plain text: links become "text (url)", tags go, entities are decoded."""

    def link(m: re.Match[str]) -> str:
        url, text = html.unescape(m.group(1)), m.group(2)
        plain = _TAG.sub("", text)
        return plain if html.unescape(plain) == url else f"{plain} ({url})"

    text = _LINK.sub(link, fragment)
    return html.unescape(_TAG.sub("", text))


def _pack(pieces: list[str], budget: int, sep: str) -> list[str]:
    """Greedily join pieces with `sep` into chunks of at most `budget` characters."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{sep}{piece}" if current else piece
        if len(candidate) <= budget:
            current = candidate
        else:
            if current:
                chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def split_messages(sections: list[str], budget: int = MESSAGE_BUDGET) -> list[str]:
    """Join sections into messages under the budget; split only on section (then line) boundaries."""
    pieces: list[str] = []
    for section in (s for s in sections if s.strip()):
        pieces.extend([section] if len(section) <= budget else _split_long(section, budget))
    return _pack(pieces, budget, "\n\n")


def _split_long(section: str, budget: int) -> list[str]:
    lines: list[str] = []
    for line in section.split("\n"):
        while len(line) > budget:  # one enormous line: cut at a space, never inside a tag
            cut = line.rfind(" ", 0, budget)
            cut = cut if cut > budget // 2 else budget
            lines.append(line[:cut])
            line = line[cut:].lstrip()
        lines.append(line)
    return _pack(lines, budget, "\n")
