#!/usr/bin/env python3
"""Time `colleague ingest` on a Slack export, and the floor it is measured against.

    python bench/ingest_bench.py EXPORT_DIR [--work DIR] [--skip-floor]

The ingest runs as a child process (`python -m colleague --home FRESH ingest EXPORT --json`) on a
fresh workspace; we take its wall time, its own peak RSS (VmHWM of exactly that
child), the rows it reports and the database size. The floor, in the same run and on the same
files: parse every day file with `json` and insert (id, channel, user, ts, text) rows with
executemany into an index-free SQLite table (same WAL/synchronous pragmas as the store), in
one transaction. The ratio ingest/floor is what the target ("within 3×") is about. Both run
on a warm page cache; the floor runs three times and the fastest run of each counts (on a
shared machine, noise only ever adds time); every run's time is reported.
A JSON report goes to stdout; progress to stderr.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import childproc  # noqa: E402  (bench/ is on sys.path: run as a script or via bench/run)

ROOT = Path(__file__).resolve().parents[1]


def log(msg: str) -> None:
    print(f"[ingest_bench] {msg}", file=sys.stderr, flush=True)


def _dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run_ingest(export: Path, home: Path, python: str = sys.executable) -> dict[str, Any]:
    """Ingest `export` into a fresh workspace at `home` in a child process and measure it."""
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    cmd = [python, "-m", "colleague", "--home", str(home), "ingest", str(export), "--json"]
    out_path, err_path = home.parent / "ingest.stdout", home.parent / "ingest.stderr"
    log(f"running: {' '.join(cmd)}")
    with out_path.open("wb") as out, err_path.open("wb") as err:
        m = childproc.run(cmd, out, err, ROOT)
    wall = m["wall_s"]
    stdout = out_path.read_text("utf-8", "replace")
    if m["code"] != 0:
        tail = err_path.read_text("utf-8", "replace")[-2000:]
        raise RuntimeError(f"ingest exited {m['code']}:\n{stdout[-2000:]}\n{tail}")
    report = json.loads(stdout)
    sources = report["sources"]
    added = sum(s["added"] for s in sources)
    db_path = home / "corpus.db"
    db = sqlite3.connect(db_path)
    try:
        # The stable message id is `uid` once the store keeps a dense rowid apart from it.
        cols = {row[1] for row in db.execute("PRAGMA table_info(messages)")}
        key = "uid" if "uid" in cols else "id"
        rows, distinct = db.execute(
            f"SELECT count(*), count(DISTINCT {key}) FROM messages"
        ).fetchone()
        kinds = dict(db.execute("SELECT kind, count(*) FROM messages GROUP BY kind").fetchall())
        people = db.execute("SELECT count(*) FROM people").fetchone()[0]
    finally:
        db.close()
    wal = home / "corpus.db-wal"
    return {
        "command": " ".join(cmd),
        "wall_s": round(wall, 2),
        "user_cpu_s": round(m["user_cpu_s"], 2),
        "sys_cpu_s": round(m["sys_cpu_s"], 2),
        # The child's own high-water mark (bench/childproc.py: not the inflated ru_maxrss).
        "peak_rss_mb": round(m["peak_rss_mb"], 1),
        "added": added,
        "duplicates": sum(s["skipped"] for s in sources),
        "rejected": sum(s["rejected"] for s in sources),
        "rows": rows,
        "distinct_ids": distinct,
        "kinds": kinds,
        "people": people,
        "messages_per_s": round(added / wall, 1) if wall else None,
        "db_bytes": db_path.stat().st_size,
        "wal_bytes": wal.stat().st_size if wal.exists() else 0,
    }


def _day_files(export: Path) -> list[tuple[str, Path]]:
    """(channel, file) for every CHANNEL/YYYY-MM-DD.json, in the order the reader takes them."""
    out = []
    for folder in sorted(p for p in export.iterdir() if p.is_dir()):
        for f in sorted(folder.glob("*.json")):
            out.append((folder.name, f))
    return out


def run_floor(export: Path, db_path: Path) -> dict[str, Any]:
    """Parse the same day files and insert plain rows into an index-free table, one transaction."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    t0 = time.perf_counter()
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE floor (id INTEGER, channel TEXT, user TEXT, ts TEXT, text TEXT)")
    db.execute("BEGIN")
    n = 0
    sql = "INSERT INTO floor VALUES (?, ?, ?, ?, ?)"
    for channel, f in _day_files(export):
        day = json.loads(f.read_bytes())
        rows = []
        for m in day:
            n += 1
            rows.append((n, channel, m.get("user"), m.get("ts"), m.get("text") or ""))
        db.executemany(sql, rows)
    db.execute("COMMIT")
    db.close()
    wall = time.perf_counter() - t0
    return {"wall_s": round(wall, 2), "rows": n,
            "messages_per_s": round(n / wall, 1) if wall else None,
            "db_bytes": db_path.stat().st_size}


