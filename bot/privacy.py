"""Privacy: phone and ID numbers never reach a log or the database; users are stored by salted hash."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from pathlib import Path

# +84 / 0 phone numbers with optional separators, then any other run of 9-12 digits (ID, CCCD, passport
# numbers, tax codes). Digits glued to letters (B12345678) are covered by the second pattern too.
_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)[\s.\-]?\d(?:[\s.\-]?\d){7,9}(?!\d)")
_ID_RUN = re.compile(r"\d{9,12}")
_LONG_DIGITS = re.compile(r"\d{13,}")
_TOKEN = re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b")  # a Telegram bot token
REDACTED = "[đã ẩn]"


def redact(text: str) -> str:
    text = _TOKEN.sub("[token]", text)
    text = _PHONE.sub(REDACTED, text)
    text = _LONG_DIGITS.sub(REDACTED, text)
    return _ID_RUN.sub(REDACTED, text)


def load_salt(configured: str, data_dir: Path) -> bytes:
    """The configured salt, else one generated once and kept beside the database."""
    if configured:
        return configured.encode()
    path = data_dir / "hash_salt"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        salt = secrets.token_hex(32).encode()
        path.write_bytes(salt)
        return salt


def hash_user(user_id: int | str, salt: bytes) -> str:
    return hmac.new(salt, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]


class RedactingFilter(logging.Filter):
    """Redacts numbers and tokens from every log record, whatever logger produced it."""

    def __init__(self, secrets_: list[str] | None = None):
        super().__init__()
        self.secrets = [s for s in (secrets_ or []) if s]

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not kill logging
            message = str(record.msg)
        for s in self.secrets:
            message = message.replace(s, "[token]")
        record.msg, record.args = redact(message), None
        if record.exc_text:
            text = record.exc_text
            for s in self.secrets:
                text = text.replace(s, "[token]")
            record.exc_text = redact(text)
        return True


class OneLineFormatter(logging.Formatter):
    """Exceptions as one line (type and message) unless debugging: logs stay greppable and a
    library's traceback cannot smuggle a token or a user's text past the redaction."""

    def __init__(self, debug: bool):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.debug = debug

    def formatException(self, ei) -> str:  # noqa: N802 (logging's API)
        if self.debug:
            return super().formatException(ei)
        exc = ei[1]
        return f"  ({type(exc).__name__}: {str(exc)[:300]})" if exc else ""

    def format(self, record: logging.LogRecord) -> str:
        if not self.debug and record.exc_info:
            record.exc_text = self.formatException(record.exc_info)
            record.exc_info = None
        return super().format(record)


def setup_logging(level: str, secrets_: list[str] | None = None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter(debug=level.upper() == "DEBUG"))
    handler.addFilter(RedactingFilter(secrets_))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request URL, and the Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
