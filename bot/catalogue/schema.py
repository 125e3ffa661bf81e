"""The procedure schema staff write in YAML, validated with pydantic.

Field names `id`, `code`, `name`, `group`, `aliases`, `fees`, `source`, `verified_on` are contracts
used by links, buttons, the importer and every check: do not rename them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_RE = re.compile(r"^\d{1,2}\.\d{6,9}$")
ONLINE_LEVELS = ("toan-trinh", "mot-phan", "truc-tiep")
CHANNELS = ("truc-tiep", "online", "buu-chinh")


class _Strict(BaseModel):
    # Unknown keys are typos staff must hear about (`fess:`), never silently ignored.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _non_empty(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


def _slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise ValueError("must be a slug of a-z, 0-9 and single hyphens, e.g. dang-ky-khai-sinh")
    if len(value) > 48:  # ids travel in Telegram button data (64 bytes at most)
        raise ValueError("must be at most 48 characters")
    return value


def _https(value: str) -> str:
    if not value.startswith("https://") or " " in value or len(value) < 12:
        raise ValueError("must be an https:// link")
    return value


class Online(_Strict):
    level: Literal["toan-trinh", "mot-phan", "truc-tiep"]
    url: str | None = None
    processing_time: str | None = None  # when filing online is faster than at the counter
    note: str | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        return None if v is None else _https(v)


class Fee(_Strict):
    label: str
    amount_vnd: int | None = Field(default=None, ge=0)  # None: no single national amount
    note: str | None = None
    channel: Literal["truc-tiep", "online", "buu-chinh"] | None = None

    _label = field_validator("label")(_non_empty)


class English(_Strict):
    name: str
    summary: str | None = None
    aliases: list[str] = []

    _name = field_validator("name")(_non_empty)


class Faq(_Strict):
    """A specific question staff answer once, citing the law (issue: help people file)."""

    q: list[str] = Field(min_length=1)  # phrasings citizens use
    a: str
    source: str  # law and article, e.g. "Luật Hộ tịch 2014, Điều 15"
    a_en: str | None = None
    url: str | None = None  # the official question this answers (portal page), shown under the answer
    changed: str | None = None  # what was brought up to date against that official answer (staff note)

    _a = field_validator("a", "source")(_non_empty)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        return None if v is None else _https(v)

    @field_validator("q")
    @classmethod
    def _phrasings(cls, v: list[str]) -> list[str]:
        for phrasing in v:
            _non_empty(phrasing)
        return v


class Procedure(_Strict):
    id: str
    code: str
    name: str
    group: str
    source: str
    verified_on: dt.date

    aliases: list[str] = []
    keywords: list[str] = []
    summary: str | None = None
    agency: str | None = None
    online: Online | None = None
    steps: list[str] = []
    documents: list[str] = []
    fees: list[Fee] = []
    processing_time: str | None = None
    result: str | None = None
    legal_basis: list[str] = []
    conditions: str | None = None
    unverified: list[str] = []
    faq: list[Faq] = []
    en: English | None = None
    field: str | None = None  # field of activity (lĩnh vực) as the official record names it
    audience: list[str] = []  # who files it, as the official record says (citizens, enterprises...)
    imported_from: str | None = None  # set by `kb import`; curated records win over these
    province: str | None = None  # another province's own procedure: validated, kept, never served

    _id = field_validator("id")(lambda v: _slug(v))

    @field_validator("code", mode="before")
    @classmethod
    def _code_text(cls, v: object) -> object:
        return v.strip() if isinstance(v, str) else v

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not CODE_RE.match(v):
            raise ValueError('must be a national procedure code like "1.001193" (quote it)')
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return _non_empty(v)

    @field_validator("source")
    @classmethod
    def _source(cls, v: str) -> str:
        return _https(v)

    @field_validator("aliases", "keywords", "steps", "documents", "legal_basis")
    @classmethod
    def _items(cls, v: list[str]) -> list[str]:
        for item in v:
            _non_empty(item)
        return v

    @model_validator(mode="after")
    def _unverified_fields(self) -> Procedure:
        known = set(type(self).model_fields)
        for name in self.unverified:
            if name not in known:
                raise ValueError(f"unverified lists unknown field {name!r}")
        return self

    @property
    def is_name_only(self) -> bool:
        # The agency alone (the portal's list names it) is no guide to filing.
        return not (self.steps or self.documents or self.fees or self.summary)

    @property
    def is_curated(self) -> bool:
        return self.imported_from is None

    def richness(self) -> int:
        """How much a record tells; breaks ties between records of the same code."""
        return sum(
            bool(x)
            for x in (self.steps, self.documents, self.fees, self.agency, self.processing_time,
                      self.result, self.legal_basis, self.summary, self.online)
        )

    def headline_fee(self) -> Fee | None:
        return self.fees[0] if self.fees else None


class NotServed(_Strict):
    """A subject citizens ask about that no procedure here serves (visas, vehicle plates, taxes...),
    and where to go instead: the bot says so plainly rather than offer a wrong procedure."""

    topic: str
    topic_en: str
    words: list[str]  # phrases that name the subject, matched like synonyms (folded, accents checked)
    where: str
    where_en: str
    # Strong: the words alone settle it, even beside a procedure's name ("thi bằng lái xe máy" names
    # the licence card, but a first driving test is not an exchange).
    strong: bool = False

    @field_validator("topic", "topic_en", "where", "where_en")
    @classmethod
    def _text(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v.strip()

    @field_validator("words")
    @classmethod
    def _words(cls, v: list[str]) -> list[str]:
        if not v or not all(isinstance(w, str) and w.strip() for w in v):
            raise ValueError("give at least one non-empty phrase")
        return [w.strip() for w in v]


class Group(_Strict):
    id: str
    name: str
    name_en: str
    emoji: str | None = None

    _id = field_validator("id")(lambda v: _slug(v))
