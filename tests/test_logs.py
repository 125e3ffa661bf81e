"""Production logs: an ERROR keeps every frame as file:line in function, redacted, no local values."""

import logging

from bot.logs import FrameFormatter, describe


def _fail(secret_number: str) -> None:
    local_value = "0912345678"  # noqa: F841  (a local that must not reach the log)
    raise ValueError(f"bad input from {secret_number}")


def test_error_record_has_every_frame_and_no_locals_or_numbers():
    try:
        try:
            _fail("0987654321")
        except ValueError as exc:
            raise RuntimeError("handler failed") from exc
    except RuntimeError as exc:
        record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "boom", None, (RuntimeError, exc, exc.__traceback__))
    out = FrameFormatter(["123:SECRET"]).format(record)
    assert "at tests/test_logs.py:" in out and "in _fail" in out and "in test_error_record" in out
    assert "then RuntimeError: handler failed" in out
    assert "0987654321" not in out and "0912345678" not in out and "local_value" not in out


def test_describe_without_traceback():
    assert describe(KeyError("x")).startswith("KeyError: 'x'")
