"""Real citizens' questions from the national portal's FAQ, tied to today's procedure records.

`../shared/data/portal_faq/portal_faq.jsonl` holds questions citizens sent to the national portal, each
linked by the portal to procedure codes. Most codes predate the 2025 reorganisation and the portal is
sometimes wrong, so a link is kept only when the linked name matches a served record's name (by its code
when the names agree, else by name alone) and the question itself says something of that name.

`build_portal_files` writes two files from it:
- `knowledge/portal_phrasings.jsonl`: how real people ask, as extra phrasings of the procedures they
  concern (retrieval only, never shown as answers), each with the portal question it comes from;
- `eval/portal_questions.tsv`: the questions set aside for measuring (`is_reserved`), with the codes
  a right answer may give. Reserved questions never become phrasings.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.matching.normalize import normalize

from .loader import Catalogue

PORTAL_FILE = Path("../shared/data/portal_faq/portal_faq.jsonl")
RESERVED_EVERY = 5  # a question whose id is a multiple of this is kept for measuring only
SAME_NAME = 80  # token-set similarity of the portal's name and the record's name under the same code
NEAR_COPY = 90  # a phrasing this close (rapidfuzz ratio, folded) to a held-out question is left out
RENAMED = 92  # similarity for a record found by name alone (the code changed in 2025)
# Words of any procedure name; what is left tells whether a question is about that procedure.
_NAME_FILLER = frozenset(["thu", "tuc", "cap", "dang", "ky", "giay", "chung", "nhan", "cho", "cua", "va", "doi", "voi", "tai", "trong", "ve", "viec", "the"])


def is_reserved(question_id: int) -> bool:
    return question_id % RESERVED_EVERY == 0


@dataclass(frozen=True)
class PortalQuestion:
    id: int
    question: str
    url: str
    codes: tuple[str, ...]  # today's codes, the portal's main link first


def _folded_name(name: str) -> str:
    return re.sub(r"^thu tuc\s+", "", normalize(name))


class CodeMapper:
    """The served record a portal link means today."""

    def __init__(self, catalogue: Catalogue):
        self.by_code = {p.code: p for p in catalogue.procedures}
        self.names = [_folded_name(p.name) for p in catalogue.procedures]
        self.codes = [p.code for p in catalogue.procedures]

    def map(self, code: str, name: str) -> str | None:
        folded = _folded_name(name)
        proc = self.by_code.get(code)
        if proc is not None and fuzz.token_set_ratio(folded, _folded_name(proc.name)) >= SAME_NAME:
            return code
        best = process.extractOne(folded, self.names, scorer=fuzz.token_sort_ratio, score_cutoff=RENAMED)
        return self.codes[best[2]] if best else None


def _about(question: str, name: str) -> bool:
    """Does the question say something of the procedure's own words (beyond "thủ tục cấp giấy")?"""
    q = set(normalize(question).split())
    words = [w for w in _folded_name(name).split() if w not in _NAME_FILLER]
    if not words:
        return True
    return sum(w in q for w in words) / len(words) >= 0.3


def read_portal(path: Path, catalogue: Catalogue) -> Iterable[PortalQuestion]:
    mapper = CodeMapper(catalogue)
    with path.open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            codes: list[str] = []
            for link in rec.get("procedures") or []:
                code = mapper.map(str(link.get("code") or ""), str(link.get("name") or ""))
                if code and code not in codes and _about(rec["question"], mapper.by_code[code].name):
                    codes.append(code)
            if codes:
                yield PortalQuestion(int(rec["id"]), " ".join(rec["question"].split()), rec["url"], tuple(codes))


def build_portal_files(path: Path, catalogue: Catalogue, phrasings_out: Path, eval_out: Path) -> tuple[int, int]:
    """Write the phrasings and the evaluation set; returns how many of each."""
    phrasings, held = [], []
    for q in read_portal(path, catalogue):
        (held if is_reserved(q.id) else phrasings).append(q)
    phrasings.sort(key=lambda q: q.id)
    held.sort(key=lambda q: q.id)
    # The portal repeats templates ("Thời gian giải quyết thủ tục … là bao lâu?"): a phrasing nearly the
    # same as a held-out question would answer it by having seen it.
    if phrasings and held:
        near = process.cdist([normalize(q.question) for q in phrasings], [normalize(q.question) for q in held],
                             scorer=fuzz.ratio, workers=-1).max(axis=1)
        phrasings = [q for q, score in zip(phrasings, near, strict=True) if score <= NEAR_COPY]
    phrasings_out.parent.mkdir(parents=True, exist_ok=True)
    with phrasings_out.open("w", encoding="utf-8") as f:
        for q in phrasings:  # the main link only: a question is one procedure's phrasing
            f.write(json.dumps({"code": q.codes[0], "q": q.question, "url": q.url}, ensure_ascii=False) + "\n")
    eval_out.parent.mkdir(parents=True, exist_ok=True)
    with eval_out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["question", "expected", "style"])
        for q in held:
            w.writerow([q.question, ",".join(q.codes), "portal"])
    return len(phrasings), len(held)
