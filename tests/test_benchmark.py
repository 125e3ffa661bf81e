"""`python -m bot bench` on the small fixture catalogue: every figure is measured and printed (no timing
thresholds: this machine's speed is not what is tested)."""

import json
from pathlib import Path

from bot import benchmark
from bot.catalogue import load_catalogue

FIXTURE = Path(__file__).parent / "data" / "knowledge"


def test_padding_writes_valid_national_records(tmp_path: Path):
    cat, problems = load_catalogue(FIXTURE)
    assert cat is not None, problems
    size = len(cat.procedures) + 25
    padded = benchmark.pad_knowledge(FIXTURE, tmp_path / "kb", size, cat.procedures)
    lines = (padded / "national" / benchmark.SYNTHETIC_FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 25 and all(json.loads(line)["imported_from"] for line in lines)
    grown, problems = load_catalogue(padded)
    assert grown is not None, problems
    assert len(grown.procedures) == size


def test_the_report_has_every_figure(tmp_path: Path):
    cat, _ = load_catalogue(FIXTURE)
    rep = benchmark.measure(FIXTURE, tmp_path / "no-names.jsonl", n_questions=4, quick=True,
                            large=len(cat.procedures) + 20, sizes=(30,), n_everyday=3, log=lambda s: None)
    for w in (rep.cold, rep.warm, rep.large_cold):
        assert w["build_s"] > 0 and w["build_rss_mb"] > 0 and w["process_s"] > 0
    assert sorted(rep.serve) == [len(cat.procedures), len(cat.procedures) + 20]
    for w in rep.serve.values():
        assert len(w["wall_ms"]) == len(w["cpu_ms"]) == rep.n_questions == 7 and w["rss_mb"] > 0
        assert sum(w["kinds"].values()) == 7
    assert rep.sites and all(size > 0 for _, size, _ in rep.sites) and rep.traced_peak_mb > 0
    assert [r["size"] for r in rep.synthetic] == [30]
    assert len(rep.goals) == 6
    text = benchmark.format_report(rep)
    for heading in ("Cold start", "Per question end to end", "allocation sites", "naive rapidfuzz", "Goals"):
        assert heading in text
    assert text.count("PASS") + text.count("FAIL") == 6
