"""`python -m bot report`: one self-contained HTML page of usage figures with inline SVG charts.

For the city's leaders the question is uptake of online services: what citizens ask, how often the
bot answers, what they think of the answers, and how much of the demand could be filed online.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter, defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: render to files only
import matplotlib.pyplot as plt  # noqa: E402

from bot.catalogue import Catalogue  # noqa: E402
from bot.render import render  # noqa: E402
from db.repo import Store  # noqa: E402

KIND_LABELS = {"answer": "Trả lời ngay", "choices": "Gợi ý", "none": "Không biết", "inline": "Inline"}
KIND_COLORS = {"answer": "#2e7d32", "choices": "#f9a825", "none": "#c62828", "inline": "#1565c0"}
LEVEL_LABELS = {"toan-trinh": "Toàn trình", "mot-phan": "Một phần", "truc-tiep": "Trực tiếp", None: "Chưa rõ"}
LEVEL_COLORS = {"toan-trinh": "#2e7d32", "mot-phan": "#66bb6a", "truc-tiep": "#9e9e9e", None: "#e0e0e0"}


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buf.getvalue()
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)  # RDF boilerplate
    return svg[svg.index("<svg"):]  # drop the XML prolog: the SVG is inlined in HTML


def _per_day(queries, days: int, today: dt.date):
    dates = [today - dt.timedelta(days=i) for i in range(days - 1, -1, -1)]
    counts: dict[str, Counter] = defaultdict(Counter)
    for q in queries:
        counts[q.kind][q.created_at.date()] += 1
    fig, ax = plt.subplots(figsize=(9, 3.2))
    bottom = [0] * len(dates)
    for kind in ("answer", "choices", "none", "inline"):
        values = [counts[kind][d] for d in dates]
        if any(values):
            ax.bar(dates, values, bottom=bottom, color=KIND_COLORS[kind], label=KIND_LABELS[kind])
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title("Câu hỏi mỗi ngày")
    ax.legend(loc="upper left", fontsize=8)
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    return _svg(fig)


def _by_group(queries, catalogue: Catalogue):
    group_of = {p.id: p.group for p in catalogue.procedures}
    names = {g.id: g.name for g in catalogue.groups}
    asked = Counter(group_of[q.proc_id] for q in queries if q.proc_id in group_of)
    fig, ax = plt.subplots(figsize=(9, 3.2))
    gids = [g.id for g in catalogue.groups]
    ax.barh([names[g] for g in gids], [asked[g] for g in gids], color="#1565c0")
    ax.invert_yaxis()
    ax.set_title("Câu hỏi theo nhóm thủ tục")
    return _svg(fig), asked


def _feedback(feedback, catalogue: Catalogue):
    group_of = {p.id: p.group for p in catalogue.procedures}
    names = {g.id: g.name for g in catalogue.groups}
    up, down = Counter(), Counter()
    for f in feedback:
        (up if f.useful else down)[group_of.get(f.proc_id, "khac")] += 1
    gids = [g.id for g in catalogue.groups]
    fig, ax = plt.subplots(figsize=(9, 3.2))
    ax.barh([names[g] for g in gids], [up[g] for g in gids], color="#2e7d32", label="Hữu ích")
    ax.barh([names[g] for g in gids], [-down[g] for g in gids], color="#c62828", label="Chưa hữu ích")
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.5)
    ax.set_title("Đánh giá của người dân (phải: hữu ích, trái: chưa hữu ích)")
    ax.legend(fontsize=8)
    return _svg(fig), sum(up.values()), sum(down.values())


def _online_uptake(queries, catalogue: Catalogue):
    """For each group, the asked-about procedures by online level: the demand that could go online."""
    by_id = catalogue.by_id
    counts: dict[str, Counter] = defaultdict(Counter)
    for q in queries:
        p = by_id.get(q.proc_id or "")
        if p is not None:
            counts[p.group][p.online.level if p.online else None] += 1
    gids = [g.id for g in catalogue.groups]
    names = {g.id: g.name for g in catalogue.groups}
    fig, ax = plt.subplots(figsize=(9, 3.2))
    left = [0.0] * len(gids)
    for level in ("toan-trinh", "mot-phan", "truc-tiep", None):
        shares = []
        for g in gids:
            total = sum(counts[g].values())
            shares.append(100 * counts[g][level] / total if total else 0)
        ax.barh([names[g] for g in gids], shares, left=left, color=LEVEL_COLORS[level], label=LEVEL_LABELS[level])
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_title("Câu hỏi về thủ tục nộp được trực tuyến (%)")
    ax.legend(fontsize=8, ncol=4, loc="lower right")
    online = sum(c["toan-trinh"] + c["mot-phan"] for c in counts.values())
    total = sum(sum(c.values()) for c in counts.values())
    return _svg(fig), (100 * online / total if total else 0.0)


def build(store: Store, catalogue: Catalogue, days: int = 30, now: dt.datetime | None = None,
          knowledge: Path | None = None) -> str:
    from bot.catalogue.watch import freshness, watch_knowledge

    now = now or dt.datetime.now(dt.UTC)
    # The age of each card's check, oldest first, and the lines citing a replaced instrument.
    stale = freshness(catalogue, now.date())
    replaced = watch_knowledge(knowledge, catalogue, now.date())[0] if knowledge else []
    since = now - dt.timedelta(days=days)
    queries = store.queries(since=since)
    feedback = store.feedback(since=since)
    kinds = Counter(q.kind for q in queries if q.kind != "inline")
    asked = sum(kinds.values())
    by_group_svg, _ = _by_group(queries, catalogue)
    feedback_svg, up, down = _feedback(feedback, catalogue)
    uptake_svg, online_share = _online_uptake(queries, catalogue)
    unanswered = Counter(q.text for q in queries if q.kind == "none").most_common(20)
    return render(
        "report.html.j2",
        generated=now.strftime("%d/%m/%Y %H:%M UTC"), days=days, total=len(queries), asked=asked,
        answered_rate=100 * kinds["answer"] / asked if asked else 0.0,
        none_rate=100 * kinds["none"] / asked if asked else 0.0,
        users=len({q.user_hash for q in queries}), up=up, down=down, online_share=online_share,
        charts=[("Câu hỏi mỗi ngày", _per_day(queries, days, now.date())), ("Theo nhóm", by_group_svg),
                ("Đánh giá", feedback_svg), ("Nhu cầu có thể nộp trực tuyến", uptake_svg)],
        unanswered=unanswered, procedures=len(catalogue.procedures),
        freshness=stale, replaced=replaced, watched=knowledge is not None,
    )


def write(html: str, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
