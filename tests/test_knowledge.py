"""The shipped catalogue: every required procedure, complete, current and sourced."""

import csv
import re
from pathlib import Path

import pytest

from bot.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = list(csv.DictReader((Path(__file__).parent / "data" / "required_procedures.tsv").open(encoding="utf-8"),
                               delimiter="\t"))
FULL_FIELDS = ("summary", "agency", "online", "steps", "documents", "fees", "processing_time", "result",
               "legal_basis", "en")
DISTRICT = re.compile(r"\b(quận|huyện|thị xã)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def catalogue():
    cat, problems = load_catalogue(ROOT / "knowledge")
    assert problems == [], "\n".join(map(str, problems))
    return cat


@pytest.mark.parametrize("row", REQUIRED, ids=[r["id"] for r in REQUIRED])
def test_required_procedure_is_complete(catalogue, row):
    p = catalogue.by_id.get(row["id"])
    assert p is not None, f"missing {row['id']}"
    assert p.group == row["group"]
    for name in FULL_FIELDS:
        assert getattr(p, name), f"{p.id}: {name} is empty"
    assert p.source.startswith("https://") and p.verified_on
    assert len(p.aliases) >= 5, f"{p.id}: only {len(p.aliases)} aliases"
    assert len(p.faq) >= 3, f"{p.id}: only {len(p.faq)} FAQ entries"
    assert p.en and p.en.name and p.en.summary
    text = p.model_dump_json()
    assert not DISTRICT.search(text), f"{p.id} names the abolished district level"


@pytest.mark.parametrize("pid", ["dang-ky-khai-sinh", "dang-ky-ket-hon"])
def test_birth_and_marriage_are_free(catalogue, pid):
    fee = catalogue.by_id[pid].fees[0]
    assert fee.amount_vnd == 0 and "Điều 11" in (fee.note or "")


def test_no_invented_amounts_without_a_source(catalogue):
    # An amount is only written with the official page it comes from; a fee set by the City People's
    # Council carries no amount (the HCMC figure is not in the records).
    for p in catalogue.procedures:
        for fee in p.fees:
            if fee.amount_vnd is None:
                assert fee.note, f"{p.id}: a fee without amount must say why"


def test_the_national_catalogue_is_shipped_and_browsable(catalogue):
    """A fresh clone serves the national records that apply in HCMC, in groups none of which is a dump."""
    imported = [p for p in catalogue.procedures if not p.is_curated]
    assert len(imported) > 4000
    assert all(p.province is None for p in imported)
    group, share = catalogue.largest_group()
    assert share <= 0.25, f"{group} holds {share:.0%} of the served catalogue"
    assert {p.group for p in catalogue.procedures} <= {g.id for g in catalogue.groups}
