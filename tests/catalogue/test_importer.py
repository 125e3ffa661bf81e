"""The importer of official procedure records (samples of every format in tests/data/national)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from bot.catalogue import load_catalogue
from bot.catalogue.importer import (
    ImportFormatError,
    clear_amount,
    generalize_agency,
    group_for,
    parse_flat_channels,
    parse_flat_documents,
    parse_flat_legal,
    parse_flat_result,
    run_import,
    split_steps,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "data" / "national"
GROUPS_YAML = ROOT / "knowledge" / "groups.yaml"
GROUP_IDS = {g["id"] for g in yaml.safe_load(GROUPS_YAML.read_text(encoding="utf-8"))}

RAW = SAMPLES / "dichvucong_raw.jsonl"
DETAILS = SAMPLES / "dichvucong_details.jsonl"
CATALOG = SAMPLES / "dichvucong_catalog.jsonl"
KP69_YT = SAMPLES / "kp69_bo_y_te.jsonl"
KP69_CT = SAMPLES / "kp69_bo_cong_thuong.jsonl"
REFERENCE = SAMPLES / "reference_table.csv"
ALL = [RAW, DETAILS, CATALOG, KP69_YT, KP69_CT, REFERENCE]


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """An empty knowledge folder with the real groups."""
    root = tmp_path / "knowledge"
    root.mkdir()
    shutil.copy(GROUPS_YAML, root / "groups.yaml")
    return root


def imported(out: Path) -> dict[str, dict]:
    """Every record written under out, by code (read back as plain YAML)."""
    records = {}
    for path in sorted(out.rglob("*.yaml")):
        for rec in yaml.safe_load(path.read_text(encoding="utf-8")):
            records[rec["code"]] = rec
    return records


def load_ok(kb: Path):
    cat, problems = load_catalogue(kb)
    assert problems == [], "\n".join(map(str, problems))
    return cat


# --- every format --------------------------------------------------------------------------------

# file, format, total, written, province-specific, invalid
EXPECTED = [
    (RAW, "raw", 10, 9, 0, 1),  # 1.014208: the crawled page shows procedure 1.014023
    (DETAILS, "details", 7, 7, 1, 0),  # 1.115336: promulgated by UBND tỉnh Gia Lai (kept, not served)
    (CATALOG, "catalog", 9, 7, 2, 0),  # 2 SPECIFIC to Huế kept, not served; the internal one (between
    # state bodies, Lào Cai) is skipped; HCMC's SPECIFIC one is served; "1.014955-Xoa" counts as abolished
    (KP69_YT, "kp69", 5, 5, 0, 0),
    (KP69_CT, "kp69", 5, 5, 0, 0),
    (REFERENCE, "reference", 4, 4, 0, 0),
]


@pytest.mark.parametrize(("path", "fmt", "total", "written", "province", "invalid"), EXPECTED,
                         ids=[e[0].name for e in EXPECTED])
def test_each_format_imports_and_loads(kb: Path, path, fmt, total, written, province, invalid):
    report = run_import([path], kb / "imported", GROUP_IDS)
    stats = report.files[0]
    assert (stats.format, stats.total, stats.written, stats.province_specific, stats.invalid) == (
        fmt, total, written, province, invalid)
    assert report.total == total and report.written == written
    assert report.duplicates == 0
    cat = load_ok(kb)
    assert len(cat.procedures) == written - province  # other provinces' procedures are never served
    assert cat.other_province == province
    assert all(p.imported_from == path.name and p.province is None for p in cat.procedures)
    assert all(p.source.startswith("https://") for p in cat.procedures)
    # out_dir/<source stem>/<group>.yaml, each a YAML list
    for f in report.written_files:
        assert f.parent == kb / "imported" / path.stem
        assert f.stem in GROUP_IDS
        assert isinstance(yaml.safe_load(f.read_text(encoding="utf-8")), list)


def test_all_files_together_merge_duplicates(kb: Path):
    report = run_import(ALL, kb / "imported", GROUP_IDS)
    assert report.total == 40
    assert report.province_specific == 3 and report.invalid == 1 and report.abolished == 1
    assert report.internal == 1
    # 1.001193 (details, catalog, reference), 1.000080 (raw, details), 2.001610 (details, catalog),
    # 1.014199 (catalog, reference), 2.000190 (kp69, reference), 1.008435 (kp69, reference)
    assert report.duplicates == 7
    assert report.written == 30
    cat = load_ok(kb)
    assert len(cat.procedures) == 27 and cat.other_province == 3
    # the richer record wins: the structured details record, not the name-only catalogue line
    assert cat.by_code["1.001193"].imported_from == "dichvucong_details.jsonl"
    assert cat.by_code["1.014199"].imported_from == "reference_table.csv"
    line = report.summary()
    assert line.startswith(f"imported 40 records from 6 file(s) into {kb / 'imported'}: ")
    assert "25 full, 5 name-only, of which 3 specific to another province" in line and "1 abolished" in line
    assert "1 internal" in line
    assert "1 invalid" in line and "merged 7 duplicate(s)" in line and "groups: " in line
    assert "\n" not in line


def test_curated_card_wins_and_reimport_replaces(kb: Path):
    card = kb / "procedures" / "ho-tich" / "dang-ky-khai-sinh.yaml"
    card.parent.mkdir(parents=True)
    card.write_text('id: dang-ky-khai-sinh\ncode: "1.001193"\nname: Đăng ký khai sinh\ngroup: ho-tich\n'
                    "source: https://dichvucong.gov.vn/x\nverified_on: 2026-11-25\n", encoding="utf-8")
    run_import([DETAILS], kb / "imported", GROUP_IDS)
    first = sorted(p.name for p in (kb / "imported").rglob("*.yaml"))
    run_import([DETAILS], kb / "imported", GROUP_IDS)  # again: same files, no duplicate ids
    assert sorted(p.name for p in (kb / "imported").rglob("*.yaml")) == first
    cat = load_ok(kb)
    assert cat.by_code["1.001193"].id == "dang-ky-khai-sinh"
    assert cat.shadowed == 1


def test_written_yaml_is_in_catalogue_style(kb: Path):
    report = run_import([DETAILS], kb / "imported", GROUP_IDS)
    text = (kb / "imported" / "dichvucong_details" / "ho-tich.yaml").read_text(encoding="utf-8")
    assert "code: '1.001193'" in text  # quoted: never the float 1.001193
    assert "verified_on: 2026-07-18\n" in text  # the crawl date carried by the record
    assert "Đăng ký khai sinh" in text  # UTF-8, not \u escapes
    assert report.written_files


# --- mapping rules ---------------------------------------------------------------------------------


def test_raw_record_fields(kb: Path):
    run_import([RAW], kb / "imported", GROUP_IDS)
    recs = imported(kb / "imported")
    r = recs["1.000178"]
    assert r["id"] == "tthc-1-000178"
    assert r["verified_on"].isoformat() == "2026-07-01"
    assert r["source"] == "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bf7-4fc1-768b-9ba3-94be4bca58ee"
    assert r["agency"] == "Thanh tra Bộ"
    assert [s.split(":")[0] for s in r["steps"]] == [f"Bước {i}" for i in range(1, len(r["steps"]) + 1)]
    assert len(r["steps"]) >= 5
    assert "Quyết định giải quyết khiếu nại (1 bản chính)" in r["documents"]
    assert r["result"] == "Quyết định giải quyết khiếu nại lần 1, lần 2"  # "Mã: KQ…", "Từ khóa…" cut
    assert r["legal_basis"][0].startswith("68/2013/TT-BCA – Hướng dẫn xử lý khiếu nại")
    assert "02/2011/QH13 – Luật Khiếu nại năm 2011" in r["legal_basis"]
    assert r["processing_time"].startswith("Dịch vụ bưu chính: 60 ngày làm việc; Trực tiếp: 60 ngày làm việc\n")
    assert "không quá 30 ngày" in r["processing_time"]  # the description is kept too
    assert r["online"] == {"level": "truc-tiep", "url": r["source"]}  # channels, none online
    assert "fees" not in r  # "Không có thông tin"
    assert r["conditions"].startswith("Đảm bảo đúng quy định")


def test_channel_fees_and_times_from_flattened_table(kb: Path):
    run_import([RAW], kb / "imported", GROUP_IDS)
    recs = imported(kb / "imported")
    r = recs["1.004002"]  # "Trực tuyến2 Ngày làm việc70,000 VNĐ(70.000 đồng/Giấy chứng nhận)…"
    assert r["processing_time"] == ("Trực tuyến: 2 ngày làm việc; Dịch vụ bưu chính: 2 ngày làm việc; "
                                    "Trực tiếp: 2 ngày làm việc")
    assert [(f["channel"], f["amount_vnd"]) for f in r["fees"]] == [
        ("online", 70000), ("buu-chinh", 70000), ("truc-tiep", 70000)]
    assert r["fees"][0]["note"] == "70,000 VNĐ (70.000 đồng/Giấy chứng nhận)"
    assert r["online"]["level"] == "mot-phan"
    # "Miễn phí(Không)" is free; "Miễn phí" with a fee schedule in brackets is not one clear amount
    assert {f["amount_vnd"] for f in recs["1.009661"]["fees"]} == {0}
    assert all("amount_vnd" not in f and "8.000.000/lần" in f["note"] for f in recs["3.000340"]["fees"])
    # a time without unit glued to an amount ("Trực tuyến1100 VNĐ"): text kept, no amount, no time
    glued = recs["2.002009"]
    assert "processing_time" not in glued
    assert all("amount_vnd" not in f and "100.000 đồng/lần" in f["note"] for f in glued["fees"])
    # the crawl's other province in the agency: dropped, flagged
    assert recs["2.002516"]["agency"].endswith("Sở Tư pháp")
    assert recs["2.002516"]["unverified"] == ["agency"]


def test_parse_flat_channels_example():
    kept = __import__("collections").Counter()
    rows = parse_flat_channels(
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp3 ThángLệ phí : 100.000 Đồng"
        "\nTrực tuyến1Miễn phí(Không thu)Dịch vụ bưu chính1Miễn phí(Mức thu do HĐND tỉnh quyết định)", kept)
    assert [(r.channel, r.time) for r in rows] == [
        ("truc-tiep", "3 tháng"), ("online", "1 (không ghi đơn vị)"), ("buu-chinh", "1 (không ghi đơn vị)")]
    fees = [f for r in rows for f in r.fees]
    assert fees[0] == {"label": "Lệ phí (trực tiếp)", "amount_vnd": 100000, "note": "100.000 Đồng",
                       "channel": "truc-tiep"}
    assert fees[1]["amount_vnd"] == 0 and fees[1]["note"] == "Miễn phí (Không thu)"
    assert "amount_vnd" not in fees[2] and "HĐND" in fees[2]["note"]


def test_details_record_fees_times_and_groups(kb: Path):
    run_import([DETAILS], kb / "imported", GROUP_IDS)
    recs = imported(kb / "imported")
    ks = recs["1.001193"]
    assert ks["name"] == "Đăng ký khai sinh"  # "Thủ tục " dropped
    assert ks["group"] == "ho-tich"
    assert ks["source"] == "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7"
    assert [f["amount_vnd"] for f in ks["fees"]] == [0, 0, 0]
    assert ks["processing_time"].endswith("Theo trường hợp hồ sơ: 1 ngày làm việc")
    assert ks["result"] == "Giấy khai sinh"
    assert any(x.startswith("87/2020/NĐ-CP – ") for x in ks["legal_basis"])
    # value_vnd 0 with "do Hội đồng nhân dân … quyết định": no national amount, the rule is the note
    hdnd = recs["1.000080"]["fees"]
    assert all("amount_vnd" not in f and "Hội đồng nhân dân" in f["note"] for f in hdnd)
    # 20 for a consular fee is no amount in đồng: left unset, the value kept in the note
    consular = recs["1.000736"]["fees"][0]
    assert "amount_vnd" not in consular and "giá trị ghi trong hồ sơ: 20" in consular["note"]
    # no category: the name decides ("Đăng ký thường trú", "Đăng ký thành lập doanh nghiệp tư nhân")
    assert recs["1.004222"]["group"] == "cu-tru"
    assert recs["2.001610"]["group"] == "kinh-te"
    assert recs["1.115336"]["province"].startswith("UBND tỉnh Gia Lai")  # kept, marked, never served


def test_catalog_records_are_name_only(kb: Path):
    report = run_import([CATALOG], kb / "imported", GROUP_IDS)
    recs = imported(kb / "imported")
    assert set(recs) == {"1.014036", "1.001210", "1.014199", "2.001610", "1.001193", "3.000616", "1.013294"}
    for code, rec in recs.items():
        # the portal's list names the field of activity, who files and the agency: no steps, documents, fees
        assert not {"steps", "documents", "fees"} & set(rec)
        assert {"id", "code", "name", "group", "source", "verified_on", "imported_from"} <= set(rec)
        assert ("province" in rec) == (code in {"3.000616", "1.013294"})
    assert recs["1.014036"]["source"] == "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019dbd4d-78d5-7307-8a51-23ce55bbf908"
    assert recs["1.001210"]["group"] == "ho-tich"
    assert report.name_only == 7 and report.full == 0 and report.province_specific == 2 and report.internal == 1


def test_kp69_records(kb: Path):
    run_import([KP69_YT, KP69_CT], kb / "imported", GROUP_IDS)
    recs = imported(kb / "imported")
    r = recs["1.001138"]
    assert r["verified_on"].isoformat() == "2025-12-01"
    assert [s[:6] for s in r["steps"]] == ["Bước 1", "Bước 2", "Bước 3"]
    assert r["processing_time"] == "Trực tiếp: 30 ngày làm việc"
    assert r["online"]["level"] == "truc-tiep"
    assert r["legal_basis"][0] == "Luật 11/2008/QH12-Hoạt động chữ thập đỏ"
    cfs = recs["1.013838"]
    assert cfs["group"] == "an-toan-thuc-pham"
    assert {(f["label"], f["amount_vnd"]) for f in cfs["fees"]} == {
        ("Phí (trực tiếp)", 500000), ("Phí (trực tuyến)", 500000), ("Phí (dịch vụ bưu chính)", 500000)}
    assert cfs["online"] == {"level": "mot-phan", "url": cfs["source"]}
    # "Sở Y tế tỉnh Đồng Nai": a national procedure crawled from one province's page
    assert recs["1.013872"]["agency"] == "Sở Y tế" and recs["1.013872"]["unverified"] == ["agency"]
    no_url = [r for r in recs.values() if "ma_thu_tuc=" in r["source"] and r["source"].endswith(r["code"])]
    assert len(no_url) == 1  # the one record without url gets the portal link by code
    tobacco = recs["2.000176"]
    assert len(tobacco["fees"]) == 6 and all("amount_vnd" not in f for f in tobacco["fees"])


def test_reference_table(kb: Path):
    run_import([REFERENCE], kb / "imported", GROUP_IDS)
    recs = imported(kb / "imported")
    assert recs["1.001193"]["group"] == "ho-tich" and recs["1.001193"]["fees"][0]["amount_vnd"] == 0
    assert recs["1.008435"]["fees"][0]["amount_vnd"] == 11250000
    assert recs["1.008435"]["group"] == "an-toan-thuc-pham"  # "ATTP"
    assert "amount_vnd" not in recs["2.000190"]["fees"][0]  # two amounts: kept as text
    assert recs["1.014199"]["unverified"] == ["agency", "processing_time", "fees", "legal_basis"]
    assert recs["1.014199"]["verified_on"].isoformat() == "2026-11-25"
    text = (kb / "imported" / "reference_table" / "kinh-te.yaml").read_text(encoding="utf-8")
    assert "# note (reference_table.csv): not in 2026-07 catalog snapshot" in text


# --- helpers ---------------------------------------------------------------------------------------


def test_split_steps():
    assert split_steps("Bước 1: Nộp hồ sơ. Bước 2: Nhận kết quả.") == ["Bước 1: Nộp hồ sơ.", "Bước 2: Nhận kết quả."]
    assert split_steps("- Nộp hồ sơ\ntiếp theo dòng\n+ Nhận kết quả") == ["Nộp hồ sơ\ntiếp theo dòng", "Nhận kết quả"]
    assert split_steps("Không có thông tin") == []


def test_flat_documents_legal_and_result():
    from collections import Counter

    docs = parse_flat_documents("--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị (Mẫu 01).Mẫu 01.docx1 bản chính"
                                "Bản sao giấy phép0 bản chính,1 bản sao", Counter())
    assert docs == ["Đơn đề nghị (Mẫu 01). (1 bản chính)", "Bản sao giấy phép (1 bản sao)"]
    legal = parse_flat_legal("Tên văn bản pháp lýMã văn bảnNghị định 137/2020/NĐ-CP137/2020/NĐ-CP"
                             "Luật Khiếu nại năm 201102/2011/QH13", Counter())
    assert legal == ["Nghị định 137/2020/NĐ-CP", "02/2011/QH13 – Luật Khiếu nại năm 2011"]
    assert parse_flat_result("Giấy phépMã: KQ.G01.000144Từ khóaKhông có thông tinMô tảKhông có thông tin"
                             "Chọn cơ quan thực hiện") == "Giấy phép"


def test_clear_amount():
    assert clear_amount("Lệ phí : 100.000 Đồng") == 100000
    assert clear_amount("", free=True) == 0
    assert clear_amount("Không thu lệ phí", free=True) == 0
    assert clear_amount("Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định", free=True) is None
    assert clear_amount("150.000 đồng/lần", stated=150) is None  # a cell in thousands
    assert clear_amount("(áp dụng mức phí 400.000 đồng/hồ sơ kể từ ngày 01/7/2025)", stated=800000) is None
    assert clear_amount("10 USD/bản") is None
    assert clear_amount("8.000 đ/văn bản; 2.000 đ/trang") is None


def test_group_keyword_table():
    assert group_for("Đăng ký, quản lý cư trú", None, GROUP_IDS) == "cu-tru"
    assert group_for("Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)", None, GROUP_IDS) == "kinh-te"
    assert group_for("Bảo hiểm thất nghiệp", None, GROUP_IDS) == "lao-dong"
    assert group_for("Kinh doanh bất động sản", None, GROUP_IDS) == "dat-dai-xay-dung"
    assert group_for("Nuôi con nuôi", None, GROUP_IDS) == "ho-tich"
    assert group_for("kinh tế", None, GROUP_IDS) == "kinh-te"  # the reference table's own words
    assert group_for("Hải quan", "Khai hải quan", GROUP_IDS) == "khac"
    assert group_for("Quản lý chất lượng nông lâm sản", "Kiểm tra an toàn thực phẩm", GROUP_IDS) == (
        "an-toan-thuc-pham")


def test_generalize_agency():
    assert generalize_agency("Sở Tư pháp Thành phố Hà Nội") == ("Sở Tư pháp", True)
    assert generalize_agency("UBND cấp xã - tỉnh Quảng Trị") == ("UBND cấp xã", True)
    assert generalize_agency("Sở Xây dựng - TP.HCM") == ("Sở Xây dựng - TP.HCM", False)
    assert generalize_agency("Ủy ban nhân dân cấp tỉnh") == ("Ủy ban nhân dân cấp tỉnh", False)


# --- errors ----------------------------------------------------------------------------------------


def test_format_is_detected_from_content_not_name(kb: Path, tmp_path: Path):
    disguised = tmp_path / "export.txt"
    shutil.copy(KP69_YT, disguised)
    report = run_import([disguised], kb / "imported", GROUP_IDS)
    assert report.files[0].format == "kp69" and report.written == 5


@pytest.mark.parametrize(("content", "reason"), [
    ('{"foo": 1, "bar": 2}\n', "unknown format"),
    ("a,b\n1,2\n", "unknown format"),
    ("just some words\n", "neither JSON nor a CSV table"),
    ("", "empty"),
    ("[1, 2, 3]", "without records"),
])
def test_unknown_format_is_a_clear_error(kb: Path, tmp_path: Path, content: str, reason: str):
    bad = tmp_path / "dichvucong_raw.jsonl"  # the name does not make it a raw file
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFormatError) as err:
        run_import([RAW, bad], kb / "imported", GROUP_IDS)
    assert err.value.file == bad
    assert str(err.value).startswith(f"{bad}: ") and reason in str(err.value)
    assert not (kb / "imported").exists()  # nothing written when one file cannot be read


def test_binary_and_missing_files(kb: Path, tmp_path: Path):
    binary = tmp_path / "x.jsonl"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(ImportFormatError, match="not UTF-8"):
        run_import([binary], kb / "imported", GROUP_IDS)
    with pytest.raises(ImportFormatError, match="cannot read"):
        run_import([tmp_path / "missing.jsonl"], kb / "imported", GROUP_IDS)


def test_bad_lines_are_counted_not_fatal(kb: Path, tmp_path: Path):
    lines = RAW.read_text(encoding="utf-8").splitlines()[:2]
    rec = json.loads(lines[1])
    rec["ma_thu_tuc"] = "1.2"
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join([lines[0], "{not json", json.dumps(rec, ensure_ascii=False)]) + "\n", encoding="utf-8")
    report = run_import([mixed], kb / "imported", GROUP_IDS)
    assert (report.total, report.written, report.invalid) == (3, 1, 2)
    load_ok(kb)


def test_national_jsonl_is_what_hcmc_is_served(kb: Path):
    """The shipped form: one record a line, one code once, sorted, no other province's own procedures."""
    shutil.copy(ROOT / "knowledge" / "group_fields.yaml", kb / "group_fields.yaml")
    from bot.catalogue.loader import Problem, load_group_fields

    problems: list[Problem] = []
    fields = load_group_fields(kb, GROUP_IDS, problems)
    assert problems == [] and fields["ho tich"] == "ho-tich"
    report = run_import(ALL, kb / "national", GROUP_IDS, output="jsonl", field_groups=fields)
    files = sorted((kb / "national").glob("*.jsonl"))
    assert files and not list((kb / "national").rglob("*.yaml"))
    codes = []
    for f in files:
        lines = f.read_text(encoding="utf-8").splitlines()
        recs = [json.loads(line) for line in lines]
        assert all(r["group"] == f.stem and "province" not in r for r in recs)
        keys = [tuple(int(x) for x in r["code"].split(".")) for r in recs]
        assert keys == sorted(keys)
        codes += [r["code"] for r in recs]
    assert len(codes) == len(set(codes)) == report.written
    cat = load_ok(kb)
    assert len(cat.procedures) == report.written
    # the portal's list tells the field and who files; the detail page the steps: the merge keeps both
    khai_sinh = cat.by_code["1.001193"]
    assert khai_sinh.steps and khai_sinh.field


