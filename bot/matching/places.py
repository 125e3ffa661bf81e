"""Place names people add to a question ("ở Hóc Môn", "in District 7", "tại Thủ Đức").

Where someone lives says nothing about which procedure they need (every ward files the same ones),
but an unknown name weighs like a rare word and drags a long question under the bars. They are
dropped before matching, like filler. Folded forms; numbered districts and wards by pattern.
"""

from __future__ import annotations

import re

# The city, its former districts and towns, and what it absorbed in 2025 (Bình Dương, Bà Rịa-Vũng Tàu).
PLACES = (
    "thanh pho ho chi minh", "tp ho chi minh", "ho chi minh city", "ho chi minh", "tphcm", "tp hcm", "hcm",
    "hcmc", "sai gon", "saigon", "sg",
    "thu duc", "hoc mon", "cu chi", "binh chanh", "nha be", "can gio", "go vap", "binh thanh",
    "tan binh", "tan phu", "phu nhuan", "binh tan", "cho lon", "thu thiem",
    "binh duong", "thu dau mot", "di an", "thuan an", "ben cat", "tan uyen", "bau bang", "dau tieng",
    "phu giao", "bac tan uyen", "ba ria vung tau", "ba ria", "vung tau", "phu my", "long dien",
    "dat do", "xuyen moc", "chau duc", "con dao",
    # Provinces people come from or mention ("tôi quê Nghệ An", "từ Cà Mau lên"), old and new names.
    "an giang", "bac giang", "bac kan", "bac lieu", "bac ninh", "ben tre", "binh dinh", "binh phuoc",
    "binh thuan", "ca mau", "can tho", "cao bang", "da nang", "dak lak", "dak nong", "dien bien", "dong nai",
    "dong thap", "gia lai", "ha giang", "ha nam", "ha noi", "hanoi", "ha tinh", "hai duong", "hai phong",
    "hau giang", "hoa binh", "hung yen", "khanh hoa", "kien giang", "kon tum", "lai chau", "lam dong",
    "lang son", "lao cai", "long an", "nam dinh", "nghe an", "ninh binh", "ninh thuan", "phu tho", "phu yen",
    "quang binh", "quang nam", "quang ngai", "quang ninh", "quang tri", "soc trang", "son la", "tay ninh",
    "thai binh", "thai nguyen", "thanh hoa", "thua thien hue", "tien giang", "tra vinh", "tuyen quang",
    "vinh long", "vinh phuc", "yen bai", "mien tay", "mien bac", "mien trung", "ngoai bac",
)
_PLACES = sorted((tuple(p.split()) for p in PLACES), key=len, reverse=True)
# "quận 7", "q7", "district 7", "phường 12", "p12", "ward 5"
_NUMBERED = re.compile(r"^(?:quan|district|phuong|ward|q|p)(\d{1,2})$")
_AREA_WORDS = frozenset(["quan", "district", "phuong", "ward"])


def place_mask(tokens: list[str]) -> list[bool]:
    """False for the words of place names, True for the rest."""
    keep = [True] * len(tokens)
    for i, tok in enumerate(tokens):
        if _NUMBERED.match(tok):
            keep[i] = False
        elif tok in _AREA_WORDS and i + 1 < len(tokens) and tokens[i + 1].isdigit():
            keep[i] = keep[i + 1] = False
    return [a and b for a, b in zip(keep, phrase_mask(tokens, _PLACES), strict=True)]


def phrase_mask(tokens: list[str], phrases: list[tuple[str, ...]]) -> list[bool]:
    """False for the words of any of `phrases` found in `tokens`, True for the rest."""
    keep = [True] * len(tokens)
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(tokens) - n + 1):
            if tuple(tokens[i:i + n]) == phrase:
                keep[i:i + n] = [False] * n
    return keep
