"""Import official procedure records (national public service portal exports) into catalogue YAML.

`run_import(files, out_dir, group_ids)` reads every format found in `/work/shared/data/national`:

| format      | recognised by (keys of a record)                    | captured |
|-------------|-----------------------------------------------------|----------|
| `raw`       | `ma_thu_tuc`, `ten_thu_tuc` (flattened table cells) | 2026-07-01 |
| `details`   | `code`, `name`, `channels` (structured)             | `source.crawled_at`, else 2026-07-18 |
| `catalog`   | `code`, `name`, `categories` / `type` (names only)  | 2026-07-01 |
| `kp69`      | `Mã thủ tục`, `Tên thủ tục` (ministry exports)      | 2025-12-01 |
| `reference` | `code`, `name_vi` (hand-checked CSV table)          | 2026-11-25 |

The format is detected from the content (JSON lines, a JSON list or a CSV header), never from the file
name; anything else raises `ImportFormatError` naming the file and the reason.

Every record becomes a `Procedure` (validated before it is written) with `imported_from` set, so
hand-written cards of the same code win over it. Output: `out_dir/<file stem>/<group>.yaml`, each a
YAML list. Facts that cannot be parsed into a field are kept as text (`processing_time`, a fee `note`)
and never dropped; amounts are only set when the record states one clear amount.

Command line (until `kb import` is wired in cli.py):
    python -m bot.catalogue.importer [--knowledge DIR] [--out DIR] FILE...
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .schema import CODE_RE, Procedure

# --- the one place for mapping rules --------------------------------------------------------

# Field of activity (linh_vuc / category.name / "Lĩnh vực" / categories) -> group id, matched on
# accent-folded lowercase text as whole words; the first row with a matching keyword wins, so the more
# specific rows come first. Only when the field matches no row (or is missing) is the procedure's name
# tried, against the narrower name keywords ("Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"
# is filed under "Quản lý chất lượng nông lâm sản"; a name word like "cư trú" alone is too loose).
#        group                field keywords                                     name keywords
GROUP_KEYWORDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("an-toan-thuc-pham", ("an toan thuc pham", "attp"), ("an toan thuc pham",)),
    ("ho-tich", ("ho tich", "chung thuc", "nuoi con nuoi", "quoc tich"),
     ("ho tich", "dang ky khai sinh", "dang ky ket hon", "dang ky khai tu", "nuoi con nuoi", "giam ho",
      "nhan cha me con")),
    ("cu-tru", ("cu tru",), ("dang ky thuong tru", "dang ky tam tru", "khai bao tam tru")),
    ("lao-dong", ("viec lam", "lao dong", "tien luong", "bao hiem that nghiep", "giao duc nghe nghiep",
                  "an toan ve sinh lao dong", "quan he lao dong"),
     ("giay phep lao dong", "tro cap that nghiep", "bao hiem that nghiep")),
    ("dat-dai-xay-dung", ("dat dai", "xay dung", "nha o", "quy hoach", "kinh doanh bat dong san", "do dac"),
     ("giay phep xay dung", "quyen su dung dat")),
    ("kinh-te", ("thanh lap va hoat dong doanh nghiep", "thanh lap va hoat dong cua doanh nghiep",
                 "doanh nghiep", "ho kinh doanh", "hop tac xa", "dau tu", "luu thong hang hoa",
                 "xuc tien thuong mai", "thuong mai"),
     ("thanh lap doanh nghiep", "ho kinh doanh")),
)
FALLBACK_GROUP = "khac"

# When each official file was captured (verified_on), unless a record carries its own date.
CAPTURE_DATES: dict[str, dt.date] = {
    "raw": dt.date(2026, 7, 1),
    "details": dt.date(2026, 7, 18),
    "catalog": dt.date(2026, 7, 1),
    "kp69": dt.date(2025, 12, 1),
    "reference": dt.date(2026, 11, 25),
}

PORTAL_DETAIL = "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{}"
PORTAL_BY_CODE = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc={}"

# Record states that mean "no longer in force" (none occur in the 2026 files: ACTIVE / UPDATED only).
ABOLISHED_STATES = {"abolished", "deleted", "removed", "cancelled", "canceled", "inactive", "expired",
                    "bai bo", "da bai bo", "het hieu luc", "huy bo", "da huy", "xoa", "da xoa"}

# HCMC, including the provinces merged into it on 1 July 2025.
HOME_PROVINCES = {"ho chi minh", "hcm", "tphcm", "binh duong", "ba ria", "vung tau", "ba ria vung tau"}

CHANNELS = {"truc-tiep": "Trực tiếp", "online": "Trực tuyến", "buu-chinh": "Dịch vụ bưu chính"}
_CHANNEL_BY_TEXT = {"Trực tiếp": "truc-tiep", "Trực tuyến": "online", "Dịch vụ bưu chính": "buu-chinh"}
_CHANNEL_BY_METHOD = {"DIRECT": "truc-tiep", "ONLINE": "online", "POSTAL": "buu-chinh"}
_UNITS = {"WORKING_DAY": "ngày làm việc", "DAY": "ngày", "HOUR": "giờ", "MONTH": "tháng", "YEAR": "năm",
          "WEEK": "tuần", "MINUTE": "phút"}
_NO_UNIT = "(không ghi đơn vị)"

# Texts the portal prints for an empty cell.
_EMPTY_TEXTS = {"", "khong co thong tin", "khong", "khong co", "none", "null", "n a", "-", "--"}

_GENERATED = "# Generated by bot.catalogue.importer"


class ImportFormatError(Exception):
    """A file the importer cannot read: the message names the file and the reason (no traceback)."""

    def __init__(self, file: Path | str, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file = Path(file)
        self.reason = reason


# --- report -----------------------------------------------------------------------------------


@dataclass
class FileStats:
    path: Path
    format: str
    total: int = 0
    written: int = 0  # records of this file in the output
    province_specific: int = 0
    abolished: int = 0
    invalid: int = 0
    lost_to_duplicate: int = 0  # same code seen elsewhere in the run with a richer record

    def line(self) -> str:
        pct = 100 * self.written / self.total if self.total else 0.0
        return (f"{self.path.name} [{self.format}]: kept {self.written}/{self.total} ({pct:.0f}%); "
                f"{self.province_specific} of them specific to another province (kept, not served), "
                f"{self.abolished} abolished, {self.invalid} invalid, {self.lost_to_duplicate} merged into a richer "
                "duplicate")


@dataclass
class ImportReport:
    out_dir: Path
    files: list[FileStats] = field(default_factory=list)
    total: int = 0
    full: int = 0
    name_only: int = 0
    province_specific: int = 0
    abolished: int = 0
    internal: int = 0  # procedures between state bodies: not for citizens or businesses
    invalid: int = 0
    duplicates: int = 0
    groups: Counter[str] = field(default_factory=Counter)
    invalid_reasons: Counter[str] = field(default_factory=Counter)
    kept_as_text: Counter[str] = field(default_factory=Counter)  # facts kept as text, not parsed
    written_files: list[Path] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.full + self.name_only

    def summary(self) -> str:
        groups = ", ".join(f"{g} {n}" for g, n in self.groups.most_common())
        return (f"imported {self.total} records from {len(self.files)} file(s) into {self.out_dir}: "
                f"{self.full} full, {self.name_only} name-only, of which {self.province_specific} specific to "
                f"another province (kept for the record, not served); skipped {self.abolished} abolished, "
                f"{self.internal} internal, {self.invalid} invalid; "
                f"merged {self.duplicates} duplicate(s); groups: {groups or 'none'}")

    def details(self) -> list[str]:
        lines = [f.line() for f in self.files]
        lines += [f"invalid: {reason} ×{n}" for reason, n in self.invalid_reasons.most_common()]
        lines += [f"kept as text: {what} ×{n}" for what, n in self.kept_as_text.most_common()]
        return lines


# --- text helpers -----------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")


def fold(text: str) -> str:
    """Accent-folded lowercase words: 'Đăng ký, quản lý cư trú' -> 'dang ky quan ly cu tru'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _has_word(folded: str, keyword: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(keyword)}(?![a-z0-9])", folded) is not None


