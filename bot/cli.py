"""Command line: `python -m bot [chat|ask|kb|eval|bench|review|report|serve]`.

No subcommand runs the Telegram bot when a token is set, otherwise the terminal chat.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.settings import get_settings


def _knowledge(args: argparse.Namespace) -> Path:
    knowledge = getattr(args, "knowledge", None)
    return Path(knowledge) if knowledge else get_settings().knowledge_dir


def cmd_kb_check(args: argparse.Namespace) -> int:
    from bot.catalogue import load_catalogue

    cat, problems = load_catalogue(_knowledge(args))
    if problems:
        for p in problems:
            print(p)
        print(f"{len(problems)} problem(s); the catalogue was not accepted.", file=sys.stderr)
        return 1
    assert cat is not None
    extra = f"; {cat.shadowed} imported record(s) hidden by curated cards" if cat.shadowed else ""
    print(f"OK: {cat.summary_line()}{extra}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--knowledge", metavar="DIR", default=argparse.SUPPRESS, help="knowledge folder (default: $KNOWLEDGE_DIR or ./knowledge)")
    parser = argparse.ArgumentParser(prog="python -m bot", parents=[common], description=__doc__)
    sub = parser.add_subparsers(dest="command")

    kb = sub.add_parser("kb", parents=[common], help="catalogue tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_sub.add_parser("check", parents=[common], help="validate the YAML catalogue")
    check.set_defaults(func=cmd_kb_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    return int(func(args) or 0)
