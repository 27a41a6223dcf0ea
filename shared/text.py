"""Chinese text helpers: Traditional -> Simplified, width folding, segmentation.

Catalog's search and matching's classifier both normalise with these, so a
query in either script finds text in the other.
"""
from __future__ import annotations

import logging
import re
import threading
import unicodedata

import jieba
import opencc

jieba.setLogLevel(logging.WARNING)

_local = threading.local()
_jieba_lock = threading.Lock()
_jieba_ready = False

# Words jieba should keep whole (domain terms workers and unions use).
DOMAIN_WORDS = (
    "疗休养", "休疗养", "夜校", "三点半课堂", "四点半课堂", "人才公寓", "网约车", "外卖骑手", "快递员", "货车司机",
    "新就业形态", "职工", "工会", "体检", "义诊", "托管", "充电桩", "班车", "婚恋", "联谊", "心理咨询", "心理疏导",
    "劳动合同", "社保", "加班费", "维权", "住房补贴", "餐补", "学历提升", "成人大专", "电工证", "技能培训",
    "两天一晚", "亲子", "暑托班", "寒托班", "扇面画", "收纳", "减压", "廉租房", "公租房", "保障房",
)

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
STOPWORDS = frozenset("的 了 和 与 及 或 我 我们 你 他 她 想 要 想要 希望 能 能不能 可以 有 没有 是 在 也 都 就 还 很 太 吗 呢 吧 啊 一 一个 这 那 个 给 让 被 把 对 为 请 多 少 些".split())


def _converter() -> opencc.OpenCC:
    conv = getattr(_local, "t2s", None)
    if conv is None:
        conv = _local.t2s = opencc.OpenCC("t2s")
    return conv


def ensure_jieba() -> None:
    global _jieba_ready
    if _jieba_ready:
        return
    with _jieba_lock:
        if not _jieba_ready:
            jieba.initialize()
            for word in DOMAIN_WORDS:
                jieba.add_word(word, freq=200_000)
            _jieba_ready = True


def add_words(words) -> None:
    ensure_jieba()
    with _jieba_lock:
        for word in words:
            jieba.add_word(word, freq=200_000)


def normalise(text: str) -> str:
    """Simplified characters, half-width, lower case."""
    text = unicodedata.normalize("NFKC", text or "")
    return _converter().convert(text).lower()


def tokens(text: str, *, normalised: bool = False) -> list[str]:
    """Words of a text (normalised first), punctuation and stop words dropped."""
    ensure_jieba()
    norm = text if normalised else normalise(text)
    out = []
    for word in jieba.lcut(norm):
        word = word.strip()
        if not word or _PUNCT.fullmatch(word) or word in STOPWORDS:
            continue
        out.append(word)
    return out


def search_terms(query: str) -> list[str]:
    """What every hit must contain: the query's words, or the whole query if it has none."""
    norm = normalise(query).strip()
    terms = list(dict.fromkeys(tokens(norm, normalised=True)))
    return terms or ([norm] if norm else [])