def _block(value: Any) -> str | None:
    """Clean multi-line text: lines stripped, blank lines dropped; None for the portal's empty cells."""
    if value is None:
        return None
    if isinstance(value, list):
        value = "\n".join(str(v) for v in value if v is not None)
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text.replace("\xa0", " ").replace("\t", " "))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    return None if len(text) < 30 and fold(text) in _EMPTY_TEXTS else text


def _line(value: Any) -> str | None:
    text = _block(value)
    return " ".join(text.split()) if text else None


def _clean_name(value: Any) -> str | None:
    name = _line(value)
    if not name:
        return None
    name = re.sub(r"^\d+\.\s+", "", name)  # "1.	Công nhận ..."
    name = re.sub(r"^thủ tục\s*[:\-–]?\s*", "", name, flags=re.IGNORECASE)
    name = name.strip(" ;,.")
    return name[:1].upper() + name[1:] if name else None


def _strip_bullet(text: str) -> str:
    return re.sub(r"^[-+•*–]+\s*", "", text).strip()


# --- groups and provinces ---------------------------------------------------------------------


def group_for(field_text: str | None, name: str | None, group_ids: set[str],
              field_groups: dict[str, str] | None = None) -> str:
    """The group of a record from its field of activity: staff's table (`knowledge/group_fields.yaml`)
    first, then keyword rules, the name only when there is no field."""
    folded = fold(field_text or "")
    for part in (folded, *(p.strip() for p in folded.split(";"))):
        if field_groups and part in field_groups and field_groups[part] in group_ids:
            return field_groups[part]
    if folded in {gid.replace("-", " ") for gid in group_ids}:  # the field may be the group: "kinh tế"
        return folded.replace(" ", "-")
    for gid, field_keywords, _ in GROUP_KEYWORDS:
        if any(_has_word(folded, kw) for kw in field_keywords):
            return gid
    folded_name = fold(name or "")
    for gid, _, name_keywords in GROUP_KEYWORDS:
        if any(_has_word(folded_name, kw) for kw in name_keywords):
            return gid
    return FALLBACK_GROUP


_PROVINCE_RE = re.compile(r"(?<!\w)(tỉnh|thành phố|tp\.?)[ \t]*((?:\w+)(?:[ \t]+\w+){0,4})", re.IGNORECASE)
_GENERIC_AFTER_PROVINCE = {"truc", "thuoc", "trung"}  # "thành phố Trực thuộc Trung ương"


def _province_mentions(text: str) -> Iterator[tuple[int, int, str, bool]]:
    """(start, end, folded name, is HCMC) for each 'tỉnh X' / 'Thành phố X' / 'TP.X' with X a proper name."""
    for m in _PROVINCE_RE.finditer(text):
        words, end = [], m.start(2)
        for wm in re.finditer(r"\w+", m.group(2)):
            if not wm.group(0)[:1].isupper():
                break
            words.append(wm.group(0))
            end = m.start(2) + wm.end()
        if not words or fold(words[0]) in _GENERIC_AFTER_PROVINCE:
            continue
        name = fold(" ".join(words))
        yield m.start(), end, name, any(name == h or name.startswith(h + " ") for h in HOME_PROVINCES)


def provinces_in(text: str | None) -> tuple[bool, set[str]]:
    """(mentions HCMC, other provinces named) in a text, e.g. 'UBND tỉnh Bắc Ninh' -> (False, {'bac ninh'})."""
    home, others = False, set()
    for _, _, name, is_home in _province_mentions(text or ""):
        if is_home:
            home = True
        else:
            others.add(name)
    if re.search(r"\btp ?hcm\b|\bthanh pho ho chi minh\b", fold(text or "")):
        home = True
    return home, others


def generalize_agency(text: str | None) -> tuple[str | None, bool]:
    """Drop another province's name from an agency: 'Sở Tư pháp Thành phố Hà Nội' -> 'Sở Tư pháp'.

    National procedures were sometimes crawled from one province's page; the agency type holds in HCMC,
    the province does not. Returns (text, whether anything was dropped).
    """
    if not text:
        return text, False
    spans = [(a, b) for a, b, _, home in _province_mentions(text) if not home]
    if not spans:
        return text, False
    out, pos = [], 0
    for a, b in spans:
        out.append(text[pos:a])
        pos = b
    out.append(text[pos:])
    cleaned = re.sub(r"\s*[-–,;]\s*(?=[,;]|$)", "", "".join(out))
    cleaned = re.sub(r"\s+([,;])", r"\1", cleaned)
    cleaned = _line(re.sub(r"\s*[-–]\s*$", "", cleaned).strip(" ,;-–"))
    return cleaned, True


def _other_province(*texts: str | None) -> bool:
    home, others = False, set()
    for text in texts:
        h, o = provinces_in(text)
        home |= h
        others |= o
    return bool(others) and not home


def _is_abolished(state: Any) -> bool:
    return isinstance(state, str) and fold(state) in ABOLISHED_STATES


# --- amounts ----------------------------------------------------------------------------------

_MONEY_RE = re.compile(
    r"(\d{1,3}(?:[.,]\d{3})+(?!\d)|\d+)\s*(?:việt nam đồng|đồng|vnđ|vnd|đ(?!\w))", re.IGNORECASE
)
_SEPARATED_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+(?![\d])")
_LONG_NUMBER_RE = re.compile(r"(?<![\d.,/])\d{5,}(?![\d.,]*/\d{4})(?!\.[a-z]{2,4}\b)", re.IGNORECASE)
# A rule, a range or a date-limited rate instead of one amount: the text is kept, no amount is set.
_AMBIGUOUS_RE = re.compile(
    r"hoi dong nhan dan|\bhdnd\b|uy ban nhan dan|\bubnd\b|unverified|\btu ngay\b|\bden het\b|\bden ngay\b"
    r"|\busd\b|\beur\b|muc thu|muc phi|muc le phi|bieu phi|bieu muc|khong quy dinh|chua quy dinh"
)


def _to_int(digits: str) -> int:
    return int(re.sub(r"[.,]", "", digits))


def money_amounts(text: str, *, with_currency_only: bool = False) -> set[int]:
    """Sums of money in a text: with a currency ("70.000 đồng"), or (unless `with_currency_only`) any
    number that may be one ("8.000.000/lần", "15000000"), so that a second sum is never overlooked."""
    found = {_to_int(m.group(1)) for m in _MONEY_RE.finditer(text)}
    if not with_currency_only:
        found |= {_to_int(m.group(0)) for m in _SEPARATED_RE.finditer(text)}
        found |= {_to_int(m.group(0)) for m in _LONG_NUMBER_RE.finditer(text)}
    return found


def clear_amount(text: str | None, *, stated: int | None = None, free: bool = False) -> int | None:
    """The one amount a fee text states, or None when it states a rule, several sums or none.

    `stated`: the amount of the record's own amount cell; `free`: the record says "Miễn phí" / 0.
    """
    text = text or ""
    folded = fold(text)
    if _AMBIGUOUS_RE.search(folded) or "%" in text or "$" in text:
        return None
    amounts = money_amounts(text)
    if free:
        # "Miễn phí" alone, or with a note that itself says no fee ("Không", "Không thu lệ phí").
        if not folded or (folded.startswith(("mien", "khong", "0 d")) and amounts <= {0}):
            return 0
        return None
    if stated is None:  # one sum written with its currency, and no other number that may be a sum
        named = money_amounts(text, with_currency_only=True)
        if len(named) == 1 and amounts <= named:
            (amount,) = named
            return amount if amount == 0 or amount >= 1000 else None
        return None
    if stated < 1000 or amounts - {stated}:  # 150 VNĐ for 150.000 đồng: not a clear amount
        return None
    return stated


