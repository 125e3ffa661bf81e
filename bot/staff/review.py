"""`python -m bot review`: what citizens asked and did not get, grouped under the closest procedure.

Unanswered ("none"), "did you mean" and 👎 questions are collected from the privacy-safe query log
(texts are stored redacted), counted, and written as YAML staff can paste into `aliases` — the loop
that teaches the matcher. Nothing here guesses: the closest procedure is what the matcher says now.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from bot.engine import Engine
from bot.matching.normalize import clean
from bot.privacy import redact
from db.repo import Store

KINDS = ("none", "choices")


def collect(engine: Engine, store: Store, days: int = 30) -> list[dict]:
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    questions: Counter[tuple[str, str]] = Counter()
    for q in store.queries(since=since):
        if q.kind in KINDS:
            questions[(clean(q.text), q.kind)] += 1
    # 👎 on a card: the questions that led this user to that card are the ones to review.
    disliked = {(f.user_hash, f.proc_id) for f in store.feedback(since=since) if not f.useful}
    for q in store.queries(since=since):
        if (q.user_hash, q.proc_id) in disliked:
            questions[(clean(q.text), "thumbs-down")] += 1

    matcher = engine.current.matcher
    groups: dict[str | None, list[dict]] = defaultdict(list)
    for (text, kind), count in questions.most_common():
        if not text:
            continue
        match = matcher.match(text, top=1)
        closest = match.hits[0].proc.id if match.hits else None
        groups[closest].append({"text": redact(text), "count": count, "kind": kind})

    catalogue = engine.catalogue
    out = []
    for pid, items in sorted(groups.items(), key=lambda kv: -sum(i["count"] for i in kv[1])):
        entry: dict = {"procedure": pid}
        if pid and pid in catalogue.by_id:
            entry["name"] = catalogue.by_id[pid].name
            rel, line = catalogue.locations.get(pid, ("", 0))
            entry["file"] = f"{rel}:{line}" if rel else None
        entry["total"] = sum(i["count"] for i in items)
        entry["questions"] = items
        out.append(entry)
    return out


def write(entries: list[dict], out: Path, days: int) -> None:
    header = (f"# Questions from the last {days} days that got no answer, a \"did you mean\" list or a 👎,\n"
              "# grouped under the procedure the matcher finds closest now (procedure: null = nothing close).\n"
              "# Paste good phrasings into that procedure's `aliases` (or `faq`), run `python -m bot kb check`.\n"
              "# Phone and ID numbers were removed before the questions were stored.\n")
    body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=120)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + body, encoding="utf-8")
