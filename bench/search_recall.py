#!/usr/bin/env python3
"""Recall of Chinese full-text search: our bigram index against trigram and jieba indexing.

    python bench/search_recall.py [--queries 300] [--seed 7] [--markdown]

Corpora (real text, read in place from ../shared/data):
  * zh-workplace-text: Chinese Markdown work reports and meeting minutes, split into paragraphs
    (one paragraph = one document);
  * git-commits-zh-dataease: Chinese commit messages (one commit = one document).

Queries: for each corpus, a deterministic sample of Chinese substrings of 2, 3 and 4 characters
taken from the text itself (an equal number of each length), plus 1-character queries and
words as jieba segments them (the queries a segmenter is built for), reported apart. Ground
truth for a query = every document containing it as a substring, which is what a user expects
from "find messages that say X".

Schemes, each a contentless FTS5 table in its own database file (so its size is the index):
  * bigram   — ours: colleague.store.fts.index_text / match_expression, tokenizer as the store;
  * trigram  — SQLite's built-in trigram tokenizer, query as a phrase (it cannot match queries
               shorter than 3 characters: those count as misses);
  * jieba    — jieba word segmentation (precise mode) for both text and query, unicode61
               tokenizer, query as a phrase of its segments (skipped if jieba is not installed);
  * unicode61 — SQLite's default tokenizer on the raw text: the baseline without CJK handling.
A JSON report goes to stdout (or a Markdown table with --markdown); progress to stderr.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from colleague.store.fts import TOKENIZER, index_text, match_expression

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def log(msg: str) -> None:
    print(f"[search_recall] {msg}", file=sys.stderr, flush=True)


# -- corpora -------------------------------------------------------------------------------
def zh_paragraphs(root: Path) -> list[str]:
    docs = []
    for f in sorted(root.rglob("*.md")):
        text = f.read_text("utf-8", "replace")
        docs += [p.strip() for p in re.split(r"\n\s*\n", text) if HAN_RUN.search(p)]
    return docs


def commit_messages(path: Path) -> list[str]:
    docs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            msg = json.loads(line).get("message") or ""
            if HAN_RUN.search(msg):
                docs.append(msg)
    return docs


def sample_queries(docs: list[str], n: int, length: int, seed: int) -> list[str]:
    """n distinct Chinese substrings of `length` characters found in the documents."""
    rng = random.Random(f"{seed}-{length}")
    runs = [r for d in docs for r in HAN_RUN.findall(d) if len(r) >= length]
    seen: dict[str, None] = {}
    for _ in range(n * 50):
        if len(seen) >= n or not runs:
            break
        run = rng.choice(runs)
        i = rng.randrange(len(run) - length + 1)
        seen.setdefault(run[i : i + length])
    return list(seen)


def sample_words(docs: list[str], n: int, seed: int) -> list[str]:
    """n distinct words of 2+ Han characters as jieba segments them ([] without jieba).

    Substring queries favour n-gram indexes by construction; word queries are the case a
    segmenter is built for, so they are measured too.
    """
    try:
        import jieba
    except ImportError:
        return []
    jieba.setLogLevel(60)
    rng = random.Random(f"{seed}-words")
    words: dict[str, None] = {}
    for d in rng.sample(docs, min(len(docs), 3000)):
        for w in jieba.cut(d):
            if len(w) >= 2 and HAN_RUN.fullmatch(w):
                words.setdefault(w)
    pool = sorted(words)
    return rng.sample(pool, min(n, len(pool)))


# -- schemes -------------------------------------------------------------------------------
@dataclass
class Scheme:
    name: str
    tokenizer: str
    index: Callable[[str], str]
    query: Callable[[str], str | None]


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def schemes() -> list[Scheme]:
    out = [
        Scheme("bigram", TOKENIZER, index_text, match_expression),
        Scheme("trigram", "trigram", lambda t: t, lambda q: _phrase(q) if len(q) >= 3 else None),
    ]
    try:
        import jieba  # optional: only the benchmark needs it
    except ImportError:
        log("jieba is not installed: skipping the jieba scheme (pip install jieba)")
    else:
        jieba.setLogLevel(60)

        def seg(text: str) -> str:
            return " ".join(w for w in jieba.cut(text) if w.strip())

        out.append(Scheme("jieba", "unicode61", seg, lambda q: _phrase(seg(q))))
    out.append(Scheme("unicode61", "unicode61", lambda t: t, _phrase))
    return out


# -- measurement ---------------------------------------------------------------------------
def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def evaluate(scheme: Scheme, docs: list[str], queries: dict[str, list[str]], workdir: Path,
             truth: dict[str, set[int]]) -> dict[str, Any]:
    db_path = workdir / f"{scheme.name}.db"
    db_path.unlink(missing_ok=True)
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(body, content='', tokenize='{scheme.tokenizer}')")
    t0 = time.perf_counter()
    db.execute("BEGIN")
    db.executemany("INSERT INTO t (rowid, body) VALUES (?, ?)",
                   ((i, scheme.index(d)) for i, d in enumerate(docs)))
    db.execute("COMMIT")
    db.execute("INSERT INTO t(t) VALUES ('optimize')")
    build_s = time.perf_counter() - t0
    db.execute("VACUUM")
    result: dict[str, Any] = {"index_bytes": db_path.stat().st_size, "build_s": round(build_s, 2)}
    for band, qs in queries.items():
        found_total = truth_total = correct_total = 0
        per_query: list[float] = []
        latencies: list[float] = []
        complete = 0
        for q in qs:
            expected = truth[q]
            expr = scheme.query(q)
            t1 = time.perf_counter()
            got: set[int] = set()
            if expr:
                try:
                    got = {r[0] for r in db.execute("SELECT rowid FROM t WHERE t MATCH ?", (expr,))}
                except sqlite3.OperationalError:
                    got = set()
            latencies.append((time.perf_counter() - t1) * 1000)
            hit = len(got & expected)
            found_total += len(got)
            truth_total += len(expected)
            correct_total += hit
            per_query.append(hit / len(expected) if expected else 1.0)
            complete += hit == len(expected)
        result[band] = {
            "queries": len(qs),
            "recall_micro": round(correct_total / truth_total, 4) if truth_total else None,
            "recall_macro": round(statistics.fmean(per_query), 4),
            "precision": round(correct_total / found_total, 4) if found_total else None,
            "full_recall_share": round(complete / len(qs), 4),
            "p50_ms": round(statistics.median(latencies), 3),
            "p95_ms": round(_percentile(latencies, 95), 3),
        }
    db.close()
    return result


def run(n_queries: int = 300, seed: int = 7, data: Path = DATA) -> dict[str, Any]:
    corpora = {
        "zh-workplace-text": lambda: zh_paragraphs(data / "zh-workplace-text"),
        "git-commits-zh-dataease": lambda: commit_messages(
            data / "git-commits-zh-dataease" / "commits.jsonl"),
    }
    report: dict[str, Any] = {"seed": seed, "sqlite": sqlite3.sqlite_version, "corpora": {}}
    with tempfile.TemporaryDirectory(prefix="colleague-recall-") as tmp:
        for cname, load in corpora.items():
            docs = load()
            per_len = n_queries // 3
            queries = {
                "2-4 chars": [q for n in (2, 3, 4) for q in sample_queries(docs, per_len, n, seed)],
                "2 chars": sample_queries(docs, per_len, 2, seed),
                "3-4 chars": [q for n in (3, 4) for q in sample_queries(docs, per_len, n, seed)],
                "1 char": sample_queries(docs, 50, 1, seed),
                "jieba words": sample_words(docs, per_len, seed),
            }
            queries = {k: v for k, v in queries.items() if v}
            every = {q for qs in queries.values() for q in qs}
            truth = {q: {i for i, d in enumerate(docs) if q in d} for q in every}
            log(f"{cname}: {len(docs):,} documents, {len(every)} distinct queries")
            entry: dict[str, Any] = {
                "documents": len(docs),
                "text_chars": sum(len(d) for d in docs),
                "queries": {k: len(v) for k, v in queries.items()},
                "mean_truth_docs": round(statistics.fmean(len(truth[q]) for q in every), 1),
                "schemes": {},
            }
            for scheme in schemes():
                log(f"  {scheme.name}")
                entry["schemes"][scheme.name] = evaluate(scheme, docs, queries, Path(tmp), truth)
            report["corpora"][cname] = entry
    return report


def markdown(report: dict[str, Any]) -> str:
    lines = []
    for cname, entry in report["corpora"].items():
        lines.append(f"**{cname}** — {entry['documents']:,} documents, "
                     f"{entry['text_chars']:,} characters; queries per band: "
                     + ", ".join(f"{k} {v}" for k, v in entry["queries"].items()))
        lines.append("")
        lines.append("| scheme | recall 2–4 (micro / macro) | recall 2 | recall 3–4 | recall 1 "
                     "| recall jieba words | precision 2–4 | index size | build | query p50 / p95 |")
        lines.append("|---|---|---|---|---|---|---|---|---|---|")
        for name, r in entry["schemes"].items():
            main = r["2-4 chars"]

            def rec(band: str, r: dict[str, Any] = r) -> str:
                v = r[band]["recall_micro"] if band in r else None
                return "–" if v is None else f"{v:.3f}"

            prec = "–" if main["precision"] is None else f"{main['precision']:.3f}"
            lines.append(
                f"| {name} | {main['recall_micro']:.3f} / {main['recall_macro']:.3f} "
                f"| {rec('2 chars')} | {rec('3-4 chars')} | {rec('1 char')} | {rec('jieba words')} "
                f"| {prec} "
                f"| {r['index_bytes'] / 1e6:.1f} MB | {r['build_s']} s "
                f"| {main['p50_ms']} / {main['p95_ms']} ms |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--queries", type=int, default=300, help="2-4 character queries per corpus")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables, not JSON")
    args = ap.parse_args(argv)
    if not (args.data / "zh-workplace-text").is_dir():
        print(f"shared data not found at {args.data}", file=sys.stderr)
        return 2
    report = run(args.queries, args.seed, args.data)
    if args.markdown:
        print(markdown(report))
    else:
        json.dump(report, sys.stdout, indent=1, ensure_ascii=False)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
