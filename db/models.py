"""Tables. The YAML catalogue is the source of truth; `procedure` is a synced copy for queries and
reports. Users are stored only by a salted hash of their Telegram id, and texts only redacted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Column
from sqlmodel import Field, SQLModel


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ProcedureRow(SQLModel, table=True):
    __tablename__ = "procedure"

    id: str = Field(primary_key=True)
    code: str = Field(index=True)
    name: str
    group: str = Field(index=True)
    curated: bool = True
    online_level: str | None = None
    content_hash: str  # what followers are told about when it changes
    data: dict[str, Any] = Field(sa_column=Column(JSON))
    synced_at: dt.datetime = Field(default_factory=_now)


class UserRow(SQLModel, table=True):
    __tablename__ = "bot_user"

    user_hash: str = Field(primary_key=True)
    chat_id: int | None = Field(default=None, sa_type=BigInteger)  # to notify followers; deleted by /forget
    lang: str = "vi"
    active: bool = True
    created_at: dt.datetime = Field(default_factory=_now)


class QueryLog(SQLModel, table=True):
    __tablename__ = "query_log"

    id: int | None = Field(default=None, primary_key=True)
    user_hash: str = Field(index=True)
    text: str  # redacted: no phone or ID numbers
    kind: str = Field(index=True)  # answer | choices | none | inline
    proc_id: str | None = Field(default=None, index=True)
    score: float | None = None
    aspect: str | None = None
    lang: str = "vi"
    reply_ms: float | None = None
    created_at: dt.datetime = Field(default_factory=_now, index=True)


class Feedback(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_hash: str = Field(index=True)
    proc_id: str = Field(index=True)
    useful: bool
    created_at: dt.datetime = Field(default_factory=_now, index=True)


class Follow(SQLModel, table=True):
    user_hash: str = Field(primary_key=True)
    proc_id: str = Field(primary_key=True)
    created_at: dt.datetime = Field(default_factory=_now)


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    admin_hash: str
    action: str
    detail: str = ""
    created_at: dt.datetime = Field(default_factory=_now)


class ProcessedUpdate(SQLModel, table=True):
    """Telegram update ids claimed by an instance (webhook mode): Telegram retries a delivery that was not
    acknowledged, and with two instances the retry can reach the other one. A claim not marked done
    within the lease is taken over (its instance died); a done one is acknowledged and dropped."""

    __tablename__ = "processed_update"

    update_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    claimed_at: dt.datetime = Field(default_factory=_now, index=True)
    done: bool = False


class SentNotice(SQLModel, table=True):
    """A follower notice sent for one version of a procedure: with several instances reloading the same
    catalogue, only the first to claim a change tells the followers."""

    __tablename__ = "sent_notice"

    proc_id: str = Field(primary_key=True)
    content_hash: str = Field(primary_key=True)
    sent_at: dt.datetime = Field(default_factory=_now)
