"""Text handling for Chinese and English: language detection, tokenising, sentences.

Chinese is segmented with jieba (its dictionary ships inside the package: no download);
English is lower-cased word tokens. Everything here is deterministic.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

from colleague.analyze.model import Lang
from colleague.literals import any_of

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@[\w.\-]+|@[\u4e00-\u9fff]{1,4}")
_CODE = re.compile(r"`[^`]*`")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s+|\n+")
_TOKEN_CLEAN = re.compile(r"^[\W_]+|[\W_]+$")

EMOJI = re.compile(
    "[\U0001F300-\U0001FAFF\U00002600-\U000027BF\U0001F000-\U0001F02F\U0001F900-\U0001F9FF]"
    "|:[a-z0-9_+\\-]+:"  # Slack/Discord shortcodes
    "|\\[[\u4e00-\u9fff]{1,4}\\]"  # WeChat/Feishu [微笑] codes
)


# Characters a case-insensitive regex folds onto ASCII letters although str.lower() does not
# turn them into those letters ('İ' → 'i̇', 'ı', 'ſ'); text holding one skips the key check.
ODD_FOLDS = frozenset("\u0130\u0131\u017f\u212a")


def keyed_search(
    pattern: re.Pattern[str], keys: tuple[str, ...], text: str, low: str | None = None
) -> re.Match[str] | None:
    """`pattern.search(text)`, skipped when the lower-cased text holds none of `keys`.

    Exact only when every match of `pattern` contains one of `keys` (lower-cased) — list a
    literal every alternative must contain. Most messages hold none, and `in` is an order of
    magnitude cheaper than trying a long alternation at every position."""
    low = text.lower() if low is None else low
    if any_of(keys).search(low):
        return pattern.search(text)
    if not low.isascii() and not ODD_FOLDS.isdisjoint(text):
        return pattern.search(text)
    return None


def cjk_ratio(text: str) -> float:
    """Share of CJK characters among letters (CJK + Latin)."""
    cjk = len(_CJK.findall(text))
    latin = sum(len(w) for w in _LATIN_WORD.findall(text))
    total = cjk + latin
    return cjk / total if total else 0.0


def detect_lang(texts: Iterable[str]) -> Lang:
    """The language most of the messages are written in: 'zh' when messages that are mainly
    Chinese are at least as many as those that are mainly English (a message votes once,
    however long, so a few long English mails do not outvote daily Chinese chat)."""
    zh = en = 0
    for t in texts:
        ratio = cjk_ratio(t)
        if ratio >= 0.3:
            zh += 1
        elif _LATIN_WORD.search(t):
            en += 1
    return "zh" if zh and zh >= en else "en"


def is_chinese(text: str) -> bool:
    return cjk_ratio(text) >= 0.3


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def strip_noise(text: str) -> str:
    """Text without URLs, inline code and @mentions (they are not the person's wording)."""
    return _MENTION.sub(" ", _CODE.sub(" ", _URL.sub(" ", text)))


# "@Zhang Wei": a Slack mention of a two-word real name (strip_noise takes one word).
_MENTION_NAME = re.compile(r"@[A-Z][a-z]+ [A-Z][a-z]+\b")


def unmention(text: str) -> str:
    """`text` without two-word @-mentions of real names."""
    return _MENTION_NAME.sub(" ", text)


def wording(text: str) -> str:
    """The wording positions are judged on: no URLs, code, mentions or emoji."""
    return EMOJI.sub(" ", strip_noise(unmention(text))).strip()


def tokens(text: str) -> list[str]:
    """Words: jieba segments for Chinese runs, lower-cased words for the rest.
    Punctuation and whitespace are dropped; URLs, code and mentions are skipped.
    Several analyzers tokenise the same messages: the result is cached per text."""
    return list(_tokens(text))


@lru_cache(maxsize=400_000)
def _tokens(text: str) -> tuple[str, ...]:
    clean = strip_noise(text)
    out: list[str] = []
    if _CJK.search(clean):
        for tok in _jieba().lcut(clean):
            tok = _TOKEN_CLEAN.sub("", tok.strip())
            if tok:
                out.append(tok.lower())
    else:
        for m in re.finditer(r"[\w'’-]+", clean):
            tok = _TOKEN_CLEAN.sub("", m.group(0))
            if tok:
                out.append(tok.lower())
    return tuple(out)


def ngrams(toks: list[str], n: int) -> list[str]:
    """Joined n-grams: no separator between two Chinese tokens, a space otherwise."""
    out = []
    for i in range(len(toks) - n + 1):
        parts = toks[i : i + n]
        joined = parts[0]
        for p in parts[1:]:
            sep = "" if _CJK.search(joined[-1:]) and _CJK.search(p[:1]) else " "
            joined += sep + p
        out.append(joined)
    return out


def sentences(text: str) -> list[str]:
    """Split into sentences on Chinese and English sentence ends and line breaks."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def shorten(text: str, limit: int = 160) -> str:
    """One line, at most `limit` characters (cut on a boundary, marked with …)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6 and not is_chinese(cut):
        cut = cut[:space]
    return cut + "…"
