"""Data access for the bot: users, the privacy-safe query log, feedback, follows, audit, figures.

Callers pass raw Telegram ids and texts; this layer hashes ids and redacts texts before anything is
written, so no call site can forget to.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, update
from sqlalchemy.engine import Connection
from sqlmodel import select

from bot.privacy import hash_user, redact

from .models import AuditLog, Feedback, Follow, ProcessedUpdate, QueryLog, SentNotice, UserRow
from .session import init_db, session_scope

MAX_LOGGED_CHARS = 500


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def clean_text(text: str, limit: int = MAX_LOGGED_CHARS) -> str:
    """What may be stored of a user's text: cut, redacted, without NUL (PostgreSQL refuses it) and without
    lone surrogates (not encodable as UTF-8; Telegram's JSON can carry them)."""
    text = text[:limit].replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return redact(text)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclass
class Stats:
    today: int = 0
    week: int = 0
    kinds: dict[str, int] = field(default_factory=dict)  # over 7 days
    by_group: dict[str, int] = field(default_factory=dict)
    top_procedures: list[tuple[str, int]] = field(default_factory=list)
    useful: int = 0
    not_useful: int = 0
    median_reply_ms: float | None = None
    users_week: int = 0


class Store:
    def __init__(self, url: str, salt: bytes):
        self.engine = init_db(url)
        self.salt = salt

    def user_hash(self, user_id: int) -> str:
        return hash_user(user_id, self.salt)

    # --- users ------------------------------------------------------------------------------------

    def touch_user(self, user_id: int, chat_id: int | None, lang: str | None = None) -> UserRow:
        h = self.user_hash(user_id)
        with session_scope(self.engine) as s:
            row = s.get(UserRow, h)
            if row is None:
                row = UserRow(user_hash=h, chat_id=chat_id, lang=lang or "vi")
            else:
                row.chat_id = chat_id if chat_id is not None else row.chat_id
                row.active = True
            s.add(row)
            s.flush()
            s.expunge(row)
            return row

    def lang_of(self, user_id: int) -> str | None:
        """The stored language, without the ORM: the read every update makes, cheap and shared by instances."""
        with self.engine.connect() as conn:
            return conn.execute(select(UserRow.lang).where(UserRow.user_hash == self.user_hash(user_id))).scalar()

    def follows(self, user_id: int, proc_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(Follow.proc_id).where(
                Follow.user_hash == self.user_hash(user_id), Follow.proc_id == proc_id)).first() is not None

    def get_lang(self, user_id: int) -> str | None:
        with session_scope(self.engine) as s:
            row = s.get(UserRow, self.user_hash(user_id))
            return row.lang if row else None

    def set_lang(self, user_id: int, lang: str) -> None:
        h = self.user_hash(user_id)
        with session_scope(self.engine) as s:
            row = s.get(UserRow, h) or UserRow(user_hash=h)
            row.lang = lang
            s.add(row)

    def mark_inactive(self, chat_id: int) -> None:
        with session_scope(self.engine) as s:
            for row in s.exec(select(UserRow).where(UserRow.chat_id == chat_id)):
                row.active = False
                s.add(row)

    def forget(self, user_id: int) -> int:
        """Delete everything stored about a user; returns the number of rows removed."""
        h = self.user_hash(user_id)
        removed = 0
        with session_scope(self.engine) as s:
            for model in (QueryLog, Feedback, Follow):
                removed += s.exec(delete(model).where(model.user_hash == h)).rowcount or 0  # type: ignore[attr-defined]
            removed += s.exec(delete(UserRow).where(UserRow.user_hash == h)).rowcount or 0  # type: ignore[attr-defined]
        return removed

    # --- questions and feedback ---------------------------------------------------------------------

    def log_query(self, user_id: int, text: str, kind: str, proc_id: str | None = None, score: float | None = None,
                  aspect: str | None = None, lang: str = "vi", reply_ms: float | None = None) -> None:
        row = QueryLog(user_hash=self.user_hash(user_id), text=clean_text(text), kind=kind,
                       proc_id=proc_id, score=score, aspect=aspect, lang=lang, reply_ms=reply_ms)
        with session_scope(self.engine) as s:
            s.add(row)

    def add_feedback(self, user_id: int, proc_id: str, useful: bool) -> None:
        with session_scope(self.engine) as s:
            s.add(Feedback(user_hash=self.user_hash(user_id), proc_id=proc_id, useful=useful))

    def purge(self, days: int) -> int:
        cutoff = _now() - dt.timedelta(days=days)
        with session_scope(self.engine) as s:
            n = s.exec(delete(QueryLog).where(QueryLog.created_at < cutoff)).rowcount or 0  # type: ignore[attr-defined]
            n += s.exec(delete(Feedback).where(Feedback.created_at < cutoff)).rowcount or 0  # type: ignore[attr-defined]
        return n

    def _since(self, model, since: dt.datetime | None) -> list:
        """Rows of a logged table created since a moment (all when None), oldest first, detached."""
        with session_scope(self.engine) as s:
            stmt = select(model)
            if since is not None:
                stmt = stmt.where(model.created_at >= since)
            rows = list(s.exec(stmt.order_by(model.created_at)))
            for r in rows:
                s.expunge(r)
            return rows

    def queries(self, since: dt.datetime | None = None) -> list[QueryLog]:
        return self._since(QueryLog, since)

    def feedback(self, since: dt.datetime | None = None) -> list[Feedback]:
        return self._since(Feedback, since)

    # --- follows ------------------------------------------------------------------------------------

    def is_following(self, user_id: int, proc_id: str) -> bool:
        with session_scope(self.engine) as s:
            return s.get(Follow, (self.user_hash(user_id), proc_id)) is not None

    def toggle_follow(self, user_id: int, proc_id: str) -> bool:
        """Follow or unfollow; returns True when now following."""
        key = (self.user_hash(user_id), proc_id)
        with session_scope(self.engine) as s:
            row = s.get(Follow, key)
            if row is None:
                s.add(Follow(user_hash=key[0], proc_id=proc_id))
                return True
            s.delete(row)
            return False

    def following(self, user_id: int) -> list[str]:
        with session_scope(self.engine) as s:
            return list(s.exec(select(Follow.proc_id).where(Follow.user_hash == self.user_hash(user_id))))

    def followers(self, proc_id: str) -> list[tuple[int, str]]:
        """(chat id, language) of active users following a procedure."""
        with session_scope(self.engine) as s:
            stmt = (select(UserRow.chat_id, UserRow.lang).join(Follow, Follow.user_hash == UserRow.user_hash)
                    .where(Follow.proc_id == proc_id, UserRow.active == True, UserRow.chat_id != None))  # noqa: E711,E712
            return [(int(c), lang) for c, lang in s.exec(stmt)]

    # --- several instances ------------------------------------------------------------------------------

    def claim_update(self, update_id: int, lease_seconds: float = 30.0) -> str:
        """Claim a Telegram update for this instance: "new" (handle it), "done" (handled already: acknowledge
        it) or "busy" (another instance is handling it now: ask Telegram to retry later). A claim older than
        the lease and not done belongs to an instance that died: it is taken over ("new")."""
        now = _now()
        with self.engine.begin() as conn:
            if _insert_ignore(conn, ProcessedUpdate, {"update_id": update_id, "claimed_at": now, "done": False}):
                return "new"
            taken = conn.execute(update(ProcessedUpdate).where(
                ProcessedUpdate.update_id == update_id, ProcessedUpdate.done == False,  # noqa: E712
                ProcessedUpdate.claimed_at < now - dt.timedelta(seconds=lease_seconds)).values(claimed_at=now))
            if taken.rowcount:
                return "new"
            done = conn.execute(select(ProcessedUpdate.done).where(ProcessedUpdate.update_id == update_id)).scalar()
            return "done" if done else "busy"

    def finish_update(self, update_id: int, handled: bool = True) -> None:
        """Mark a claimed update done, or release the claim (handled=False) so a retry handles it."""
        with self.engine.begin() as conn:
            if handled:
                conn.execute(update(ProcessedUpdate).where(ProcessedUpdate.update_id == update_id).values(done=True))
            else:
                conn.execute(delete(ProcessedUpdate).where(ProcessedUpdate.update_id == update_id))

    def claim_notice(self, proc_id: str, content_hash: str) -> bool:
        """True for the first instance to claim telling followers about this version of a procedure."""
        with self.engine.begin() as conn:
            return _insert_ignore(conn, SentNotice, {"proc_id": proc_id, "content_hash": content_hash,
                                                     "sent_at": _now()})

    def purge_claims(self, hours: float = 24) -> int:
        with self.engine.begin() as conn:
            gone = conn.execute(delete(ProcessedUpdate).where(
                ProcessedUpdate.claimed_at < _now() - dt.timedelta(hours=hours)))
            return gone.rowcount or 0

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(1)).scalar() == 1

    # --- staff ----------------------------------------------------------------------------------------

    def audit(self, admin_id: int, action: str, detail: str = "") -> None:
        with session_scope(self.engine) as s:
            s.add(AuditLog(admin_hash=self.user_hash(admin_id), action=action, detail=clean_text(detail, 1000)))

    def stats(self, group_of: dict[str, str], now: dt.datetime | None = None) -> Stats:
        now = now or _now()
        day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        week = self.queries(since=now - dt.timedelta(days=7))
        out = Stats()
        out.week = len(week)
        out.today = sum(1 for q in week if _aware(q.created_at) >= day_start)
        out.kinds = dict(Counter(q.kind for q in week))
        out.by_group = dict(Counter(group_of.get(q.proc_id or "", "-") for q in week if q.proc_id).most_common())
        out.top_procedures = Counter(q.proc_id for q in week if q.proc_id and q.kind == "answer").most_common(5)
        fb = self.feedback(since=now - dt.timedelta(days=7))
        out.useful = sum(1 for f in fb if f.useful)
        out.not_useful = sum(1 for f in fb if not f.useful)
        times = [q.reply_ms for q in week if q.reply_ms is not None]
        out.median_reply_ms = statistics.median(times) if times else None
        out.users_week = len({q.user_hash for q in week})
        return out

    def most_asked(self, n: int) -> list[str]:
        """Procedure ids citizens asked about most, most asked first (counted in the database)."""
        with session_scope(self.engine) as s:
            stmt = (select(QueryLog.proc_id, func.count()).where(QueryLog.proc_id != None)  # noqa: E711
                    .group_by(QueryLog.proc_id).order_by(func.count().desc()).limit(n))
            return [pid for pid, _ in s.exec(stmt)]

    def count(self, model: type) -> int:
        with session_scope(self.engine) as s:
            return int(s.exec(select(func.count()).select_from(model)).one())


def _insert_ignore(conn: Connection, model: type, values: dict) -> bool:
    """INSERT that does nothing on a primary-key conflict; True when the row was inserted."""
    table = model.__table__  # type: ignore[attr-defined]
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - other databases: a plain insert, a conflict raises
        return bool(conn.execute(insert(table).values(**values)).rowcount)
    key = list(table.primary_key.columns)[0]
    # RETURNING, not rowcount: rowcount after ON CONFLICT DO NOTHING is not reliable across drivers
    stmt = dialect_insert(table).values(**values).on_conflict_do_nothing().returning(key)
    return conn.execute(stmt).first() is not None
