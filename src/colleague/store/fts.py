"""Full-text indexing that works for Chinese and English.

SQLite's unicode61 tokenizer splits on spaces, so an unsegmented Chinese sentence would be
one giant token. We index every run of CJK characters as overlapping bigrams plus the run's
last character, and turn a Chinese query term into a phrase of its bigrams. A phrase of
adjacent bigrams matches exactly where the term occurs as a substring, so recall on
Chinese queries of two or more characters is complete without a segmentation dictionary
(see docs/search.md for the measurement against jieba and trigram indexing).
English goes through the porter stemmer, so "deploy" also finds "deployed".
"""

from __future__ import annotations

import re

_CJK = (
    "\u3040-\u30ff"  # kana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # compatibility ideographs
)
_CJK_RUN = re.compile(f"[{_CJK}]+")
_HAS_CJK = re.compile(f"[{_CJK}]")
TOKENIZER = "porter unicode61 remove_diacritics 2"


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(text: str) -> str:
    """The text as the FTS index sees it: CJK runs become bigrams + the final character."""
    if not _HAS_CJK.search(text):
        return text

    def expand(m: re.Match[str]) -> str:
        run = m.group(0)
        grams = _bigrams(run)
        if len(run) > 1:
            grams.append(run[-1])
        return " " + " ".join(grams) + " "

    return _CJK_RUN.sub(expand, text)


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


def query_terms(query: str) -> list[str]:
    """User query → terms (quoted phrases kept whole)."""
    terms = []
    for m in _TERM.finditer(query):
        term = (m.group(1) if m.group(1) is not None else m.group(2)).strip()
        if term:
            terms.append(term)
    return terms


def _term_expr(term: str) -> str | None:
    """One user term → an FTS5 expression; None if it holds nothing searchable."""
    parts: list[str] = []
    pos = 0
    pieces: list[tuple[bool, str]] = []
    for m in _CJK_RUN.finditer(term):
        if m.start() > pos:
            pieces.append((False, term[pos : m.start()]))
        pieces.append((True, m.group(0)))
        pos = m.end()
    if pos < len(term):
        pieces.append((False, term[pos:]))
    tokens: list[str] = []
    single_cjk: str | None = None
    for is_cjk, piece in pieces:
        if is_cjk:
            if len(piece) == 1 and len(pieces) == 1:
                single_cjk = piece
            else:
                tokens.extend(_bigrams(piece))
        else:
            tokens.extend(w.lower() for w in _WORD.findall(piece))
    if single_cjk is not None:
        # A lone character is the start of a bigram or the last character of a run.
        return f"{_quote(single_cjk)}*"
    if not tokens:
        return None
    parts.append(_quote(" ".join(tokens)))
    return " ".join(parts)


def match_expression(query: str) -> str | None:
    """User query → FTS5 MATCH expression (all terms must match); None if nothing to search."""
    exprs = [e for e in (_term_expr(t) for t in query_terms(query)) if e]
    if not exprs:
        return None
    return " AND ".join(exprs)