def test_jsonl_errors_point_at_their_line(kb: Path):
    folder = kb / "national"
    folder.mkdir()
    good = {"id": "tthc-1-001193", "code": "1.001193", "name": "Đăng ký khai sinh", "group": "ho-tich",
            "source": "https://dichvucong.gov.vn/x", "verified_on": "2026-07-01", "imported_from": "x.jsonl"}
    lines = [json.dumps(good), "{not json", json.dumps({**good, "code": "1.2", "id": "tthc-b"}),
             json.dumps({**good, "fess": 1, "id": "tthc-c", "code": "1.001194"})]
    (folder / "ho-tich.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cat, problems = load_catalogue(kb)
    assert cat is None
    shown = [str(p) for p in problems]
    assert any(s.startswith("knowledge/national/ho-tich.jsonl:2: not a JSON object") for s in shown)
    assert any(s.startswith("knowledge/national/ho-tich.jsonl:3: code:") for s in shown)
    assert any(s.startswith("knowledge/national/ho-tich.jsonl:4: unknown field 'fess'") for s in shown)


def test_group_fields_errors(kb: Path):
    from bot.catalogue.loader import Problem, load_group_fields

    (kb / "group_fields.yaml").write_text(
        "- group: ho-tich\n  fields: [Hộ tịch]\n- group: ho-tic\n  fields: [Quốc tịch]\n"
        "- group: cu-tru\n  fields: [Hộ tịch]\n", encoding="utf-8")
    problems: list[Problem] = []
    load_group_fields(kb, GROUP_IDS, problems)
    shown = [str(p) for p in problems]
    assert "knowledge/group_fields.yaml:3: unknown group 'ho-tic' (did you mean 'ho-tich'?)" in shown
    assert "knowledge/group_fields.yaml:6: field 'Hộ tịch' is already in group 'ho-tich'" in shown
