"""A strict fake of the Telegram Bot API on 127.0.0.1, for running the real Application against.

It speaks HTTP like api.telegram.org (`/bot<token>/<method>`, form or JSON parameters, `{"ok": ...}`
answers), queues updates for getUpdates long polling, records every call, and rejects what Telegram
rejects — and a bit more: text over 4,096 characters, HTML outside Telegram's whitelist or badly
nested, unknown entities, callback data over 64 bytes, malformed button URLs, editing with identical
content ("message is not modified"), too many inline results. Every rejection is kept in `rejected`
so a test can assert that none happened.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qs, urlparse
from urllib.request import Request, urlopen

TOKEN = "123456789:TEST-token_ABCDEFGHIJKLMNOPQRSTUVWXYZ012"
BOT = {"id": 123456789, "is_bot": True, "first_name": "HCMC Thủ tục", "username": "hcmc_thutuc_bot",
       "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True}

ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span",
                "tg-spoiler", "blockquote", "tg-emoji"}
ALLOWED_ATTRS = {"a": {"href"}, "span": {"class"}, "blockquote": {"expandable"}, "tg-emoji": {"emoji-id"},
                 "code": {"class"}}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=\"[^\"<>]*\"|='[^'<>]*')?)*)\s*>")
_ATTR = re.compile(r"([a-zA-Z-]+)(?:=\"([^\"]*)\"|='([^']*)')?")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
NAMED_ENTITIES = {"lt", "gt", "amp", "quot"}
OBJECT_PARAMS = {"reply_markup", "link_preview_options", "results", "commands", "reply_parameters",
                 "allowed_updates", "entities", "button", "scope"}
INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout", "cache_time", "user_id"}


class Rejected(Exception):
    def __init__(self, description: str, code: int = 400):
        super().__init__(description)
        self.description, self.code = description, code


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_html(text: str) -> str:
    """Validate Telegram HTML; returns the plain text (for the length check) or raises Rejected."""
    stack: list[str] = []
    plain: list[str] = []
    pos = 0
    while pos < len(text):
        lt = text.find("<", pos)
        chunk = text[pos:] if lt < 0 else text[pos:lt]
        plain.append(_check_entities(chunk))
        if lt < 0:
            break
        m = _TAG.match(text, lt)
        if not m:
            raise Rejected("Bad Request: can't parse entities: unsupported start tag or stray '<' at byte offset "
                           f"{len(text[:lt].encode())}")
        closing, tag, attrs = m.group(1) == "/", m.group(2).lower(), m.group(3)
        if tag not in ALLOWED_TAGS:
            raise Rejected(f'Bad Request: can\'t parse entities: unsupported start tag "{tag}"')
        if closing:
            if not stack or stack[-1] != tag:
                raise Rejected(f'Bad Request: can\'t parse entities: unexpected end tag "{tag}"')
            stack.pop()
        else:
            for am in _ATTR.finditer(attrs):
                name = am.group(1).lower()
                if name not in ALLOWED_ATTRS.get(tag, set()):
                    raise Rejected(f'Bad Request: can\'t parse entities: unsupported attribute "{name}"')
                if tag == "a" and name == "href":
                    check_url(html.unescape(am.group(2) or am.group(3) or ""), where="link")
            stack.append(tag)
        pos = m.end()
    if stack:
        raise Rejected(f'Bad Request: can\'t parse entities: can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return html.unescape("".join(plain))


def _check_entities(chunk: str) -> str:
    for amp in re.finditer("&", chunk):
        m = _ENTITY.match(chunk, amp.start())
        if not m:
            raise Rejected("Bad Request: can't parse entities: character '&' must be escaped as &amp;")
        name = m.group(1)
        if not name.startswith("#") and name not in NAMED_ENTITIES:
            raise Rejected(f"Bad Request: can't parse entities: unsupported HTML entity &{name};")
    if ">" in chunk:
        raise Rejected("Bad Request: can't parse entities: character '>' must be escaped")
    return chunk


def check_url(url: str, where: str = "button") -> None:
    parsed = urlparse(url)
    ok = parsed.scheme in ("http", "https", "tg") and (parsed.scheme == "tg" or (
        parsed.netloc and "." in parsed.netloc and " " not in url and parsed.hostname not in ("localhost",)))
    if not ok:
        raise Rejected(f"Bad Request: wrong HTTP URL specified in the {where}: {url!r}")


def check_text(text: Any, parse_mode: str | None, limit: int = 4096) -> None:
    if not isinstance(text, str) or not text.strip():
        raise Rejected("Bad Request: message text is empty")
    plain = check_html(text) if (parse_mode or "").upper() == "HTML" else text
    if not plain.strip():
        raise Rejected("Bad Request: message text is empty")
    if utf16_len(plain) > limit:
        raise Rejected("Bad Request: message is too long")


def check_markup(markup: Any) -> None:
    if markup is None:
        return
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list):
        raise Rejected("Bad Request: can't parse reply keyboard markup JSON object")
    if len(rows) > 100:
        raise Rejected("Bad Request: too many rows")
    for row in rows:
        if not isinstance(row, list) or not row or len(row) > 8:
            raise Rejected("Bad Request: keyboard row is empty or too long")
        for button in row:
            if not isinstance(button.get("text"), str) or not button["text"].strip():
                raise Rejected("Bad Request: button text must be non-empty")
            kinds = [k for k in ("url", "callback_data", "switch_inline_query", "switch_inline_query_current_chat")
                     if k in button]
            if len(kinds) != 1:
                raise Rejected("Bad Request: a button must have exactly one action")
            if "url" in button:
                check_url(button["url"])
            if "callback_data" in button:
                size = len(button["callback_data"].encode())
                if not 1 <= size <= 64:
                    raise Rejected("Bad Request: BUTTON_DATA_INVALID")


@dataclass
class Sent:
    method: str
    params: dict[str, Any]
    message: dict[str, Any] | None = None
    at: float = field(default_factory=time.monotonic)  # when the bot's request arrived


UPDATE_TYPES = ("message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
                "business_message", "edited_business_message", "deleted_business_messages", "message_reaction",
                "message_reaction_count", "inline_query", "chosen_inline_result", "callback_query",
                "shipping_query", "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer",
                "my_chat_member", "chat_member", "chat_join_request", "chat_boost", "removed_chat_boost",
                "managed_bot", "guest_message")
DEFAULT_UPDATES = [t for t in UPDATE_TYPES if t not in ("chat_member", "message_reaction", "message_reaction_count")]


@dataclass
class FakeBotAPI:
    host: str = "127.0.0.1"
    token: str = TOKEN
    calls: list[Sent] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._lock = threading.Lock()
        self.known_chats: set[int] = set()  # Telegram refuses to write to a chat that never wrote to the bot
        self.allowed_updates: list[str] = list(DEFAULT_UPDATES)
        self.pushed_at: dict[int, float] = {}  # update id -> when the user sent it
        # webhook mode: updates are POSTed to the URL, one chat's updates one at a time and in order, each
        # retried until the bot answers 2xx (as Telegram does); `deliveries` keeps (update id, HTTP status).
        self.webhook: dict[str, Any] | None = None
        self.deliveries: list[tuple[int, int]] = []
        self._inflight: set[Any] = set()
        self._retry_at: dict[int, float] = {}
        self._workers: list[threading.Thread] = []
        self._stopping = False
        self.server = ThreadingHTTPServer((self.host, 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- lifecycle --------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.server.server_address[1]}/bot"

    def start(self) -> FakeBotAPI:
        self.thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self.server.shutdown()
        self.server.server_close()

    # --- what users do ----------------------------------------------------------------------------

    def _push(self, update: dict[str, Any]) -> int:
        kind = next(k for k in update if k != "update_id")
        body = update[kind]
        chat = (body.get("chat") or (body.get("message") or {}).get("chat") or {}).get("id")
        with self._cond:
            update["update_id"] = next(self._update_ids)
            self.pushed_at[update["update_id"]] = time.monotonic()
            for who in (chat, (body.get("from") or {}).get("id")):
                if who is not None:
                    self.known_chats.add(who)
            if kind in self.allowed_updates:  # as Telegram: types the bot did not subscribe to never come
                self._updates.append(update)
            self._cond.notify_all()
        return update["update_id"]

    def _new_message(self, user_id: int, lang: str | None = "vi", **content: Any) -> dict[str, Any]:
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": f"User{user_id}"},
                "from": self.user(user_id, lang), **content}

    def send_photo(self, user_id: int, caption: str | None = None, lang: str | None = "vi") -> int:
        content: dict[str, Any] = {"photo": [{"file_id": "p", "file_unique_id": "pu", "width": 90, "height": 90}]}
        if caption is not None:
            content["caption"] = caption
        return self._push({"message": self._new_message(user_id, lang, **content)})

    def edit_text(self, user_id: int, message_id: int, text: str, lang: str | None = "vi") -> int:
        msg = self._new_message(user_id, lang, text=text)
        msg["message_id"], msg["edit_date"] = message_id, int(time.time())
        return self._push({"edited_message": msg})

    def send_update(self, update: dict[str, Any]) -> int:
        """Any update (a type the bot may not handle, a reaction, a channel post...)."""
        return self._push(update)

    @staticmethod
    def user(user_id: int, lang: str | None = "vi") -> dict[str, Any]:
        u = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if lang:
            u["language_code"] = lang
        return u

    def send_text(self, user_id: int, text: str, lang: str | None = "vi") -> int:
        msg = {"message_id": next(self._message_ids), "date": int(time.time()),
               "chat": {"id": user_id, "type": "private", "first_name": f"User{user_id}"},
               "from": self.user(user_id, lang), "text": text}
        if text.startswith("/"):
            cmd = text.split()[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(cmd)}]
        return self._push({"message": msg})

    def send_sticker(self, user_id: int) -> int:
        msg = {"message_id": next(self._message_ids), "date": int(time.time()),
               "chat": {"id": user_id, "type": "private"}, "from": self.user(user_id),
               "sticker": {"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1, "is_animated": False,
                           "is_video": False, "type": "regular"}}
        return self._push({"message": msg})

    def press(self, user_id: int, message: dict[str, Any], data: str, lang: str | None = "vi") -> str:
        qid = f"cq{next(self._update_ids)}"
        self._push({"callback_query": {"id": qid, "from": self.user(user_id, lang), "chat_instance": "ci",
                                       "message": message, "data": data}})
        return qid

    def old_bot_message(self, chat_id: int, text: str, markup: dict[str, Any] | None = None) -> dict[str, Any]:
        """A message the bot sent long ago (it exists, so it can be edited), for pressing its stale buttons."""
        msg = self._message(chat_id, text, markup)
        msg["date"] = int(time.time()) - 30 * 86400
        with self._lock:
            self.messages[(chat_id, msg["message_id"])] = msg
        return dict(msg)

    def press_inaccessible(self, user_id: int, message_id: int, data: str, lang: str | None = "vi") -> str:
        """A button under a message Telegram no longer hands out (older than 48 h, or deleted): the update
        carries an InaccessibleMessage (date 0), and that message cannot be edited."""
        qid = f"cq{next(self._update_ids)}"
        old = {"chat": {"id": user_id, "type": "private"}, "message_id": message_id, "date": 0}
        self._push({"callback_query": {"id": qid, "from": self.user(user_id, lang), "chat_instance": "ci",
                                       "message": old, "data": data}})
        return qid

    def inline(self, user_id: int, query: str, lang: str | None = "vi") -> str:
        qid = f"iq{next(self._update_ids)}"
        self._push({"inline_query": {"id": qid, "from": self.user(user_id, lang), "query": query, "offset": ""}})
        return qid

    # --- what the bot did ---------------------------------------------------------------------------

    def sent_to(self, chat_id: int) -> list[Sent]:
        with self._lock:
            return [c for c in self.calls if c.message and c.message["chat"]["id"] == chat_id]

    def answers(self, method: str) -> list[Sent]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait(self, predicate, timeout: float = 20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            time.sleep(0.02)
        raise AssertionError("timed out waiting for the bot")

    # --- the API --------------------------------------------------------------------------------------

    def _handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                self._serve()

            def do_GET(self) -> None:
                self._serve()

            def _serve(self) -> None:
                path = urlparse(self.path).path
                m = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", path)
                if not m or m.group(1) != api.token:
                    return self._send(401 if m else 404, {"ok": False, "error_code": 401 if m else 404,
                                                          "description": "Unauthorized" if m else "Not Found"})
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                try:
                    params = api._params(body, self.headers.get("Content-Type", ""))
                    result = api._call(m.group(2), params)
                except Rejected as exc:
                    with api._lock:
                        api.rejected.append((m.group(2), exc.description))
                    return self._send(exc.code, {"ok": False, "error_code": exc.code, "description": exc.description})
                self._send(200, {"ok": True, "result": result})

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client stopped polling
                    self.wfile.write(data)

        return Handler

    @staticmethod
    def _params(body: bytes, content_type: str) -> dict[str, Any]:
        if not body:
            return {}
        if "json" in content_type:
            return json.loads(body)
        if "multipart" in content_type:
            raise Rejected("Bad Request: this fake does not take files")
        raw = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        out: dict[str, Any] = {}
        for k, v in raw.items():
            if k in OBJECT_PARAMS:
                try:
                    out[k] = json.loads(v)
                except json.JSONDecodeError as exc:
                    raise Rejected(f"Bad Request: can't parse {k} JSON object") from exc
            elif k in INT_PARAMS and re.fullmatch(r"-?\d+", v):
                out[k] = int(v)
            elif v in ("true", "false"):
                out[k] = v == "true"
            else:
                out[k] = v
        return out

    def _call(self, method: str, p: dict[str, Any]) -> Any:
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            raise Rejected(f"Not Found: method {method} not found", 404)
        result = handler(p)
        with self._lock:
            message = result if isinstance(result, dict) and "message_id" in result else None
            self.calls.append(Sent(method, p, message))
        return result

    def api_getMe(self, p):
        return BOT

    def api_setWebhook(self, p):
        url = p.get("url") or ""
        parsed = urlparse(url)
        # Telegram wants https on 443/80/88/8443; the only allowance here is plain http to 127.0.0.1 (tests).
        if not (parsed.scheme == "https" or (parsed.scheme == "http" and parsed.hostname == "127.0.0.1")):
            raise Rejected("Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise Rejected("Bad Request: secret token contains unallowed characters")
        if not 1 <= int(p.get("max_connections") or 40) <= 100:
            raise Rejected("Bad Request: bad webhook: max_connections must be 1-100")
        if p.get("allowed_updates") is not None:
            unknown = [t for t in p["allowed_updates"] if t not in UPDATE_TYPES]
            if unknown:
                raise Rejected(f"Bad Request: unknown update types {unknown}")
            self.allowed_updates = list(p["allowed_updates"]) or list(DEFAULT_UPDATES)
        with self._cond:
            self.webhook = {"url": url, "secret_token": secret, "max_connections": int(p.get("max_connections") or 40)}
            while len(self._workers) < self.webhook["max_connections"]:
                worker = threading.Thread(target=self._deliver_loop, daemon=True)
                self._workers.append(worker)
                worker.start()
            self._cond.notify_all()
        return True

    def api_deleteWebhook(self, p):
        with self._cond:
            self.webhook = None
            if p.get("drop_pending_updates"):
                self._updates.clear()
        return True

    def api_getWebhookInfo(self, p):
        with self._cond:
            return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                    "pending_update_count": len(self._updates)}

    # --- webhook delivery ----------------------------------------------------------------------------

    @staticmethod
    def _chat_key(update: dict[str, Any]) -> Any:
        body = next(v for k, v in update.items() if k != "update_id")
        chat = (body.get("chat") or (body.get("message") or {}).get("chat") or {}).get("id")
        return chat if chat is not None else (body.get("from") or {}).get("id")

    def _deliver_loop(self) -> None:
        while True:
            with self._cond:
                pick = None
                while pick is None:
                    if self._stopping:
                        return
                    if self.webhook is not None:
                        now = time.monotonic()
                        busy = set(self._inflight)
                        for u in self._updates:  # oldest first; only the oldest of each chat may go
                            key = self._chat_key(u)
                            if key in busy:
                                continue
                            busy.add(key)
                            if self._retry_at.get(u["update_id"], 0.0) <= now:
                                pick = u
                                break
                    if pick is None:
                        self._cond.wait(0.02)
                key = self._chat_key(pick)
                self._inflight.add(key)
                hook = dict(self.webhook or {})
            status = self._post_update(hook, pick)
            with self._cond:
                self._inflight.discard(key)
                self.deliveries.append((pick["update_id"], status))
                if 200 <= status < 300:
                    with contextlib.suppress(ValueError):
                        self._updates.remove(pick)
                    self._retry_at.pop(pick["update_id"], None)
                else:
                    self._retry_at[pick["update_id"]] = time.monotonic() + 0.2
                self._cond.notify_all()

    @staticmethod
    def _post_update(hook: dict[str, Any], update: dict[str, Any]) -> int:
        headers = {"Content-Type": "application/json"}
        if hook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
        request = Request(hook["url"], data=json.dumps(update).encode(), headers=headers, method="POST")
        try:
            with urlopen(request, timeout=60) as response:
                return response.status
        except HTTPError as exc:
            return exc.code
        except (URLError, OSError):  # refused, reset, timed out: not delivered
            return 0

    def api_setMyCommands(self, p):
        commands = p.get("commands") or []
        if not 0 < len(commands) <= 100:
            raise Rejected("Bad Request: commands must be 1-100")
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", "")) or not 1 <= len(c.get("description", "")) <= 256:
                raise Rejected("Bad Request: BOT_COMMAND_INVALID")
        return True

    def api_getUpdates(self, p):
        if self.webhook is not None:
            raise Rejected("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
                           "to delete the webhook first", 409)
        if p.get("allowed_updates") is not None:
            unknown = [t for t in p["allowed_updates"] if t not in UPDATE_TYPES]
            if unknown:
                raise Rejected(f"Bad Request: unknown update types {unknown}")
            self.allowed_updates = list(p["allowed_updates"]) or list(DEFAULT_UPDATES)
        offset = int(p.get("offset") or 0)
        timeout = min(float(p.get("timeout") or 0), 1.0)  # shorter than Telegram's: tests stop faster
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                pending = [u for u in self._updates if u["update_id"] >= offset]
                if pending or time.monotonic() >= deadline:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                    return pending[: int(p.get("limit") or 100)]
                self._cond.wait(max(0.0, deadline - time.monotonic()))

    def _message(self, chat_id: int, text: str, markup: Any) -> dict[str, Any]:
        msg = {"message_id": next(self._message_ids), "date": int(time.time()),
               "chat": {"id": chat_id, "type": "private"}, "from": BOT, "text": text}
        if markup:
            msg["reply_markup"] = markup
        return msg

    def api_sendMessage(self, p):
        if "chat_id" not in p:
            raise Rejected("Bad Request: chat_id is empty")
        if p["chat_id"] not in self.known_chats:
            raise Rejected("Bad Request: chat not found")
        check_text(p.get("text"), p.get("parse_mode"))
        check_markup(p.get("reply_markup"))
        msg = self._message(p["chat_id"], p["text"], p.get("reply_markup"))
        with self._lock:
            self.messages[(p["chat_id"], msg["message_id"])] = msg
        return msg

    def _find(self, p) -> dict[str, Any]:
        key = (p.get("chat_id"), p.get("message_id"))
        with self._lock:
            msg = self.messages.get(key)
        if msg is None:
            raise Rejected("Bad Request: message to edit not found")
        return msg

    def api_editMessageText(self, p):
        check_text(p.get("text"), p.get("parse_mode"))
        check_markup(p.get("reply_markup"))
        if "inline_message_id" in p:
            return True
        msg = self._find(p)
        if msg["text"] == p["text"] and msg.get("reply_markup") == p.get("reply_markup"):
            raise Rejected("Bad Request: message is not modified: specified new message content and reply markup "
                           "are exactly the same as a current content and reply markup of the message")
        msg["text"] = p["text"]
        msg["reply_markup"] = p.get("reply_markup")
        return dict(msg)

    def api_editMessageReplyMarkup(self, p):
        check_markup(p.get("reply_markup"))
        if "inline_message_id" in p:
            return True
        msg = self._find(p)
        if msg.get("reply_markup") == p.get("reply_markup"):
            raise Rejected("Bad Request: message is not modified")
        msg["reply_markup"] = p.get("reply_markup")
        return dict(msg)

    def api_answerCallbackQuery(self, p):
        if not str(p.get("callback_query_id", "")).startswith("cq"):
            raise Rejected("Bad Request: query is too old and response timeout expired or query ID is invalid")
        if len(p.get("text") or "") > 200:
            raise Rejected("Bad Request: MESSAGE_TOO_LONG")
        return True

    def api_answerInlineQuery(self, p):
        results = p.get("results") or []
        if len(results) > 50:
            raise Rejected("Bad Request: RESULTS_TOO_MUCH")
        ids = set()
        for r in results:
            rid = r.get("id", "")
            if not 1 <= len(rid.encode()) <= 64 or rid in ids:
                raise Rejected("Bad Request: RESULT_ID_INVALID")
            ids.add(rid)
            if not r.get("title"):
                raise Rejected("Bad Request: RESULT_TITLE_EMPTY")
            content = r.get("input_message_content") or {}
            check_text(content.get("message_text"), content.get("parse_mode"))
            check_markup(r.get("reply_markup"))
        return True
