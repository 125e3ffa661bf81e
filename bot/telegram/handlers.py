"""Thin Telegram handlers: read the update, ask the dialogue, send what it returns.

Everything a citizen sees is decided in bot.dialogue; here we only deal with Telegram: languages,
sending and editing messages, inline results, feedback and follows, flood control and errors.

Nothing here blocks the event loop: reading the database and matching run in worker threads
(`Services.run`), and the question log, feedback and "user seen" rows go to the batched writer. The
user's language and follows are read from the database with each update, so several instances agree.
"""

from __future__ import annotations

import html
import logging
import time

from telegram import (
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot import callbacks
from bot.dialogue import Reply, display_name
from bot.i18n import pick_lang
from bot.logs import frames
from bot.privacy import redact
from bot.render import render

from .keyboards import reply_markup
from .services import Services
from .state import BotContext

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MAX_INLINE_RESULTS = 10
MAX_INLINE_QUERY = 256  # Telegram's own limit on an inline query's text


def services(context: BotContext) -> Services:
    svc = context.bot_data.services
    assert svc is not None, "build_application sets the services"
    return svc


def _lang_now(svc: Services, update: Update) -> str:
    """Blocking: the user's stored language, else the one of their Telegram app."""
    user = update.effective_user
    if user is None:
        return "vi"
    return svc.store.lang_of(user.id) or pick_lang(user.language_code)


async def user_lang(update: Update, context: BotContext) -> str:
    svc = services(context)
    return await svc.run(_lang_now, svc, update)


async def send_reply(message: Message, reply: Reply) -> None:
    """Send a reply as one or more messages; the buttons go under the last one."""
    await send_chunks(message.get_bot(), message.chat_id, reply)


async def send_chunks(bot, chat_id: int, reply: Reply) -> None:
    chunks = reply.messages()
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        await bot.send_message(chat_id, chunk, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
                               reply_markup=reply_markup(reply) if last else None)


def _seen(svc: Services, update: Update, lang: str) -> None:
    if update.effective_user is not None:
        svc.writer.touch_user(update.effective_user.id, update.effective_chat.id if update.effective_chat else None,
                              lang)


# --- commands ---------------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    svc = services(context)
    payload = context.args[0] if context.args else ""

    def work() -> tuple[str, Reply]:
        lang = _lang_now(svc, update)
        dialogue = svc.engine.dialogue
        if payload and payload in dialogue.catalogue.by_id:  # deep link, e.g. a QR code at a one-stop desk
            following = user is not None and svc.store.follows(user.id, payload)
            return lang, dialogue.card(payload, lang, following=following)
        return lang, dialogue.start(lang)

    lang, reply = await svc.run(work)
    _seen(svc, update, lang)
    await send_reply(message, reply)


async def help_command(update: Update, context: BotContext) -> None:
    if update.effective_message:
        lang = await user_lang(update, context)
        await send_reply(update.effective_message, services(context).engine.dialogue.help(lang, context.bot.username))


async def menu(update: Update, context: BotContext) -> None:
    if update.effective_message:
        lang = await user_lang(update, context)
        await send_reply(update.effective_message, services(context).engine.dialogue.menu(lang))


async def contact(update: Update, context: BotContext) -> None:
    if update.effective_message:
        lang = await user_lang(update, context)
        await send_reply(update.effective_message, services(context).engine.dialogue.contact(lang))


async def howto(update: Update, context: BotContext) -> None:
    if update.effective_message:
        lang = await user_lang(update, context)
        await send_reply(update.effective_message, services(context).engine.dialogue.howto(lang))


async def lang(update: Update, context: BotContext) -> None:
    """/lang switches Vietnamese <-> English (or /lang en, /lang vi) and remembers it."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    svc = services(context)
    current = await user_lang(update, context)
    wanted = context.args[0].lower()[:2] if context.args else ("vi" if current == "en" else "en")
    new = "en" if wanted == "en" else "vi"
    await svc.run(svc.store.set_lang, user.id, new)  # awaited: the next message must see it
    _seen(svc, update, new)
    await send_reply(message, svc.engine.dialogue.start(new))


async def following(update: Update, context: BotContext) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    svc = services(context)
    lng = await user_lang(update, context)
    ids = await svc.run(svc.store.following, user.id)
    catalogue = svc.engine.catalogue
    procs = [catalogue.by_id[i] for i in ids if i in catalogue.by_id]
    await send_reply(message, svc.engine.dialogue.following(procs, lng))


async def forget(update: Update, context: BotContext) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    svc = services(context)

    def work() -> None:
        svc.writer.flush()  # rows still queued for this user are written first, then deleted with the rest
        svc.writer.forget_user(user.id)
        svc.store.forget(user.id)

    await svc.run(work)
    await message.reply_text(render("forget.j2", lang=pick_lang(user.language_code)), parse_mode=ParseMode.HTML)


# --- questions ----------------------------------------------------------------------------------------


async def question(update: Update, context: BotContext) -> None:
    """Any text, a photo's caption, an edited message, an unknown /command: answered as a question."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    svc = services(context)
    started = time.perf_counter()
    sent = await svc.flood.hit(svc.store.user_hash(user.id))
    text = message.text or message.caption or ""
    limit = svc.settings.flood_limit

    def work():
        lng = _lang_now(svc, update)
        if sent > limit or not text.strip():
            return lng, None, None
        dialogue = svc.engine.dialogue  # one catalogue for the whole answer, even if a reload swaps it now
        match, reply = dialogue.ask(text, lang=lng)
        if reply.proc_id and svc.store.follows(user.id, reply.proc_id):
            reply = dialogue.card(reply.proc_id, lng, lead=match.aspect, faqs=match.faqs, following=True)
            reply.kind = "answer"
        return lng, match, reply

    lng, match, reply = await svc.run(work)
    if sent > limit:
        if sent == limit + 1:  # told once per window; then silence, so a flood costs us nothing
            await message.reply_text(render("flood.j2", lang=lng), parse_mode=ParseMode.HTML)
        svc.metrics.inc("bot_questions_total", kind="flood")
        return
    if match is None or reply is None:
        await message.reply_text(render("empty.j2", lang=lng), parse_mode=ParseMode.HTML)
        return
    await send_reply(message, reply)
    elapsed = time.perf_counter() - started
    svc.metrics.inc("bot_questions_total", kind=match.kind)
    svc.metrics.observe(elapsed)
    best = match.hits[0] if match.hits else None
    _seen(svc, update, lng)
    svc.writer.log_query(user.id, text, match.kind, best.proc.id if best and match.kind == "answer" else None,
                         best.score if best else None, match.aspect, lng, elapsed * 1000)


async def not_text(update: Update, context: BotContext) -> None:
    """Stickers, voice, photos without a caption...: a polite nudge to type the question."""
    if update.effective_message:
        await update.effective_message.reply_text(render("empty.j2", lang=await user_lang(update, context)),
                                                  parse_mode=ParseMode.HTML)


# --- buttons -------------------------------------------------------------------------------------------


async def button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    svc = services(context)
    action = callbacks.decode(query.data)
    user_id = query.from_user.id
    if action is None:  # forged, stale or from an older release: acknowledge, nothing else
        await query.answer()
        return
    # A button under a message Telegram no longer gives us (too old, or deleted) comes with an
    # InaccessibleMessage: it can be neither edited nor replied to, only written under in its chat.
    # (PTB may parse it as a Message dated ZERO_DATE: `is_accessible` tells.)
    message = query.message if isinstance(query.message, Message) and query.message.is_accessible else None
    chat_id = query.message.chat.id if query.message is not None else None
    if action.kind == "feedback" and action.proc_id:
        lng = await user_lang(update, context)
        svc.writer.add_feedback(user_id, action.proc_id, bool(action.value))
        await query.answer("Cảm ơn bạn!" if lng == "vi" else "Thank you!")
        return
    if action.kind == "follow" and action.proc_id:
        if action.proc_id not in svc.engine.catalogue.by_id:
            await query.answer()
            return
        lng = await user_lang(update, context)
        now_following = await svc.run(svc.store.toggle_follow, user_id, action.proc_id)
        if chat_id is not None:
            svc.writer.touch_user(user_id, chat_id, lng)
        await query.answer(_follow_text(now_following, lng))
        p = svc.engine.catalogue.by_id.get(action.proc_id)
        if p is not None and message is not None:
            buttons = svc.engine.dialogue.card_buttons(p, lng, following=now_following)
            await _ignore_not_modified(query.edit_message_reply_markup(reply_markup=reply_markup(Reply([], buttons))))
        return
    await query.answer()

    def work() -> Reply | None:
        lng = _lang_now(svc, update)
        following_now = bool(action.proc_id) and svc.store.follows(user_id, action.proc_id or "")
        return svc.engine.dialogue.press(query.data, lng, following=following_now)

    reply = await svc.run(work)
    if reply is None:
        return
    chunks = reply.messages()
    if query.message is None:  # a button under an inline-mode message: edit by inline id
        await _ignore_not_modified(query.edit_message_text(chunks[0], parse_mode=ParseMode.HTML,
                                                           link_preview_options=NO_PREVIEW,
                                                           reply_markup=reply_markup(reply)))
        return
    if message is None:  # inaccessible: the section comes as a new message
        if chat_id is not None:
            await send_chunks(context.bot, chat_id, reply)
        return
    if len(chunks) == 1:
        try:
            await _ignore_not_modified(query.edit_message_text(chunks[0], parse_mode=ParseMode.HTML,
                                                               link_preview_options=NO_PREVIEW,
                                                               reply_markup=reply_markup(reply)))
        except BadRequest as exc:  # deleted meanwhile, or no longer editable: write it anew
            if "not found" not in str(exc).lower() and "can't be edited" not in str(exc).lower():
                raise
            await send_reply(message, reply)
    else:  # too long to edit in place: the card section comes as new messages
        await send_reply(message, reply)


def _follow_text(now_following: bool, lang: str) -> str:
    if lang == "en":
        return "🔔 You will be told when this procedure changes." if now_following else "🔕 Unfollowed."
    return "🔔 Bạn sẽ được báo khi thủ tục này thay đổi." if now_following else "🔕 Đã bỏ theo dõi."


async def _ignore_not_modified(coro) -> None:
    try:
        await coro
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


# --- inline mode ----------------------------------------------------------------------------------------


async def inline(update: Update, context: BotContext) -> None:
    query = update.inline_query
    if query is None:
        return
    svc = services(context)
    text = query.query.strip()[:MAX_INLINE_QUERY]

    def work() -> tuple[str, list[InlineQueryResultArticle]]:
        lng = _lang_now(svc, update)
        dialogue = svc.engine.dialogue
        if text:
            match = svc.engine.current.matcher.match(text, top=MAX_INLINE_RESULTS)
            procs = [h.proc for h in match.hits] if match.kind != "none" else []
            svc.writer.log_query(query.from_user.id, text, "inline", procs[0].id if procs else None,
                                 match.hits[0].score if match.hits else None, match.aspect, lng)
        else:
            procs = svc.most_asked(MAX_INLINE_RESULTS)
        results = []
        for p in procs[:MAX_INLINE_RESULTS]:
            reply = dialogue.card(p.id, lng)
            desc = " · ".join(x for x in (p.agency, p.processing_time) if x)
            results.append(InlineQueryResultArticle(
                id=p.id[:64], title=display_name(p, lng)[:200], description=desc[:250] or None,
                input_message_content=InputTextMessageContent(reply.messages()[0], parse_mode=ParseMode.HTML,
                                                              link_preview_options=NO_PREVIEW),
                reply_markup=reply_markup(reply),
            ))
        return lng, results

    _lng, results = await svc.run(work)
    # The cards are in the user's language: cached for this user only, never served to others.
    await query.answer(results, cache_time=60, is_personal=True)


# --- errors ---------------------------------------------------------------------------------------------


async def on_error(update: object, context: BotContext) -> None:
    """Log with every frame, tell the admins (rate-limited), answer politely; copes with update=None."""
    err = context.error
    svc = context.bot_data.services
    if isinstance(err, Forbidden):
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is not None and svc is not None:
            await svc.run(svc.store.mark_inactive, chat.id)
        log.info("user blocked the bot; marked inactive")
        return
    log.error("error while handling an update", exc_info=err)
    if svc is not None:
        svc.metrics.inc("bot_errors_total")
        await _tell_admins(context, svc, err)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            lang = await user_lang(update, context) if svc is not None else "vi"
            await update.effective_message.reply_text(
                render("error.j2", lang=lang, hotline=svc.settings.hotline if svc else "1022"),
                parse_mode=ParseMode.HTML)
        except Exception:  # the apology itself failed (network, blocked, database): nothing more to do
            log.warning("could not send the apology")
    elif isinstance(update, Update) and update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except Exception:
            log.warning("could not acknowledge the button after an error")


_last_notice: dict[str, float] = {"at": float("-inf"), "suppressed": 0}


async def _tell_admins(context: BotContext, svc: Services, err: BaseException | None) -> None:
    """The error, type and frames, to each admin; at most one message per ERROR_NOTICE_SECONDS, the next
    one counting those not sent."""
    if err is None or not svc.settings.admin_ids:
        return
    now = time.monotonic()
    if now - _last_notice["at"] < svc.settings.error_notice_seconds:
        _last_notice["suppressed"] += 1
        return
    suppressed = int(_last_notice["suppressed"])
    _last_notice.update(at=now, suppressed=0)
    lines = [f"⚠️ <b>{html.escape(type(err).__name__)}</b>: {html.escape(redact(str(err))[:300])}"]
    every = frames(err)
    ours = [f for f in every if "site-packages/" not in f and "/lib/python" not in f]  # the project's frames
    lines += [f"<code>{html.escape(f)}</code>" for f in (ours[-12:] + every[-1:] if every else [])]
    if suppressed:
        lines.append(f"(+{suppressed} more error(s) since the last notice)")
    text = "\n".join(lines)[:4000]
    for admin in svc.settings.admin_ids:
        try:
            await context.bot.send_message(admin, text, parse_mode=ParseMode.HTML)
        except Exception as exc:  # never let the notice itself fail the error handler
            log.warning("could not send the error to an admin: %s", type(exc).__name__)


async def count_update(update: Update, context: BotContext) -> None:
    """Group -1: counts every update by type; never stops the others."""
    svc = context.bot_data.services
    if svc is not None:
        kind = next((k for k in ("message", "edited_message", "callback_query", "inline_query")
                     if getattr(update, k, None) is not None), "other")
        svc.metrics.inc("bot_updates_total", type=kind)


