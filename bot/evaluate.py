"""`python -m bot eval`: top-1, top-3 and out-of-scope rejection, overall and per style, with misses.

The file is a TSV with `question`, `expected` (comma-separated card ids or national procedure codes,
`-` = out of scope) and an optional `style` column.
"""

from __future__ import annotations

import csv
import time
from collections import defaultdict
from pathlib import Path

from bot.engine import Engine


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:5.1f}% ({n}/{d})" if d else "    -"


def evaluate(engine: Engine, path: Path, show_misses: bool = True) -> int:
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses: list[str] = []
    started = time.perf_counter()
    for row in rows:
        question, style = row["question"], (row.get("style") or "-").strip()
        expected = {x.strip() for x in row["expected"].split(",") if x.strip() and x.strip() != "-"}
        match = engine.current.matcher.match(question, top=3)
        # An expected answer is a card id or a national code (sets built from official records use codes).
        ids = [h.proc.id if h.proc.id in expected else h.proc.code for h in match.hits]
        for key in ("all", style):
            s = stats[key]
            if expected:
                s["in"] += 1
                s["top1"] += int(match.kind != "none" and ids[:1] != [] and ids[0] in expected)
                s["top3"] += int(match.kind != "none" and bool(set(ids[:3]) & expected))
                s["answered"] += int(match.kind == "answer")
            else:
                s["oos"] += 1
                s["rejected"] += int(match.kind == "none")
        ok = (match.kind == "none") if not expected else (match.kind != "none" and ids[:1] and ids[0] in expected)
        if not ok:
            got = ", ".join(f"{h.proc.id}:{h.score:.2f}" for h in match.hits[:3]) or "-"
            misses.append(f"  [{style}] {question!r}: {match.kind} [{got}] expected {sorted(expected) or 'none'}")
    elapsed = (time.perf_counter() - started) * 1000 / max(1, len(rows))
    print(f"{path}: {len(rows)} questions, {elapsed:.2f} ms per question")
    print(f"{'style':<12} {'top-1':>16} {'top-3':>16} {'single answer':>16} {'out-of-scope rejected':>22}")
    for key in ["all", *sorted(k for k in stats if k != "all")]:
        s = stats[key]
        print(f"{key:<12} {_pct(s['top1'], s['in']):>16} {_pct(s['top3'], s['in']):>16} "
              f"{_pct(s['answered'], s['in']):>16} {_pct(s['rejected'], s['oos']):>22}")
    if show_misses and misses:
        print(f"misses ({len(misses)}):")
        print("\n".join(misses))
    return 0


def evaluate_answers(engine: Engine, path: Path, show_misses: bool = True) -> int:
    """A golden Q&A set (JSON: items with `question` and `expect.procedure_code`, `must_mention_any`):
    is the procedure found, and do the replies mention what a good answer must?"""
    import json

    items = json.loads(path.read_text(encoding="utf-8"))["items"]
    found = mentioned = required = 0
    lines = []
    for item in items:
        match, reply = engine.dialogue.ask(item["question"])
        text = reply.text().lower()
        expect = item["expect"]
        top = match.hits[0].proc if match.kind != "none" and match.hits else None
        # An item names its procedure by national code (the peer set) or by catalogue id (ours).
        ok = top is not None and (top.id == expect.get("procedure_id") or top.code == expect.get("procedure_code"))
        groups = expect.get("must_mention_any", [])
        hits = [any(alt.lower() in text for alt in group) for group in groups]
        found += ok
        mentioned += sum(hits)
        required += len(groups)
        if not ok or not all(hits):
            missing = [g for g, h in zip(groups, hits, strict=True) if not h]
            lines.append(f"  {item.get('id', '?')} {'found' if ok else 'NOT found'} [{match.kind}] "
                         f"{item['question'][:70]!r} missing {missing}")
    print(f"{path}: {len(items)} questions")
    whole = len(items) - len(lines)  # the right procedure and every fact asked
    print(f"procedure found {_pct(found, len(items))}; required mentions in replies {_pct(mentioned, required)}; "
          f"both {_pct(whole, len(items))}")
    if show_misses and lines:
        print("\n".join(lines))
    return 0
