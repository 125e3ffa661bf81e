"""YAML read with the line of every key and item, and problems reported as `path:line: message`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[Any, ...]


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# --- YAML with line numbers -------------------------------------------------------------------

RAW_TEXT_KEYS = {"code"}  # `code: 1.000080` must stay text, not become the float 1.00008


# libyaml's parser when present: the full national import is tens of thousands of records.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Tree:
    """A YAML document turned into plain Python values plus the line of every key and item."""

    def __init__(self, text: str, rel: str):
        self.rel = rel
        self.lines: dict[Path_, int] = {}
        self.problems: list[Problem] = []
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
            self.value = None if node is None else self._build(loader, node, ())
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            what = " ".join(str(x) for x in (exc.problem, exc.context) if x)
            self.problems.append(Problem(rel, line, f"YAML syntax error: {what}"))
            self.value = None
        except yaml.YAMLError as exc:
            self.problems.append(Problem(rel, 1, f"YAML error: {exc}"))
            self.value = None
        finally:
            loader.dispose()

    def _build(self, loader: yaml.SafeLoader, node: yaml.Node, path: Path_) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = loader.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                if not isinstance(key, str | int):
                    self.problems.append(Problem(self.rel, line, "a key must be plain text"))
                    continue
                if key in out:
                    first = self.lines[path + (key,)]
                    self.problems.append(
                        Problem(self.rel, line, f"duplicate key {key!r} (first at line {first})")
                    )
                    continue
                self.lines[path + (key,)] = line
                if key in RAW_TEXT_KEYS and isinstance(value_node, yaml.ScalarNode):
                    out[key] = value_node.value
                else:
                    out[key] = self._build(loader, value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._build(loader, item, path + (i,)) for i, item in enumerate(node.value)]
        try:
            return loader.construct_object(node, deep=True)
        except (ValueError, yaml.YAMLError):
            # e.g. `2026-13-01` looks like a date but is none: keep the text, the schema names it.
            return node.value

    def line_of(self, path: Path_) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


def _read(path: Path, root: Path, problems: list[Problem]) -> _Tree | None:
    rel = _rel(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, 1, f"not UTF-8 text ({exc.reason})"))
        return None
    except OSError as exc:
        problems.append(Problem(rel, 1, f"cannot read: {exc.strerror}"))
        return None
    tree = _Tree(text, rel)
    problems.extend(tree.problems)
    return None if tree.problems and tree.value is None else tree


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent if root.name else root))
    except ValueError:
        return str(path)
