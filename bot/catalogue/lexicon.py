"""The word lists of matching (knowledge/lexicon/*.yaml): stop words, shorthand, places, filler, aspect
cues, facets and small talk. Staff extend them like the catalogue; `kb check` reports problems as `path:line`.

Only data lives here: the matching code builds its masks and patterns from a `Lexicon` it is handed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .yamltree import Problem, _read, _rel, _Tree

LEXICON_DIR = "lexicon"
# The aspects a question can ask about, in the order matching tries them.
ASPECTS = ("fees", "documents", "steps", "time", "agency", "online", "legal")
# Kinds of small talk, in the order they are tried; the first three may end in particles ("cảm ơn bạn nhé").
SMALLTALK_KINDS = ("greeting", "thanks", "bye", "bot", "ok")
# Variants that tell sibling procedures apart (facets.yaml: `<facet>` cues a question says, `<facet>_name`
# words of a record's name).
FACETS = ("reissue", "exchange", "change", "extend", "stop", "abroad")
REGEX_PREFIX = "re:"


def _empty_map() -> Mapping[str, tuple[str, ...]]:
    return dict({})


@dataclass(frozen=True)
class Lexicon:
    """Every word list matching uses; an empty Lexicon (no lexicon folder) matches with none of them."""

    stop_accented: frozenset[str] = frozenset()  # Vietnamese function words, with accents
    stop_folded: frozenset[str] = frozenset()  # ... without accents: function words under every accent
    en_markers: frozenset[str] = frozenset()  # words that mark a question as English
    en_stop: frozenset[str] = frozenset()  # English function words, markers included
    shorthand: Mapping[str, str] = field(default_factory=lambda: dict({}))  # "ko" -> "không"
    places: tuple[str, ...] = ()  # folded place names, dropped from questions
    area_words: tuple[str, ...] = ()  # "quan" 7, "ward" 5
    area_short: tuple[str, ...] = ()  # "q"7, "p"12
    filler: tuple[str, ...] = ()  # folded multi-word filler, dropped from questions
    generic: tuple[str, ...] = ()  # folded words of the domain ("thu tuc"), weighing little
    name_filler: frozenset[str] = frozenset()  # ignored when comparing sibling procedures' names
    skippable: frozenset[str] = frozenset()  # classifiers skipped inside a synonym phrase
    aspect_cues: Mapping[str, tuple[str, ...]] = field(default_factory=_empty_map)  # aspect -> cues
    smalltalk: Mapping[str, tuple[str, ...]] = field(default_factory=_empty_map)  # kind -> phrases
    facet_cues: Mapping[str, tuple[str, ...]] = field(default_factory=_empty_map)  # facet -> question cues
    facet_names: Mapping[str, tuple[str, ...]] = field(default_factory=_empty_map)  # facet -> name words
    particles: tuple[str, ...] = ()  # words that may follow a greeting, thanks or bye

    def summary(self) -> str:
        cues = sum(len(v) for v in self.aspect_cues.values())
        chat = sum(len(v) for v in self.smalltalk.values())
        stop = len(self.stop_accented) + len(self.stop_folded) + len(self.en_stop)
        facets = sum(len(v) for v in self.facet_cues.values()) + sum(len(v) for v in self.facet_names.values())
        return (f"lexicon: {len(self.places)} places, {len(self.shorthand)} shorthand, {stop} stop words, "
                f"{len(self.filler) + len(self.generic)} filler phrases, {cues} aspect cues, "
                f"{facets} facet cues, {chat} small-talk phrases")


# --- validation --------------------------------------------------------------------------------

# How each entry is checked: "accented" as written, "folded" lower case without accents,
# "cue" folded or a `re:` pattern, "text" any lower-case text (English words with apostrophes).
_LISTS: dict[str, dict[str, str]] = {
    "stopwords.yaml": {"vietnamese": "accented", "vietnamese_folded": "folded", "english_markers": "text",
                       "english": "text"},
    "places.yaml": {"places": "folded", "area_words": "folded", "area_short": "folded"},
    "filler.yaml": {"filler": "folded", "generic": "folded", "name_filler": "folded", "skippable": "folded"},
    "aspect_cues.yaml": dict.fromkeys(ASPECTS, "cue"),
    "smalltalk.yaml": {"particles": "folded", **dict.fromkeys(SMALLTALK_KINDS, "cue")},
    "facets.yaml": {**dict.fromkeys(FACETS, "cue"), **dict.fromkeys((f"{f}_name" for f in FACETS), "cue")},
}


def _is_folded(text: str) -> bool:
    nfd = unicodedata.normalize("NFD", text)
    return "đ" not in text and not any(unicodedata.combining(ch) for ch in nfd)


def _entry_problem(entry: object, how: str) -> str | None:
    """Why an entry is not acceptable, or None."""
    if not isinstance(entry, str):
        if entry is None:
            return "empty entry"
        return f"{entry!r} is read as a {type(entry).__name__}, not text: put the entry in quotes ('no', 'on', '1')"
    text = entry.strip()
    if not text:
        return "empty entry"
    if text != entry or "  " in text:
        return f"{entry!r}: remove the extra spaces"
    if how == "cue" and text.startswith(REGEX_PREFIX):
        try:
            re.compile(text[len(REGEX_PREFIX):])
        except re.error as exc:
            return f"{entry!r}: invalid pattern ({exc})"
        return None
    if text != text.lower():
        return f"{entry!r}: write it in lower case"
    if how in ("folded", "cue") and not _is_folded(text):
        return f"{entry!r}: write it without accents"
    return None


def _lists(tree: _Tree, kinds: dict[str, str], problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """The named lists of one file, each entry checked; a problem for every bad key or entry."""
    out: dict[str, tuple[str, ...]] = {}
    if not isinstance(tree.value, dict):
        problems.append(Problem(tree.rel, 1, f"expected lists named {', '.join(kinds)}"))
        return out
    for key, items in tree.value.items():
        line = tree.line_of((key,))
        if key not in kinds:
            problems.append(Problem(tree.rel, line, f"unknown list {key!r} (expected one of {', '.join(kinds)})"))
            continue
        if not isinstance(items, list):
            problems.append(Problem(tree.rel, line, f"{key}: expected a list of entries (`- entry` per line)"))
            continue
        seen: dict[str, int] = {}
        kept: list[str] = []
        for i, item in enumerate(items):
            where = tree.line_of((key, i))
            why = _entry_problem(item, kinds[key])
            if why:
                problems.append(Problem(tree.rel, where, f"{key}: {why}"))
            elif item in seen:
                problems.append(Problem(tree.rel, where, f"{key}: duplicate entry {item!r} (first at line {seen[item]})"))
            else:
                seen[item] = where
                kept.append(item)
        out[key] = tuple(kept)
    return out


def _shorthand(tree: _Tree, problems: list[Problem]) -> dict[str, str]:
    out: dict[str, str] = {}
    if not isinstance(tree.value, dict):
        problems.append(Problem(tree.rel, 1, "expected a mapping of shorthand: spelt out"))
        return out
    for key, value in tree.value.items():
        line = tree.line_of((key,))
        why = _entry_problem(key, "text") or _entry_problem(value, "accented")
        if why:
            problems.append(Problem(tree.rel, line, f"{key!r}: {why}"))
        elif len(key.split()) != 1:
            problems.append(Problem(tree.rel, line, f"{key!r}: shorthand is one word as typed"))
        else:
            out[key] = value
    return out


def load_lexicon(root: Path, problems: list[Problem]) -> Lexicon:
    """knowledge/lexicon/*.yaml into one Lexicon. Each file is optional (a missing one leaves its lists
    empty); every problem is appended with its path and line."""
    folder = root / LEXICON_DIR
    lists: dict[str, tuple[str, ...]] = {}
    shorthand: dict[str, str] = {}
    if not folder.is_dir():
        return Lexicon()
    known = {*_LISTS, "shorthand.yaml"}
    for path in sorted(folder.iterdir()):
        if path.suffix in (".yaml", ".yml") and path.name not in known:
            problems.append(Problem(_rel(path, root), 1,
                                    f"unknown lexicon file (expected one of {', '.join(sorted(known))})"))
    for name in sorted(known):
        path = folder / name
        if not path.exists():
            continue
        tree = _read(path, root, problems)
        if tree is None or tree.value is None:
            continue
        if name == "shorthand.yaml":
            shorthand = _shorthand(tree, problems)
        else:
            for key, entries in _lists(tree, _LISTS[name], problems).items():
                lists[f"{name}:{key}"] = entries

    def get(name: str, key: str) -> tuple[str, ...]:
        return lists.get(f"{name}:{key}", ())

    markers = get("stopwords.yaml", "english_markers")
    return Lexicon(
        stop_accented=frozenset(get("stopwords.yaml", "vietnamese")),
        stop_folded=frozenset(get("stopwords.yaml", "vietnamese_folded")),
        en_markers=frozenset(markers),
        en_stop=frozenset(markers) | frozenset(get("stopwords.yaml", "english")),
        shorthand=dict(shorthand),
        places=get("places.yaml", "places"),
        area_words=get("places.yaml", "area_words"),
        area_short=get("places.yaml", "area_short"),
        filler=get("filler.yaml", "filler"),
        generic=get("filler.yaml", "generic"),
        name_filler=frozenset(get("filler.yaml", "name_filler")),
        skippable=frozenset(get("filler.yaml", "skippable")),
        aspect_cues=dict({a: get("aspect_cues.yaml", a) for a in ASPECTS}),
        smalltalk=dict({k: get("smalltalk.yaml", k) for k in SMALLTALK_KINDS}),
        particles=get("smalltalk.yaml", "particles"),
        facet_cues=dict({f: get("facets.yaml", f) for f in FACETS}),
        facet_names=dict({f: get("facets.yaml", f"{f}_name") for f in FACETS}),
    )

