"""Cards that still cite a legal instrument that was replaced, and how old each card's check is.

Laws change under the catalogue: from 1 July 2026 Nghị định 217/2026/NĐ-CP replaced Nghị định
175/2024/NĐ-CP, yet a card checked before that still cites the old decree. Staff list such
replacements in `knowledge/replaced_instruments.yaml`:

    - old: Nghị định 175/2024/NĐ-CP
      new: Nghị định 217/2026/NĐ-CP
      from: 2026-07-01
      note: where the replacement was read
      also: [Nghị định 175/2024]      # optional: other ways cards name the old text

and `python -m bot kb check` warns, as `path:line`, on every line of a hand-written card that cites an
old instrument on or after the `from` date. Warnings never change the exit code: the card is still
valid, its facts need a re-check. A line that names both the old and the new instrument is read as
explaining the change ("thay thế Nghị định 175/2024/NĐ-CP") and is not warned about.

Instrument numbers match whatever the spelling: "175/2024/NĐ-CP", "Nghị định số 175/2024/NĐ-CP",
"NĐ 175/2024", "175 / 2024 / ND-CP". A bare "50/2014" does not match when another type follows
("50/2014/TT-BTC" is not the law 50/2014/QH13).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .loader import Catalogue, Problem, _read, _Tree, _validate

FILE = "replaced_instruments.yaml"

# Fields of a card that are not text citing a law: identifiers, links, dates, the matcher's phrasings.
_SKIP_KEYS = {"id", "code", "group", "url", "verified_on", "unverified", "imported_from",
              "province", "aliases", "keywords", "q", "amount_vnd", "channel", "level"}


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    old: str
    new: str
    start: dt.date = Field(alias="from")
    note: str | None = None
    also: list[str] = []

    @field_validator("old", "new")
    @classmethod
    def _non_empty(cls, v: str) -> str:
        if not v:
            raise ValueError("must not be empty")
        return v

    @field_validator("also")
    @classmethod
    def _also(cls, v: list[str]) -> list[str]:
        if any(not isinstance(x, str) or not x.strip() for x in v):
            raise ValueError("give each other name as non-empty text")
        return [x.strip() for x in v]


# --- matching instrument names ----------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case, no accents, đ → d, dashes and spaces unified: the form both sides are compared in."""
    nfd = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    out = "".join(ch for ch in nfd if not unicodedata.combining(ch)).lower()
    out = re.sub(r"[\u2010-\u2015\u2212]", "-", out)
    return re.sub(r"\s+", " ", out)


_NUMBER = re.compile(r"(\d{1,4})\s*/\s*(\d{4})(?:\s*/\s*([a-z0-9]+(?:\s*-\s*[a-z0-9]+)*))?")


def _number_pattern(name: str) -> str | None:
    """`175/2024/NĐ-CP` → a pattern for that number in any spelling, or None when `name` has none."""
    m = _NUMBER.search(_fold(name))
    if not m:
        return None
    num, year, kind = m.group(1).lstrip("0") or "0", m.group(2), m.group(3)
    head = rf"(?<![\d/])0*{num}\s*/\s*{year}"
    if not kind:
        return head + r"(?![\d])"
    kind_re = r"\s*-\s*".join(re.escape(part.strip()) for part in kind.split("-"))
    # The full number, or the number without a type (not followed by another type).
    return head + rf"(?:\s*/\s*{kind_re}(?![a-z0-9])|(?!\s*/\s*[a-z0-9])(?![\d]))"


def _phrase_pattern(name: str) -> str:
    words = _fold(name).split()
    return r"(?<![\w/])" + r"\s+".join(re.escape(w) for w in words) + r"(?![\w/])"


def _matcher(main: str, others: Iterable[str] = ()) -> re.Pattern[str]:
    parts = []
    number = _number_pattern(main)
    parts.append(number if number else _phrase_pattern(main))
    for other in others:
        parts.append(_number_pattern(other) if _NUMBER.search(_fold(other)) else _phrase_pattern(other))
    return re.compile("|".join(f"(?:{p})" for p in parts))


@dataclass(frozen=True)
class Replacement:
    old: str
    new: str
    start: dt.date
    note: str | None = None
    also: tuple[str, ...] = ()
    path: str = ""
    line: int = 0

    def cites_old(self, text: str) -> bool:
        return bool(_matcher(self.old, self.also).search(_fold(text)))

    def cites_new(self, text: str) -> bool:
        return bool(_matcher(self.new).search(_fold(text)))


