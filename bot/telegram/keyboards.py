"""Turn the dialogue's Buttons into Telegram inline keyboards."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.dialogue import Button, Reply


def markup(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    keyboard = []
    for row in rows:
        buttons = []
        for b in row:
            if b.url:
                buttons.append(InlineKeyboardButton(b.text, url=b.url))
            elif b.data:
                buttons.append(InlineKeyboardButton(b.text, callback_data=b.data))
        if buttons:
            keyboard.append(buttons)
    return InlineKeyboardMarkup(keyboard) if keyboard else None


def reply_markup(reply: Reply) -> InlineKeyboardMarkup | None:
    return markup(reply.buttons)
