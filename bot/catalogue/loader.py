"""Load the YAML knowledge folder into a validated Catalogue, collecting every error as `path:line`.

Staff edit these files by hand, so the loader never stops at the first problem and never raises a
traceback at them: it returns all problems at once, each pointing at the line of the offending key.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .lexicon import LEXICON_DIR, Lexicon, load_lexicon
from .schema import CODE_RE, Group, NotServed, Procedure
from .yamltree import Path_, Problem, _read, _rel, _Tree


@dataclass
class Catalogue:
    procedures: list[Procedure]
    groups: list[Group]
    synonyms: dict[str, list[str]]
    not_served: list[NotServed] = field(default_factory=list)
    lexicon: Lexicon = field(default_factory=Lexicon)  # the word lists of matching (knowledge/lexicon/)
    locations: dict[str, tuple[str, int]] = field(default_factory=dict)  # id -> (file, line)
    phrasings: dict[str, list[str]] = field(default_factory=dict)  # code -> real citizens' questions
    situations: dict[str, list[str]] = field(default_factory=dict)  # code -> situations leading to it
    shadowed: int = 0  # imported records hidden by a curated one of the same code
    other_province: int = 0  # records specific to another province: valid, not served
    official_orphans: int = 0  # official answers (official_answers/) whose code no procedure here has

    def __post_init__(self) -> None:
        members: dict[str, list[Procedure]] = {}
        for p in self.procedures:
            members.setdefault(p.group, []).append(p)
        # Curated cards first: a full national import must not bury the common procedures.
        self._groups_sorted = {g: sorted(ps, key=lambda p: (not p.is_curated, p.name)) for g, ps in members.items()}
        self.by_id = {p.id: p for p in self.procedures}
        self.by_code = {p.code: p for p in self.procedures}
        self.group_by_id = {g.id: g for g in self.groups}

    def in_group(self, group_id: str) -> list[Procedure]:
        """The group's procedures in browsing order, sorted once per catalogue (a page of /menu must
        not sort thousands of records)."""
        return self._groups_sorted.get(group_id, [])

    def summary_line(self) -> str:
        counts = {g.id: 0 for g in self.groups}
        for p in self.procedures:
            counts[p.group] = counts.get(p.group, 0) + 1
        parts = ", ".join(f"{gid} {n}" for gid, n in counts.items())
        curated = sum(p.is_curated for p in self.procedures)
        big, share = self.largest_group()
        return (f"{len(self.procedures)} procedures ({curated} curated): {parts}; "
                f"largest group {big} ({100 * share:.1f} %)")

    def largest_group(self) -> tuple[str, float]:
        """The group holding most procedures and its share: browsing is useless when one group holds all."""
        counts: dict[str, int] = {}
        for p in self.procedures:
            counts[p.group] = counts.get(p.group, 0) + 1
        if not counts:
            return "-", 0.0
        big = max(sorted(counts), key=counts.__getitem__)
        return big, counts[big] / len(self.procedures)


class CatalogueError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def _describe(err: dict[str, Any], model: type[BaseModel]) -> str:
    loc = ".".join(str(x) for x in err["loc"])
    if err["type"] == "extra_forbidden":
        bad = str(err["loc"][-1])
        fields = list(model.model_fields)
        if len(err["loc"]) > 1:
            fields = _nested_fields(model, err["loc"][:-1])
        close = difflib.get_close_matches(bad, fields, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown field {bad!r}{hint}"
    if err["type"] == "missing":
        return f"missing required field {loc!r}"
    msg = err["msg"].removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg


def _nested_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _model_in(info.annotation)
    return list(current.model_fields) if current else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found:
            return found
    return None


def _validate(model: type[BaseModel], data: Any, tree: _Tree, path: Path_, problems: list[Problem]):
    if not isinstance(data, dict):
        problems.append(Problem(tree.rel, tree.line_of(path), "expected a mapping of field: value"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            # Missing fields point at the record itself; others at their own key.
            where = path if err["type"] == "missing" else path + loc
            problems.append(Problem(tree.rel, tree.line_of(where), _describe(err, model)))
        return None


# --- the knowledge folder ---------------------------------------------------------------------


def _load_list(path: Path, root: Path, model: type[BaseModel], what: str, problems: list[Problem]) -> list[Any]:
    """A YAML file holding a list of `model` records, each validated with its line."""
    tree = _read(path, root, problems)
    if tree is None or tree.value is None:
        return []
    if not isinstance(tree.value, list):
        problems.append(Problem(tree.rel, 1, f"expected a list of {what}"))
        return []
    out = []
    for i, item in enumerate(tree.value):
        record = _validate(model, item, tree, (i,), problems)
        if record:
            out.append(record)
    return out


def load_groups(root: Path, problems: list[Problem]) -> list[Group]:
    path = root / "groups.yaml"
    if not path.exists():
        problems.append(Problem(_rel(path, root), 1, "missing: the list of groups"))
        return []
    return _load_list(path, root, Group, "groups", problems)


def load_synonyms(root: Path, problems: list[Problem]) -> dict[str, list[str]]:
    """`short: long` or `short: [long, other long]`; keys are matched after folding."""
    path = root / "synonyms.yaml"
    if not path.exists():
        return {}
    tree = _read(path, root, problems)
    if tree is None or tree.value is None:
        return {}
    if not isinstance(tree.value, dict):
        problems.append(Problem(tree.rel, 1, "expected a mapping of abbreviation: meaning"))
        return {}
    out: dict[str, list[str]] = {}
    for key, value in tree.value.items():
        values = value if isinstance(value, list) else [value]
        if not str(key).strip() or not values or not all(isinstance(v, str) and v.strip() for v in values):
            problems.append(Problem(tree.rel, tree.line_of((key,)), f"{key!r}: give the meaning as text or a list of texts"))
            continue
        out[str(key).strip()] = [v.strip() for v in values]
    return out


def load_not_served(root: Path, problems: list[Problem]) -> list[NotServed]:
    """Subjects no procedure here serves, and where to go instead (optional file)."""
    path = root / "not_served.yaml"
    return _load_list(path, root, NotServed, "subjects (topic, words, where)", problems) if path.exists() else []


def _read_list(path: Path, root: Path, problems: list[Problem], what: str) -> _Tree | None:
    """An optional YAML file holding a list: its tree, or None when absent or broken (problems noted)."""
    if not path.exists():
        return None
    tree = _read(path, root, problems)
    if tree is None or tree.value is None:
        return None
    if not isinstance(tree.value, list):
        problems.append(Problem(tree.rel, 1, f"expected a list of {what}"))
        return None
    return tree


def load_group_fields(root: Path, group_ids: set[str], problems: list[Problem]) -> dict[str, str]:
    """`group_fields.yaml`: which group each field of activity of the official records belongs to
    (read by `kb import`). Returns folded field -> group id."""
    from .importer import fold

    tree = _read_list(root / "group_fields.yaml", root, problems, "{group, fields}")
    if tree is None:
        return {}
    out: dict[str, str] = {}
    for i, item in enumerate(tree.value):
        if not isinstance(item, dict) or set(item) != {"group", "fields"} or not isinstance(item["fields"], list):
            problems.append(Problem(tree.rel, tree.line_of((i,)), "expected `group:` and a list of `fields:`"))
            continue
        group = item["group"]
        if group not in group_ids:
            close = difflib.get_close_matches(str(group), sorted(group_ids), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(Problem(tree.rel, tree.line_of((i, "group")), f"unknown group {group!r}{hint}"))
            continue
        for j, name in enumerate(item["fields"]):
            key = fold(str(name)) if isinstance(name, str) else ""
            if not key:
                problems.append(Problem(tree.rel, tree.line_of((i, "fields", j)), "a field must be text"))
            elif key in out and out[key] != group:
                problems.append(Problem(tree.rel, tree.line_of((i, "fields", j)),
                                        f"field {name!r} is already in group {out[key]!r}"))
            else:
                out[key] = group
    return out


PHRASINGS_FILE = "portal_phrasings.jsonl"
SITUATIONS_FILE = "situations.yaml"


def load_situations(root: Path, problems: list[Problem]) -> dict[str, list[str]]:
    """`situations.yaml`: life situations that lead to a procedure ("người thân vừa qua đời", "my wife
    just gave birth"), by code; written from the law and the records. Returns code -> phrases."""
    tree = _read_list(root / SITUATIONS_FILE, root, problems, "{code, vi, en}")
    if tree is None:
        return {}
    out: dict[str, list[str]] = {}
    seen: dict[str, int] = {}
    for i, item in enumerate(tree.value):
        if not isinstance(item, dict) or "code" not in item or not set(item) <= {"code", "vi", "en"}:
            problems.append(Problem(tree.rel, tree.line_of((i,)), "expected `code:` with `vi:` and/or `en:` lists"))
            continue
        code = str(item["code"])
        if not CODE_RE.match(code):
            problems.append(Problem(tree.rel, tree.line_of((i, "code")), f"code {code!r} is not a procedure code"))
            continue
        for lang in ("vi", "en"):
            phrases = item.get(lang) or []
            if not isinstance(phrases, list):
                problems.append(Problem(tree.rel, tree.line_of((i, lang)), f"`{lang}` must be a list of phrases"))
                continue
            for j, phrase in enumerate(phrases):
                where = tree.line_of((i, lang, j))
                if not isinstance(phrase, str) or not phrase.strip():
                    problems.append(Problem(tree.rel, where, "a situation must be text"))
                    continue
                key = " ".join(phrase.lower().split())
                if key in seen:
                    problems.append(Problem(tree.rel, where, f"{phrase!r} is already at line {seen[key]}"))
                    continue
                seen[key] = where
                out.setdefault(code, []).append(phrase.strip())
    return out


def load_phrasings(root: Path, problems: list[Problem]) -> dict[str, list[str]]:
    """Real citizens' questions (the national portal's FAQ) as phrasings of the procedure each concerns:
    code -> questions. Written by `kb portal`; every line keeps the portal question it comes from."""
    path = root / PHRASINGS_FILE
    if not path.exists():
        return {}
    rel = _rel(path, root)
    out: dict[str, list[str]] = {}
    for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip():
            continue
        try:
            rec = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.append(Problem(rel, i, f"not a JSON object: {exc.msg}"))
            continue
        if (not isinstance(rec, dict) or set(rec) != {"code", "q", "url"} or not all(isinstance(v, str) for v in rec.values())
                or not CODE_RE.match(rec["code"]) or not rec["q"].strip() or not rec["url"].startswith("https://")):
            problems.append(Problem(rel, i, 'expected {"code": "1.001193", "q": "the question", "url": "https://..."}'))
            continue
        out.setdefault(rec["code"], []).append(rec["q"])
    return out


SPECIAL_FILES = ("groups.yaml", "synonyms.yaml", "not_served.yaml", "group_fields.yaml", PHRASINGS_FILE, SITUATIONS_FILE,
                 "replaced_instruments.yaml")  # the last one: see watch.py


def procedure_files(root: Path) -> list[Path]:
    files = [p for p in root.rglob("*") if p.suffix in (".yaml", ".yml", ".jsonl") and p.is_file()]
    skip = {root / name for name in SPECIAL_FILES}
    answers = root / "official_answers"  # entries of another shape: official_answers.py reads them
    lexicon = root / LEXICON_DIR
    return sorted(p for p in files if p not in skip and not p.name.startswith(".")
                  and answers not in p.parents and lexicon not in p.parents)


class _JsonLines:
    """A JSON-lines file seen like a YAML tree: record i is on line i + 1."""

    def __init__(self, rel: str):
        self.rel = rel

    def line_of(self, path: Path_) -> int:
        return path[0] + 1 if path else 1


def _records(path: Path, root: Path, problems: list[Problem]) -> Iterator[tuple[Procedure, Any, Path_]]:
    """Every valid procedure of a file with where it is; problems are collected, never raised."""
    if path.suffix == ".jsonl":
        rel = _rel(path, root)
        tree = _JsonLines(rel)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(rel, 1, f"cannot read: {exc}"))
            return
        for i, text in enumerate(lines):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                problems.append(Problem(rel, i + 1, f"not a JSON object: {exc.msg}"))
                continue
            if not isinstance(data, dict):
                problems.append(Problem(rel, i + 1, "expected a JSON object (one procedure a line)"))
                continue
            try:
                yield Procedure.model_validate(data), tree, (i,)
            except ValidationError as exc:
                for err in exc.errors():
                    problems.append(Problem(rel, i + 1, _describe(err, Procedure)))
        return
    yaml_tree = _read(path, root, problems)
    if yaml_tree is None or yaml_tree.value is None:
        return
    records = yaml_tree.value if isinstance(yaml_tree.value, list) else [yaml_tree.value]
    for i, data in enumerate(records):
        where: Path_ = (i,) if isinstance(yaml_tree.value, list) else ()
        proc = _validate(Procedure, data, yaml_tree, where, problems)
        if proc is not None:
            yield proc, yaml_tree, where


