"""What changed in a procedure between two catalogues, in words a follower understands."""

from __future__ import annotations

from bot.catalogue import Catalogue, Procedure
from bot.render import render
from db.sync import WATCHED


def changed_fields(old: Procedure, new: Procedure) -> list[str]:
    return [f for f in WATCHED if getattr(old, f) != getattr(new, f)]


def changed_procedures(old: Catalogue, new: Catalogue) -> dict[str, list[str]]:
    """id -> watched fields that differ, for procedures present in both catalogues."""
    out: dict[str, list[str]] = {}
    for pid, p in new.by_id.items():
        before = old.by_id.get(pid)
        if before is not None:
            fields = changed_fields(before, p)
            if fields:
                out[pid] = fields
    return out


def notice(old: Procedure, new: Procedure, fields: list[str], lang: str) -> str:
    """The Telegram HTML message a follower gets."""
    return render("change_notice.j2", old=old, new=new, fields=fields, lang=lang)
