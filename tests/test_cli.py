"""The command-line contract, run as a citizen or a check would: `python -m bot ...` in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], kb: Path, stdin: str = "", tmp: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(KNOWLEDGE_DIR=str(kb), DATA_DIR=str((tmp or kb.parent) / "data"), PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=str(tmp or kb.parent), timeout=120)


def test_kb_check_ok_and_errors(kb_dir: Path):
    ok = run(["kb", "check"], kb_dir)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("OK: ") and "ho-tich" in ok.stdout
    (kb_dir / "procedures" / "ho-tich" / "broken.yaml").write_text("id: [x\n", encoding="utf-8")
    bad = run(["kb", "check"], kb_dir)
    assert bad.returncode == 1
    assert "procedures/ho-tich/broken.yaml:" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr


def test_ask_json_contract(kb_dir: Path):
    out = run(["ask", "--json", "đăng ký kết hôn", "thời tiết sài gòn"], kb_dir)
    assert out.returncode == 0, out.stderr
    first, second = (json.loads(line) for line in out.stdout.splitlines())
    assert set(first) == {"query", "kind", "aspect", "matches", "closest", "reply"}
    assert first["kind"] == "answer" and first["matches"][0]["id"] == "dang-ky-ket-hon"
    assert first["matches"][0]["code"] == "1.000894" and isinstance(first["matches"][0]["score"], float)
    assert "Đăng ký kết hôn" in first["reply"]
    assert second["kind"] == "none" and "1022" in second["reply"]
    assert second["matches"] == [] and first["closest"] == []  # "none" offers nothing; near misses apart


def test_ask_reads_stdin_and_top(kb_dir: Path):
    out = run(["ask", "--json", "--top", "1"], kb_dir, stdin="lệ phí kết hôn bao nhiêu\n\nkhai sinh\n")
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["query"] for r in rows] == ["lệ phí kết hôn bao nhiêu", "khai sinh"]
    assert rows[0]["aspect"] == "fees" and "Miễn" in rows[0]["reply"]
    assert all(len(r["matches"]) <= 1 for r in rows)


def test_chat_replies_and_exits_at_end_of_input(kb_dir: Path, tmp_path: Path):
    out = run(["chat"], kb_dir, stdin="đăng ký kết hôn\n<b>hi</b> 🎉\n", tmp=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Đăng ký kết hôn" in out.stdout and "1022" in out.stdout
    # the questions were stored: in SQLite under DATA_DIR unless DATABASE_URL names another database
    assert os.environ.get("DATABASE_URL") or (tmp_path / "data" / "bot.sqlite3").exists()


def test_broken_catalogue_gives_a_clear_message(kb_dir: Path):
    (kb_dir / "procedures" / "ho-tich" / "broken.yaml").write_text("name: ''\n", encoding="utf-8")
    out = run(["ask", "khai sinh"], kb_dir)
    assert out.returncode == 1 and "kb check" in out.stderr and "Traceback" not in out.stderr


def test_ask_points_elsewhere_for_a_subject_not_served(kb_dir: Path):
    out = run(["ask", "--json", "xin visa đi Hàn Quốc"], kb_dir)
    row = json.loads(out.stdout)
    assert row["kind"] == "none" and "đại sứ quán" in row["reply"] and "1022" in row["reply"]


def test_a_national_record_answers_with_its_link_and_says_what_it_is(tmp_path: Path):
    """Issue 11's example, on the shipped catalogue with the shipped parameters: the national record is the
    answer (not a list), with its official page and the notice that the city's staff have not checked it."""
    out = run(["ask", "--json", "muốn làm hướng dẫn viên du lịch nội địa thì xin thẻ ở đâu"], ROOT / "knowledge",
              tmp=tmp_path)
    assert out.returncode == 0, out.stderr
    reply = json.loads(out.stdout)
    assert reply["kind"] == "answer" and reply["matches"][0]["code"] == "1.004623"
    assert "Hồ sơ thủ tục quốc gia" in reply["reply"] and "dichvucong.gov.vn/thu-tuc-hanh-chinh/" in reply["reply"]
