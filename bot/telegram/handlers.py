"""Thin Telegram handlers: read the update, ask the dialogue, send what it returns.

Everything a citizen sees is decided in bot.dialogue; here we only deal with Telegram: languages,
sending and editing messages, inline results, feedback and follows, flood control and errors.
"""

from __future__ import annotations

import logging
import time
from collections import deque

from telegram import (
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes

from bot import callbacks
from bot.dialogue import Reply, display_name
from bot.i18n import pick_lang
from bot.render import render

from .keyboards import reply_markup
from .services import Services

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MAX_INLINE_RESULTS = 10


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["services"]


def user_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    user = update.effective_user
    if user is None:
        return "vi"
    cache: dict[int, str] = context.application.bot_data.setdefault("langs", {})
    if user.id not in cache:
        stored = services(context).store.get_lang(user.id)
        cache[user.id] = stored or pick_lang(user.language_code)
    return cache[user.id]


async def send_reply(message: Message, reply: Reply) -> None:
    """Send a reply as one or more messages; the buttons go under the last one."""
    chunks = reply.messages()
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        await message.reply_text(chunk, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
                                 reply_markup=reply_markup(reply) if last else None, do_quote=False)


def _flooding(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> bool:
    """A sliding one-minute window per user; True when the user is over the limit."""
    limit = services(context).settings.flood_limit
    windows: dict[int, deque[float]] = context.application.bot_data.setdefault("flood", {})
    now = time.monotonic()
    window = windows.setdefault(user_id, deque())
    while window and now - window[0] > 60:
        window.popleft()
    window.append(now)
    return len(window) > limit


# --- commands ---------------------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None:
        return
    svc, lang = services(context), user_lang(update, context)
    if update.effective_user:
        svc.store.touch_user(update.effective_user.id, update.effective_chat.id if update.effective_chat else None,
                             lang)
    dialogue = svc.engine.dialogue
    payload = context.args[0] if context.args else ""
    if payload and payload in dialogue.catalogue.by_id:  # deep link, e.g. a QR code at a one-stop desk
        following = bool(update.effective_user) and svc.store.is_following(update.effective_user.id, payload)
        await send_reply(update.effective_message, dialogue.card(payload, lang, following=following))
        return
    await send_reply(update.effective_message, dialogue.start(lang))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message:
        await send_reply(update.effective_message,
                         services(context).engine.dialogue.help(user_lang(update, context), context.bot.username))


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message:
        await send_reply(update.effective_message, services(context).engine.dialogue.menu(user_lang(update, context)))


async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message:
        await send_reply(update.effective_message,
                         services(context).engine.dialogue.contact(user_lang(update, context)))


async def howto(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message:
        await send_reply(update.effective_message, services(context).engine.dialogue.howto(user_lang(update, context)))


async def lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/lang switches Vietnamese <-> English (or /lang en, /lang vi) and remembers it."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    current = user_lang(update, context)
    wanted = context.args[0].lower()[:2] if context.args else ("vi" if current == "en" else "en")
    new = "en" if wanted == "en" else "vi"
    services(context).store.set_lang(user.id, new)
    context.application.bot_data.setdefault("langs", {})[user.id] = new
    await send_reply(message, services(context).engine.dialogue.start(new))


async def following(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    svc, lng = services(context), user_lang(update, context)
    ids = [i for i in svc.store.following(user.id) if i in svc.engine.catalogue.by_id]
    procs = [svc.engine.catalogue.by_id[i] for i in ids]
    reply = svc.engine.dialogue.following(procs, lng)
    await send_reply(message, reply)


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    svc = services(context)
    svc.store.forget(user.id)
    context.application.bot_data.setdefault("langs", {}).pop(user.id, None)
    await message.reply_text(render("forget.j2", lang=pick_lang(user.language_code)), parse_mode=ParseMode.HTML)


# --- questions ----------------------------------------------------------------------------------------


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    svc, lng = services(context), user_lang(update, context)
    if _flooding(context, user.id):
        if len(context.application.bot_data["flood"][user.id]) == svc.settings.flood_limit + 1:
            await message.reply_text(render("flood.j2", lang=lng), parse_mode=ParseMode.HTML)
        return
    text = message.text or message.caption or ""
    if not text.strip():
        await message.reply_text(render("empty.j2", lang=lng), parse_mode=ParseMode.HTML)
        return
    started = time.perf_counter()
    dialogue = svc.engine.dialogue  # one catalogue for the whole answer, even if a reload swaps it now
    match, reply = dialogue.ask(text, lang=lng)
    if reply.proc_id and svc.store.is_following(user.id, reply.proc_id):
        reply = dialogue.card(reply.proc_id, lng, lead=match.aspect, faqs=match.faqs, following=True)
        reply.kind = "answer"
    await send_reply(message, reply)
    best = match.hits[0] if match.hits else None
    svc.store.touch_user(user.id, update.effective_chat.id if update.effective_chat else None, lng)
    svc.store.log_query(user.id, text, match.kind, best.proc.id if best and match.kind == "answer" else None,
                        best.score if best else None, match.aspect, lng, (time.perf_counter() - started) * 1000)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice...: a polite nudge to type the question."""
    if update.effective_message:
        await update.effective_message.reply_text(render("empty.j2", lang=user_lang(update, context)),
                                                  parse_mode=ParseMode.HTML)


# --- buttons -------------------------------------------------------------------------------------------


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    svc, lng = services(context), user_lang(update, context)
    action = callbacks.decode(query.data)
    user_id = query.from_user.id
    if action is None:
        await query.answer()
        return
    if action.kind == "feedback" and action.proc_id:
        svc.store.add_feedback(user_id, action.proc_id, bool(action.value))
        await query.answer("Cảm ơn bạn!" if lng == "vi" else "Thank you!")
        return
    if action.kind == "follow" and action.proc_id:
        now_following = svc.store.toggle_follow(user_id, action.proc_id)
        if query.message is not None and query.message.chat is not None:
            svc.store.touch_user(user_id, query.message.chat.id, lng)
        await query.answer(_follow_text(now_following, lng))
        p = svc.engine.catalogue.by_id.get(action.proc_id)
        if p is not None and query.message is not None:
            buttons = svc.engine.dialogue.card_buttons(p, lng, following=now_following)
            await _ignore_not_modified(query.edit_message_reply_markup(reply_markup=reply_markup(Reply([], buttons))))
        return
    await query.answer()
    following_now = bool(action.proc_id) and svc.store.is_following(user_id, action.proc_id or "")
    reply = svc.engine.dialogue.press(query.data, lng, following=following_now)
    if reply is None:
        return
    chunks = reply.messages()
    if query.message is None:  # a button under an inline-mode message: edit by inline id
        await _ignore_not_modified(query.edit_message_text(chunks[0], parse_mode=ParseMode.HTML,
                                                           link_preview_options=NO_PREVIEW,
                                                           reply_markup=reply_markup(reply)))
        return
    if len(chunks) == 1:
        await _ignore_not_modified(query.edit_message_text(chunks[0], parse_mode=ParseMode.HTML,
                                                           link_preview_options=NO_PREVIEW,
                                                           reply_markup=reply_markup(reply)))
    else:  # too long to edit in place: the card section comes as new messages
        await send_reply(query.message, reply)


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


async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    if query is None:
        return
    svc = services(context)
    lng = user_lang(update, context)
    dialogue = svc.engine.dialogue
    text = query.query.strip()
    if text:
        match = svc.engine.current.matcher.match(text, top=MAX_INLINE_RESULTS)
        procs = [h.proc for h in match.hits] if match.kind != "none" else []
        svc.store.log_query(query.from_user.id, text, "inline", procs[0].id if procs else None,
                            match.hits[0].score if match.hits else None, match.aspect, lng)
    else:
        procs = svc.most_asked(MAX_INLINE_RESULTS)
    results = []
    for p in procs[:MAX_INLINE_RESULTS]:
        reply = dialogue.card(p.id, lng)
        body = reply.messages()[0]
        desc = " · ".join(x for x in (p.agency, p.processing_time) if x)
        results.append(InlineQueryResultArticle(
            id=p.id, title=display_name(p, lng)[:200], description=desc[:250] or None,
            input_message_content=InputTextMessageContent(body, parse_mode=ParseMode.HTML,
                                                          link_preview_options=NO_PREVIEW),
            reply_markup=reply_markup(reply),
        ))
    await query.answer(results, cache_time=60, is_personal=False)


# --- errors ---------------------------------------------------------------------------------------------


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log and answer politely; copes with update=None (errors outside an update)."""
    err = context.error
    if isinstance(err, Forbidden):
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is not None:
            services(context).store.mark_inactive(chat.id)
        log.info("user blocked the bot; marked inactive")
        return
    # One line at ERROR; the traceback only at DEBUG, so production logs stay readable.
    log.error("error while handling an update: %s", repr(err)[:500])
    log.debug("traceback", exc_info=err)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(render("error.j2", lang=user_lang(update, context),
                                                             hotline=services(context).settings.hotline),
                                                      parse_mode=ParseMode.HTML)
        except Exception:  # the apology itself failed (network, blocked): nothing more to do
            log.warning("could not send the apology")
