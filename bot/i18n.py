"""Labels for buttons and headings in Vietnamese and English (longer texts live in templates)."""

from __future__ import annotations

LANGS = ("vi", "en")

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "steps": "📋 Các bước",
        "documents": "📄 Giấy tờ",
        "fees": "💰 Lệ phí",
        "time": "⏱ Thời gian",
        "agency": "🏛 Nơi nộp",
        "online": "🌐 Nộp trực tuyến",
        "legal": "⚖️ Căn cứ pháp lý",
        "overview": "ℹ️ Tổng quan",
        "file_online": "🌐 Nộp hồ sơ trực tuyến",
        "source": "🔗 Trang chính thức",
        "howto": "❓ Cách nộp online",
        "follow": "🔔 Theo dõi",
        "unfollow": "🔕 Bỏ theo dõi",
        "useful": "👍",
        "not_useful": "👎",
        "prev": "◀️ Trước",
        "next": "Sau ▶️",
        "menu": "📚 Danh mục",
        "level_toan-trinh": "Toàn trình (nộp và nhận kết quả trực tuyến)",
        "level_mot-phan": "Một phần (nộp trực tuyến, nhận kết quả tại nơi giải quyết)",
        "level_truc-tiep": "Chỉ nộp trực tiếp",
        "free": "Miễn phí",
    },
    "en": {
        "steps": "📋 Steps",
        "documents": "📄 Documents",
        "fees": "💰 Fees",
        "time": "⏱ Time",
        "agency": "🏛 Where",
        "online": "🌐 Online",
        "legal": "⚖️ Legal basis",
        "overview": "ℹ️ Overview",
        "file_online": "🌐 File online",
        "source": "🔗 Official page",
        "howto": "❓ How to file online",
        "follow": "🔔 Follow",
        "unfollow": "🔕 Unfollow",
        "useful": "👍",
        "not_useful": "👎",
        "prev": "◀️ Previous",
        "next": "Next ▶️",
        "menu": "📚 Browse",
        "level_toan-trinh": "Fully online (file and receive the result online)",
        "level_mot-phan": "Partly online (file online, collect the result in person)",
        "level_truc-tiep": "In person only",
        "free": "Free",
    },
}


def label(lang: str, key: str) -> str:
    return LABELS.get(lang, LABELS["vi"]).get(key) or LABELS["vi"].get(key, key)


def pick_lang(code: str | None) -> str:
    """Telegram's language_code ("en", "en-US", "vi") to one of our languages; Vietnamese by default."""
    return "en" if code and code.lower().startswith("en") else "vi"
