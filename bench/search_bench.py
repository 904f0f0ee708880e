#!/usr/bin/env python3
"""Latency of `colleague.store.search.search()` for two-word queries on an ingested corpus.

    python bench/search_bench.py CORPUS_DB [--queries 240] [--seed 7]

Queries are pairs of words taken from messages sampled from the corpus, chosen by their rank in
the generator's Zipf-ordered vocabulary (gen_slack.vocabulary) in four bands, so both cheap and
expensive cases are timed: common+common (both in the top 100 ranks: long posting lists, many
matches to rank), common+rare, mid+mid (ranks 100-2000) and rare+rare (rank >= 2000);
plus a dozen Chinese two-word queries and, apart, the worst case of function-word pairs. Every query goes through the Python API exactly as the
CLI calls it (default limit 20, messages and documents). A JSON report goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_slack import ZH_QUERIES, vocabulary  # noqa: E402

from colleague.store import connect  # noqa: E402
from colleague.store.search import search  # noqa: E402

# Rank bands in the Zipf-ordered vocabulary (0-based, half-open).
BANDS = {"common": (0, 100), "mid": (100, 2000), "rare": (2000, 20000)}
_WORD = re.compile(r"[a-z]+")
# Function words: nobody searches for "the and", but it is the worst case, so it is timed on
# its own (STOPWORD_QUERIES) and kept out of the two-word target mix.
_STOP_TEXT = ("the to and a i of is it that in you for we this on be have with not but so can "
                "do just are was if at will what as from or my me they there all would your "
                "one get up out then when now also any some how which")
STOPWORDS = set(_STOP_TEXT.split())
STOPWORD_QUERIES = ["the and", "you the", "for that", "this with", "not but", "have just"]
MIXES = [("common", "common"), ("common", "rare"), ("mid", "mid"), ("rare", "rare")]


def log(msg: str) -> None:
    print(f"[search_bench] {msg}", file=sys.stderr, flush=True)


def make_queries(db: sqlite3.Connection, n: int, seed: int = 7) -> list[tuple[str, str]]:
    """(band mix, query) pairs: n English two-word queries, evenly over the mixes.

    Both words of a query come from one message sampled from the corpus, so every query has
    at least one hit (people search for what they remember reading); the bands decide which
    words of it are taken.
    """
    rank = {w: i for i, w in enumerate(vocabulary(seed))}
    rng = random.Random(f"queries-{seed}")
    lo_id, hi_id = db.execute("SELECT min(rowid), max(rowid) FROM messages").fetchone()
    out: list[tuple[str, str]] = []
    for i in range(n):
        mix = MIXES[i % len(MIXES)]
        for _attempt in range(10_000):
            # Rowids are dense or uniformly hashed, so "first row at or after a random rowid"
            # is a fair sample either way.
            row = db.execute(
                "SELECT text FROM messages WHERE rowid >= ? AND kind = 'message'"
                " ORDER BY rowid LIMIT 1", (rng.randint(lo_id, hi_id),)
            ).fetchone()
            words = sorted({w for w in _WORD.findall((row or [""])[0].lower())
                            if w in rank and len(w) >= 3 and w not in STOPWORDS})
            picked = []
            for band in mix:
                lo, hi = BANDS[band]
                cands = [w for w in words if lo <= rank[w] < hi and w not in picked]
                if not cands:
                    break
                picked.append(rng.choice(cands))
            if len(picked) == 2:
                out.append((f"{mix[0]}+{mix[1]}", " ".join(picked)))
                break
    return out


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def _stats(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "max_ms": round(max(ms), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
    }


def bench(db_path: Path, n_queries: int = 240, seed: int = 7) -> dict[str, Any]:
    db = connect(db_path)
    try:
        messages = db.execute("SELECT count(*) FROM messages").fetchone()[0]
        queries = make_queries(db, n_queries, seed) + [("chinese", q) for q in ZH_QUERIES]
        queries += [("stopwords", q) for q in STOPWORD_QUERIES]
        # Warm the page cache with a few queries that are not timed: the target is about a
        # corpus in use, not the first query after boot.
        for _, q in queries[:5]:
            search(db, q)
        by_mix: dict[str, list[float]] = {}
        hits: dict[str, list[int]] = {}
        slowest: list[tuple[float, str]] = []
        for mix, q in queries:
            t0 = time.perf_counter()
            res = search(db, q)
            ms = (time.perf_counter() - t0) * 1000
            by_mix.setdefault(mix, []).append(ms)
            hits.setdefault(mix, []).append(len(res))
            slowest.append((ms, q))
        english = [ms for mix, v in by_mix.items() if "+" in mix for ms in v]
        slowest = sorted((x for x in slowest if x[1] not in STOPWORD_QUERIES), reverse=True)
        return {
            "db": str(db_path),
            "messages": messages,
            "english": _stats(english),
            "chinese": _stats(by_mix["chinese"]),
            "stopwords": _stats(by_mix["stopwords"]),
            "by_mix": {
                mix: {**_stats(v), "queries_with_hits": sum(1 for h in hits[mix] if h)}
                for mix, v in by_mix.items()
            },
            "slowest": [{"query": q, "ms": round(ms, 1)} for ms, q in slowest[:5]],
        }
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("db", type=Path, help="corpus.db of a workspace holding the generated export")
    ap.add_argument("--queries", type=int, default=240)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    result = bench(args.db, args.queries, args.seed)
    log(f"english p50 {result['english']['p50_ms']} ms, p95 {result['english']['p95_ms']} ms, "
        f"max {result['english']['max_ms']} ms")
    json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