def load_replacements(root: Path | str) -> tuple[list[Replacement], list[Problem]]:
    """The staff list of replaced instruments, each problem as `path:line`. No file: an empty list."""
    root = Path(root)
    path = root / FILE
    problems: list[Problem] = []
    if not path.exists():
        return [], []
    tree = _read(path, root, problems)
    if tree is None or tree.value is None:
        return [], problems
    if not isinstance(tree.value, list):
        problems.append(Problem(tree.rel, 1, "expected a list of {old, new, from, note}"))
        return [], problems
    out: list[Replacement] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(tree.value):
        entry = _validate(_Entry, item, tree, (i,), problems)
        if entry is None:
            continue
        line = tree.line_of((i,))
        if _number_pattern(entry.old) is None and not entry.also:
            problems.append(Problem(tree.rel, tree.line_of((i, "old")),
                                    "old: give the instrument's number (e.g. 175/2024/NĐ-CP) or list its names in `also`"))
            continue
        key = _fold(entry.old)
        if key in seen:
            problems.append(Problem(tree.rel, tree.line_of((i, "old")),
                                    f"duplicate old instrument {entry.old!r} (first at line {seen[key]})"))
            continue
        seen[key] = line
        if _fold(entry.new) == key:
            problems.append(Problem(tree.rel, tree.line_of((i, "new")), "new: must differ from old"))
            continue
        out.append(Replacement(entry.old, entry.new, entry.start, entry.note, tuple(entry.also), tree.rel, line))
    return out, problems


# --- the cards' citing lines ------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """One text of a card with where it is: `field` like `legal_basis[2]` or `faq[0].source`."""

    path: str
    line: int
    card: str
    field: str
    text: str


@dataclass(frozen=True)
class CitationWarning:
    path: str
    line: int
    card: str
    field: str
    old: str
    new: str
    start: dt.date

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: cites {self.old}, replaced by {self.new} from {self.start.isoformat()}"


def _texts(value: Any, tree: _Tree, path: tuple[Any, ...], label: str) -> Iterator[tuple[int, str, str]]:
    if isinstance(value, str):
        if not value.startswith(("https://", "http://")):  # the card's `source` link
            yield tree.line_of(path), label, value
    elif isinstance(value, dict):
        for key, sub in value.items():
            if key in _SKIP_KEYS:
                continue
            yield from _texts(sub, tree, path + (key,), f"{label}.{key}" if label else str(key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from _texts(sub, tree, path + (i,), f"{label}[{i}]")


def card_citations(root: Path | str, catalogue: Catalogue) -> list[Citation]:
    """Every text line of the hand-written cards, with its file and line (imported records are skipped)."""
    root = Path(root)
    curated = {p.id for p in catalogue.procedures if p.is_curated}
    files = sorted({catalogue.locations[pid][0] for pid in curated if pid in catalogue.locations})
    out: list[Citation] = []
    for rel in files:
        problems: list[Problem] = []
        file = Path(rel) if Path(rel).is_absolute() else root.parent / rel
        tree = _read(file, root, problems)
        if tree is None or tree.value is None:
            continue
        records = tree.value if isinstance(tree.value, list) else [tree.value]
        for i, record in enumerate(records):
            if not isinstance(record, dict) or record.get("id") not in curated:
                continue
            base = (i,) if isinstance(tree.value, list) else ()
            for line, label, text in _texts(record, tree, base, ""):
                out.append(Citation(tree.rel, line, str(record["id"]), label, text))
    return out


def watch(citations: Iterable[Citation], replacements: Iterable[Replacement],
          today: dt.date | None = None) -> list[CitationWarning]:
    """Pure: a warning for each card text citing an instrument replaced on or before `today`."""
    today = today or dt.date.today()
    active = [r for r in replacements if r.start <= today]
    matchers = [(r, _matcher(r.old, r.also), _matcher(r.new)) for r in active]
    out: list[CitationWarning] = []
    for c in citations:
        folded = _fold(c.text)
        for r, old, new in matchers:
            if old.search(folded) and not new.search(folded):
                out.append(CitationWarning(c.path, c.line, c.card, c.field, r.old, r.new, r.start))
    return sorted(out, key=lambda w: (w.path, w.line, w.old))


def watch_knowledge(root: Path | str, catalogue: Catalogue | None,
                    today: dt.date | None = None) -> tuple[list[CitationWarning], list[Problem]]:
    """`kb check`'s hook: (warnings on cards, problems of the replacements file)."""
    replacements, problems = load_replacements(root)
    if catalogue is None or not replacements:
        return [], problems
    return watch(card_citations(root, catalogue), replacements, today), problems


# --- how old each card's check is -------------------------------------------------------------


@dataclass(frozen=True)
class Freshness:
    id: str
    name: str
    verified_on: dt.date
    age_days: int
    path: str
    line: int


def freshness(catalogue: Catalogue, today: dt.date | None = None) -> list[Freshness]:
    """Hand-written cards by the date their facts were last checked, oldest first."""
    today = today or dt.date.today()
    rows = []
    for p in catalogue.procedures:
        if not p.is_curated:
            continue
        rel, line = catalogue.locations.get(p.id, ("", 0))
        rows.append(Freshness(p.id, p.name, p.verified_on, (today - p.verified_on).days, rel, line))
    return sorted(rows, key=lambda r: (r.verified_on, r.id))
