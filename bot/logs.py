"""Production logging: one line per record, and for an error every frame of its traceback as
`file:line in function` (no source lines, no local values), chained causes included, all redacted
(phone and ID numbers, the bot token) like the rest of the log."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from types import TracebackType

from bot.privacy import RedactingFilter, redact

_ROOT = str(Path(__file__).resolve().parents[1]) + "/"
MAX_FRAMES = 40


def frames(exc: BaseException) -> list[str]:
    """`path:line in function` for every frame of the exception and of its causes, outermost first."""
    out: list[str] = []
    seen: set[int] = set()
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        chain.append(cur)
        cur = cur.__cause__ or (None if cur.__suppress_context__ else cur.__context__)
    for i, e in enumerate(reversed(chain)):
        if i:
            out.append(f"then {type(e).__name__}: {str(e)[:300]}")
        tb: TracebackType | None = e.__traceback__
        summary = traceback.extract_tb(tb, limit=MAX_FRAMES) if tb else []
        for f in summary:
            out.append(f"{f.filename.removeprefix(_ROOT)}:{f.lineno} in {f.name}")
    return out


def describe(exc: BaseException) -> str:
    """The error's type and message, then its frames, one per line."""
    lines = [f"{type(exc).__name__}: {str(exc)[:500]}"] + [f"  at {f}" for f in frames(exc)]
    return "\n".join(lines)


class FrameFormatter(logging.Formatter):
    def __init__(self, secrets_: list[str] | None = None):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.secrets = [s for s in (secrets_ or []) if s]

    def _clean(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, "[token]")
        return redact(text)

    def formatException(self, ei) -> str:  # noqa: N802 (logging's API)
        exc = ei[1]
        return self._clean(describe(exc)) if exc is not None else ""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_text  # another handler may have cached its own rendering of the traceback
        record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_text = saved

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        return self._clean(stack_info)


def setup_logging(level: str, secrets_: list[str] | None = None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(FrameFormatter(secrets_))
    handler.addFilter(RedactingFilter(secrets_))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request URL, and the Bot API URL contains the token.
    for noisy in ("httpx", "httpcore", "uvicorn.access", "apscheduler", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
