"""`python -m bot bench`: speed and memory of the matcher beside a naive rapidfuzz scan.

Catalogues of 300, 3,000 and 30,000 procedures are built from the real national names (the portal's
catalogue, ~5,700 names) plus variants (the same name for another case, level or subject, as the
national list really has), and questions are drawn from them the way citizens type: a few words of
the name, accents stripped, one or two typos. Both engines answer the same questions in the same run.
A hit is a first result with the right official name (any of its variants: three to seven words of a
name seldom say which variant was meant). Build time and peak memory come from separate builds.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import random
import statistics
import time
import tracemalloc
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.catalogue.lexicon import Lexicon, load_lexicon
from bot.catalogue.schema import Procedure
from bot.matching.index import SearchIndex
from bot.matching.matcher import search
from bot.matching.normalize import Synonyms, fold

DEFAULT_NAMES = Path("../shared/data/national/dichvucong_catalog.jsonl")
SIZES = (300, 3000, 30000)
VARIANTS = ("", " (trường hợp có yếu tố nước ngoài)", " tại cấp xã", " tại cấp tỉnh", " đối với tổ chức",
            " đối với cá nhân", " (cấp lại)", " (điều chỉnh)")


def load_names(path: Path) -> list[str]:
    names = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            name = json.loads(line).get("name")
            if name:
                names.append(" ".join(str(name).split()))
    return list(dict.fromkeys(names))


def catalogue(names: list[str], size: int) -> list[Procedure]:
    out: list[Procedure] = []
    today = dt.date(2026, 11, 25)
    for variant in VARIANTS:
        for name in names:
            if len(out) >= size:
                return out
            i = len(out)
            out.append(Procedure(id=f"b{i}", code=f"9.{i:06d}", name=name + variant, group="khac",
                                 source="https://dichvucong.gov.vn/x", verified_on=today))
    return out


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(("drop", "swap", "double"))
    if op == "drop":
        return word[:i] + word[i + 1:]
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i] + word[i:]


def questions(procs: list[Procedure], n: int, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for p in rng.sample(procs, min(n, len(procs))):
        words = p.name.removeprefix("Thủ tục ").split()
        k = min(len(words), rng.randint(3, 7))
        start = rng.randrange(0, len(words) - k + 1)
        chosen = [fold(w.lower()) for w in words[start:start + k]]
        for _ in range(rng.randint(1, 2)):
            j = rng.randrange(len(chosen))
            chosen[j] = _typo(chosen[j], rng)
        out.append((" ".join(chosen), p.id))
    return out


def _percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * len(samples)))]


def run(names_path: Path = DEFAULT_NAMES, n_questions: int = 200, knowledge: Path = Path("knowledge")) -> int:
    names = load_names(names_path)
    problems: list = []
    lexicon: Lexicon = load_lexicon(knowledge, problems)  # the word lists the bot itself matches with
    for p in problems:
        print(p)
    print(f"{len(names)} distinct official names from {names_path}; {n_questions} questions per size")
    header = (f"{'size':>7} | {'engine p50/p95 ms':>18} | {'naive p50/p95 ms':>17} | {'speed-up':>8} | "
              f"{'hit@1 engine/naive':>18} | {'build s':>7} | {'peak MB':>7}")
    print(header)
    print("-" * len(header))
    for size in SIZES:
        procs = catalogue(names, size)
        qs = questions(procs, n_questions)
        base = {p.id: i % len(names) for i, p in enumerate(procs)}  # variants share their official name
        gc.collect()
        tracemalloc.start()  # memory is measured on its own build: tracing slows allocation down
        SearchIndex(procs, Synonyms({}, lexicon.skippable), lexicon)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        gc.collect()
        t0 = time.perf_counter()
        index = SearchIndex(procs, Synonyms({}, lexicon.skippable), lexicon)
        build = time.perf_counter() - t0

        engine_t, engine_hits = [], 0
        for q, want in qs:
            t = time.perf_counter()
            _, hits = search(index, q, limit=3)
            engine_t.append((time.perf_counter() - t) * 1000)
            engine_hits += bool(hits) and base[hits[0].proc.id] == base[want]

        plain = [p.name for p in procs]
        naive_t, naive_hits = [], 0
        for q, want in qs:
            t = time.perf_counter()
            best = process.extract(q, plain, scorer=fuzz.WRatio, limit=3)
            naive_t.append((time.perf_counter() - t) * 1000)
            naive_hits += bool(best) and base[procs[best[0][2]].id] == base[want]

        e50, e95 = _percentiles(engine_t)
        n50, n95 = _percentiles(naive_t)
        print(f"{size:>7} | {e50:>8.2f} / {e95:>7.2f} | {n50:>7.2f} / {n95:>7.2f} | {n50 / e50:>7.1f}x | "
              f"{engine_hits / len(qs):>8.2f} / {naive_hits / len(qs):>7.2f} | {build:>7.2f} | {peak / 2**20:>7.0f}")
    return 0