# --- channels: processing time, fees, online --------------------------------------------------


@dataclass
class _Channel:
    channel: str
    time: str | None = None
    qty: float | None = None
    unit: str | None = None
    fees: list[dict[str, Any]] = field(default_factory=list)
    desc: list[str] = field(default_factory=list)


def _fee(kind: str | None, channel: str | None, note: str | None, amount: int | None) -> dict[str, Any]:
    label = kind or "Phí, lệ phí"
    if channel:
        label = f"{label} ({CHANNELS[channel].lower()})"
    fee: dict[str, Any] = {"label": label}
    if amount is not None:
        fee["amount_vnd"] = amount
    if note:
        fee["note"] = note
    if channel:
        fee["channel"] = channel
    return fee


def _fee_note(text: str) -> str | None:
    """'Đồng (Mức lệ phí ...)' -> 'Mức lệ phí ...'; 'Miễn phí(Không)' -> 'Miễn phí (Không)'."""
    text = re.sub(r"^(?:đồng|vnđ|vnd)\b\s*", "", text.strip(), flags=re.IGNORECASE).strip()
    while text.startswith("(") and _balanced_end(text) == len(text):
        text = text[1:-1].strip()
    text = re.sub(r"(?<=\S)\(", " (", text)
    return _line(text)


def _balanced_end(text: str) -> int:
    """End index of the parenthesis opening text[0] (the whole text if it never closes)."""
    depth = 0
    for i, c in enumerate(text):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


_TIME_UNITS = r"ngày làm việc|ngày|tháng|giờ|năm|tuần|phút"
_FLAT_CHANNEL_RE = re.compile(
    r"(Dịch vụ bưu chính|Trực tuyến|Trực tiếp)(?=[ \t]*(?:\d|Không|Hệ thống|Miễn phí|Phí\s*:|Lệ phí\s*:))"
)
_FLAT_TIME_RE = re.compile(rf"[ \t]*(\d+(?:[.,]\d+)?)[ \t]*({_TIME_UNITS})?", re.IGNORECASE)
_CURRENCY_START = re.compile(r"\s*(?:việt nam đồng|vnđ|vnd|đồng|usd|đ(?!\w))", re.IGNORECASE)
_FEE_CELL_RE = re.compile(r"(\d[\d.,]*)?[ \t]*(Việt Nam Đồng|VNĐ|VND|Đồng|USD)", re.IGNORECASE)
_FEE_START_RE = re.compile(
    r"Miễn phí|Không có thông tin|\d[\d.,]*[ \t]*(?:Việt Nam Đồng|VNĐ|USD)|(?:Việt Nam Đồng|VNĐ)|(?:Lệ phí|Phí)\s*:"
)
_FLAT_TABLE_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"


def _time_text(qty: str, unit: str | None) -> str:
    return f"{qty} {unit.lower()}" if unit else f"{qty} {_NO_UNIT}"


def parse_flat_channels(text: Any, kept: Counter[str]) -> list[_Channel]:
    """The crawl's flattened 'Cách thức thực hiện' table: channel, time, fee cell, description."""
    raw = _block(text)
    if not raw:
        return []
    raw = raw.replace(_FLAT_TABLE_HEADER, "", 1)
    marks = list(_FLAT_CHANNEL_RE.finditer(raw))
    rows: list[_Channel] = []
    for i, m in enumerate(marks):
        seg = raw[m.end(): marks[i + 1].start() if i + 1 < len(marks) else len(raw)]
        row = _Channel(_CHANNEL_BY_TEXT[m.group(1)])
        rows.append(row)
        glued = False
        tm = _FLAT_TIME_RE.match(seg)
        if tm and not tm.group(2) and _CURRENCY_START.match(seg, tm.end()):
            # "Trực tuyến120 VNĐ": a time without unit glued to an amount; neither can be trusted.
            glued, rest = True, seg
            kept["channel time glued to the fee amount (fee kept as text)"] += 1
        elif tm:
            row.time = _time_text(tm.group(1), tm.group(2))
            row.qty, row.unit = float(tm.group(1).replace(",", ".")), (tm.group(2) or "").lower() or None
            rest = seg[tm.end():]
        elif seg.lstrip().startswith("Không có thông tin"):
            rest = seg.lstrip()[len("Không có thông tin"):]
        else:
            fs = _FEE_START_RE.search(seg)
            cut = fs.start() if fs else len(seg)
            row.time = _line(seg[:cut])
            if row.time:
                kept["channel time that is text, not a number"] += 1
            rest = seg[cut:]
        rest = _take_fee_cell(rest, row, glued, kept)
        desc = _line(rest)
        if desc:
            row.desc.append(desc)
    return rows


def _take_fee_cell(rest: str, row: _Channel, glued: bool, kept: Counter[str]) -> str:
    r = rest.lstrip()
    kind, stated, free, foreign = None, None, False, False
    if r.startswith("Không có thông tin"):
        return r[len("Không có thông tin"):]
    if r.startswith("Miễn phí"):
        cell, r, free = "Miễn phí", r[len("Miễn phí"):], True
    elif m := re.match(r"(Lệ phí|Phí)\s*:([^\n]*)", r):
        kind, cell, r = m.group(1), m.group(2), r[m.end():]
        sm = _FEE_CELL_RE.match(cell.strip())
        if sm and sm.group(1) and sm.group(2).upper() != "USD":
            stated = _to_int(sm.group(1))
        free = fold(cell).startswith(("mien", "khong thu", "dong khong thu"))
    elif m := _FEE_CELL_RE.match(r):
        cell, r = m.group(0), r[m.end():]
        foreign = m.group(2).upper() == "USD"
        if m.group(1) and not foreign:
            stated = _to_int(m.group(1))
    else:
        return rest
    extra = ""
    if r.startswith("("):
        end = _balanced_end(r)
        extra, r = r[:end], r[end:]
    inner = (_fee_note(extra) or "") if extra else ""
    note = _line(f"{cell} ({inner})" if inner else cell)
    if glued:
        note = f"Dữ liệu gốc ghi liền thời hạn và phí: {note}"
    if glued or foreign:
        amount = None
    elif free:
        amount = clear_amount(inner, free=True)
    elif stated is not None:
        amount = clear_amount(inner, stated=stated)
    else:
        amount = clear_amount(f"{cell} {inner}")
    if amount is None:
        kept["fee without one clear amount (text kept in note)"] += 1
    row.fees.append(_fee(kind, row.channel, note, amount))
    return r


_LINE_TIME_RE = re.compile(rf"^(\d+(?:[.,]\d+)?)\s*({_TIME_UNITS})?$", re.IGNORECASE)
_LINE_FEE_RE = re.compile(r"^(Lệ phí|Phí)\s*:\s*(.*)$")
_LINE_HEADERS = {"Hình thức nộp", "Thời hạn giải quyết", "Thời gian", "Phí, lệ phí", "Mô tả"}


