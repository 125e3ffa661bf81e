"""One settings object, read from the environment (and an optional .env file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str | None = None  # e.g. a local Bot API server; tests point it at a fake
    database_url: str = ""  # empty: SQLite file under data_dir
    data_dir: Path = Path("data")
    knowledge_dir: Path = Path("knowledge")
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"
    query_log_days: int = 90
    hash_salt: SecretStr = SecretStr("")  # salt for hashing user ids; generated and kept in data_dir if empty
    reload_check_seconds: float = 5.0  # how often the bot looks for edited catalogue files
    flood_limit: int = 20  # messages per user per minute before the bot asks them to slow down
    portal_url: str = "https://dichvucong.hochiminhcity.gov.vn"
    national_portal_url: str = "https://dichvucong.gov.vn"
    hotline: str = "1022"
    # production (issue #14)
    redis_url: str | None = None  # shared flood limit for several instances, e.g. redis://127.0.0.1:6379/0
    webhook_url: str | None = None  # set: serve Telegram's webhook (https://bot.example.org/telegram) instead of polling
    webhook_secret: SecretStr | None = None  # X-Telegram-Bot-Api-Secret-Token; generated from the token if empty
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8080
    update_lease_seconds: float = 30.0  # a claimed update not done by then is taken over by another instance
    worker_threads: int = 8  # database and matching run in these, off the event loop
    error_notice_seconds: float = 60.0  # at most one error message to the admins per this many seconds

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, v: object) -> object:
        if isinstance(v, str):
            return [int(x) for x in v.replace(";", ",").split(",") if x.strip()]
        if isinstance(v, int):
            return [v]
        return v

    @property
    def sqlalchemy_url(self) -> str:
        url = self.database_url
        if url.startswith(("postgres://", "postgresql://")):  # the usual form; psycopg 3 is the driver we ship
            return "postgresql+psycopg://" + url.split("://", 1)[1]
        if url:
            return url
        return f"sqlite:///{self.data_dir / 'bot.sqlite3'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
