import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.catalogue import load_catalogue
from bot.catalogue.watch import (
    Citation,
    Replacement,
    card_citations,
    freshness,
    load_replacements,
    watch,
    watch_knowledge,
)

ROOT = Path(__file__).resolve().parents[2]
AFTER = dt.date(2026, 12, 7)

DECREE = Replacement("Nghị định 175/2024/NĐ-CP", "Nghị định 217/2026/NĐ-CP", dt.date(2026, 7, 1))
LAW = Replacement("Luật Xây dựng số 50/2014/QH13", "Luật Xây dựng số 135/2025/QH15", dt.date(2026, 7, 1),
                  also=("Luật Xây dựng 2014",))

LIST = """\
- old: Nghị định 175/2024/NĐ-CP
  new: Nghị định 217/2026/NĐ-CP
  from: 2026-07-01
  note: test
"""

CARD = """\
id: xin-phep-xay-nha
code: "1.013225"
name: Cấp giấy phép xây dựng
group: khac
legal_basis:
  - Luật Hộ tịch 2014
  - Nghị định số 175/2024/NĐ-CP quy định chi tiết Luật Xây dựng
faq:
  - q: [xin phép xây nhà cần gì]
    a: Đơn theo Mẫu số 1.
    source: NĐ 175/2024, Điều 53
source: https://dichvucong.gov.vn/thu-tuc-hanh-chinh/175-2024
verified_on: 2026-06-01
"""


