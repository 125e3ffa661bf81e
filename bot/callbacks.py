"""Button data codec: short ASCII codes that always fit Telegram's 64-byte callback_data limit."""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64

# Card sections and their one-letter codes.
SECTIONS = {"o": "overview", "s": "steps", "d": "documents", "f": "fees", "t": "time", "a": "agency",
            "n": "online", "l": "legal"}
SECTION_CODES = {v: k for k, v in SECTIONS.items()}


@dataclass(frozen=True)
class Action:
    kind: str  # card | group | menu | feedback | follow | howto
    proc_id: str | None = None
    section: str = "overview"
    group_id: str | None = None
    page: int = 0
    value: int = 0


def _check(data: str) -> str:
    raw = data.encode("ascii")  # ids are slugs: a non-ASCII id here is a bug, fail loudly
    if len(raw) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def card(proc_id: str, section: str = "overview") -> str:
    return _check(f"p|{proc_id}|{SECTION_CODES.get(section, 'o')}")


def group(group_id: str, page: int = 0) -> str:
    return _check(f"g|{group_id}|{page}")


def menu() -> str:
    return "m"


def howto() -> str:
    return "h"


def feedback(proc_id: str, useful: bool) -> str:
    return _check(f"fb|{proc_id}|{int(useful)}")


def follow(proc_id: str) -> str:
    return _check(f"fo|{proc_id}")


def decode(data: str | None) -> Action | None:
    """Parse button data; None for anything we did not produce (old or forged buttons)."""
    if not data:
        return None
    parts = data.split("|")
    try:
        match parts:
            case ["p", pid, code]:
                return Action("card", proc_id=pid, section=SECTIONS.get(code, "overview"))
            case ["g", gid, page]:
                return Action("group", group_id=gid, page=max(0, int(page)))
            case ["m"]:
                return Action("menu")
            case ["h"]:
                return Action("howto")
            case ["fb", pid, val]:
                return Action("feedback", proc_id=pid, value=1 if val == "1" else 0)
            case ["fo", pid]:
                return Action("follow", proc_id=pid)
    except ValueError:
        return None
    return None
