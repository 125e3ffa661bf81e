"""Scores must not depend on PYTHONHASHSEED: a sum over a set changes in its last digits with it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Varied questions, taken from the other tests: accents or none, typos, Telex, English, chatter,
# aspects, not-served subjects, siblings, nonsense.
QUESTIONS = [
    "đăng ký kết hôn", "dang ki ket hon", "dang kys ket hon", "lam giay khai sinh cho con", "birth certificate",
    "xin lý lịch tư pháp", "thời tiết hôm nay", "qwertyuiop", "lệ phí đăng ký kết hôn bao nhiêu",
    "bao lâu phải làm khai sinh", "hết bao nhiêu tiền", "cần giấy tờ gì", "nộp online được không",
    "Vợ tôi vừa sinh em bé ở bệnh viện, trong bao nhiêu ngày thì phải đi đăng ký khai sinh cho bé?",
    "xin visa du lịch Nhật Bản", "đăng ký kết hôn để xin visa cho vợ", "thi bằng lái có cần lý lịch tư pháp không",
    "how do I register my baby's birth", "gia hạn visa cho chồng", "làm hộ chiéu cho bé", "có người yêu chưa",
    "I'm in Ho Chi Minh City and need a passport", "đăg ký tạm trú", "chứg thựk bản sao",
    "transferring my land, what taxes apply", "làm căn cuwowsc", "dang huong tro cap that nghiep thi phai lam gi",
    "thành lập côngty", "dangky khaisinh", "xóa đăng ký thế chấp sổ đỏ", "đăng ký tạm trú trực tuyến có rẻ hơn không",
    "xin chào bạn", "cảm ơn nhiều",
    # These differed in the 4th decimal between hash seeds before sums were ordered.
    "Đăng ký thế chấp quyền sử dụng đất", "Xóa đăng ký thế chấp quyền sử dụng đất",
    "xoa dang ky the chapp quyen su dung dat", "thành lập doanh nghiệp", "bao cao tinh hinh su dung lao dong",
]


def _ask(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    run = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--knowledge", str(ROOT / "knowledge")],
                         input="\n".join(QUESTIONS), capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=120, check=True)
    return run.stdout


def test_answers_and_scores_do_not_depend_on_the_hash_seed():
    first, second = _ask("1"), _ask("3")
    assert len(first.splitlines()) == len(QUESTIONS)
    assert first == second
