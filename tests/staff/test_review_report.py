import os
import subprocess
import sys
from pathlib import Path

import yaml

from bot.catalogue import load_or_raise
from bot.staff.changes import changed_procedures, notice

ROOT = Path(__file__).resolve().parents[2]


def run(args, kb, data, stdin=""):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(KNOWLEDGE_DIR=str(kb), DATA_DIR=str(data), PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True, env=env,
                          cwd=str(data.parent), timeout=120)


def chat_then(command, chat, kb_dir, tmp_path):
    """Questions asked in the terminal chat, then a staff command writing its file: the file's text."""
    data = tmp_path / "data"
    run(["chat"], kb_dir, data, stdin=chat)
    out = tmp_path / f"{command}.out"
    done = run([command, "--out", str(out)], kb_dir, data)
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8")


def test_review_lists_unanswered_without_phone_numbers(kb_dir, tmp_path):
    text = chat_then("review", "thời tiết hôm nay gọi 0912345678\nđăng ký kết hôn\nthời tiết hôm nay gọi 0912345678\n",
                     kb_dir, tmp_path)
    assert "0912345678" not in text
    entries = yaml.safe_load(text)
    questions = [q for e in entries for q in e["questions"]]
    assert any(q["text"].startswith("thời tiết hôm nay") and q["count"] == 2 and q["kind"] == "none" for q in questions)
    assert not any("kết hôn" in q["text"] for q in questions)  # answered questions are not for review


def test_report_is_a_self_contained_page_with_charts(kb_dir, tmp_path):
    page = chat_then("report", "đăng ký kết hôn\nkhai sinh\ngiá vàng hôm nay\n", kb_dir, tmp_path)
    assert page.count("<svg") >= 4
    assert 'src="http' not in page and 'href="http' not in page and "<link" not in page  # nothing to fetch
    assert "<script" not in page


def test_change_notice_names_what_changed(kb_dir):
    old = load_or_raise(kb_dir)
    path = kb_dir / "procedures" / "ho-tich" / "ho-tich.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("amount_vnd: 200000", "amount_vnd: 250000"), encoding="utf-8")
    new = load_or_raise(kb_dir)
    changes = changed_procedures(old, new)
    assert changes == {"ly-lich-tu-phap": ["fees"]}
    text = notice(old.by_id["ly-lich-tu-phap"], new.by_id["ly-lich-tu-phap"], ["fees"], "en")
    assert "fees" in text and "250,000 VND" in text and "200,000 VND" in text
