"""Chinese and English full-text matching: bigram phrases, single characters, stemming."""

from __future__ import annotations

import sqlite3

import pytest

from colleague.store.fts import TOKENIZER, index_text, match_expression

DOCS = [
    "上线前必须先在预发环境跑一遍回归",
    "我们决定回滚发布",
    "deployed the payment service",
    "滚",
    "Deploying 支付服务 now",
    "环境变量 ENV_NAME 配置",
]


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(body, content='', tokenize='{TOKENIZER}')")
    for i, d in enumerate(DOCS):
        db.execute("INSERT INTO t(rowid, body) VALUES (?, ?)", (i, index_text(d)))
    return db


def hits(db: sqlite3.Connection, query: str) -> list[int]:
    expr = match_expression(query)
    assert expr is not None
    return sorted(r[0] for r in db.execute("SELECT rowid FROM t WHERE t MATCH ?", (expr,)))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("回滚", [1]),
        ("预发环境", [0]),
        ("跑一遍", [0]),
        ("环境", [0, 5]),
        ("滚", [1, 3]),  # a lone character matches inside and at the end of a run
        ("境", [0, 5]),
        ("deploy", [2, 4]),  # porter stemming
        ("支付 deploy", [4]),  # terms are ANDed across languages
        ('"payment service"', [2]),
        ("发回", []),  # not a substring anywhere: a bigram phrase must not match across
    ],
)
def test_matching(fts: sqlite3.Connection, query: str, expected: list[int]) -> None:
    assert hits(fts, query) == expected


def test_substring_semantics_match_python(fts: sqlite3.Connection) -> None:
    """For every 2–4 character Chinese substring, FTS finds exactly the docs containing it."""
    grams = {d[i : i + n] for d in DOCS for n in (2, 3, 4) for i in range(len(d) - n + 1)}
    cjk = sorted(g for g in grams if all("\u4e00" <= c <= "\u9fff" for c in g))
    assert len(cjk) > 40
    for g in cjk:
        assert hits(fts, g) == [i for i, d in enumerate(DOCS) if g in d], g


def test_nothing_searchable() -> None:
    assert match_expression("  ，。!! ") is None
