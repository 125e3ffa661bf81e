import logging

import pytest

from bot.privacy import REDACTED, RedactingFilter, hash_user, redact


@pytest.mark.parametrize("text", ["0912345678", "+84 912 345 678", "0912.345.678", "079123456789", "123456789"])
def test_numbers_are_redacted(text):
    assert redact(f"số của tôi {text} nhé") == f"số của tôi {REDACTED} nhé"


def test_ordinary_numbers_stay():
    assert redact("lệ phí 50000 đồng năm 2025 trong 15 ngày") == "lệ phí 50000 đồng năm 2025 trong 15 ngày"


def test_hash_is_salted_and_stable():
    assert hash_user(42, b"a") == hash_user(42, b"a") != hash_user(42, b"b")


def test_log_filter_removes_token_and_numbers():
    record = logging.LogRecord("x", logging.INFO, "f", 1, "url /bot%s/getMe user %s", ("SECRET:TOKEN", "0912345678"),
                               None)
    RedactingFilter(["SECRET:TOKEN"]).filter(record)
    assert "SECRET" not in record.getMessage() and "0912345678" not in record.getMessage()
