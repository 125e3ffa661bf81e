from pathlib import Path

from bot.catalogue import load_catalogue


def write(kb: Path, rel: str, text: str) -> Path:
    path = kb / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def messages(kb: Path) -> list[str]:
    cat, problems = load_catalogue(kb)
    assert cat is None
    return [str(p) for p in problems]


def test_sample_catalogue_loads(kb_dir: Path):
    cat, problems = load_catalogue(kb_dir)
    assert problems == []
    assert {"dang-ky-khai-sinh", "dang-ky-ket-hon"} <= set(cat.by_id)
    assert cat.by_id["dang-ky-khai-sinh"].fees[0].amount_vnd == 0
    assert "khac 1" in cat.summary_line()


def test_syntax_error_names_file_and_line(kb_dir: Path):
    write(kb_dir, "procedures/ho-tich/bad.yaml", "id: x\ncode: '1.000001'\nname: [unclosed\n")
    out = messages(kb_dir)
    assert len(out) == 1
    assert out[0].startswith("knowledge/procedures/ho-tich/bad.yaml:")
    line = int(out[0].split(":")[1])
    assert line >= 3
    assert "YAML syntax error" in out[0]


def test_empty_name_reported_on_its_line(kb_dir: Path):
    write(kb_dir, "procedures/ho-tich/x.yaml",
          'id: x\ncode: "1.000002"\nname: ""\ngroup: ho-tich\nsource: https://dichvucong.gov.vn/a\n'
          "verified_on: 2026-11-25\n")
    assert messages(kb_dir) == ["knowledge/procedures/ho-tich/x.yaml:3: name: must not be empty"]


def test_every_problem_at_once(kb_dir: Path):
    write(kb_dir, "procedures/ho-tich/y.yaml",
          'id: Bad_Id\ncode: 1.2\nname: Y\ngroup: hotich\nfess: []\nsource: http://x\nverified_on: 2026-13-01\n'
          "name: again\n")
    out = "\n".join(messages(kb_dir))
    assert "y.yaml:8: duplicate key 'name' (first at line 3)" in out
    assert "y.yaml:1: id: must be a slug" in out
    assert "y.yaml:2: code:" in out
    assert "y.yaml:5: unknown field 'fess' (did you mean 'fees'?)" in out
    assert "y.yaml:6: source: must be an https:// link" in out
    assert "y.yaml:7: verified_on:" in out


def test_unknown_group_and_duplicate_id(kb_dir: Path):
    base = 'code: "1.000003"\nname: Z\nsource: https://dichvucong.gov.vn/a\nverified_on: 2026-11-25\n'
    write(kb_dir, "procedures/ho-tich/z.yaml", "id: z\ngroup: hotich\n" + base)
    write(kb_dir, "procedures/ho-tich/z2.yaml", "id: dang-ky-ket-hon\ngroup: ho-tich\n" + base)
    out = messages(kb_dir)
    assert "knowledge/procedures/ho-tich/z.yaml:2: unknown group 'hotich' (did you mean 'ho-tich'?)" in out
    assert any(m.startswith("knowledge/procedures/ho-tich/z2.yaml:1: duplicate id 'dang-ky-ket-hon'") for m in out)


def test_nested_unknown_key_in_a_list(kb_dir: Path):
    write(kb_dir, "procedures/ho-tich/w.yaml",
          'id: w\ncode: "1.000004"\nname: W\ngroup: ho-tich\nsource: https://dichvucong.gov.vn/a\n'
          "verified_on: 2026-11-25\nfees:\n  - label: A\n    amount: 5\nfaq:\n  - q: [x]\n    a: ''\n    source: Luật\n")
    out = messages(kb_dir)
    assert "knowledge/procedures/ho-tich/w.yaml:9: unknown field 'amount' (did you mean 'amount_vnd'?)" in out
    assert "knowledge/procedures/ho-tich/w.yaml:12: faq.0.a: must not be empty" in out


def test_curated_wins_over_imported_same_code(kb_dir: Path):
    write(kb_dir, "imported/x.yaml",
          '- id: tthc-1-000894\n  code: "1.000894"\n  name: Thủ tục đăng ký kết hôn\n  group: ho-tich\n'
          "  source: https://dichvucong.gov.vn/a\n  verified_on: 2026-07-01\n  imported_from: raw.jsonl\n"
          '- id: tthc-1-000999\n  code: "1.000999"\n  name: Another\n  group: khac\n'
          "  source: https://dichvucong.gov.vn/a\n  verified_on: 2026-07-01\n  imported_from: raw.jsonl\n")
    cat, problems = load_catalogue(kb_dir)
    assert problems == []
    assert "tthc-1-000894" not in cat.by_id and "tthc-1-000999" in cat.by_id
    assert cat.by_code["1.000894"].id == "dang-ky-ket-hon"
    assert cat.shadowed == 1


