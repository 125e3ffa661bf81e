"""Build and run the Telegram application: a thin entry point wiring handlers in groups."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from telegram import BotCommand
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.catalogue import CatalogueError
from bot.engine import Engine
from bot.logs import setup_logging
from bot.privacy import load_salt
from bot.settings import Settings
from db.migrate import SchemaTooNew
from db.repo import Store
from db.sync import sync_catalogue

from . import admin, handlers
from .ordering import PerChatOrder
from .services import Services
from .state import CONTEXT_TYPES

log = logging.getLogger(__name__)

# The four kinds of update the bot handles: Telegram sends no other (and none our library cannot parse).
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "inline_query"]

COMMANDS = {
    "vi": [("start", "Bắt đầu"), ("menu", "Thủ tục theo nhóm"), ("huongdan", "Cách nộp hồ sơ trực tuyến"),
           ("following", "Thủ tục đang theo dõi"), ("lang", "Tiếng Việt / English"), ("contact", "Tổng đài 1022"),
           ("help", "Hướng dẫn sử dụng"), ("forget", "Xóa dữ liệu của tôi")],
    "en": [("start", "Start"), ("menu", "Browse procedures"), ("huongdan", "How to file online"),
           ("following", "Procedures I follow"), ("lang", "Tiếng Việt / English"), ("contact", "Hotline 1022"),
           ("help", "Help"), ("forget", "Delete my data")],
}


def _sync_retrying(store: Store, engine: Engine):
    """Sync the catalogue; another instance starting at the same moment may win a race on SQLite (PostgreSQL
    serialises syncs with an advisory lock): then sync again, which finds its rows."""
    for attempt in range(5):
        try:
            return sync_catalogue(store.engine, engine.catalogue)
        except Exception:
            if attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def build_services(knowledge: Path, settings: Settings) -> Services:
    engine = Engine(knowledge, settings)
    salt = load_salt(settings.hash_salt.get_secret_value(), settings.data_dir)
    store = Store(settings.sqlalchemy_url, salt)
    result = _sync_retrying(store, engine)
    log.info("catalogue: %s; database sync: %s", engine.catalogue.summary_line(), result)
    services = Services(engine, store, settings)
    services.metrics.gauge("bot_catalogue_procedures", lambda: len(services.engine.catalogue.procedures),
                           "Procedures in the catalogue being served")
    services.metrics.gauge("bot_catalogue_age_seconds", lambda: time.time() - services.engine.current.loaded_at,
                           "Seconds since the catalogue being served was loaded")
    services.metrics.gauge("bot_db_pending_rows", lambda: services.writer.pending,
                           "Log rows waiting for the database")
    services.metrics.gauge("bot_db_write_failures", lambda: services.writer.failures,
                           "Failed batch writes (retried) since start")
    return services


async def _post_init(app: Application) -> None:
    services = app.bot_data.services
    assert services is not None
    app.bot_data.snapshot = await services.run(services.engine.snapshot)
    if app.job_queue is not None:
        app.job_queue.run_repeating(admin.watch_knowledge, interval=services.settings.reload_check_seconds,
                                    first=services.settings.reload_check_seconds, name="watch-knowledge")
        app.job_queue.run_repeating(admin.purge_logs, interval=24 * 3600, first=60, name="purge-logs")
    for lang, commands in COMMANDS.items():
        try:
            await app.bot.set_my_commands([BotCommand(c, d) for c, d in commands],
                                          language_code=None if lang == "vi" else lang)
        except TelegramError as exc:  # a menu we cannot register must not keep the bot from answering
            log.warning("could not register the %s command list: %s", lang, exc)


async def _post_shutdown(app: Application) -> None:
    """Write the queued log rows before the process ends."""
    if app.bot_data.services is not None:
        await app.bot_data.services.close()


def build_application(services: Services, webhook: bool = False) -> Application:
    settings = services.settings
    assert settings.telegram_bot_token is not None
    builder = ApplicationBuilder().token(settings.telegram_bot_token.get_secret_value())
    if webhook:  # updates come through bot.web, not an Updater
        builder = builder.updater(None)
    builder = (builder
               .rate_limiter(AIORateLimiter(max_retries=2))
               .concurrent_updates(PerChatOrder(64))
               .context_types(CONTEXT_TYPES)
               .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=handlers.NO_PREVIEW))
               .post_init(_post_init)
               .post_shutdown(_post_shutdown))
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
    app = builder.build()
    app.bot_data.services = services
    app.add_handler(TypeHandler(object, handlers.count_update, block=False), group=-1)

    # Within a group the first matching handler wins: known commands, then buttons and inline queries,
    # then free text, unknown /commands (answered as questions) and non-text messages.
    app.add_handler(CommandHandler("start", handlers.start))
    app.add_handler(CommandHandler("help", handlers.help_command))
    app.add_handler(CommandHandler("menu", handlers.menu))
    app.add_handler(CommandHandler("contact", handlers.contact))
    app.add_handler(CommandHandler(["huongdan", "howto"], handlers.howto))
    app.add_handler(CommandHandler("lang", handlers.lang))
    app.add_handler(CommandHandler("following", handlers.following))
    app.add_handler(CommandHandler("forget", handlers.forget))
    app.add_handler(CommandHandler("reload", admin.reload_command))
    app.add_handler(CommandHandler("stats", admin.stats_command))
    app.add_handler(CallbackQueryHandler(handlers.button))
    app.add_handler(InlineQueryHandler(handlers.inline))
    app.add_handler(MessageHandler((filters.TEXT | filters.CAPTION) & ~filters.COMMAND, handlers.question))
    app.add_handler(MessageHandler(filters.COMMAND, handlers.question))
    app.add_handler(MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL, handlers.not_text))
    app.add_error_handler(handlers.on_error)
    return app


def run(knowledge: Path, settings: Settings) -> int:
    """`python -m bot` with a token: webhook mode when WEBHOOK_URL is set, else long polling."""
    return run_webhook(knowledge, settings) if settings.webhook_url else run_polling(knowledge, settings)


def _start(knowledge: Path, settings: Settings) -> Services | None:
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    from bot.web import webhook_secret

    setup_logging(settings.log_level, [token, webhook_secret(settings)])
    try:
        return build_services(knowledge, settings)
    except CatalogueError as exc:
        for problem in exc.problems:
            log.error("%s", problem)
        log.error("the catalogue has errors: run `python -m bot kb check`")
    except SchemaTooNew as exc:
        log.error("%s", exc)
    except Exception:  # database unreachable, and the like: said in the log with its frames
        log.exception("could not start")
    return None


def run_webhook(knowledge: Path, settings: Settings) -> int:
    import asyncio
    import contextlib
    import signal

    import uvicorn

    class _GracefulServer(uvicorn.Server):
        """uvicorn re-raises SIGTERM once it has stopped serving, which would kill the process before the
        Application stops and the queued log rows are written: here the signal only asks it to stop."""

        @contextlib.contextmanager
        def capture_signals(self):
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    from bot.web import create_web_app, webhook_secret

    services = _start(knowledge, settings)
    if services is None:
        return 1
    app = build_application(services, webhook=True)
    web = create_web_app(app, services)
    server = _GracefulServer(uvicorn.Config(web, host=settings.webhook_listen, port=settings.webhook_port,
                                           log_config=None, access_log=False, lifespan="off"))

    async def main() -> None:
        async with app:
            if app.post_init:
                await app.post_init(app)
            # Every instance sets the same webhook; none deletes it on the way out (the others still serve).
            await app.bot.set_webhook(settings.webhook_url or "", secret_token=webhook_secret(settings),
                                      allowed_updates=ALLOWED_UPDATES, max_connections=40)
            await app.start()
            log.info("serving the webhook on %s:%d", settings.webhook_listen, settings.webhook_port)
            try:
                await server.serve()  # until SIGTERM/SIGINT; requests in flight are finished first
            finally:
                await app.stop()
                if app.post_shutdown:
                    await app.post_shutdown(app)

    asyncio.run(main())
    log.info("stopped")
    return 0


def run_polling(knowledge: Path, settings: Settings) -> int:
    services = _start(knowledge, settings)
    if services is None:
        return 1
    app = build_application(services)
    log.info("starting long polling")
    app.run_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)
    return 0
