"""`python -m bot calibrate`: fit the decision (answer / did you mean / I don't know) on labelled questions.

Every labelled set of citizens' questions (`DECIDED`: all of `LABELLED` but the training sets, which teach
only the reranker) is run through the matcher up to the decision;
the candidates' features (`decide.FEATURES`) and whether the first / any of three candidates is right
become the data. Two logistic models and two limits are fitted (`matching.calibration`), then the two
limits are refined against the cost directly (the weights stay as the logistic fits leave them: refining
them on the cost too overfitted it, see `refine`), and a feature whose weight can move 30 % either way
without changing the cost is dropped: every number left matters. The figures printed are
cross-validated (each question decided by a model fitted without its fold); `--write` stores the
average of those five models (`fit_bagged`: far steadier than one fit on everything, whose limits jump
with a question more or less) in `bot/matching/params.json`, with those figures.

Held-out 9 to 18 (`eval/untuned/holdout9_questions.tsv` … `holdout18_…`) are never used here: they stay
measures of questions nobody fitted on (their figures, never their questions, were read to choose between
ways of fitting: eval/README.md says which).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bot import calibrate_rerank
from bot.calibrate_rerank import TRAINING, fold_of, set_weights
from bot.matching import Matcher
from bot.matching import calibration as cal
from bot.matching.decide import FEATURES, features, logit
from bot.matching.params import PARAMS_FILE, DecisionModel, MatchParams, dump_params

ROOT = Path(__file__).resolve().parents[1]
# The labelled questions: dev (a copy of the shared dev set), the held-out sets that were read while
# tuning, the untuned ones that are not the newest, real citizens' portal questions and training sets.
# The training sets (calibrate_rerank.TRAINING) teach the reranker, weighing together as a third of one set.
LABELLED = (
    "tests/data/dev_questions.tsv",
    "eval/holdout_questions.tsv", "eval/holdout2_questions.tsv", "eval/holdout3_questions.tsv",
    "eval/holdout4_questions.tsv", "eval/holdout5_questions.tsv", "eval/holdout6a_questions.tsv",
    "eval/untuned/holdout6b_questions.tsv", "eval/untuned/holdout7_questions.tsv",
    "eval/untuned/holdout8_questions.tsv", "eval/portal_questions.tsv",
    *TRAINING,
)
# The decision is fitted on samples of how citizens ask, not on the training sets: written one question per
# long-tail procedure to teach the ranking, their share of hard questions is not the citizens' mix (fitted
# on them too, the decision answered 8-12 points fewer of the short held-out questions, cross-validated).
DECIDED = tuple(f for f in LABELLED if f not in TRAINING)
FOLDS = 5
L2 = 1.0  # the logistic fits' penalty; cross-validated cost 0.1320 at 0.1, 0.1290 at 1, 0.1350 at 10 (2026-12-07)
STEPS = (0.9, 0.95, 0.98, 0.99, 1.01, 1.02, 1.05, 1.1)  # multipliers tried when refining a limit
SHIFT = 0.3  # a number that can move this much either way without changing the cost is dropped
TOLERANCE = 0.002  # ... "without changing": by less than this share of the questions (cost units)


@dataclass
class Data:
    """One row per labelled question that is not small talk."""

    X: np.ndarray
    top1: np.ndarray
    top3: np.ndarray
    in_scope: np.ndarray
    source: np.ndarray  # which file each question came from
    has: np.ndarray  # the question had candidates at all (without, it gets "I don't know" by rule)
    fold: np.ndarray  # the question's cross-validation fold (calibrate_rerank.fold_of), shared with the reranker

    @property
    def weight(self) -> np.ndarray:
        """Each set weighs as much as any other in the cost (a set is a population: real portal
        questions, short questions, stories...), whatever its size; the training sets weigh as one."""
        return set_weights(self.source)


def read_set(path: Path) -> list[tuple[str, set[str]]]:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [(r["question"], {x.strip() for x in r["expected"].split(",") if x.strip() and x.strip() != "-"})
            for r in rows]


def labelled_questions(matcher: Matcher, files: tuple[str, ...] = LABELLED,
                       root: Path = ROOT) -> list[tuple[str, str, set[str]]]:
    """(set, question, expected) of every labelled question that is not small talk (greetings and thanks
    are answered by rule, never by a card)."""
    return [(name, question, expected) for name in files if (root / name).exists()
            for question, expected in read_set(root / name) if matcher.smalltalk(question) is None]


def collect(matcher: Matcher, files: tuple[str, ...] = DECIDED, root: Path = ROOT, only_fold: int | None = None) -> Data:
    """The decision's data, one row per labelled question (`only_fold`: the questions of that fold only)."""
    rows, top1, top3, in_scope, source, has, fold = [], [], [], [], [], [], []
    for name, question, expected in labelled_questions(matcher, files, root):
        f = fold_of(question, FOLDS)
        if only_fold is not None and f != only_fold:
            continue
        r = matcher.rank(question)
        ok = [bool({h.proc.id, h.proc.code} & expected) for h in r.hits[:3]]
        rows.append(features(r.hits, r.evidence, matcher.index.anchor_full, matcher.params) if r.hits
                    else np.zeros(len(FEATURES)))
        top1.append(bool(ok) and ok[0])
        top3.append(any(ok))
        in_scope.append(bool(expected))
        source.append(name)
        has.append(bool(r.hits))
        fold.append(f)
    return Data(np.array(rows), np.array(top1), np.array(top3), np.array(in_scope), np.array(source), np.array(has),
                np.array(fold))