def warm(export: Path) -> float:
    """Read every file once so the floor and the ingest both start with a warm page cache."""
    t0 = time.perf_counter()
    for f in export.rglob("*.json"):
        f.read_bytes()
    return round(time.perf_counter() - t0, 2)


def bench(export: Path, work: Path, floor: bool = True, floor_runs: int = 3,
          ingest_runs: int = 1) -> dict[str, Any]:
    """Floor and ingest, each run several times on a shared machine: the fastest run counts
    (noise from other work only ever adds time), every run is reported."""
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"export": str(export), "export_bytes": _dir_bytes(export)}
    log(f"warming the page cache ({warm(export)} s)")
    if floor:
        runs = []
        for i in range(floor_runs):
            log(f"floor run {i + 1}/{floor_runs}: json parse + executemany, index-free table")
            runs.append(run_floor(export, work / "floor.db"))
            log(f"floor: {runs[-1]['wall_s']} s for {runs[-1]['rows']:,} rows")
        result["floor"] = min(runs, key=lambda r: r["wall_s"])
        result["floor_runs_s"] = [r["wall_s"] for r in runs]
    runs = []
    for i in range(ingest_runs):
        log(f"colleague ingest run {i + 1}/{ingest_runs}")
        runs.append(run_ingest(export, work / "home"))
        ing = runs[-1]
        log(f"ingest: {ing['wall_s']} s, {ing['messages_per_s']:,} msg/s, peak RSS "
            f"{ing['peak_rss_mb']} MB, db {ing['db_bytes'] / 1e6:.1f} MB")
    best = min(runs, key=lambda r: r["wall_s"])
    # Keep the workspace of the fastest run? All runs build the same database; the last one
    # is on disk, and its size and contents are what the report describes.
    best = {**best, **{k: runs[-1][k] for k in ("db_bytes", "wal_bytes", "rows", "distinct_ids")}}
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    result["ingest"] = best
    result["ingest_runs_s"] = [r["wall_s"] for r in runs]
    if floor:
        result["ratio"] = round(best["wall_s"] / result["floor"]["wall_s"], 2)
        log(f"ratio ingest/floor (fastest runs): {result['ratio']}")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("export", type=Path, help="a Slack export folder (see gen_slack.py)")
    ap.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    ap.add_argument("--skip-floor", action="store_true")
    ap.add_argument("--floor-runs", type=int, default=3)
    ap.add_argument("--ingest-runs", type=int, default=1)
    args = ap.parse_args(argv)
    if args.work:
        result = bench(args.export, args.work, not args.skip_floor, args.floor_runs,
                       args.ingest_runs)
    else:
        with tempfile.TemporaryDirectory(prefix="colleague-bench-") as tmp:
            result = bench(args.export, Path(tmp), not args.skip_floor, args.floor_runs,
                           args.ingest_runs)
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
