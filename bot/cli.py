"""Command line: `python -m bot [chat|ask|kb|eval|bench|review|report]`.

No subcommand runs the Telegram bot when a token is set, otherwise the terminal chat.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bot.settings import get_settings


def _knowledge(args: argparse.Namespace) -> Path:
    knowledge = getattr(args, "knowledge", None)
    return Path(knowledge) if knowledge else get_settings().knowledge_dir


def cmd_kb_check(args: argparse.Namespace) -> int:
    from bot.catalogue import load_catalogue
    from bot.catalogue.watch import watch_knowledge

    cat, problems = load_catalogue(_knowledge(args))
    warnings, listed = watch_knowledge(_knowledge(args), cat)  # replaced_instruments.yaml
    problems = [*problems, *listed]
    if problems:
        for p in problems:
            print(p)
        print(f"{len(problems)} problem(s); the catalogue was not accepted.")
        return 1
    assert cat is not None
    extra = f"; {cat.shadowed} imported record(s) hidden by curated cards" if cat.shadowed else ""
    if cat.other_province:
        extra += f"; {cat.other_province} record(s) specific to another province kept but not served"
    if cat.not_served:
        extra += f"; {len(cat.not_served)} subject(s) served elsewhere, {len(cat.synonyms)} synonym(s)"
    print(f"OK: {cat.summary_line()}{extra}; {cat.lexicon.summary()}")
    if cat.official_orphans:
        print(f"warning: {cat.official_orphans} official answers for codes not in the catalogue")
    for w in warnings:
        print(w)
    if warnings:
        print(f"warning: {len(warnings)} line(s) cite a replaced legal instrument: re-check those cards")
    return 0


def _engine(args: argparse.Namespace):
    from bot.catalogue import CatalogueError
    from bot.engine import Engine

    try:
        return Engine(_knowledge(args), get_settings())
    except CatalogueError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        print("The catalogue has errors: run `python -m bot kb check`.", file=sys.stderr)
        raise SystemExit(1) from None


def _questions(items: list[str]):
    if items:  # each argument is one question
        yield from (q for q in items if q.strip())
        return
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line.strip():
            yield line


def cmd_ask(args: argparse.Namespace) -> int:
    import json

    engine = _engine(args)
    lang = args.lang
    for question in _questions(args.question):
        match, reply = engine.dialogue.ask(question, lang=lang, top=args.top)
        if args.json:
            listed = [
                {"id": h.proc.id, "code": h.proc.code, "name": h.proc.name, "score": round(h.score, 4)}
                for h in match.hits[: args.top]
            ]
            # `matches` is what the bot offers; on "none" it offers nothing, and the near misses it
            # weighed are shown apart for staff.
            out = {
                "query": question,
                "kind": match.kind,
                "aspect": match.aspect,
                "matches": listed if match.kind != "none" else [],
                "closest": listed if match.kind == "none" else [],
                "reply": reply.text(),
            }
            print(json.dumps(out, ensure_ascii=False), flush=True)
        else:
            print(reply.text(), end="\n\n", flush=True)
    return 0


def open_store(settings):
    from bot.privacy import load_salt
    from db.repo import Store

    salt = load_salt(settings.hash_salt.get_secret_value(), settings.data_dir)
    return Store(settings.sqlalchemy_url, salt)


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.chat import run_chat
    from db.sync import sync_catalogue

    engine = _engine(args)
    store = open_store(get_settings())
    sync_catalogue(store.engine, engine.catalogue)  # YAML is the truth; the database mirrors it
    return run_chat(engine, lang=args.lang, store=store)


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.evaluate import evaluate, evaluate_answers

    path = Path(args.file)
    if path.suffix == ".json":  # a golden Q&A set: procedure found and facts mentioned
        return evaluate_answers(_engine(args), path, show_misses=not args.quiet)
    return evaluate(_engine(args), path, show_misses=not args.quiet)


def cmd_calibrate(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from bot.calibrate import run
    from bot.catalogue import load_catalogue
    from bot.matching import Matcher
    from bot.matching.params import DecisionModel, load_params

    cat, problems = load_catalogue(_knowledge(args))
    if cat is None:
        print("\n".join(map(str, problems)), file=sys.stderr)
        return 1
    # The decision is what is being fitted: the matcher ranks with the current weights, decides nothing.
    return run(Matcher(cat, replace(load_params(), decision=DecisionModel())), write=args.write,
               ranking=args.ranking)


def cmd_bench(args: argparse.Namespace) -> int:
    from bot.benchmark import run

    return run(Path(args.names), args.questions, _knowledge(args), synthetic=args.synthetic, quick=args.quick,
               large=args.large)


def cmd_review(args: argparse.Namespace) -> int:
    from bot.staff import review

    engine = _engine(args)
    entries = review.collect(engine, open_store(get_settings()), days=args.days)
    review.write(entries, Path(args.out), args.days)
    total = sum(e["total"] for e in entries)
    print(f"wrote {args.out}: {total} question(s) to review under {len(entries)} procedure(s)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from bot.staff import report

    engine = _engine(args)
    html = report.build(open_store(get_settings()), engine.catalogue, days=args.days, knowledge=_knowledge(args))
    report.write(html, Path(args.out))
    print(f"wrote {args.out} ({len(html) // 1024} KB)")
    return 0


NATIONAL_FILES = "../shared/data/national"


def cmd_kb_import(args: argparse.Namespace) -> int:
    from bot.catalogue.importer import ImportFormatError, run_import
    from bot.catalogue.loader import load_group_fields, load_groups

    problems: list = []
    root = _knowledge(args)
    groups = {g.id for g in load_groups(root, problems)}
    field_groups = load_group_fields(root, groups, problems)
    if problems or not groups:
        for p in problems:
            print(p, file=sys.stderr)
        print("cannot read the groups of the knowledge folder", file=sys.stderr)
        return 1
    files = [Path(f) for f in args.files] or sorted(
        p for p in Path(NATIONAL_FILES).glob("*") if p.suffix in (".jsonl", ".csv"))
    if not files:
        print(f"no official files given and none in {NATIONAL_FILES}", file=sys.stderr)
        return 1
    fmt = "yaml" if args.yaml else "jsonl"
    out = Path(args.out) if args.out else root / ("imported" if args.yaml else "national")
    try:
        report = run_import(files, out, groups, output=fmt, field_groups=field_groups)
    except ImportFormatError as exc:
        print(f"import failed: {exc}", file=sys.stderr)
        return 1
    for line in report.details():
        print(line)
    print(report.summary())
    return 0


PORTAL_FAQ = "../shared/data/portal_faq/portal_faq.jsonl"


def cmd_kb_portal(args: argparse.Namespace) -> int:
    from bot.catalogue import load_catalogue
    from bot.catalogue.loader import PHRASINGS_FILE
    from bot.catalogue.portal import build_portal_files

    root = _knowledge(args)
    cat, problems = load_catalogue(root)
    if cat is None:
        print("\n".join(map(str, problems)), file=sys.stderr)
        return 1
    source = Path(args.file)
    if not source.exists():
        print(f"not found: {source}", file=sys.stderr)
        return 1
    kept, held = build_portal_files(source, cat, root / PHRASINGS_FILE, Path(args.eval_out))
    print(f"{kept} portal questions written as phrasings to {root / PHRASINGS_FILE}; "
          f"{held} set aside for measuring in {args.eval_out}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from db.migrate import SchemaTooNew, upgrade
    from db.session import get_engine

    try:
        before, after = upgrade(get_engine(get_settings().sqlalchemy_url))
    except SchemaTooNew as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"database schema: {before or 'new'} -> {after}" if before != after else f"database schema: {after} (up to date)")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from bot.loadtest import main as load_main

    return load_main(_knowledge(args), args.users, args.messages, args.think, args.instances, args.kill_one,
                     args.fuzz, args.rate)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--knowledge", metavar="DIR", default=argparse.SUPPRESS, help="knowledge folder (default: $KNOWLEDGE_DIR or ./knowledge)")
    parser = argparse.ArgumentParser(prog="python -m bot", parents=[common], description=__doc__)
    sub = parser.add_subparsers(dest="command")

    chat = sub.add_parser("chat", parents=[common], help="terminal chat on the same dialogue as the bot")
    chat.add_argument("--lang", choices=["vi", "en"], default="vi")
    chat.set_defaults(func=cmd_chat)

    ask = sub.add_parser("ask", parents=[common], help="answer questions (arguments, or one per stdin line)")
    ask.add_argument("question", nargs="*")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--top", type=int, default=3, help="how many matches to list")
    ask.add_argument("--lang", choices=["vi", "en"], default="vi")
    ask.set_defaults(func=cmd_ask)

    ev = sub.add_parser("eval", parents=[common],
                        help="measure matching on a question set (.tsv) or answers on a golden Q&A set (.json)")
    ev.add_argument("file", nargs="?", default="../shared/eval/dev_questions.tsv")
    ev.add_argument("--quiet", action="store_true", help="figures only, no list of misses")
    ev.set_defaults(func=cmd_eval)

    calib = sub.add_parser("calibrate", parents=[common],
                           help="fit the answer / did-you-mean / don't-know decision on every labelled question set")
    calib.add_argument("--write", action="store_true", help="write bot/matching/params.json")
    calib.add_argument("--ranking", action="store_true", help="also search the ranking weights (a few minutes)")
    calib.set_defaults(func=cmd_calibrate)

    bench = sub.add_parser("bench", parents=[common],
                           help="cold start, per question end to end and memory on the shipped catalogue and at 30,000 "
                                "procedures; the matcher beside a naive scan at 300 / 3,000 / 30,000")
    bench.add_argument("--names", default="../shared/data/national/dichvucong_catalog.jsonl",
                       help="official names for the synthetic catalogues (default: the portal's list; the shipped "
                            "catalogue's names when it is missing)")
    bench.add_argument("--questions", type=int, default=300, help="name-fragment questions per measurement")
    bench.add_argument("--synthetic", action=argparse.BooleanOptionalAction, default=True,
                       help="the matcher-only rows at 300 / 3,000 / 30,000 beside a naive rapidfuzz scan")
    bench.add_argument("--quick", action="store_true", help="few questions: a smoke run")
    bench.add_argument("--large", type=int, default=30000, metavar="N",
                       help="the shipped catalogue is padded to N procedures for the second end-to-end row")
    bench.set_defaults(func=cmd_bench)

    rv = sub.add_parser("review", parents=[common], help="unanswered and disliked questions, for staff to turn into aliases")
    rv.add_argument("--out", required=True, metavar="FILE.yaml")
    rv.add_argument("--days", type=int, default=30)
    rv.set_defaults(func=cmd_review)

    rp = sub.add_parser("report", parents=[common], help="a self-contained HTML page of usage figures and charts")
    rp.add_argument("--out", required=True, metavar="FILE.html")
    rp.add_argument("--days", type=int, default=30)
    rp.set_defaults(func=cmd_report)

    kb = sub.add_parser("kb", parents=[common], help="catalogue tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_sub.add_parser("check", parents=[common], help="validate the YAML catalogue")
    check.set_defaults(func=cmd_kb_check)
    imp = kb_sub.add_parser("import", parents=[common],
                            help="official records -> the shipped national catalogue (KNOWLEDGE/national/*.jsonl)")
    imp.add_argument("files", nargs="*", metavar="FILE", help=f"official files (default: every file in {NATIONAL_FILES})")
    imp.add_argument("--out", metavar="DIR", help="default: KNOWLEDGE/national (KNOWLEDGE/imported with --yaml)")
    imp.add_argument("--yaml", action="store_true",
                     help="write every record, one YAML file per source file and group, for staff to read and curate")
    imp.set_defaults(func=cmd_kb_import)
    portal = kb_sub.add_parser("portal", parents=[common],
                               help="real citizens' portal questions -> phrasings of today's records + a held-out set")
    portal.add_argument("file", nargs="?", default=PORTAL_FAQ)
    portal.add_argument("--eval-out", default="eval/portal_questions.tsv")
    portal.set_defaults(func=cmd_kb_portal)
    ld = sub.add_parser("load", parents=[common], help="load or fuzz the real bot through the fake Bot API; prints figures")
    ld.add_argument("--users", type=int, default=500)
    ld.add_argument("--messages", type=int, default=10, help="per user")
    ld.add_argument("--think", type=float, default=29.0, help="seconds between one user's messages")
    ld.add_argument("--instances", type=int, default=1, help="2: webhook instances behind a round-robin proxy")
    ld.add_argument("--kill-one", action="store_true", help="SIGTERM the first instance at 40%% of the load")
    ld.add_argument("--fuzz", type=int, default=0, metavar="N", help="N hostile updates instead of the load")
    ld.add_argument("--rate", type=float, default=100.0, help="fuzz updates per second")
    ld.set_defaults(func=cmd_load)

    dbp = sub.add_parser("db", help="database tools")
    db_sub = dbp.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="migrate the database (DATABASE_URL) to this release's schema"
                      ).set_defaults(func=cmd_db_upgrade)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        settings = get_settings()
        if settings.telegram_bot_token:
            from bot.telegram.app import run

            return run(_knowledge(args), settings)
        args.lang = "vi"
        return cmd_chat(args)
    try:
        return int(func(args) or 0)
    except BrokenPipeError:  # `python -m bot ask ... | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
