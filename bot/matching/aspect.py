"""What part of a procedure a question asks about: fees, documents, steps, time, place, online, law.

Cue phrases are matched on the accent-folded question, in Vietnamese and English. The aspect whose cue
comes last wins (see detect_aspect); a question with no cue asks for the whole card (None).
"""

from __future__ import annotations

import re

ASPECTS = ("fees", "documents", "steps", "time", "agency", "online", "legal")

_CUES: dict[str, tuple[str, ...]] = {
    "fees": (
        "le phi", "bao nhieu tien", "het bao nhieu", "mat bao nhieu tien", "ton bao nhieu", "chi phi",
        "phi bao nhieu", "muc phi", "tien phi", "mien phi", "co mat phi", "co mat tien", "phai tra tien",
        "gia bao nhieu", r"re:bao nhieu(?! (?:ngay|thang|nam|tuoi|nguoi|thanh vien|lan|ban|bo|tang|phan tram|lao dong|nhan vien|m2|met))",
        "re hon", "dat hon", "cheaper", "fee", "fees", "cost", "costs", "how much", "price", "charge", "free of charge",
    ),
    "documents": (
        "giay to gi", "giay to nao", "can giay to", "ho so gom", "ho so can", "ho so nhung gi", "can nhung gi",
        "can chuan bi", "chuan bi gi", "chuan bi nhung", "thanh phan ho so", "can mang", "mang theo",
        "ho so gom nhung gi", "can gi", "gom nhung gi", "nhung giay to", "documents", "document", "papers",
        "paperwork", "what do i need", "required documents", "what to bring", "mau to khai", "tai lieu gi",
        "tai lieu nao", "can them gi", "nop them gi", "giay gi", "ban goc", "nop ban chinh", "ban chinh hay ban sao",
        # "có cần (nộp) giấy khám sức khỏe không": a paper asked about by name
        r"re:(?:can|phai) (?:nop |mang |co |lam |xin )?(?:giay|ban sao|ban chinh|phieu)\b(?! phep)",
    ),
    "steps": (
        "lam the nao", "the nao", "nhu the nao", "lam sao", "cac buoc", "quy trinh", "trinh tu", "thu tuc ra sao",
        "huong dan", "how to", "how do i", "how can i", "steps", "process", "procedure for",
    ),
    "time": (
        "bao lau", "mat bao lau", "may ngay", "bao nhieu ngay", "thoi gian", "thoi han giai quyet", "khi nao co",
        "bao gio co", "how long", "how many days", "processing time", "when will", "bao nhieu thang", "may thang",
        "bao nhieu nam", "may nam", "thoi han", "han chot", "deadline", "how many months", "valid for",
    ),
    "agency": (
        "o dau", "noi nao", "co quan nao", "nop tai dau", "nop o dau", "lam o dau", "cho nao", "den dau",
        "di dau", "dem di dau", "ai cap", "ai ky",
        "where", "which office", "which agency",
    ),
    "online": (
        "online", "truc tuyen", "qua mang", "tren mang", "dich vu cong", "qua internet", "tren dien thoai",
        "vneid", "nop mang", "internet",
    ),
    "legal": (
        "can cu phap ly", "can cu", "luat nao", "nghi dinh nao", "quy dinh nao", "van ban nao", "theo luat",
        "legal basis", "which law", "what law", "regulation",
    ),
}

_PATTERNS = {
    # "re:" cues are patterns: "bao nhiêu" asks a price unless a unit follows ("bao nhiêu thành viên").
    aspect: re.compile(r"\b(?:" + "|".join(c[3:] if c.startswith("re:") else re.escape(c)
                                           for c in sorted(cues, key=len, reverse=True)) + r")\b")
    for aspect, cues in _CUES.items()
}


# Cues that often frame a question rather than ask it: "theo luật, … bao lâu", "nộp online … có rẻ hơn
# không" ask the time and the fee. They decide only when no other aspect is asked.
_FRAMING = ("legal", "online")


def detect_aspect(folded: str) -> str | None:
    """Return the aspect asked in an accent-folded, lower-case question, or None.

    A question puts its ask last ("con tôi sinh ở Từ Dũ …, bao lâu phải khai sinh?"), so the last cue
    wins, at the same end the longer cue ("bao nhieu ngay" over "bao nhieu"), and framing cues only
    count alone."""
    found: dict[str, tuple[int, int]] = {}
    for aspect, pattern in _PATTERNS.items():
        for m in pattern.finditer(folded):
            found[aspect] = max(found.get(aspect, (-1, 0)), (m.end(), len(m.group())))
    asked = {a: v for a, v in found.items() if a not in _FRAMING} or found
    return max(asked, key=lambda a: asked[a]) if asked else None


def strip_cues(folded: str) -> str:
    """The question without its aspect cue phrases, so they do not steer the match."""
    for pattern in _PATTERNS.values():
        folded = pattern.sub(" ", folded)
    return " ".join(folded.split())
