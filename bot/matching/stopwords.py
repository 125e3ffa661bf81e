"""Function words: present in questions, silent about which procedure is meant.

They are down-weighted, never dropped. Folding makes many syllables collide (đăng/đang, sổ/số/sở,
đầu/đâu, bán/bản/bạn), so with accents we judge the accented word, and without accents only the
folded forms that are function words whatever their accents.
"""

from __future__ import annotations

# With accents: Vietnamese function words, pronouns and particles.
VI_ACCENTED = frozenset(["à", "ạ", "ơi", "nhé", "nha", "nhá", "vậy", "thế", "thì", "là", "mà", "và", "hay", "hoặc", "với", "của", "có", "không", "chưa", "được", "đã", "đang", "sẽ", "rồi", "vừa", "cần", "phải", "muốn", "nên", "để", "em", "anh", "chị", "tôi", "mình", "bạn", "nó", "ai", "gì", "nào", "sao", "đâu", "bao", "này", "kia", "đó", "ấy", "những", "các", "một", "ở", "tại", "trong", "từ", "như", "nhưng", "nếu", "khi", "lúc", "giờ", "hôm", "nay", "qua", "đi", "ra", "vào", "thôi", "luôn", "nữa", "cũng", "chỉ", "rất", "lắm", "quá", "hỏi", "xin", "giúp", "dùm", "dùng", "thế", "nào", "bị", "cho", "biết", "vui", "lòng", "ạh", "ah", "ha", "hả", "nhỉ", "chứ", "đấy", "đây", "vẫn", "còn", "thêm", "nhiều", "ít", "mấy", "bây", "tui", "tụi", "ổng", "bả", "ảnh", "tới", "đến", "về", "vô", "nè", "hen", "thiệt", "cái", "giùm", "coi", "xíu", "chút"])

# Without accents: only forms that are function words under every accent.
VI_FOLDED = frozenset(["a", "oi", "nhe", "nha", "vay", "thi", "hoac", "khong", "duoc", "roi", "phai", "em", "toi", "minh", "gi", "nao", "nay", "kia", "cac", "mot", "nhu", "neu", "khi", "luc", "gio", "hom", "thoi", "luon", "nua", "rat", "giup", "dum", "xin", "hay", "voi", "la", "se", "muon", "nen", "vua", "biet", "vui", "long", "ah", "ha", "nhi", "chu", "day", "van"])

# English: marker words that no Vietnamese syllable spells, telling an English question apart ("that"
# is thất/thật and "am" is âm without accents: not markers).
EN_MARKERS = frozenset(["how", "what", "where", "when", "which", "who", "my", "our", "your", "we", "you", "is", "are", "need", "want", "for", "of", "with", "and", "please", "does", "did", "this", "from", "have", "has", "i", "it", "they", "get", "should", "would", "could", "will", "it's", "i'm", "i've", "don't", "doesn't", "there", "here"])

EN_STOP = EN_MARKERS | frozenset(["that", "am", "the", "a", "an", "to", "in", "on", "at", "do", "be", "me", "us", "him", "her", "them", "its", "their", "was", "were", "been", "being", "some", "any", "all", "also", "just", "about", "into", "as", "by", "if", "so", "than", "then", "too", "very", "can", "may", "might", "must", "shall", "own", "same", "other", "such", "only", "both", "each", "few", "more", "most", "no", "nor", "not", "now", "out", "over", "up", "down", "again", "further", "once", "under", "why", "am", "or", "but", "because", "until", "while", "after", "before", "between", "through", "during", "above", "below", "off", "let", "let's", "m", "s", "re", "ve", "ll", "d", "t", "vietnam", "vietnamese", "city", "province", "here", "there",
    # Story words of English questions: people, time and asking, silent about the procedure.
    "grandmother", "grandfather", "grandma", "grandpa", "mom", "dad", "family", "friend", "friends",
    "someone", "somebody", "people", "person", "yesterday", "today", "tomorrow", "week", "ago", "soon",
    "already", "still", "yet", "recently", "last", "next", "ask", "asked", "asking", "handle", "know",
    "tell", "told", "say", "said", "go", "going", "come", "came", "help", "like", "look", "find", "think",
    "local", "authorities", "authority", "government", "office", "officials", "thing", "things", "way",
    "really", "please", "hi", "hello", "thanks", "thank", "guy", "lot", "much", "many", "every", "any",
    # the first halves of "don't", "isn't"… once the apostrophe is gone
    "don", "doesn", "didn", "isn", "aren", "wasn", "weren", "won", "couldn", "shouldn", "wouldn", "haven", "hasn"])
