from pathlib import Path

import pytest

from bot.catalogue import load_catalogue
from bot.catalogue.official_answers import outdated_terms
from bot.cli import main
from bot.render import render_macro
from tests.catalogue.test_loader import messages
from tests.catalogue.test_loader import write as write_file

URL = "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-cau-hoi.html?id=11451&row_limit=1"
ENTRY = f'''- code: "1.001193"
  q: ["Con tôi sinh ra ở nước ngoài thì đăng ký khai sinh ở đâu?"]
  a: "Tại UBND cấp xã nơi cư trú của cha hoặc mẹ."
  source: "Luật Hộ tịch 2014, Điều 13"
  url: "{URL}"
  verified_on: 2026-12-07
  changed: "Cơ quan nay là UBND cấp xã."
'''


def write(kb: Path, text: str, name: str = "ho-tich.yaml") -> Path:
    return write_file(kb, f"official_answers/{name}", text)


def test_valid_entry_attaches_as_faq(kb_dir: Path):
    write(kb_dir, ENTRY)
    cat, problems = load_catalogue(kb_dir)
    assert problems == []
    faq = cat.by_code["1.001193"].faq[-1]
    assert faq.url == URL and faq.changed and faq.q[0].startswith("Con tôi")
    assert cat.official_orphans == 0


def test_unknown_code_is_counted_not_an_error(kb_dir: Path, capsys):
    write(kb_dir, ENTRY + ENTRY.replace("1.001193", "1.999999"))
    cat, problems = load_catalogue(kb_dir)
    assert problems == [] and cat.official_orphans == 1
    assert main(["kb", "check", "--knowledge", str(kb_dir)]) == 0
    assert "1 official answers for codes not in the catalogue" in capsys.readouterr().out


def test_answers_folder_is_not_read_as_procedures(kb_dir: Path):
    write(kb_dir, ENTRY, "sub.yaml")
    assert load_catalogue(kb_dir)[1] == []


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ('  source: "Luật', '  sourse: "Luật', 5, "unknown field 'sourse' (did you mean 'source'?)"),
        ('code: "1.001193"', 'code: "1.1193"', 2, "code: must be a national procedure code"),
        ('  a: "Tại UBND cấp xã nơi cư trú của cha hoặc mẹ."\n', "", 2, "missing required field 'a'"),
        ('  a: "Tại UBND cấp xã nơi cư trú của cha hoặc mẹ."', '  a: ""', 4, "a: must not be empty"),
        (f'url: "{URL}"', 'url: "http://dichvucong.gov.vn/x"', 6, "url: must be an https:// link"),
        ("verified_on: 2026-12-07", "verified_on: 2026-13-07", 7, "verified_on:"),
        ('q: ["Con tôi sinh ra ở nước ngoài thì đăng ký khai sinh ở đâu?"]', 'q: [""]', 3, "q: must not be empty"),
        ('q: ["Con tôi sinh ra ở nước ngoài thì đăng ký khai sinh ở đâu?"]', "q: []", 3, "q: List should have at least 1"),
    ],
)
def test_bad_entry_names_path_and_line(kb_dir: Path, old, new, line, message):
    assert old in ENTRY
    write(kb_dir, "# header\n" + ENTRY.replace(old, new))
    out = messages(kb_dir)
    assert any(o.startswith(f"knowledge/official_answers/ho-tich.yaml:{line}: {message}") for o in out), out


def test_too_long_answer(kb_dir: Path):
    write(kb_dir, ENTRY.replace("cha hoặc mẹ.", "cha hoặc mẹ." + " x" * 300))
    assert "ho-tich.yaml:3: a: String should have at most 600 characters" in messages(kb_dir)[0]


def test_not_a_list(kb_dir: Path):
    write(kb_dir, "code: '1.001193'\n")
    assert messages(kb_dir) == ["knowledge/official_answers/ho-tich.yaml:1: expected a list of official answers "
                                "(code, q, a, source, url…)"]


@pytest.mark.parametrize(
    "answer",
    [
        "Nộp bản sao sổ hộ khẩu tại UBND cấp xã.",
        "Mang theo Chứng minh nhân dân.",
        "Xuất trình CMND hoặc CCCD.",
        "Nộp tại UBND cấp huyện nơi cư trú.",
        "Nộp tại Uỷ ban nhân dân cấp huyện.",
        "Liên hệ UBND quận/huyện.",
        "Phòng Tư pháp cấp bản sao.",
        "Nộp hồ sơ tại Sở Lao động - Thương binh và Xã hội.",
    ],
)
def test_outdated_terms_named_as_current_fail(kb_dir: Path, answer: str):
    write(kb_dir, ENTRY.replace("Tại UBND cấp xã nơi cư trú của cha hoặc mẹ.", answer))
    out = messages(kb_dir)
    assert len(out) == 1 and out[0].startswith("knowledge/official_answers/ho-tich.yaml:3: a: names "), out


@pytest.mark.parametrize(
    "answer",
    [
        "Sổ hộ khẩu đã bị bãi bỏ từ 1/1/2023; thông tin cư trú nay ở Cơ sở dữ liệu về cư trú.",
        "CMND không còn sử dụng, dùng thẻ căn cước.",
        "Nộp tại UBND cấp xã. Không cần giấy tờ nào khác.",
    ],
)
def test_outdated_terms_said_to_be_gone_pass(answer: str):
    assert outdated_terms(answer) == []


def test_portal_link_shown_under_the_answer(kb_dir: Path):
    write(kb_dir, ENTRY)
    cat, _ = load_catalogue(kb_dir)
    p = cat.by_code["1.001193"]
    html = render_macro("card.j2", "faq", p, p.faq[-1], "vi")
    assert f'<a href="{URL.replace("&", "&amp;")}">' in html
    assert "Câu hỏi và trả lời chính thức" in html and "đã cập nhật" in html
    assert "official question" in render_macro("card.j2", "faq", p, p.faq[-1], "en")
    plain = render_macro("card.j2", "faq", p, p.faq[0], "vi")  # a staff FAQ: no link
    assert "<a href" not in plain