def test_not_utf8_and_missing_folder(kb_dir: Path, tmp_path: Path):
    (kb_dir / "procedures" / "ho-tich" / "latin.yaml").write_bytes("name: Đ".encode("utf-16"))
    assert any("not UTF-8" in m for m in messages(kb_dir))
    cat, problems = load_catalogue(tmp_path / "nowhere")
    assert cat is None and "not found" in str(problems[0])


def test_not_served_subjects_load_and_are_validated(kb_dir: Path):
    cat, problems = load_catalogue(kb_dir)
    assert problems == [] and cat.not_served[0].words == ["visa", "thị thực"]
    write(kb_dir, "not_served.yaml", "- topic: Ly hôn\n  topic_en: Divorce\n  words: []\n  where: Tòa án\n")
    out = messages(kb_dir)
    assert "knowledge/not_served.yaml:3: words: give at least one non-empty phrase" in out
    assert any(m.startswith("knowledge/not_served.yaml:1:") and "where_en" in m for m in out)


def test_lexicon_loads_with_the_catalogue(kb_dir: Path):
    cat, problems = load_catalogue(kb_dir)
    assert problems == []
    lex = cat.lexicon
    assert "hoc mon" in lex.places and lex.shorthand["ko"] == "không"
    assert "không" in lex.stop_accented and "how" in lex.en_markers and "how" in lex.en_stop
    assert any(c.startswith("re:") for c in lex.aspect_cues["fees"])
    assert "xin chao" in lex.smalltalk["greeting"]
    assert "lam mat" in lex.facet_cues["reissue"] and "cap lai" in lex.facet_names["reissue"]


def test_an_unknown_facet_names_file_and_line(kb_dir: Path):
    write(kb_dir, "lexicon/facets.yaml", "reissue:\n  - lam mat\nrenewal:\n  - gia han\nstop_name:\n  - chấm dứt\n")
    out = messages(kb_dir)
    assert any(m.startswith("knowledge/lexicon/facets.yaml:3: unknown list 'renewal'") for m in out)
    assert "knowledge/lexicon/facets.yaml:6: stop_name: 'chấm dứt': write it without accents" in out


def test_lexicon_problems_name_file_and_line(kb_dir: Path):
    write(kb_dir, "lexicon/places.yaml", "places:\n  - hoc mon\n  - Hóc Môn\n  - hoc mon\n  -\ntowns: [a]\n")
    write(kb_dir, "lexicon/aspect_cues.yaml", "fees:\n  - le phi\n  - 're:bao (nhieu'\ncolour:\n  - red\n")
    write(kb_dir, "lexicon/stopwords.yaml", "english:\n  - 'the'\n  - no\nvietnamese: và\n")
    write(kb_dir, "lexicon/shorthand.yaml", "ko: không\nđc:\n")
    write(kb_dir, "lexicon/extra.yaml", "a: b\n")
    out = messages(kb_dir)
    assert "knowledge/lexicon/places.yaml:3: places: 'Hóc Môn': write it in lower case" in out
    assert "knowledge/lexicon/places.yaml:4: places: duplicate entry 'hoc mon' (first at line 2)" in out
    assert "knowledge/lexicon/places.yaml:5: places: empty entry" in out
    assert any(m.startswith("knowledge/lexicon/places.yaml:6: unknown list 'towns'") for m in out)
    assert any(m.startswith("knowledge/lexicon/aspect_cues.yaml:3: fees: 're:bao (nhieu': invalid pattern") for m in out)
    assert any(m.startswith("knowledge/lexicon/aspect_cues.yaml:4: unknown list 'colour'") for m in out)
    assert any(m.startswith("knowledge/lexicon/stopwords.yaml:3: english: False is read as a bool") for m in out)
    assert any(m.startswith("knowledge/lexicon/stopwords.yaml:4: vietnamese: expected a list") for m in out)
    assert "knowledge/lexicon/shorthand.yaml:2: 'đc': empty entry" in out
    assert any(m.startswith("knowledge/lexicon/extra.yaml:1: unknown lexicon file") for m in out)


def test_accented_entry_in_a_folded_list(kb_dir: Path):
    write(kb_dir, "lexicon/filler.yaml", "filler:\n  - cho em hỏi\n")
    assert messages(kb_dir) == ["knowledge/lexicon/filler.yaml:2: filler: 'cho em hỏi': write it without accents"]