def parse_line_channels(text: Any, kept: Counter[str]) -> list[_Channel]:
    """The ministry exports' 'Cách thức thực hiện': one cell a line."""
    raw = _block(text)
    if not raw:
        return []
    rows: list[_Channel] = []
    for line in raw.split("\n"):
        if line in _CHANNEL_BY_TEXT:
            rows.append(_Channel(_CHANNEL_BY_TEXT[line]))
            continue
        if not rows or line in _LINE_HEADERS:
            continue
        row = rows[-1]
        tm = _LINE_TIME_RE.match(line)
        fm = _LINE_FEE_RE.match(line)
        if tm and row.time is None and not row.fees and not row.desc:
            row.time = _time_text(tm.group(1), tm.group(2))
            row.qty, row.unit = float(tm.group(1).replace(",", ".")), (tm.group(2) or "").lower() or None
        elif fm:
            body = fm.group(2).strip()
            note = _fee_note(body)
            sm = _FEE_CELL_RE.match(body)
            folded = fold(note or "")
            if folded.startswith(("mien", "khong thu")):
                amount = clear_amount(note, free=True)
            elif sm and sm.group(1) and sm.group(2).upper() != "USD":
                amount = clear_amount(body[sm.end():], stated=_to_int(sm.group(1)))
            else:
                amount = clear_amount(note)
            if amount is None:
                kept["fee without one clear amount (text kept in note)"] += 1
            if note or amount is not None:
                row.fees.append(_fee(fm.group(1), row.channel, note, amount))
        elif fold(line) not in _EMPTY_TEXTS:
            row.desc.append(line)
    return rows


def _apply_channels(data: dict[str, Any], rows: list[_Channel], extra_time: Iterable[str] = ()) -> None:
    """processing_time ('Trực tiếp: 3 ngày làm việc; ...' + descriptions), fees, online."""
    times = [f"{CHANNELS[r.channel]}: {r.time}" for r in rows if r.time]
    descs: list[tuple[str, str]] = []
    for r in rows:
        text = " ".join(r.desc)
        if text:
            descs.append((CHANNELS[r.channel], text))
    lines = ["; ".join(times)] if times else []
    unique = {text.rstrip(" .,;") for _, text in descs}
    if len(unique) == 1:  # the same description for every channel: say it once
        lines.append(descs[0][1])
    else:
        seen: set[tuple[str, str]] = set()
        for label, text in descs:
            if (label, text.rstrip(" .,;")) not in seen:
                seen.add((label, text.rstrip(" .,;")))
                lines.append(f"{label}: {text}")
    lines += list(extra_time)
    if lines:
        data["processing_time"] = "\n".join(lines)
    fees = [fee for r in rows for fee in r.fees]
    if fees:
        data["fees"] = fees
    if rows:
        channels = {r.channel for r in rows}
        online: dict[str, Any] = {"level": "mot-phan" if "online" in channels else "truc-tiep",
                                  "url": data["source"]}
        faster = _online_faster(rows)
        if faster:
            online["processing_time"] = faster
        data["online"] = online


def _online_faster(rows: list[_Channel]) -> str | None:
    online = [r for r in rows if r.channel == "online" and r.qty is not None and r.unit]
    direct = [r for r in rows if r.channel == "truc-tiep" and r.qty is not None and r.unit]
    if len(online) != 1 or len(direct) != 1 or online[0].unit != direct[0].unit:
        return None
    return online[0].time if (online[0].qty or 0) < (direct[0].qty or 0) else None


# --- steps, documents, legal basis, result ----------------------------------------------------

_STEP_RE = re.compile(r"(?:[-+•*][ \t]*|(?<!\w)[a-zđ]\)[ \t]*)?(?<!\w)Bước[ \t]*\d+")
_BULLET_RE = re.compile(r"^(?:[-+•*–]|\d+[.)]|[a-zđ][.)])\s*")


