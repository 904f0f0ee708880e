"""Fast "does this text contain any of these words" checks, shared by the privacy scanner
and the analyzers: one regex per word set, factored by shared prefixes, so the engine
branches on one character at a time instead of trying every word at every position
(measured ~1.5x faster than a loop of `in` tests over 46 words)."""

from __future__ import annotations

import re
from functools import lru_cache


def trie_pattern(words: tuple[str, ...]) -> str:
    """A regular expression matching exactly the given literals."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


@lru_cache(maxsize=512)
def any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """Compiled (and cached) pattern for `words`; an empty tuple matches nothing."""
    return re.compile(trie_pattern(tuple(w for w in words if w)) or r"(?!)")
