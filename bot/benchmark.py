"""`python -m bot bench`: what a restart and a question cost on the whole shipped catalogue, plus the
matcher alone beside a naive rapidfuzz scan on synthetic catalogues.

One run prints:

1. Cold start: `bot.engine.build(root, settings)` in a fresh `python -c` subprocess on the knowledge
   folder as shipped (curated cards, national records, portal phrasings, lexicon), once with an empty
   data dir (no index cache) and once more on the same data dir (cache warm), with each subprocess's peak
   RSS (`resource.getrusage(...).ru_maxrss`).
2. Per question end to end, what `python -m bot ask` does (`Dialogue.ask`: match, Q&A choice, jinja2
   reply, then the reply's text): wall-clock and CPU ms per question, p50 / p95 / mean, on the shipped
   catalogue and on it padded to 30,000 procedures with synthetic national-like records (real records
   renamed with variants, written as `national/synthetic.jsonl` in a temporary copy of the folder). Each
   size is served by a fresh subprocess built from the warm cache, warmed up on other questions first.
   Questions: a fixed, seeded mix of a few words of real names (accents stripped, typos) and everyday
   questions written here (with and without accents, a few in English).
3. Peak memory serving the shipped catalogue (the subprocess of 2: warm cache + every question), and
   tracemalloc's top allocation sites of building the matcher on it, so one sees where memory goes.
4. Optionally (`--synthetic`, on by default) the matcher alone at 300 / 3,000 / 30,000 synthetic
   procedures beside `rapidfuzz.process.extract(q, names, scorer=WRatio)`: a hit is a first result with
   the right official name (any of its variants: three to seven words of a name seldom say which variant
   was meant). Build time and peak memory come from separate builds.

Goals (PASS / FAIL printed beside the figures): cold start <= 3 s, per question end to end <= 3 ms at
30,000 procedures, peak memory serving the shipped catalogue <= 250 MB.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import json
import linecache
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.catalogue.lexicon import Lexicon
from bot.catalogue.schema import Procedure
from bot.matching.index import SearchIndex
from bot.matching.matcher import search
from bot.matching.normalize import Synonyms, fold

DEFAULT_NAMES = Path("../shared/data/national/dichvucong_catalog.jsonl")
SIZES = (300, 3000, 30000)
LARGE = 30000
VARIANTS = ("", " (trường hợp có yếu tố nước ngoài)", " tại cấp xã", " tại cấp tỉnh", " đối với tổ chức",
            " đối với cá nhân", " (cấp lại)", " (điều chỉnh)")
SYNTHETIC_FILE = "synthetic.jsonl"

GOAL_COLD_S = 3.0
GOAL_QUESTION_MS = 3.0
GOAL_PEAK_MB = 250.0

# Everyday questions as citizens type them: accents or none, chatty, short, a few in English.
EVERYDAY = (
    "làm giấy khai sinh cho con cần giấy tờ gì",
    "lam giay khai sinh cho be o dau",
    "đăng ký kết hôn mất bao lâu",
    "dang ky ket hon voi nguoi nuoc ngoai can nhung gi",
    "xin trích lục khai tử cho ông nội",
    "cấp lại giấy khai sinh bị mất",
    "thủ tục nhận cha cho con ngoài giá thú",
    "làm căn cước công dân cho con 14 tuổi",
    "doi cccd het han o dau",
    "đăng ký thường trú cho vợ về nhà chồng",
    "dang ky tam tru cho nguoi thue tro",
    "khai báo tạm vắng thế nào",
    "xin giấy phép xây dựng nhà ở riêng lẻ",
    "xin phep xay nha 3 tang can gi",
    "sang tên sổ đỏ cho con mất bao nhiêu tiền",
    "cap so hong lan dau",
    "tách thửa đất thổ cư",
    "đăng ký thế chấp quyền sử dụng đất ở ngân hàng",
    "thành lập công ty tnhh một thành viên",
    "dang ky ho kinh doanh ca the",
    "tạm ngừng kinh doanh hộ cá thể bao lâu",
    "thay đổi người đại diện theo pháp luật của công ty",
    "giải thể doanh nghiệp cần những gì",
    "giấy chứng nhận an toàn thực phẩm cho quán ăn",
    "xin giay phep ban ruou",
    "đổi bằng lái xe ô tô hết hạn",
    "doi giay phep lai xe quoc te",
    "cấp lại bằng lái xe máy bị mất",
    "đăng ký xe máy mới mua",
    "hưởng trợ cấp thất nghiệp cần gì",
    "lanh bao hiem xa hoi mot lan",
    "cấp lại sổ bảo hiểm xã hội",
    "giấy phép lao động cho người nước ngoài",
    "chứng thực bản sao giấy tờ ở phường",
    "chung thuc chu ky",
    "xin lý lịch tư pháp số 2",
    "ly lich tu phap online",
    "cấp hộ chiếu phổ thông lần đầu",
    "xác nhận tình trạng hôn nhân để mua nhà",
    "đăng ký khai tử cho người mất ở bệnh viện",
    "ho so nhap hoc lop 1 trai tuyen",
    "công nhận văn bằng nước ngoài",
    "xin phép tổ chức lễ hội ở phường",
    "mức phí đăng ký khai sinh là bao nhiêu",
    "nộp hồ sơ trực tuyến ở đâu",
    "How do I register my baby's birth?",
    "how to get a marriage certificate with a Vietnamese citizen",
    "work permit for foreigners in Ho Chi Minh City",
    "renew my driving licence",
    "register temporary residence for a foreigner",
)


# --- catalogues and questions -------------------------------------------------------------------------

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
    """A few words of real names, accents stripped, one or two typos, with the id they were drawn from."""
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


def question_mix(procs: list[Procedure], n_names: int, n_everyday: int = len(EVERYDAY),
                 seed: int = 7) -> list[str]:
    """The fixed, seeded mix timed end to end: name fragments and everyday questions, shuffled."""
    mixed = [q for q, _ in questions(procs, n_names, seed)] + list(EVERYDAY[:n_everyday])
    random.Random(seed).shuffle(mixed)
    return mixed


def pad_knowledge(root: Path, dest: Path, size: int, procs: list[Procedure]) -> Path:
    """A copy of the knowledge folder at `dest` padded to `size` procedures with national-like records:
    real records (national ones when there are any) under their name plus a variant, new id and code."""
    shutil.copytree(root, dest)
    base = [p for p in procs if not p.is_curated] or list(procs)
    missing = size - len(procs)
    (dest / "national").mkdir(exist_ok=True)
    taken = {p.name for p in procs}
    n = 0
    with (dest / "national" / SYNTHETIC_FILE).open("w", encoding="utf-8") as fh:
        for rnd in itertools.count():
            for variant in VARIANTS[1:]:
                for p in base:
                    if n >= missing:
                        return dest
                    name = p.name + variant + (f" ({rnd + 1})" if rnd else "")
                    if name in taken:
                        continue
                    taken.add(name)
                    rec = p.model_dump(mode="json", exclude_none=True,
                                       exclude={"faq", "en", "aliases", "unverified", "province"})
                    rec.update(id=f"synth-{n:06d}", code=f"99.{n:06d}", name=name, imported_from=SYNTHETIC_FILE)
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    n += 1
    return dest


# --- subprocess worker ----------------------------------------------------------------------------------

# Runs in a fresh interpreter: build the engine (time it), optionally answer questions as `ask` does,
# print one JSON line. ru_maxrss is in KiB on Linux.
WORKER = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from pathlib import Path
from bot.engine import build
from bot.settings import Settings
t1 = time.perf_counter()
root, data_dir, qfile = sys.argv[1], sys.argv[2], sys.argv[3]
loaded = build(Path(root), Settings(data_dir=Path(data_dir), knowledge_dir=Path(root)))
t2 = time.perf_counter()
out = {"import_s": t1 - t0, "build_s": t2 - t1, "procedures": len(loaded.catalogue.procedures),
       "build_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
if qfile:
    with open(qfile, encoding="utf-8") as fh:
        qs = json.load(fh)
    dialogue = loaded.dialogue
    for q in qs["warmup"]:
        dialogue.ask(q)[1].text()
    wall, cpu, kinds = [], [], {}
    for q in qs["timed"]:
        c, t = time.process_time(), time.perf_counter()
        match, reply = dialogue.ask(q)
        reply.text()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        kinds[match.kind] = kinds.get(match.kind, 0) + 1
    out.update(wall_ms=wall, cpu_ms=cpu, kinds=kinds)
out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def run_worker(root: Path, data_dir: Path, timed: list[str] | None = None,
               warmup: list[str] | None = None) -> dict:
    """A fresh `python -c` subprocess: build (from the cache in `data_dir` if it is warm), answer `timed`
    after `warmup`, report times and peak RSS. Adds `process_s`, the whole subprocess wall-clock."""
    qfile = ""
    with tempfile.TemporaryDirectory(prefix="bench-q-") as tmp:
        if timed is not None:
            qfile = str(Path(tmp) / "questions.json")
            Path(qfile).write_text(json.dumps({"timed": timed, "warmup": warmup or []}, ensure_ascii=False),
                                   encoding="utf-8")
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", WORKER, str(root), str(data_dir), qfile],
                              capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - t
    if done.returncode != 0:
        raise RuntimeError(f"bench subprocess failed:\n{done.stderr[-3000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["process_s"] = elapsed
    return out


# --- measurements ---------------------------------------------------------------------------------------

def _percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * len(samples)))]


def summary(samples: list[float]) -> dict[str, float]:
    p50, p95 = _percentiles(samples)
    return {"p50": p50, "p95": p95, "mean": statistics.fmean(samples)}


def cold_start(root: Path, data_dir: Path) -> tuple[dict, dict]:
    """(no cache, cache warm): two fresh subprocesses on the same, initially empty, data dir."""
    return run_worker(root, data_dir), run_worker(root, data_dir)


def allocation_sites(cat, top: int = 10) -> tuple[list[tuple[str, int, int]], int, int]:
    """Building the matcher under tracemalloc: top sites of memory still held after the build, by
    file:line, as (site, bytes, blocks); with the total held and the peak during the build."""
    from bot.matching import Matcher

    gc.collect()
    tracemalloc.start()
    matcher = Matcher(cat)
    snap = tracemalloc.take_snapshot()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del matcher
    here = str(Path(__file__).resolve().parent.parent) + os.sep
    sites = []
    for stat in snap.statistics("lineno")[:top]:
        frame = stat.traceback[0]
        name = frame.filename.removeprefix(here)
        if "site-packages" in name:
            name = name.split("site-packages" + os.sep, 1)[1]
        code = linecache.getline(frame.filename, frame.lineno).strip()
        sites.append((f"{name}:{frame.lineno}  {code}", stat.size, stat.count))
    return sites, current, peak


def synthetic_rows(names: list[str], n_questions: int, lexicon: Lexicon, sizes=SIZES) -> list[dict]:
    """The matcher alone beside a naive rapidfuzz scan on synthetic catalogues of `sizes`."""
    rows = []
    for size in sizes:
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
        del index
        rows.append({"size": len(procs), "engine": summary(engine_t), "naive": summary(naive_t),
                     "hit_engine": engine_hits / len(qs), "hit_naive": naive_hits / len(qs),
                     "build_s": build, "peak_mb": peak / 2**20})
    return rows


@dataclass
class Report:
    procedures: int = 0
    load_s: float = 0.0
    n_questions: int = 0
    n_everyday: int = 0
    cold: dict = field(default_factory=dict)
    warm: dict = field(default_factory=dict)
    serve: dict[int, dict] = field(default_factory=dict)  # size -> worker output (warm cache + questions)
    large_cold: dict = field(default_factory=dict)
    sites: list[tuple[str, int, int]] = field(default_factory=list)
    traced_mb: float = 0.0
    traced_peak_mb: float = 0.0
    synthetic: list[dict] = field(default_factory=list)
    names_from: str = ""
    goals: list[tuple[str, str, bool]] = field(default_factory=list)  # (goal, figure, passed)


def measure(knowledge: Path = Path("knowledge"), names_path: Path = DEFAULT_NAMES, n_questions: int = 300,
            synthetic: bool = True, quick: bool = False, large: int = LARGE, sizes=SIZES,
            n_everyday: int | None = None, log=print) -> Report:
    from bot.catalogue import load_catalogue

    knowledge = Path(knowledge).resolve()
    rep = Report()
    t = time.perf_counter()
    cat, problems = load_catalogue(knowledge)
    rep.load_s = time.perf_counter() - t
    if cat is None:
        raise RuntimeError("the catalogue has errors: " + "; ".join(map(str, problems[:5])))
    procs = cat.procedures
    rep.procedures = len(procs)
    if n_everyday is None:
        n_everyday = 10 if quick else len(EVERYDAY)
    timed = question_mix(procs, n_questions, n_everyday)
    warmup = question_mix(procs, max(10, n_questions // 5), 10, seed=11)
    rep.n_questions, rep.n_everyday = len(timed), n_everyday

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        tmp = Path(tmp)
        log(f"cold start on {knowledge} ({len(procs)} procedures) ...")
        rep.cold, rep.warm = cold_start(knowledge, tmp / "data")
        log(f"{len(timed)} questions end to end at {len(procs)} ...")
        rep.serve[len(procs)] = run_worker(knowledge, tmp / "data", timed, warmup)
        if large > len(procs):
            log(f"padding to {large} procedures ...")
            padded = pad_knowledge(knowledge, tmp / "padded", large, procs)
            rep.large_cold = run_worker(padded, tmp / "data-large")
            log(f"{len(timed)} questions end to end at {rep.large_cold['procedures']} ...")
            rep.serve[rep.large_cold["procedures"]] = run_worker(padded, tmp / "data-large", timed, warmup)

    log("allocation sites of building the matcher ...")
    rep.sites, current, peak = allocation_sites(cat)
    rep.traced_mb, rep.traced_peak_mb = current / 2**20, peak / 2**20
    lexicon = cat.lexicon
    del cat
    gc.collect()

    if synthetic:
        if names_path.exists():
            names = load_names(names_path)
            rep.names_from = f"{len(names)} distinct official names from {names_path}"
        else:
            names = list(dict.fromkeys(p.name for p in procs))
            rep.names_from = f"{len(names)} distinct names of the shipped catalogue ({names_path} not found)"
        log(f"synthetic catalogues {', '.join(map(str, sizes))} ...")
        rep.synthetic = synthetic_rows(names, max(10, n_questions // 3) if quick else n_questions, lexicon, sizes)

    rep.goals = goals(rep)
    return rep


def goals(rep: Report) -> list[tuple[str, str, bool]]:
    out = []
    for label, w in (("no cache", rep.cold), ("cache warm", rep.warm)):
        out.append((f"cold start <= {GOAL_COLD_S:g} s ({label})", f"engine.build {w['build_s']:.2f} s",
                    w["build_s"] <= GOAL_COLD_S))
    largest = max(rep.serve)
    s = summary(rep.serve[largest]["wall_ms"])
    for stat in ("p50", "p95", "mean"):
        out.append((f"per question end to end <= {GOAL_QUESTION_MS:g} ms at {largest} ({stat})",
                    f"{s[stat]:.2f} ms", s[stat] <= GOAL_QUESTION_MS))
    smallest = min(rep.serve)
    rss = rep.serve[smallest]["rss_mb"]
    out.append((f"peak memory serving {smallest} <= {GOAL_PEAK_MB:g} MB", f"{rss:.0f} MB RSS", rss <= GOAL_PEAK_MB))
    return out


def format_report(rep: Report) -> str:
    lines = [f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores; "
             f"shipped catalogue {rep.procedures} procedures (load_catalogue in this process {rep.load_s:.2f} s)",
             "", "Cold start: engine.build(root, settings) in a fresh subprocess, the whole shipped catalogue"]
    header = f"{'index cache':>12} | {'build s':>7} | {'imports s':>9} | {'process s':>9} | {'peak RSS MB':>11}"
    lines += [header, "-" * len(header)]
    rows = [("none", rep.cold), ("warm", rep.warm)]
    if rep.large_cold:
        rows.append((f"none @{rep.large_cold['procedures']}", rep.large_cold))
    for label, w in rows:
        lines.append(f"{label:>12} | {w['build_s']:>7.2f} | {w['import_s']:>9.2f} | {w['process_s']:>9.2f} | "
                     f"{w['build_rss_mb']:>11.0f}")

    lines += ["", f"Per question end to end (Dialogue.ask + reply text, as `python -m bot ask`), {rep.n_questions} "
              f"questions ({rep.n_questions - rep.n_everyday} name fragments with typos, {rep.n_everyday} everyday ones); "
              "fresh subprocess, warm cache, warmed up"]
    header = (f"{'procedures':>10} | {'wall p50 / p95 / mean ms':>24} | {'CPU p50 / p95 / mean ms':>23} | "
              f"{'build s':>7} | {'peak RSS MB':>11} | kinds")
    lines += [header, "-" * len(header)]
    for size, w in sorted(rep.serve.items()):
        ws, cs = summary(w["wall_ms"]), summary(w["cpu_ms"])
        kinds = " ".join(f"{k} {v}" for k, v in sorted(w["kinds"].items()))
        lines.append(f"{size:>10} | {ws['p50']:>6.2f} / {ws['p95']:>6.2f} / {ws['mean']:>6.2f} | "
                     f"{cs['p50']:>6.2f} / {cs['p95']:>6.2f} / {cs['mean']:>5.2f} | {w['build_s']:>7.2f} | "
                     f"{w['rss_mb']:>11.0f} | {kinds}")

    lines += ["", f"Memory: building the matcher at {rep.procedures} under tracemalloc holds {rep.traced_mb:.0f} MB "
              f"(peak {rep.traced_peak_mb:.0f} MB); top allocation sites still held"]
    header = f"{'MB':>7} | {'blocks':>9} | site (file:line  code)"
    lines += [header, "-" * len(header)]
    for site, size, count in rep.sites:
        lines.append(f"{size / 2**20:>7.1f} | {count:>9} | {site[:90]}")

    if rep.synthetic:
        lines += ["", f"Matcher alone on synthetic catalogues ({rep.names_from}) beside a naive rapidfuzz scan"]
        header = (f"{'size':>7} | {'engine p50/p95 ms':>18} | {'naive p50/p95 ms':>17} | {'speed-up':>8} | "
                  f"{'hit@1 engine/naive':>18} | {'build s':>7} | {'peak MB':>7}")
        lines += [header, "-" * len(header)]
        for r in rep.synthetic:
            e, n = r["engine"], r["naive"]
            lines.append(f"{r['size']:>7} | {e['p50']:>8.2f} / {e['p95']:>7.2f} | {n['p50']:>7.2f} / {n['p95']:>7.2f} | "
                         f"{n['p50'] / e['p50']:>7.1f}x | {r['hit_engine']:>8.2f} / {r['hit_naive']:>7.2f} | "
                         f"{r['build_s']:>7.2f} | {r['peak_mb']:>7.0f}")

    lines += ["", "Goals"]
    for goal, figure, ok in rep.goals:
        lines.append(f"  {'PASS' if ok else 'FAIL'}  {goal}: {figure}")
    return "\n".join(lines)


def run(names_path: Path = DEFAULT_NAMES, n_questions: int = 300, knowledge: Path = Path("knowledge"),
        synthetic: bool = True, quick: bool = False, large: int = LARGE) -> int:
    if quick:
        n_questions = min(n_questions, 40)
    rep = measure(knowledge, names_path, n_questions, synthetic=synthetic, quick=quick, large=large,
                  log=lambda s: print(s, file=sys.stderr, flush=True))
    print(format_report(rep))
    return 0