def split_steps(text: Any) -> list[str]:
    """'Bước 1: … Bước 2: …' into one item a step; without steps, one item per '- ' / '+ ' bullet."""
    raw = _block(text)
    if not raw:
        return []
    starts = [m.start() for m in _STEP_RE.finditer(raw)]
    if starts:
        bounds = [0, *starts, len(raw)]
        pieces = [raw[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    else:
        pieces, current = [], []
        for line in raw.split("\n"):
            if _BULLET_RE.match(line) and current:
                pieces.append("\n".join(current))
                current = []
            current.append(line)
        pieces.append("\n".join(current))
    steps = []
    for piece in pieces:
        step = _strip_bullet(piece.strip())  # the item's own bullet; sub-bullets stay
        if step and fold(step) not in _EMPTY_TEXTS:
            steps.append(step)
    return steps


_DOC_TABLE_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_DOC_QTY_RE = re.compile(r"(\d+) bản chính(?:\s*,\s*(\d+) bản sao)?|(\d+) bản sao")
_ATTACHMENT_RE = re.compile(r"(?<=[.);:!?])\s*[^.;:()\n]{1,80}\.(?:docx?|pdf|xlsx?|rar|zip)$", re.IGNORECASE)
_ATTACHMENT_LINE_RE = re.compile(r"^[^\n]{1,80}\.(?:docx?|pdf|xlsx?|rar|zip)$", re.IGNORECASE)


def _document(name: str, originals: int = 0, copies: int = 0) -> str | None:
    name = _ATTACHMENT_RE.sub("", name.strip())
    name = _strip_bullet(name.strip(" -"))
    if not name or fold(name) in _EMPTY_TEXTS:
        return None
    qty = [f"{originals} bản chính"] if originals else []
    qty += [f"{copies} bản sao"] if copies else []
    return f"{name} ({', '.join(qty)})" if qty else name


def parse_flat_documents(text: Any, kept: Counter[str]) -> list[str]:
    """The crawl's flattened 'Thành phần hồ sơ': '[heading]Tên giấy tờ…Số lượng<name>1 bản chính…'."""
    raw = _block(text)
    if not raw:
        return []
    if _DOC_TABLE_HEADER not in raw:
        kept["documents without a table (kept as one item)"] += 1
        return [raw]
    parts = raw.split(_DOC_TABLE_HEADER)
    docs: list[str] = []
    heading = parts[0]
    for part in parts[1:]:
        if doc := _document(heading):
            docs.append(doc)
        pos = 0
        for m in _DOC_QTY_RE.finditer(part):
            originals = int(m.group(1) or 0)
            copies = int(m.group(2) or m.group(3) or 0)
            if doc := _document(part[pos:m.start()], originals, copies):
                docs.append(doc)
            pos = m.end()
        heading = part[pos:]
    if doc := _document(heading):
        docs.append(doc)
    return list(dict.fromkeys(docs))


_LINE_QTY_RE = re.compile(r"^Bản chính:\s*(\d+)\s*Bản sao:\s*(\d+)$")
_DOC_LINE_HEADERS = {"Tên giấy tờ", "Mẫu đơn, tờ khai", "Số lượng", "Bao gồm"}


def parse_line_documents(text: Any) -> list[str]:
    """The ministry exports' 'Thành phần hồ sơ': one cell a line, 'Bản chính: 1Bản sao: 0' after a name."""
    raw = _block(text)
    if not raw:
        return []
    items: list[list[Any]] = []  # [name, originals, copies]
    for line in raw.split("\n"):
        if line in _DOC_LINE_HEADERS or _ATTACHMENT_LINE_RE.match(line):
            continue  # table headings and attached form files
        if m := _LINE_QTY_RE.match(line):
            if items and items[-1][1] is None:
                items[-1][1], items[-1][2] = int(m.group(1)), int(m.group(2))
            continue
        items.append([line, None, None])
    docs = [_document(name, o or 0, c or 0) for name, o, c in items]
    return list(dict.fromkeys(d for d in docs if d))


# Issuers that end a document number ("…/NĐ-CP", "…/TT-BTC"); used to cut a number glued to a title.
_ISSUERS = {"CP", "BTC", "BCA", "BTP", "BYT", "BCT", "BXD", "BGTVT", "NHNN", "BNNMT", "BNNPTNT", "BLĐTBXH", "BNV",
            "BKHĐT", "BTNMT", "BQP", "BNG", "BGDĐT", "BVHTTDL", "BTTTT", "BKHCN", "VPCP", "HĐND", "UBND", "TANDTC",
            "VKSNDTC", "KTNN", "CTN", "VPQH", "BHXH", "TCHQ", "TCT", "KBNN", "UBCKNN", "BNN", "BKH", "BTM", "BGD"}


def _docnum_end(raw: str, start: int, end: int) -> int:
    """Where a matched document number really ends: 'NĐ-CPNghị định' -> after 'CP'; 'TT-BCALuật' -> after 'BCA'."""
    cut = max(raw.rfind("-", start, end), raw.rfind("/", start, end)) + 1
    segment = raw[cut:end]
    if not re.fullmatch(r"(?:UBTV)?QH\d*", segment):
        known = next((k for k in range(len(segment), 0, -1) if segment[:k] in _ISSUERS), None)
        if known is not None:
            end = cut + known
        elif end < len(raw) and raw[end].islower() and end - 1 > cut:
            end -= 1  # an unknown issuer: its last capital starts the next title ("…XYZLuật")
    while end > start and raw[end - 1] in " -–":
        end -= 1
    return end


_DOCNUM_RE = re.compile(r"\d{1,4}(?:\.\d+)?/(?:\d{4}/)?[A-ZĐ]+(?:[ \t]?[-–][ \t]?[A-ZĐ]+)*(?:(?<=QH)\d{1,2})?")


_DOC_TYPE_ONLY = re.compile(r"^(?:luật|bộ luật|nghị định|nghị quyết|thông tư(?: liên tịch)?|quyết định|pháp lệnh|"
                            r"thông thư|văn bản hợp nhất)(?: số)?:?$", re.IGNORECASE)


def _legal_item(code: str, title: str) -> str:
    """'number – title'; the title alone when it already names the number ('Nghị định 137/2020/NĐ-CP')."""
    code = re.sub(r"\s*[-–]\s*", "-", code.strip())
    title = (_line(title) or "").strip(" -–:;,")
    if not title or title == code:
        return code
    if code.replace(" ", "") in title.replace(" ", ""):
        return title
    if _DOC_TYPE_ONLY.match(title):
        return f"{title} {code}"
    return f"{code} – {title}"


def parse_flat_legal(text: Any, kept: Counter[str]) -> list[str]:
    """The crawl's flattened 'Căn cứ pháp lý': '<title><number><title><number>…'."""
    raw = _line(text)
    if not raw:
        return []
    raw = raw.replace("Tên văn bản pháp lýMã văn bản", "", 1).strip()
    items: list[str] = []
    pos = prev = 0
    while m := _DOCNUM_RE.search(raw, pos):
        start, end = m.start(), _docnum_end(raw, m.start(), m.end())
        run = start
        while run > 0 and raw[run - 1].isdigit():
            run -= 1
        digits = raw[run:raw.index("/", start)]
        if run < start and len(digits) > 4 and re.match(r"(19|20)\d\d", digits):
            start = run + 4  # "năm 201102/2011/QH13": the year ends the title
        pos = end
        glued = raw[end:end + 1]
        nxt = raw[end:].lstrip()[:1]
        if nxt and not nxt.isupper() and not (glued.isalpha() and glued.islower()):
            continue  # a number inside a title ("… 87/2020/NĐ-CP ngày …"), not the number column
        items.append(_legal_item(raw[start:end], raw[prev:start]))
        prev = end
    if tail := _line(raw[prev:]):
        items.append(tail)
        if not items[:-1]:
            kept["legal basis without document numbers (kept as text)"] += 1
    return list(dict.fromkeys(items))


_LINE_DOCNUM_RE = re.compile(r"^[^\s]*\d[^\s]*/[^\s]+$")
_LINE_DATE_RE = re.compile(r"^\d{1,2}[-/]\d{1,2}[-/]\d{4}$")
_LEGAL_HEADERS = {"Số ký hiệu", "Trích yếu", "Ngày ban hành", "Cơ quan ban hành"}


def parse_line_legal(text: Any) -> list[str]:
    """The ministry exports' 'Căn cứ pháp lý': number, title, date, issuer, one a line."""
    raw = _block(text)
    if not raw:
        return []
    rows: list[dict[str, Any]] = []
    loose: list[str] = []
    for line in raw.split("\n"):
        if line in _LEGAL_HEADERS:
            continue
        if _LINE_DOCNUM_RE.match(line):
            rows.append({"code": line, "title": None, "date": None, "issuer": None})
        elif not rows:
            loose.append(line)
        elif rows[-1]["title"] is None:
            rows[-1]["title"] = line
        elif _LINE_DATE_RE.match(line):
            rows[-1]["date"] = line
        elif rows[-1]["date"] and rows[-1]["issuer"] is None:
            rows[-1]["issuer"] = line
        else:
            rows[-1]["title"] += " " + line
    items = loose + [_legal_item(r["code"], r["title"] or "") for r in rows]
    return list(dict.fromkeys(items))


def _legal_structured(entries: Any) -> list[str]:
    items = []
    for entry in entries or []:
        if isinstance(entry, dict):
            code, title = _line(entry.get("code")) or "", _line(entry.get("name")) or ""
            if code or title:
                items.append(_legal_item(code, title) if code else title)
        elif text := _line(entry):
            items.append(text)
    return list(dict.fromkeys(items))


_RESULT_CODE_RE = re.compile(r"Mã:\s*[A-Z0-9.\-]*\d")


def parse_flat_result(text: Any) -> str | None:
    """'<result>Mã: KQ…<result>Mã: KQ…Từ khóa…Mô tả…Chọn cơ quan thực hiện…' -> 'result; result'."""
    raw = _line(text)
    if not raw:
        return None
    main, _, tail = raw.partition("Từ khóa")
    main = main.split("Chọn cơ quan thực hiện")[0]
    results = [_line(x) for x in _RESULT_CODE_RE.split(main)]
    out = "; ".join(dict.fromkeys(x for x in results if x))
    if "Mô tả" in tail:
        desc = _line(tail.split("Mô tả", 1)[1].split("Chọn cơ quan thực hiện")[0])
        if desc:
            out = f"{out}. {desc}" if out else desc
    return out or None


# --- one converter per format -----------------------------------------------------------------


class _Skip(Exception):
    def __init__(self, kind: str, reason: str = ""):
        super().__init__(reason)
        self.kind = kind  # province | abolished | invalid
        self.reason = reason


@dataclass
class _Context:
    group_ids: set[str]
    file_name: str
    default_date: dt.date
    kept: Counter[str]
    comments: dict[str, list[str]] = field(default_factory=dict)  # code -> YAML comments above it
    province: str | None = None  # set by a converter when the record is specific to another province
    field_groups: dict[str, str] = field(default_factory=dict)  # folded field of activity -> group


def _https(url: Any) -> str | None:
    url = _line(url)
    return url if url and url.startswith("https://") and " " not in url else None


def _base(code: Any, name: Any, group_field: str | None, ctx: _Context) -> dict[str, Any]:
    code = (code if isinstance(code, str) else "" if code is None else str(code)).strip()
    if not CODE_RE.match(code):
        raise _Skip("invalid", "code is not a national procedure code")
    clean = _clean_name(name)
    if not clean:
        raise _Skip("invalid", "no name")
    group = group_for(group_field, clean, ctx.group_ids, ctx.field_groups)
    if group not in ctx.group_ids:
        if FALLBACK_GROUP not in ctx.group_ids:
            raise _Skip("invalid", f"group {group!r} is not in groups.yaml")
        group = FALLBACK_GROUP
    return {"id": "tthc-" + code.replace(".", "-"), "code": code, "name": clean, "group": group}


def _finish(data: dict[str, Any], source: str | None, ctx: _Context, date: dt.date | None = None) -> dict[str, Any]:
    data["source"] = source or PORTAL_BY_CODE.format(data["code"])
    data["verified_on"] = date or ctx.default_date
    data["imported_from"] = ctx.file_name
    return data


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    if value:
        data[key] = value


def _set_agency(data: dict[str, Any], agency: str | None, ctx: _Context) -> None:
    general, changed = generalize_agency(agency)
    if changed:
        ctx.kept["agency named another province (province dropped, marked unverified)"] += 1
        ctx.comments.setdefault(data["code"], []).append(f"agency as recorded ({ctx.file_name}): {agency}")
        data["unverified"] = [*data.get("unverified", []), "agency"]
    _set(data, "agency", general)


def convert_raw(rec: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    code = str(rec.get("ma_thu_tuc") or "").strip()
    shown = re.search(r"Mã thủ tục\s*(\d{1,2}\.\d{6,9})", str(rec.get("raw_text") or ""))
    if shown and shown.group(1) != code:
        raise _Skip("invalid", "the crawled page shows another procedure code")
    decision = str(rec.get("so_quyet_dinh") or "")
    name = rec.get("ten_thu_tuc")
    agency = _line(rec.get("co_quan_thuc_hien")) or _line(rec.get("co_quan_co_tham_quyen"))
    # Province-specific is a property of the procedure (its name, a provincial decision "QĐ-UBND"),
    # not of the agency shown: national procedures were often crawled from one province's page.
    texts = (str(name or ""), agency or "", decision)
    provincial_decision = "QĐ-UBND" in decision and not any(provinces_in(t)[0] for t in texts)
    if _other_province(str(name or ""), decision) or provincial_decision:
        ctx.province = decision or str(name or "")
    if _is_abolished(rec.get("state")):
        raise _Skip("abolished")
    data = _base(code, name, _line(rec.get("linh_vuc")), ctx)
    data["source"] = _https(rec.get("detail_url")) or PORTAL_BY_CODE.format(code)
    _set(data, "field", _line(rec.get("linh_vuc")))
    _set(data, "audience", _audience(rec.get("doi_tuong_thuc_hien")))
    _set_agency(data, agency, ctx)
    _set(data, "steps", split_steps(rec.get("trinh_tu_thuc_hien")))
    _set(data, "documents", parse_flat_documents(rec.get("thanh_phan_ho_so"), ctx.kept))
    _set(data, "result", parse_flat_result(rec.get("ket_qua_xu_ly")))
    _set(data, "legal_basis", parse_flat_legal(rec.get("can_cu_phap_ly"), ctx.kept))
    _set(data, "conditions", _block(rec.get("yeu_cau_dieu_kien")))
    _apply_channels(data, parse_flat_channels(rec.get("cach_thuc_thuc_hien"), ctx.kept))
    return _finish(data, data["source"], ctx, _record_date(rec))


def convert_details(rec: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    promulgator = _line(rec.get("promulgating_agency"))
    if _other_province(promulgator, _line(rec.get("name"))):
        ctx.province = promulgator or _line(rec.get("name"))
    if _is_abolished(rec.get("state")):
        raise _Skip("abolished")
    category = rec.get("category")
    field_text = _line(category.get("name")) if isinstance(category, dict) else _line(category)
    data = _base(rec.get("code"), rec.get("name"), field_text, ctx)
    _set(data, "field", field_text)
    _set(data, "audience", _audience(rec.get("subject_types")))
    src = rec.get("source") if isinstance(rec.get("source"), dict) else {}
    source_id = _line(rec.get("source_id"))
    data["source"] = (_https(src.get("url")) or _https(rec.get("url"))
                      or (PORTAL_DETAIL.format(source_id) if source_id else None)
                      or PORTAL_BY_CODE.format(data["code"]))
    _set_agency(data, _line(rec.get("executing_agency")), ctx)
    steps: list[str] = []
    for part in rec.get("steps_raw") or []:
        if isinstance(part, dict):
            heading = _line(part.get("name"))
            if heading:
                steps.append(_strip_bullet(heading))
            steps += split_steps(part.get("text"))
        else:
            steps += split_steps(part)
    _set(data, "steps", steps)
    docs: list[str] = []
    for group in rec.get("checklist_raw") or []:
        if not isinstance(group, dict):
            continue
        if heading := _line(group.get("group")):
            docs.append(_strip_bullet(heading))
        for item in group.get("items") or []:
            if isinstance(item, dict) and (doc := _document(_line(item.get("name")) or "",
                                                            int(item.get("original_qty") or 0),
                                                            int(item.get("copy_qty") or 0))):
                docs.append(doc)
    _set(data, "documents", list(dict.fromkeys(docs)))
    results = [_line(r) for r in rec.get("results") or []]
    _set(data, "result", "; ".join(dict.fromkeys(r for r in results if r)))
    _set(data, "legal_basis", _legal_structured(rec.get("legal_basis")))
    _set(data, "conditions", _block(rec.get("requirements")))
    rows = []
    for ch in rec.get("channels") or []:
        if not isinstance(ch, dict) or ch.get("method") not in _CHANNEL_BY_METHOD:
            continue
        row = _Channel(_CHANNEL_BY_METHOD[ch["method"]])
        proc = ch.get("processing") or {}
        qty, unit = proc.get("qty"), proc.get("unit")
        if isinstance(qty, int | float) and qty > 0:
            shown_qty = f"{qty:g}"
            row.time = f"{shown_qty} {_UNITS[unit]}" if unit in _UNITS else f"{shown_qty} {_NO_UNIT}"
            row.qty, row.unit = float(qty), _UNITS.get(unit)
        for fee in ch.get("fees") or []:
            if isinstance(fee, dict):
                row.fees.append(_structured_fee(fee, row.channel, ctx.kept))
        if note := _line(ch.get("note")):
            row.desc.append(note)
        rows.append(row)
    cases = []
    for case in rec.get("processing_cases") or []:
        if isinstance(case, dict) and isinstance(case.get("qty"), int | float) and case["qty"] > 0:
            unit = _UNITS.get(case.get("unit"), _NO_UNIT)
            cases.append(f"{case['qty']:g} {unit}")
    extra = [f"Theo trường hợp hồ sơ: {'; '.join(dict.fromkeys(cases))}"] if cases else []
    _apply_channels(data, rows, extra)
    return _finish(data, data["source"], ctx, _record_date(rec))


def _structured_fee(fee: dict[str, Any], channel: str, kept: Counter[str]) -> dict[str, Any]:
    text = _fee_note(_line(fee.get("text")) or "")
    value = fee.get("value_vnd")
    if not isinstance(value, int | float):
        amount = clear_amount(text)
    elif value == 0:
        # 0 with a text: usually "set by the provincial People's Council" -> no national amount.
        amount = clear_amount(text, free=True) if text else 0
    else:
        amount = clear_amount(text, stated=int(value))
    note = text
    if amount is None:
        kept["fee without one clear amount (text kept in note)"] += 1
        if isinstance(value, int | float) and value:
            note = f"{text} (giá trị ghi trong hồ sơ: {value:g})" if text else f"Giá trị ghi trong hồ sơ: {value:g}"
    return _fee(None, channel, note, amount)


def convert_catalog(rec: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    promulgator = _line(rec.get("departmentPromulgate")) or ""
    departments = "; ".join(str(d) for d in rec.get("departments") or [])
    name = str(rec.get("name") or "")
    specific = str(rec.get("type") or "").upper() == "SPECIFIC"
    if _other_province(promulgator):  # e.g. internal procedures promulgated by another province's committee
        ctx.province = promulgator
    elif specific and not any(provinces_in(t)[0] for t in (promulgator, departments, name)):
        ctx.province = promulgator or departments or "tỉnh khác"  # specific to one province, not HCMC
    code = str(rec.get("code") or rec.get("codeNotation") or "").strip()
    if _is_abolished(rec.get("state")) or re.search(r"-\s*x[oó]a$", code, re.IGNORECASE):
        raise _Skip("abolished")
    categories = rec.get("categories")
    field_text = "; ".join(str(c) for c in categories) if isinstance(categories, list) else _line(categories)
    if str(rec.get("type") or "").upper() == "STANDARD_INTERNAL":
        raise _Skip("internal", "a procedure between state bodies, not filed by citizens or businesses")
    data = _base(code, name, field_text, ctx)
    _set(data, "field", field_text)
    _set(data, "audience", _audience(rec.get("formalityTargetType")))
    _set(data, "agency", "; ".join(str(d).strip() for d in rec.get("departments") or [] if str(d).strip()) or None)
    rid = _line(rec.get("id"))
    source = PORTAL_DETAIL.format(rid) if rid and re.fullmatch(r"[0-9a-f-]{16,64}", rid) else None
    return _finish(data, source, ctx, _record_date(rec))


def convert_kp69(rec: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    name, agency = rec.get("Tên thủ tục"), rec.get("Cơ quan thực hiện")
    if _other_province(_line(name)):
        ctx.province = _line(name)
    if _is_abolished(rec.get("state") or rec.get("Trạng thái")):
        raise _Skip("abolished")
    data = _base(rec.get("Mã thủ tục"), name, _line(rec.get("Lĩnh vực")), ctx)
    data["source"] = _https(rec.get("url")) or PORTAL_BY_CODE.format(data["code"])
    _set(data, "field", _line(rec.get("Lĩnh vực")))
    _set(data, "audience", _audience(rec.get("Đối tượng thực hiện")))
    _set(data, "summary", _line(rec.get("Mô tả")))
    _set(data, "keywords", list(dict.fromkeys(
        k for k in (_line(x) for x in re.split(r"[,;]", _line(rec.get("Từ khóa")) or "")) if k)))
    _set_agency(data, _line(agency) or _line(rec.get("Cơ quan có thẩm quyền")), ctx)
    _set(data, "steps", split_steps(rec.get("Trình tự thực hiện")))
    _set(data, "documents", parse_line_documents(rec.get("Thành phần hồ sơ")))
    _set(data, "result", _line(rec.get("Kết quả thực hiện")))
    _set(data, "legal_basis", parse_line_legal(rec.get("Căn cứ pháp lý")))
    _set(data, "conditions", _block(rec.get("Yêu cầu, điều kiện thực hiện")))
    _apply_channels(data, parse_line_channels(rec.get("Cách thức thực hiện"), ctx.kept))
    return _finish(data, data["source"], ctx, _record_date(rec))


_REFERENCE_NOTE_FIELDS = (("time", "processing_time"), ("postal", "processing_time"), ("channel", "processing_time"),
                          ("agency", "agency"), ("legal", "legal_basis"), ("document", "documents"),
                          ("fee", "fees"))


def convert_reference(rec: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    data = _base(rec.get("code"), rec.get("name_vi") or rec.get("name"), _line(rec.get("group")), ctx)
    data["source"] = _https(rec.get("url")) or PORTAL_BY_CODE.format(data["code"])
    unverified: list[str] = []

    def take(key: str, target: str) -> str | None:
        text = _line(rec.get(key))
        if text and "UNVERIFIED" in text:
            unverified.append(target)
            if fold(text) == "unverified":
                return None
        return text

    _set(data, "agency", take("level_agency", "agency"))
    _set(data, "processing_time", take("processing_time", "processing_time"))
    if fee := take("fee", "fees"):
        free = fold(fee).startswith(("mien", "khong thu"))
        amount = clear_amount(fee, free=free)
        if amount is None:
            ctx.kept["fee without one clear amount (text kept in note)"] += 1
        data["fees"] = [_fee(None, None, fee, amount)]
    legal = [x.strip() for x in (take("legal_basis_key", "legal_basis") or "").split(";") if x.strip()]
    decision = _line(rec.get("decision_cong_bo"))
    if decision and "UNVERIFIED" not in decision:
        legal.append(f"Quyết định công bố: {decision}")
    _set(data, "legal_basis", legal)
    if note := _line(rec.get("note")):
        # The table's own remark stays next to the record (a YAML comment) and marks the field it doubts.
        ctx.comments.setdefault(data["code"], []).append(f"note ({ctx.file_name}): {note}")
        for word, target in _REFERENCE_NOTE_FIELDS:
            if word in note.lower() and target in data:
                unverified.append(target)
    _set(data, "unverified", list(dict.fromkeys(unverified)))
    return _finish(data, data["source"], ctx, _record_date(rec))


def _audience(value: Any) -> list[str]:
    """Who files the procedure, as a short list ("Công dân Việt Nam", "Doanh nghiệp")."""
    # Split at commas outside brackets: "Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam".
    items = value if isinstance(value, list) else re.split(r"[;,\n](?![^(]*\))", str(value or ""))
    out = []
    for item in items:
        text = _line(item.get("name") if isinstance(item, dict) else item)
        if text and len(text) <= 120:
            out.append(text)
    return list(dict.fromkeys(out))[:8]


def _record_date(rec: dict[str, Any]) -> dt.date | None:
    """A capture date carried by the record itself (e.g. details' source.crawled_at)."""
    for holder in (rec, rec.get("source") if isinstance(rec.get("source"), dict) else {}):
        for key in ("crawled_at", "captured_at", "verified_on"):
            value = holder.get(key)
            if isinstance(value, str) and (m := re.match(r"(\d{4})-(\d{2})-(\d{2})", value)):
                try:
                    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    return None
    return None


# --- format detection -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Format:
    name: str
    convert: Callable[[dict[str, Any], _Context], dict[str, Any]]
    matches: Callable[[set[str]], bool]


FORMATS: tuple[_Format, ...] = (
    _Format("raw", convert_raw, lambda k: {"ma_thu_tuc", "ten_thu_tuc"} <= k),
    _Format("kp69", convert_kp69, lambda k: {"Mã thủ tục", "Tên thủ tục"} <= k),
    _Format("details", convert_details, lambda k: {"code", "name", "channels"} <= k),
    _Format("catalog", convert_catalog,
            lambda k: {"code", "name"} <= k and bool(k & {"categories", "type", "departments", "codeNotation"})),
    _Format("reference", convert_reference, lambda k: {"code", "name_vi"} <= k),
)


def detect_format(keys: set[str]) -> _Format | None:
    keys = {unicodedata.normalize("NFC", str(k)).strip() for k in keys}
    return next((f for f in FORMATS if f.matches(keys)), None)


def _read_records(path: Path) -> tuple[_Format, Iterator[tuple[int, Any]]]:
    """(format, iterator of (line number, record or parse error)) — or ImportFormatError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFormatError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(path, f"not UTF-8 text ({exc.reason})") from None
    text = unicodedata.normalize("NFC", text)
    stripped = text.lstrip()
    if not stripped:
        raise ImportFormatError(path, "the file is empty")
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ImportFormatError(path, f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
        records = [r for r in items if isinstance(r, dict)] if isinstance(items, list) else []
        if not records:
            raise ImportFormatError(path, "a JSON list without records (objects)")
        fmt = _detect_or_raise(path, set(records[0]))
        return fmt, iter(enumerate(items, 1))
    if stripped.startswith("{"):
        lines = text.splitlines()
        first = next((json.loads(x) for x in lines if x.strip().startswith("{") and _is_json(x)), None)
        if not isinstance(first, dict):
            raise ImportFormatError(path, "looks like JSON lines but no line is a JSON object")
        fmt = _detect_or_raise(path, set(first))
        return fmt, _json_lines(lines)
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or []) if h]
    if len(header) < 2:
        raise ImportFormatError(path, "neither JSON nor a CSV table with a header row")
    fmt = _detect_or_raise(path, set(header))
    return fmt, ((i, {(k or "").strip(): v for k, v in row.items()}) for i, row in enumerate(reader, 2))


def _is_json(line: str) -> bool:
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    return True


def _json_lines(lines: list[str]) -> Iterator[tuple[int, Any]]:
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield i, json.loads(line)
        except json.JSONDecodeError as exc:
            yield i, _Skip("invalid", f"not JSON ({exc.msg})")


def _detect_or_raise(path: Path, keys: set[str]) -> _Format:
    fmt = detect_format(keys)
    if fmt is None:
        shown = ", ".join(sorted(map(str, keys))[:12])
        raise ImportFormatError(path, f"unknown format: no known set of fields (found: {shown})")
    return fmt


# --- the run ----------------------------------------------------------------------------------


def _score(proc: Procedure) -> tuple[int, int, dt.date]:
    filled = len(proc.model_dump(exclude_defaults=True))
    return proc.richness(), filled, proc.verified_on


def run_import(files: list[Path], out_dir: Path, group_ids: set[str], output: str = "yaml",
               field_groups: dict[str, str] | None = None) -> ImportReport:
    """Import official record files into `out_dir/<file stem>/<group>.yaml` (`output="yaml"`, for staff to
    read and curate), or the records served in HCMC, one per code, into `out_dir/<group>.jsonl`
    (`output="jsonl"`: the national catalogue the project ships). `field_groups` maps a field of activity
    (folded) to its group; see the module doc."""
    out_dir = Path(out_dir)
    report = ImportReport(out_dir=out_dir)
    sources = [(Path(f), *_read_records(Path(f))) for f in files]  # every format error before any write
    chosen: dict[str, tuple[Procedure, FileStats, list[str]]] = {}
    for path, fmt, records in sources:
        stats = FileStats(path=path, format=fmt.name)
        report.files.append(stats)
        ctx = _Context(group_ids=set(group_ids), file_name=path.name, default_date=CAPTURE_DATES[fmt.name],
                       kept=report.kept_as_text, field_groups=field_groups or {})
        for _line_no, rec in records:
            stats.total += 1
            try:
                if isinstance(rec, _Skip):
                    raise rec
                if not isinstance(rec, dict):
                    raise _Skip("invalid", "not a record (object)")
                ctx.province = None
                data = fmt.convert(rec, ctx)
                if ctx.province:
                    # Kept for the record, validated like the rest, never served to HCMC citizens.
                    data["province"] = ctx.province[:200]
                proc = Procedure.model_validate(data)
                if proc.province:
                    stats.province_specific += 1
                    report.province_specific += 1
            except _Skip as skip:
                _count_skip(report, stats, skip)
                continue
            except ValidationError as exc:
                err = exc.errors()[0]
                where = ".".join(str(x) for x in err["loc"])
                _count_skip(report, stats, _Skip("invalid", f"schema: {where}: {err['msg']}"))
                continue
            comments = ctx.comments.pop(proc.code, [])
            prev = chosen.get(proc.code)
            if prev is not None:
                report.duplicates += 1
                if _score(proc) > _score(prev[0]):
                    prev[1].lost_to_duplicate += 1
                    chosen[proc.code] = (_fill_gaps(proc, prev[0]), stats, comments + prev[2])
                else:
                    stats.lost_to_duplicate += 1
                    prev[2].extend(comments)
                    chosen[proc.code] = (_fill_gaps(prev[0], proc), prev[1], prev[2])
                continue
            chosen[proc.code] = (proc, stats, comments)
        report.total += stats.total
    if output == "jsonl":
        _write_jsonl(report, chosen, out_dir)
    else:
        _write(report, chosen, out_dir)
    return report


# What a richer record of a code may lack and a plainer one of the same code tells (the portal's list
# names the field of activity and who files it; the detail page has the steps).
_GAP_FIELDS = ("field", "audience", "agency", "summary", "keywords", "result")


def _fill_gaps(winner: Procedure, other: Procedure) -> Procedure:
    update = {k: getattr(other, k) for k in _GAP_FIELDS if not getattr(winner, k) and getattr(other, k)}
    return winner.model_copy(update=update) if update else winner


def _count_skip(report: ImportReport, stats: FileStats, skip: _Skip) -> None:
    if skip.kind == "province":
        stats.province_specific += 1
        report.province_specific += 1
    elif skip.kind == "abolished":
        stats.abolished += 1
        report.abolished += 1
    elif skip.kind == "internal":
        report.internal += 1
    else:
        stats.invalid += 1
        report.invalid += 1
        report.invalid_reasons[skip.reason or "invalid"] += 1


# --- YAML output ------------------------------------------------------------------------------


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_records(records: list[tuple[Procedure, list[str]]]) -> str:
    chunks = []
    for proc, comments in records:
        data = proc.model_dump(exclude_defaults=True)
        head = "".join(f"# {' '.join(c.split())}\n" for c in comments)
        chunks.append(head + yaml.dump([data], Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120))
    return "".join(chunks)


def _count_written(report: ImportReport, stats: FileStats, proc: Procedure) -> None:
    stats.written += 1
    report.groups[proc.group] += 1
    if proc.is_name_only:
        report.name_only += 1
    else:
        report.full += 1


def _write(report: ImportReport, chosen: dict[str, tuple[Procedure, FileStats, list[str]]], out_dir: Path) -> None:
    by_file: dict[tuple[str, str], list[tuple[Procedure, list[str]]]] = {}
    for proc, stats, comments in chosen.values():
        _count_written(report, stats, proc)
        by_file.setdefault((stats.path.stem, proc.group), []).append((proc, comments))
    for stats in report.files:  # a re-import replaces what the last import of this file wrote
        folder = out_dir / stats.path.stem
        for old in folder.glob("*.yaml") if folder.is_dir() else []:
            if old.read_text(encoding="utf-8", errors="replace").startswith(_GENERATED):
                old.unlink()
    for (stem, group), records in sorted(by_file.items()):
        records.sort(key=lambda r: r[0].code)
        target = out_dir / stem / f"{group}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        header = (f"{_GENERATED} from {records[0][0].imported_from}; a re-import overwrites this file.\n"
                  "# To curate a record, copy it into procedures/ and drop `imported_from` (curated cards win).\n")
        target.write_text(header + dump_records(records), encoding="utf-8")
        report.written_files.append(target)


def _write_jsonl(report: ImportReport, chosen: dict[str, tuple[Procedure, FileStats, list[str]]],
                 out_dir: Path) -> None:
    """One JSON object a line, sorted by code, one file per group: a changed record is a changed line."""
    by_group: dict[str, list[Procedure]] = {}
    for proc, stats, _ in chosen.values():
        if proc.province:
            continue  # another province's own procedure: never served here, so not shipped
        _count_written(report, stats, proc)
        by_group.setdefault(proc.group, []).append(proc)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.jsonl"):
        old.unlink()
    for group, procs in sorted(by_group.items()):
        procs.sort(key=lambda p: tuple(int(x) for x in p.code.split(".")))
        target = out_dir / f"{group}.jsonl"
        lines = (json.dumps(p.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False,
                            separators=(",", ":")) for p in procs)
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report.written_files.append(target)


# --- command line -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    from .loader import Problem, load_groups

    parser = argparse.ArgumentParser(prog="python -m bot.catalogue.importer", description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="official record files (JSON lines, JSON or CSV)")
    parser.add_argument("--knowledge", type=Path, default=Path("knowledge"), help="knowledge folder (groups.yaml)")
    parser.add_argument("--out", type=Path, help="output folder (default: KNOWLEDGE/imported)")
    args = parser.parse_args(argv)
    problems: list[Problem] = []
    groups = load_groups(args.knowledge, problems)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        return 1
    try:
        report = run_import(args.files, args.out or args.knowledge / "imported", {g.id for g in groups})
    except ImportFormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    for line in report.details():
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