# --- the model as shipped: raw weights and two thresholds on the linear scores ---------------------


@dataclass(frozen=True)
class Linear:
    """answer when x·w1 >= t1; else choices when x·w3 >= t3; else none."""

    w1: np.ndarray
    t1: float
    w3: np.ndarray
    t3: float

    def decide(self, X: np.ndarray) -> np.ndarray:
        return np.where(X @ self.w1 >= self.t1, cal.ANSWER, np.where(X @ self.w3 >= self.t3, cal.CHOICES, cal.NONE))

    def numbers(self) -> list[tuple[str, int]]:
        return ([("w1", i) for i in range(len(self.w1))] + [("t1", -1)]
                + [("w3", i) for i in range(len(self.w3))] + [("t3", -1)])

    def scaled(self, which: str, i: int, factor: float) -> Linear:
        if which in ("t1", "t3"):
            return replace(self, **{which: getattr(self, which) * factor})
        w = getattr(self, which).copy()
        w[i] *= factor
        return replace(self, **{which: w})


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _sigmoid(t: float) -> float:
    return float(1.0 / (1.0 + np.exp(-t)))


def to_linear(f: cal.Fitted) -> Linear:
    """Fold standardisation and intercepts into raw weights and thresholds."""
    w1, w3 = f.w1 / f.scale, f.w3 / f.scale
    t1 = _logit(f.answer_min) - f.b1 + float(f.w1 @ (f.mean / f.scale))
    t3 = _logit(f.choice_min) - f.b3 + float(f.w3 @ (f.mean / f.scale))
    return Linear(w1, t1, w3, t3)


