"""Official answers: citizens' questions answered by a ministry on the national portal, brought up to date.

Staff keep them in `knowledge/official_answers/<topic>.yaml`, each file a YAML list of entries:

    - code: "1.001193"                 # today's national procedure code (quoted)
      q: ["Con sinh ở nước ngoài thì đăng ký khai sinh ở đâu?"]
      a: "…true under today's law, at most 600 characters…"
      source: "Luật Hộ tịch 2014, Điều 7"
      url: "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-cau-hoi.html?id=…"   # the portal question
      verified_on: 2026-12-07
      changed: "…what was rewritten against the official answer (omit when nothing)…"

Each entry becomes a `Faq` of the procedure with that code when the catalogue loads. An entry whose
code matches no loaded procedure is not an error (the served catalogue varies): it is counted.

The outdated-terms rule (simple on purpose): a sentence of `a` may not name the household book, the
old ID card or the district level — `OUTDATED` below — unless that same sentence says it is gone
(one of `GONE_WORDS`: "bãi bỏ", "không còn", "thay bằng"…).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from pydantic import Field, field_validator

from .schema import CODE_RE, Faq, Procedure

FOLDER = "official_answers"
MAX_ANSWER = 600

# What an answer written before 1 July 2025 may still say and today's law no longer has.
OUTDATED = ("sổ hộ khẩu", "chứng minh nhân dân", "cmnd", "cấp huyện", "quận/huyện", "quận, huyện",
            "phòng tư pháp", "sở lao động")
# A sentence that names one of them is fine when it says it is gone.
GONE_WORDS = ("bãi bỏ", "đã bỏ", "không còn", "không dùng", "không sử dụng", "thay bằng", "thay thế",
              "hết hiệu lực", "hết giá trị", "trước đây")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


def _fold_case(text: str) -> str:
    # One spelling of "ủy/uỷ" and composed accents, so the rule sees every way staff type it.
    return unicodedata.normalize("NFC", text).lower().replace("uỷ", "ủy")


def outdated_terms(answer: str) -> list[str]:
    """The outdated terms `answer` names as current (in a sentence that does not say they are gone)."""
    found: list[str] = []
    for sentence in _SENTENCE.split(_fold_case(answer)):
        if any(w in sentence for w in GONE_WORDS):
            continue
        for term in OUTDATED:
            if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", sentence) and term not in found:
                found.append(term)
    return found


class OfficialAnswer(Faq):
    code: str
    url: str  # required here: the portal question the entry answers
    verified_on: dt.date

    a: str = Field(max_length=MAX_ANSWER)

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        v = v.strip()
        if not CODE_RE.match(v):
            raise ValueError('must be a national procedure code like "1.001193" (quote it)')
        return v

    @field_validator("a")
    @classmethod
    def _current(cls, v: str) -> str:
        terms = outdated_terms(v)
        if terms:
            raise ValueError(
                f"names {', '.join(repr(t) for t in terms)} as current: since 1 July 2025 there is no district "
                "level, the household book and CMND are gone — rewrite it, or say in that sentence it is abolished"
            )
        return v

    def as_faq(self) -> Faq:
        return Faq(q=self.q, a=self.a, source=self.source, a_en=self.a_en, url=self.url, changed=self.changed)


def answer_files(root: Path) -> list[Path]:
    folder = root / FOLDER
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))


def load_official_answers(root: Path, problems: list) -> list[OfficialAnswer]:
    """Every valid entry of knowledge/official_answers/*.yaml; problems get `path:line` for the rest."""
    from .loader import _load_list

    out: list[OfficialAnswer] = []
    for path in answer_files(root):
        out.extend(_load_list(path, root, OfficialAnswer, "official answers (code, q, a, source, url…)", problems))
    return out


def attach(answers: list[OfficialAnswer], procedures: list[Procedure]) -> int:
    """Append each answer as a Faq of the procedure with its code; returns how many found none."""
    by_code: dict[str, list[Procedure]] = {}
    for p in procedures:
        by_code.setdefault(p.code, []).append(p)
    orphans = 0
    for entry in answers:
        targets = by_code.get(entry.code)
        if not targets:
            orphans += 1
            continue
        for p in targets:
            p.faq.append(entry.as_faq())
    return orphans
