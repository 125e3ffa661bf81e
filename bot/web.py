"""Webhook mode: an ASGI app (Starlette, served by uvicorn) in front of the PTB Application, as in PTB's
custom-webhook example, so that several instances can run behind one URL.

- POST <path of WEBHOOK_URL>: Telegram's deliveries. The secret token header is checked; the update is
  claimed by its update_id in the database (Telegram retries a delivery until it is acknowledged, and
  with several instances the retry may reach another one); it is handled *before* the 200 goes back,
  so an instance stopped (SIGTERM) or killed mid-update leaves it unacknowledged and Telegram redelivers.
- GET /healthz: 200 when the catalogue is loaded and the database answers, else 503.
- GET /metrics: Prometheus text (bot.metrics).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from http import HTTPStatus
from urllib.parse import urlparse

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings
from bot.telegram.services import Services

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_TIMEOUT = 3.0


def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, else one derived from the bot token (the same on every instance, never logged)."""
    if settings.webhook_secret is not None and settings.webhook_secret.get_secret_value():
        return settings.webhook_secret.get_secret_value()
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    return hmac.new(token.encode(), b"webhook-secret", hashlib.sha256).hexdigest()


def webhook_path(settings: Settings) -> str:
    return urlparse(settings.webhook_url or "").path or "/telegram"


def create_web_app(app: Application, services: Services) -> Starlette:
    settings = services.settings
    secret = webhook_secret(settings).encode()
    metrics = services.metrics

    async def telegram(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, secret):
            metrics.inc("bot_webhook_refused_total")
            return Response(status_code=HTTPStatus.FORBIDDEN)
        try:
            data = json.loads(await request.body())
            update = Update.de_json(data, app.bot)
            if update is None:
                raise ValueError("empty update")
        except Exception as exc:  # an update our library cannot parse: acknowledge it, or Telegram retries forever
            metrics.inc("bot_errors_total")
            metrics.inc("bot_unparsed_updates_total")
            log.error("an update could not be parsed and was skipped: %s", type(exc).__name__)
            return Response(status_code=HTTPStatus.OK)
        state = await services.run(services.store.claim_update, update.update_id, settings.update_lease_seconds)
        if state == "done":
            metrics.inc("bot_duplicate_updates_total")
            return Response(status_code=HTTPStatus.OK)
        if state == "busy":  # another instance is on it right now: ask Telegram to come back
            metrics.inc("bot_duplicate_updates_total")
            return Response(status_code=HTTPStatus.SERVICE_UNAVAILABLE)
        try:
            await app.update_processor.process_update(update, app.process_update(update))
        except BaseException:
            await asyncio.shield(services.run(services.store.finish_update, update.update_id, False))
            raise
        await services.run(services.store.finish_update, update.update_id, True)
        return Response(status_code=HTTPStatus.OK)

    async def healthz(_: Request) -> Response:
        procedures = len(services.engine.catalogue.procedures)
        try:
            db_ok = await asyncio.wait_for(services.run(services.store.ping), HEALTH_TIMEOUT)
        except Exception:
            db_ok = False
        ok = db_ok and procedures > 0
        return JSONResponse({"ok": ok, "database": db_ok, "procedures": procedures,
                             "catalogue_loaded_at": services.engine.current.loaded_at},
                            status_code=HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE)

    async def metrics_page(_: Request) -> Response:
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    return Starlette(routes=[
        Route(webhook_path(settings), telegram, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics_page, methods=["GET"]),
    ])