def run(args: list[str], kb: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(KNOWLEDGE_DIR=str(kb), DATA_DIR=str(kb.parent / "data"), PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env,
                          cwd=str(kb.parent), timeout=120)


@pytest.mark.parametrize("text", [
    "Nghị định 175/2024/NĐ-CP",
    "Nghị định số 175/2024/NĐ-CP, Điều 53",
    "NĐ 175/2024",
    "Decree 175/2024/ND-CP",
    "nghi dinh 175 / 2024 / nd - cp",
    "Nghị định 175/2024/NĐ–CP",  # en dash
    "Nghi\u0323 đi\u0323nh 175/2024/NĐ-CP",  # decomposed accents
])
def test_instrument_numbers_match_in_any_spelling(text):
    assert DECREE.cites_old(text)


@pytest.mark.parametrize("text", [
    "Nghị định 1175/2024/NĐ-CP",
    "Nghị định 175/2025/NĐ-CP",
    "Thông tư 175/2024/TT-BTC",
    "Nghị định 17/2024/NĐ-CP",
])
def test_other_instruments_do_not_match(text):
    assert not DECREE.cites_old(text)


def test_names_without_number_and_law_numbers():
    assert LAW.cites_old("Luật Xây dựng 2014, Điều 89 khoản 2")
    assert LAW.cites_old("Luật Xây dựng 50/2014/QH13 (sửa đổi 2020), Điều 90")
    assert not LAW.cites_old("Thông tư 50/2014/TT-BTC")
    assert not LAW.cites_old("Luật Xây dựng 2025, Điều 43")


def test_watch_is_pure_and_dated():
    cites = [
        Citation("k/a.yaml", 3, "a", "legal_basis[0]", "Nghị định 175/2024/NĐ-CP"),
        Citation("k/a.yaml", 9, "a", "faq[0].a", "Nghị định 217/2026/NĐ-CP thay thế Nghị định 175/2024/NĐ-CP"),
        Citation("k/a.yaml", 12, "a", "summary", "Luật Hộ tịch 2014"),
    ]
    out = watch(cites, [DECREE, LAW], today=AFTER)
    assert [str(w) for w in out] == [
        "k/a.yaml:3: cites Nghị định 175/2024/NĐ-CP, replaced by Nghị định 217/2026/NĐ-CP from 2026-07-01"
    ]
    assert watch(cites, [DECREE], today=dt.date(2026, 6, 30)) == []  # not yet replaced


def test_kb_check_warns_with_path_and_line(kb_dir: Path):
    (kb_dir / "replaced_instruments.yaml").write_text(LIST, encoding="utf-8")
    card = kb_dir / "procedures" / "khac" / "xin-phep-xay-nha.yaml"
    card.parent.mkdir(parents=True, exist_ok=True)
    card.write_text(CARD, encoding="utf-8")
    out = run(["kb", "check"], kb_dir)
    assert out.returncode == 0, out.stdout + out.stderr  # warnings never change the exit code
    rel = "knowledge/procedures/khac/xin-phep-xay-nha.yaml"
    tail = "cites Nghị định 175/2024/NĐ-CP, replaced by Nghị định 217/2026/NĐ-CP from 2026-07-01"
    assert f"{rel}:7: {tail}" in out.stdout  # legal_basis item
    assert f"{rel}:11: {tail}" in out.stdout  # faq source
    assert f"{rel}:12:" not in out.stdout  # the card's own link is not a citation
    assert "OK:" in out.stdout and "2 line(s) cite a replaced legal instrument" in out.stdout


def test_no_list_no_warnings(kb_dir: Path):
    cat, problems = load_catalogue(kb_dir)
    assert problems == []
    assert watch_knowledge(kb_dir, cat) == ([], [])


def test_the_list_itself_is_checked_with_path_and_line(kb_dir: Path):
    (kb_dir / "replaced_instruments.yaml").write_text(
        LIST
        + "- old: Nghị định 175/2024/NĐ-CP\n  new: Nghị định 217/2026/NĐ-CP\n  from: 2026-07-01\n"
        + "- old: Luật mới\n  new: Luật mới hơn\n  from: 2026-07-01\n"
        + "- old: Thông tư 1/2020/TT-BTC\n  new: Thông tư 2/2026/TT-BTC\n  form: 2026-07-01\n"
        + "- old: Thông tư 3/2020/TT-BTC\n  new: Thông tư 4/2026/TT-BTC\n  from: 2026-13-01\n",
        encoding="utf-8",
    )
    _, problems = load_replacements(kb_dir)
    text = "\n".join(map(str, problems))
    assert "knowledge/replaced_instruments.yaml:5: duplicate old instrument" in text
    assert "knowledge/replaced_instruments.yaml:8: old: give the instrument's number" in text
    assert "knowledge/replaced_instruments.yaml:13: unknown field 'form'" in text
    assert "knowledge/replaced_instruments.yaml:16: start:" in text or "knowledge/replaced_instruments.yaml:16: from:" in text
    out = run(["kb", "check"], kb_dir)
    assert out.returncode == 1 and "knowledge/replaced_instruments.yaml:13:" in out.stdout


def test_the_list_is_not_read_as_a_procedure(kb_dir: Path):
    (kb_dir / "replaced_instruments.yaml").write_text(LIST, encoding="utf-8")
    cat, problems = load_catalogue(kb_dir)
    assert problems == [] and cat is not None


def test_citations_carry_field_and_line(kb_dir: Path):
    card = kb_dir / "procedures" / "khac" / "xin-phep-xay-nha.yaml"
    card.parent.mkdir(parents=True, exist_ok=True)
    card.write_text(CARD, encoding="utf-8")
    cat, _ = load_catalogue(kb_dir)
    mine = {(c.field, c.line) for c in card_citations(kb_dir, cat) if c.card == "xin-phep-xay-nha"}
    assert ("legal_basis[1]", 7) in mine and ("faq[0].source", 11) in mine and ("faq[0].a", 10) in mine
    assert not any(f.startswith(("faq[0].q", "source", "code")) for f, _ in mine)


def test_freshness_oldest_first(kb_dir: Path):
    card = kb_dir / "procedures" / "khac" / "xin-phep-xay-nha.yaml"
    card.parent.mkdir(parents=True, exist_ok=True)
    card.write_text(CARD.replace("2026-06-01", "2020-01-01"), encoding="utf-8")
    cat, _ = load_catalogue(kb_dir)
    rows = freshness(cat, today=AFTER)
    assert rows[0].id == "xin-phep-xay-nha" and rows[0].age_days == (AFTER - dt.date(2020, 1, 1)).days
    assert [r.verified_on for r in rows] == sorted(r.verified_on for r in rows)
    assert rows[0].path.endswith("xin-phep-xay-nha.yaml") and rows[0].line == 1


def test_staff_report_lists_card_ages_and_warnings(kb_dir: Path, tmp_path: Path):
    from bot.staff import report
    from db.repo import Store

    (kb_dir / "replaced_instruments.yaml").write_text(LIST, encoding="utf-8")
    card = kb_dir / "procedures" / "khac" / "xin-phep-xay-nha.yaml"
    card.parent.mkdir(parents=True, exist_ok=True)
    card.write_text(CARD, encoding="utf-8")
    cat, _ = load_catalogue(kb_dir)
    store = Store(f"sqlite:///{tmp_path / 'r.db'}", b"salt")
    now = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
    page = report.build(store, cat, days=7, now=now, knowledge=kb_dir)
    assert "Thẻ thủ tục theo ngày kiểm tra" in page and "01/06/2026" in page
    assert "knowledge/procedures/khac/xin-phep-xay-nha.yaml:7" in page
    assert "Nghị định 217/2026/NĐ-CP" in page
    assert "Chưa kiểm tra" in report.build(store, cat, days=7, now=now)  # no folder given: no warnings
