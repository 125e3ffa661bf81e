"""Staff commands and jobs: /reload (and reload on file change), /stats, the log purge, follower notices.

Only Telegram ids in ADMIN_IDS may use them; every use is audit-logged; anyone else gets a polite
refusal and no figures.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application

from bot.catalogue import Catalogue
from bot.render import render
from bot.staff.changes import changed_procedures, notice
from db.sync import content_hash, sync_catalogue

from .handlers import NO_PREVIEW, services, user_lang
from .services import Services
from .state import BotContext

log = logging.getLogger(__name__)

MAX_SHOWN_PROBLEMS = 25
RELOAD_CHECK_SECONDS = 5


async def _refuse(update: Update, context: BotContext) -> bool:
    """True (after a polite refusal) when the user is not an admin."""
    user = update.effective_user
    if services(context).is_admin(user.id if user else None):
        return False
    if update.effective_message:
        await update.effective_message.reply_text(render("admin_only.j2", lang=await user_lang(update, context)),
                                                  parse_mode=ParseMode.HTML)
    return True


async def apply_reload(app: Application, svc: Services, lang: str = "vi") -> tuple[bool, str]:
    """Build the new catalogue aside, swap it in, sync the database and tell followers what changed.
    Returns (ok, HTML report for the admin)."""
    new, previous, problems = await svc.run(svc.engine.reload, True)  # built in a child process, handed over
    if new is None:
        shown = [str(p) for p in problems[:MAX_SHOWN_PROBLEMS]]
        return False, render("reload.j2", lang=lang, problems=problems, shown=shown)
    result = await svc.run(sync_catalogue, svc.store.engine, new)
    notified = await notify_followers(app, svc, previous, new)
    return True, render("reload.j2", lang=lang, problems=[], summary=new.summary_line(), sync=str(result),
                        notified=notified)


async def notify_followers(app: Application, svc: Services, old: Catalogue, new: Catalogue) -> int:
    """Tell followers what changed. With several instances each reloads the same files: only the first to
    claim a procedure's new version in the database sends its notices."""
    sent = 0
    for pid, fields in changed_procedures(old, new).items():
        if not await svc.run(svc.store.claim_notice, pid, content_hash(new.by_id[pid])):
            continue
        for chat_id, lang in await svc.run(svc.store.followers, pid):
            try:
                await app.bot.send_message(chat_id, notice(old.by_id[pid], new.by_id[pid], fields, lang),
                                           parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
                sent += 1
            except Forbidden:  # the user blocked the bot: stop writing to them
                await svc.run(svc.store.mark_inactive, chat_id)
            except TelegramError as exc:
                log.warning("could not notify a follower: %s", exc)
    return sent


async def reload_command(update: Update, context: BotContext) -> None:
    if await _refuse(update, context) or update.effective_message is None or update.effective_user is None:
        return
    svc = services(context)
    ok, text = await apply_reload(context.application, svc, await user_lang(update, context))
    await svc.run(svc.store.audit, update.effective_user.id, "reload", "ok" if ok else "rejected")
    context.bot_data.snapshot = await svc.run(svc.engine.snapshot)
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)


async def stats_command(update: Update, context: BotContext) -> None:
    if await _refuse(update, context) or update.effective_message is None or update.effective_user is None:
        return
    svc = services(context)
    await svc.run(svc.store.audit, update.effective_user.id, "stats")
    cat = svc.engine.catalogue
    lang = await user_lang(update, context)
    await svc.run(svc.writer.flush)  # the figures include the questions asked a moment ago
    stats = await svc.run(svc.store.stats, {p.id: p.group for p in cat.procedures})
    group_names = {g.id: (g.name_en if lang == "en" else g.name) for g in cat.groups}
    proc_names = {p.id: p.name for p in cat.procedures}
    await update.effective_message.reply_text(
        render("stats.j2", s=stats, lang=lang, group_names=group_names, proc_names=proc_names),
        parse_mode=ParseMode.HTML)


async def watch_knowledge(context: BotContext) -> None:
    """Job: reload by itself when files under the knowledge folder change."""
    svc = services(context)
    snapshot = await svc.run(svc.engine.snapshot)
    if snapshot == context.bot_data.snapshot:
        return
    context.bot_data.snapshot = snapshot
    ok, text = await apply_reload(context.application, svc)
    log.info("knowledge folder changed: reload %s", "done" if ok else "rejected, last good catalogue kept")
    if not ok:
        for admin in svc.settings.admin_ids:
            try:
                await context.bot.send_message(admin, text, parse_mode=ParseMode.HTML)
            except TelegramError as exc:
                log.warning("could not tell an admin about the failed reload: %s", exc)


async def purge_logs(context: BotContext) -> None:
    """Job: questions and feedback older than QUERY_LOG_DAYS are deleted."""
    svc = services(context)
    removed = await svc.run(svc.store.purge, svc.settings.query_log_days)
    await svc.run(svc.store.purge_claims)
    log.info("purged %d log rows older than %d days", removed, svc.settings.query_log_days)