def load_catalogue(root: Path | str) -> tuple[Catalogue | None, list[Problem]]:
    """Load and validate everything. Returns (catalogue, problems); catalogue is None on any problem."""
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        return None, [Problem(str(root), 1, "knowledge folder not found")]
    groups = load_groups(root, problems)
    group_ids = {g.id for g in groups}
    synonyms = load_synonyms(root, problems)
    not_served = load_not_served(root, problems)
    phrasings = load_phrasings(root, problems)
    situations = load_situations(root, problems)
    lexicon = load_lexicon(root, problems)

    chosen: dict[str, tuple[Procedure, str, int]] = {}
    curated_codes: dict[str, tuple[str, str, int]] = {}
    imported: dict[str, tuple[Procedure, str, int]] = {}
    load_group_fields(root, group_ids, problems)  # validated here; used by `kb import`
    for path in procedure_files(root):
        for proc, tree, where in _records(path, root, problems):
            line = tree.line_of(where)
            if proc.group not in group_ids:
                close = difflib.get_close_matches(proc.group, sorted(group_ids), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(
                    Problem(tree.rel, tree.line_of(where + ("group",)), f"unknown group {proc.group!r}{hint}")
                )
                continue
            if proc.is_curated:
                if proc.id in chosen:
                    _, other, other_line = chosen[proc.id]
                    problems.append(
                        Problem(tree.rel, tree.line_of(where + ("id",)),
                                f"duplicate id {proc.id!r} (also at {other}:{other_line})")
                    )
                    continue
                chosen[proc.id] = (proc, tree.rel, line)
                curated_codes.setdefault(proc.code, (proc.id, tree.rel, line))
            else:
                # Imports may overlap (several official files); keep the richest record per code.
                prev = imported.get(proc.code)
                if prev is None or proc.richness() > prev[0].richness():
                    imported[proc.code] = (proc, tree.rel, line)

    shadowed = other_province = 0
    for code, (proc, rel, line) in imported.items():
        if proc.province:
            other_province += 1
            continue
        if code in curated_codes:
            shadowed += 1
            continue
        if proc.id in chosen:
            shadowed += 1
            continue
        chosen[proc.id] = (proc, rel, line)

    from .official_answers import attach, load_official_answers

    answers = load_official_answers(root, problems)
    if problems:
        return None, sorted(problems, key=lambda p: (p.path, p.line))
    procedures = [p for p, _, _ in chosen.values()]
    official_orphans = attach(answers, procedures)
    cat = Catalogue(
        procedures=procedures,
        groups=groups,
        synonyms=synonyms,
        not_served=not_served,
        phrasings=phrasings,
        situations=situations,
        lexicon=lexicon,
        locations={pid: (rel, line) for pid, (_, rel, line) in chosen.items()},
        shadowed=shadowed,
        other_province=other_province,
        official_orphans=official_orphans,
    )
    return cat, []


def load_or_raise(root: Path | str) -> Catalogue:
    cat, problems = load_catalogue(root)
    if cat is None:
        raise CatalogueError(problems)
    return cat
