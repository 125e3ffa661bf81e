"""Small hand-made catalogues for the matching stages' tests."""

import datetime as dt

from bot.catalogue.schema import Procedure
from tests.conftest import sample_lexicon

LEX = sample_lexicon()


def proc(pid: str, name: str, aliases: list[str] | None = None, **fields) -> Procedure:
    fields.setdefault("code", "1.000001")
    return Procedure(id=pid, name=name, group="ho-tich", source="https://example.org",
                     verified_on=dt.date(2026, 1, 1), aliases=aliases or [], **fields)