def decisions(model: Linear, d: Data, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
    """The model's decision per question; "I don't know" where there was no candidate at all."""
    return np.where(d.has[rows], model.decide(d.X[rows]), cal.NONE)


def cost(model: Linear, d: Data, rows: np.ndarray | None = None) -> float:
    idx = slice(None) if rows is None else rows
    each = cal.outcome_cost(decisions(model, d, idx), d.top1[idx], d.top3[idx], d.in_scope[idx])
    return float((each * d.weight[idx]).sum())


def refine(model: Linear, d: Data, rows: np.ndarray, rounds: int = 3) -> Linear:
    """Coordinate descent of the two limits on the cost itself: the logistic fits rank well, the cost
    decides where to cut. Descending every weight too, on a cost shaped like a staircase, overfitted
    where the features are overconfident: on the shipped reranker's (in-sample) features, cross-validated
    cost 0.1333 against 0.1175 for the limits alone (wrong answers 1.7 against 1.2 %, answered right 75.3
    against 75.8 %); out of fold the two are within noise (0.1265 against 0.1290), and a small change of
    data moved the full descent to another corner."""
    best = cost(model, d, rows)
    for _ in range(rounds):
        moved = False
        for which in ("t1", "t3"):
            for step in STEPS:
                trial = model.scaled(which, -1, step)
                c = cost(trial, d, rows)
                if c < best - 1e-9:
                    model, best, moved = trial, c, True
        if not moved:
            break
    return model


def insensitive(model: Linear, d: Data, rows: np.ndarray) -> list[tuple[str, int]]:
    """The numbers a ±SHIFT move of which costs less than TOLERANCE of the questions."""
    base = cost(model, d, rows)
    margin = TOLERANCE * len(d.X[rows])
    weak = []
    for which, i in model.numbers():
        worse = min(cost(model.scaled(which, i, 1 + s), d, rows) for s in (SHIFT, -SHIFT)) - base
        if worse <= margin:
            weak.append((which, i))
    return weak


def fit_model(d: Data, rows: np.ndarray, active: list[int]) -> Linear:
    fit_rows = rows[d.has[rows]]
    X = d.X[fit_rows][:, active]
    f = cal.fit(X, d.top1[fit_rows], d.top3[fit_rows], d.in_scope[fit_rows], L2)
    lin = to_linear(f)
    full = Linear(np.zeros(d.X.shape[1]), lin.t1, np.zeros(d.X.shape[1]), lin.t3)
    full.w1[active], full.w3[active] = lin.w1, lin.w3
    return refine(full, d, rows)


def fit_pruned(d: Data, rows: np.ndarray) -> tuple[Linear, list[int]]:
    """Fit, then while some feature's weights can move 30 % without changing the cost, drop the one
    whose removal costs least (refitting without it) — unless every removal costs more than the
    tolerance. What is left is a model whose every number matters."""
    active = list(range(d.X.shape[1]))
    model = fit_model(d, rows, active)
    margin = TOLERANCE * len(rows)
    while len(active) > 2:
        weak = insensitive(model, d, rows)
        weak_features = [i for i in active if ("w1", i) in weak and ("w3", i) in weak]
        if not weak_features:
            break
        trials = []
        for i in weak_features:
            rest = [j for j in active if j != i]
            m = fit_model(d, rows, rest)
            trials.append((cost(m, d, rows), i, m))
        c, drop, m = min(trials, key=lambda t: t[0])
        if c > cost(model, d, rows) + margin:
            break
        active.remove(drop)
        model = m
    return prune_dead(model, d, rows), active


def fit_bagged(d: Data, k: int = FOLDS) -> Linear:
    """The average of the models fitted without each fold — the ones the cross-validated figures
    measure — then pruned of numbers that decide nothing. A single fit refines limits on a cost shaped
    like a staircase, so a question more or less can move it to another corner; the average of five
    margins (x·w - t) moves far less."""
    models = [fit_pruned(d, np.flatnonzero(d.fold != f))[0] for f in range(k)]
    mean = Linear(np.mean([m.w1 for m in models], axis=0), float(np.mean([m.t1 for m in models])),
                  np.mean([m.w3 for m in models], axis=0), float(np.mean([m.t3 for m in models])))
    return prune_dead(mean, d, np.arange(len(d.X)))


def prune_dead(model: Linear, d: Data, rows: np.ndarray) -> Linear:
    """Zero every weight a 30 % move of which, in either direction, changes no decision: a number that
    decides nothing must not pretend to."""
    base = decisions(model, d, rows)
    changed = True
    while changed:
        changed = False
        for which, i in model.numbers():
            if which in ("t1", "t3") or getattr(model, which)[i] == 0:
                continue
            if any(np.array_equal(decisions(model.scaled(which, i, f), d, rows), base) for f in (1 + SHIFT, 1 - SHIFT)):
                model = model.scaled(which, i, 0.0)
                base = decisions(model, d, rows)
                changed = True
    return model


def figures(decision: np.ndarray, d: Data, rows: np.ndarray | None = None) -> dict[str, float]:
    idx = slice(None) if rows is None else rows
    return cal.summary(decision[idx] if rows is not None else decision, d.top1[idx], d.top3[idx], d.in_scope[idx])


def cross_validated(d: Data, k: int = FOLDS) -> np.ndarray:
    """Each question decided by a model fitted without its fold (`d` itself should come from rerankers
    fitted without each question's fold: `out_of_fold`)."""
    decided = np.zeros(len(d.X), dtype=np.int64)
    for f in range(k):
        held = np.flatnonzero(d.fold == f)
        model, _ = fit_pruned(d, np.flatnonzero(d.fold != f))
        decided[held] = decisions(model, d, held)
    return decided


def out_of_fold(matcher: Matcher, per_fold: list[MatchParams], shipped: MatchParams) -> Data:
    """The decision's data with each question ranked by the reranker fitted without its fold."""
    parts = []
    for f, p in enumerate(per_fold):
        matcher.params = matcher.index.params = p
        parts.append(collect(matcher, only_fold=f))
    matcher.params = matcher.index.params = shipped
    full = collect(matcher)
    # Same questions in the same order: place each fold's rows where that fold's questions are.
    X = full.X.copy()
    top1, top3, has = full.top1.copy(), full.top3.copy(), full.has.copy()
    for f, part in enumerate(parts):
        at = np.flatnonzero(full.fold == f)
        X[at], top1[at], top3[at], has[at] = part.X, part.top1, part.top3, part.has
    return replace(full, X=X, top1=top1, top3=top3, has=has)


def to_params(model: Linear, params: MatchParams) -> MatchParams:
    """The shipped form: only the features the model uses, with their two weights."""
    def r(v: float) -> float:
        return float(v)  # full precision: a limit near 1 moves its linear score a lot per digit

    used = [i for i in range(len(FEATURES)) if model.w1[i] != 0 or model.w3[i] != 0]
    decision = DecisionModel(features=tuple(FEATURES[i] for i in used),
                             w_first=tuple(r(model.w1[i]) for i in used), answer_min=r(_sigmoid(model.t1)),
                             w_three=tuple(r(model.w3[i]) for i in used), choice_min=r(_sigmoid(model.t3)))
    return replace(params, decision=decision)


def from_params(params: MatchParams) -> Linear:
    """The shipped model over every feature (the ones it does not use weigh 0)."""
    d = params.decision
    w1, w3 = np.zeros(len(FEATURES)), np.zeros(len(FEATURES))
    for name, a, b in zip(d.features, d.w_first, d.w_three, strict=True):
        w1[FEATURES.index(name)], w3[FEATURES.index(name)] = a, b
    return Linear(w1, logit(d.answer_min), w3, logit(d.choice_min))


# --- ranking weights ------------------------------------------------------------------------------

# The ranking weights searched, and the values tried (coordinate search from the values in force).
# The first ones only change scoring; the last ones change what is indexed (the index is rebuilt).
RANKING_SEARCH: dict[str, tuple[float, ...]] = {
    "curated_bonus": (0.0, 0.05, 0.1, 0.15, 0.2, 0.25),
    "anchor_bonus": (0.05, 0.1, 0.15),
    "w_name_share": (0.0, 0.05, 0.1),
    "w_situation": (0.6, 0.8, 1.0, 1.2),
    "w_portal": (0.3, 0.5, 0.7, 0.9),
}
INDEXED = ("w_situation", "w_portal")  # weights the index is built with


def ranking_quality(top1: np.ndarray, top3: np.ndarray, source: np.ndarray, rows: np.ndarray) -> float:
    """Macro average over the sets of (top-1 + top-3 / 4): each set is a population of its own, so
    real portal questions weigh as much as any set of short questions."""
    values = []
    for name in sorted(set(source[rows])):
        r = rows[source[rows] == name]
        values.append(top1[r].mean() + top3[r].mean() / 4)
    return float(np.mean(values)) if values else 0.0


def search_ranking(catalogue, params: MatchParams) -> tuple[MatchParams, dict[str, float]]:
    """Coordinate search of RANKING_SEARCH on the in-scope labelled questions; the figure reported for
    the choice is 2-fold cross-validated (chosen on one half, measured on the other)."""
    cache: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    built: dict[tuple, Matcher] = {}

    def evaluate(p: MatchParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        key = tuple(getattr(p, k) for k in RANKING_SEARCH)
        if key not in cache:
            index_key = tuple(getattr(p, k) for k in INDEXED)
            if index_key not in built:
                built.clear()  # one index at a time: memory
                built[index_key] = Matcher(catalogue, p)
            m = built[index_key]
            m.params = m.index.params = p  # scoring weights change without rebuilding
            d = collect(m)
            keep = d.in_scope
            cache[key] = (d.top1[keep], d.top3[keep], d.source[keep])
        return cache[key]

    def best_on(rows_of: callable) -> MatchParams:
        current = params
        for _ in range(1):
            for name, values in RANKING_SEARCH.items():
                scored = []
                for v in values:
                    trial = replace(current, **{name: v})
                    t1, t3, src = evaluate(trial)
                    scored.append((ranking_quality(t1, t3, src, rows_of(len(t1))), -abs(v - getattr(params, name)), v))
                current = replace(current, **{name: max(scored)[2]})
        return current

    n = len(evaluate(params)[0])
    halves = cal.folds(n, 2)
    cv = []
    for k in range(2):
        chosen = best_on(lambda _n, k=k: halves[k])
        t1, t3, src = evaluate(chosen)
        cv.append(ranking_quality(t1, t3, src, halves[1 - k]))
    final = best_on(lambda m: np.arange(m))
    t1, t3, src = evaluate(final)
    figures_ = {"cross_validated_quality": round(float(np.mean(cv)), 4),
                "fitted_quality": round(ranking_quality(t1, t3, src, np.arange(len(t1))), 4),
                "top1_in_scope": round(float(t1.mean()), 4), "top3_in_scope": round(float(t3.mean()), 4)}
    return final, figures_


def fit_reranker(matcher: Matcher) -> tuple[MatchParams, list[MatchParams], dict]:
    """The reranker fitted on the in-scope labelled questions (calibrate_rerank), with its per-fold fits."""
    questions = [(n, q, e) for n, q, e in labelled_questions(matcher) if e]
    print(f"reranker: {len(questions)} in-scope labelled questions")
    data = calibrate_rerank.collect_ranking(matcher, questions, FOLDS)
    phrasings = calibrate_rerank.collect_phrasings(matcher, FOLDS)
    print(f"  and {len(phrasings.rows)} portal phrasings, each ranked by an index built without its fold")
    return calibrate_rerank.fit(data + phrasings, matcher.params, FOLDS)


def run(matcher: Matcher, write: bool = False, out: Path = PARAMS_FILE, ranking: bool = False) -> int:
    ranking_figures: dict[str, float] = {}
    if ranking:
        params, ranking_figures = search_ranking(matcher.catalogue, matcher.params)
        print("ranking weights: " + ", ".join(f"{k} {getattr(params, k)}" for k in RANKING_SEARCH))
        print("ranking quality (macro over sets of top-1 + top-3/4): " + ", ".join(
            f"{k} {v}" for k, v in ranking_figures.items()))
        matcher = Matcher(matcher.catalogue, params)
    shipped, per_fold, rerank_figures = fit_reranker(matcher)
    d_oof = out_of_fold(matcher, per_fold, shipped)
    d = collect(matcher)  # ranked by the shipped reranker: what the shipped decision is fitted on
    print(f"{len(d.X)} labelled questions ({int(d.in_scope.sum())} in scope) from {len(set(d.source))} sets")
    cv = cross_validated(d_oof)
    print(f"cross-validated ({FOLDS} folds):")
    header = f"{'set':<40} {'answered right':>15} {'top-1':>7} {'top-3':>7} {'rejected':>9} {'conf. wrong':>12}"
    print(header)
    report: dict[str, dict[str, float]] = {}
    for name in ["all", *LABELLED]:
        rows = None if name == "all" else np.flatnonzero(d.source == name)
        if rows is not None and not len(rows):
            continue
        f = figures(cv, d_oof, rows)
        report[name] = {k: round(v, 4) for k, v in f.items()}
        print(f"{name:<40} {f['answered_right']:>15.1%} {f['top1']:>7.1%} {f['top3']:>7.1%} "
              f"{f['rejected']:>9.1%} {f['confident_wrong']:>12.1%}")
    each = cal.outcome_cost(cv, d_oof.top1, d_oof.top3, d_oof.in_scope)
    report["all"]["cost"] = round(float((each * d_oof.weight).sum() / d_oof.weight.sum()), 4)
    print(f"cross-validated cost per question (the fit's objective, sets weighed as fitted): {report['all']['cost']:.4f}")
    model = fit_bagged(d)
    kept = [FEATURES[i] for i in range(len(FEATURES)) if model.w1[i] != 0 or model.w3[i] != 0]
    print("features kept:", ", ".join(kept))
    fitted = figures(decisions(model, d), d)
    print("fitted on everything (not a measure): " + ", ".join(f"{k} {v:.1%}" for k, v in fitted.items()))
    if write:
        params = to_params(model, matcher.params)
        out.write_text(dump_params(params, {"cross_validated": report, "questions": len(d.X),
                                            "features_kept": kept, "ranking": ranking_figures,
                                            "rerank": rerank_figures}), encoding="utf-8")
        print(f"wrote {out}")
    return 0


