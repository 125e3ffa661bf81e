"""Greetings, thanks and questions about the bot itself: answered kindly, never matched to a procedure."""

from __future__ import annotations

import re

from .normalize import normalize

_PARTICLES = r"(?:\s+(?:ban|bot|ad|admin|em|anh|chi|a|nhe|nha|nhieu|nhe|ca nha|moi nguoi|you|so much|a lot))*"
_PATTERNS = {
    "greeting": re.compile(rf"^(?:xin chao|chao|alo|allo|hi|hello|hey|good (?:morning|afternoon|evening)){_PARTICLES}$"),
    "thanks": re.compile(rf"^(?:cam on|camon|thank you|thanks|thank|tks|thx){_PARTICLES}$"),
    "bye": re.compile(rf"^(?:tam biet|bye|bye bye|goodbye|bai){_PARTICLES}$"),
    "bot": re.compile(r"^(?:ban la ai|ban ten (?:la )?gi|ban la nguoi hay may(?: vay)?|ban co phai (?:la )?nguoi"
                      r"(?: that)?(?: khong)?|ai tao ra ban|ai lam ra ban|who are you|who made you"
                      r"|are you (?:a )?(?:bot|human|robot)"
                      # personal questions to the bot ("bạn có người yêu chưa", "bạn bao nhiêu tuổi")
                      r"|(?:ban|em|bot) (?:co )?(?:nguoi yeu|ban gai|ban trai|vo|chong|gia dinh)(?: chua| khong)?"
                      r"|(?:ban|em|bot) (?:bao nhieu|may) tuoi(?: roi)?|(?:ban|em|bot) (?:o|song) (?:o )?dau"
                      r"|(?:ban|em|bot) (?:an com|ngu) chua|(?:ban|em|bot) (?:co )?khoe khong|how are you"
                      r"|are you single|how old are you)$"),
    "ok": re.compile(r"^(?:ok|oke|okay|okie|vang|da|u|uh|um|uhm|yes|no|khong)$"),
}


def _kind(text: str) -> str | None:
    for kind, pattern in _PATTERNS.items():
        if pattern.match(text):
            return kind
    return None


def smalltalk(text: str) -> str | None:
    """The kind of small talk a whole message is ("Bạn là ai? Ai tạo ra bạn?"), or None.

    `text` is the raw message: each sentence is folded and must be small talk itself."""
    sentences = [normalize(s) for s in re.split(r"[.!?;\n]+", text)]
    kinds = [_kind(s) for s in sentences if s]
    if kinds and all(kinds):
        return kinds[0]
    return None
