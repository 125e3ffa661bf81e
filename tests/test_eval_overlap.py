"""Honest measurement: no evaluation question is (nearly) in the catalogue, nor in two sets.

A question copied into an alias, a Q&A phrasing, a synonym, a situation or a portal phrasing would be answered
because it was seen, not because the matcher understands it; the same question in two sets counts twice.
"Nearly" is a rapidfuzz ratio above 90 on the folded texts.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from bot.catalogue import load_catalogue
from bot.matching.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 90
MIN_WORDS = 4  # "chứng thực chữ ký", "gia hạn gpxd": a name is both a question and an alias, no copy


def _questions(path: Path) -> list[str]:
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        return [item["question"] for item in data.get("items", [])]
    with path.open(encoding="utf-8") as f:
        return [row["question"] for row in csv.DictReader(f, delimiter="\t")]


SETS = {p.relative_to(ROOT).as_posix(): _questions(p)
        for p in sorted([*ROOT.glob("eval/**/*.tsv"), *ROOT.glob("eval/**/*.json"),
                         ROOT / "tests" / "data" / "dev_questions.tsv"])}


def _folded(texts: list[str]) -> list[str]:
    return [normalize(t) for t in texts]


@pytest.fixture(scope="module")
def phrasings() -> list[tuple[str, str]]:
    cat, problems = load_catalogue(ROOT / "knowledge")
    assert cat is not None, problems
    out: list[tuple[str, str]] = []
    for p in cat.procedures:
        if not p.is_curated:
            continue  # national records' own keywords come from the ministries, not from anyone here
        out += [(f"{p.id} alias", a) for a in p.aliases]
        out += [(f"{p.id} keyword", k) for k in p.keywords]
        if p.en:
            out += [(f"{p.id} English alias", a) for a in p.en.aliases]
        out += [(f"{p.id} Q&A", q) for f in p.faq for q in f.q]
    # A synonym's key is how people say it; its meaning is the catalogue's own wording.
    out += [("synonym", key) for key in cat.synonyms]
    for code, texts in cat.phrasings.items():
        out += [(f"{code} portal phrasing", t) for t in texts]
    for code, texts in cat.situations.items():
        out += [(f"{code} situation", t) for t in texts]
    return out


def _near(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    if not a or not b:
        return []
    scores = process.cdist(_folded(a), _folded(b), scorer=fuzz.ratio, dtype=np.uint8, workers=-1)
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(scores > LIMIT), strict=True)]


def test_sets_are_found():
    assert len(SETS) >= 10 and all(SETS.values())


@pytest.mark.parametrize("name", sorted(SETS))
def test_no_evaluation_question_is_in_the_catalogue(name, phrasings):
    questions = [q for q in SETS[name] if len(q.split()) >= MIN_WORDS]
    texts = [t for _, t in phrasings]
    hits = [f"{questions[i]!r} ~ {phrasings[j][0]}: {texts[j]!r}" for i, j in _near(questions, texts)]
    assert not hits, f"{len(hits)} question(s) of {name} copied into the catalogue:\n" + "\n".join(hits[:40])


def test_no_question_is_in_two_sets():
    names = sorted(SETS)
    clashes = []
    for k, a in enumerate(names):
        for b in names[k + 1:]:
            qa = [q for q in SETS[a] if len(q.split()) >= MIN_WORDS]
            qb = [q for q in SETS[b] if len(q.split()) >= MIN_WORDS]
            clashes += [f"{a}: {qa[i]!r} ~ {b}: {qb[j]!r}" for i, j in _near(qa, qb)]
    assert not clashes, f"{len(clashes)} question(s) in two sets:\n" + "\n".join(clashes[:40])
