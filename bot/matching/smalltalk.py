"""Greetings, thanks and questions about the bot itself: answered kindly, never matched to a procedure."""

from __future__ import annotations

import re

_PARTICLES = r"(?:\s+(?:ban|bot|ad|admin|em|anh|chi|a|nhe|nha|nhieu|nhe|ca nha|moi nguoi|you|so much|a lot))*"
_PATTERNS = {
    "greeting": re.compile(rf"^(?:xin chao|chao|alo|allo|hi|hello|hey|good (?:morning|afternoon|evening)){_PARTICLES}$"),
    "thanks": re.compile(rf"^(?:cam on|camon|thank you|thanks|thank|tks|thx){_PARTICLES}$"),
    "bye": re.compile(rf"^(?:tam biet|bye|bye bye|goodbye|bai){_PARTICLES}$"),
    "bot": re.compile(r"^(?:ban la ai|ban ten (?:la )?gi|ban la nguoi hay may(?: vay)?|ban co phai (?:la )?nguoi"
                      r"(?: that)?(?: khong)?|who are you|are you (?:a )?(?:bot|human|robot))$"),
    "ok": re.compile(r"^(?:ok|oke|okay|okie|vang|da|u|uh|um|uhm|yes|no|khong)$"),
}


def smalltalk(folded: str) -> str | None:
    """The kind of small talk a whole (accent-folded) message is, or None."""
    text = folded.strip()
    for kind, pattern in _PATTERNS.items():
        if pattern.match(text):
            return kind
    return None
