#!/usr/bin/env python3
"""Time `colleague distill` of the busiest person in an ingested corpus (issue 4's benchmark).

    python bench/distill_bench.py CORPUS_DB [--person ID] [--runs 3] [--work DIR] [--stages]

The corpus is copied into a scratch workspace (distilling writes the journal and the Skill
there, never into the source workspace). `colleague --home WORK distill PERSON --self --out
WORK/skills --json` then runs as a child process `--runs` times; each run's wall time and its
own peak RSS (VmHWM of exactly that child, see childproc.py) are reported, and the fastest run
counts (on a shared machine noise only ever adds time). With `--stages`, the same person is
also timed in process, stage by stage: `load_person`, then each analyzer in the order the
Skill builder runs them (the first to tokenise pays for it; the reply structures are built by
the first analyzer that needs them and shared).
The person defaults to whoever wrote the most messages. A JSON report goes to stdout,
progress to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import childproc  # noqa: E402  (bench/ is on sys.path: run as a script or via bench/run)

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
ANALYZERS = ("work", "style", "rhythm", "social", "decisions")  # skill.build's order
TARGET_S = 10.0
TARGET_RSS_MB = 1024.0


def log(msg: str) -> None:
    print(f"[distill-bench] {msg}", file=sys.stderr, flush=True)


def busiest(db_path: Path) -> tuple[int, int]:
    """(person id, messages) of whoever wrote the most messages (bots aside)."""
    db = sqlite3.connect(db_path)
    try:
        row = db.execute(
            "SELECT i.person_id, count(*) FROM messages m JOIN identities i ON i.id = m.identity_id"
            " JOIN people p ON p.id = i.person_id WHERE m.kind = 'message' AND NOT p.is_bot"
            " GROUP BY i.person_id ORDER BY count(*) DESC, i.person_id LIMIT 1"
        ).fetchone()
    finally:
        db.close()
    if row is None:
        raise SystemExit(f"{db_path}: no messages")
    return row[0], row[1]


def workspace(db_path: Path, work: Path) -> Path:
    """A scratch workspace holding a copy of the corpus."""
    home = work / "home"
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    shutil.copy2(db_path, home / "corpus.db")
    return home


def run_distill(home: Path, person: int, python: str = sys.executable) -> dict[str, Any]:
    """One `colleague distill` in a child process: wall time, CPU, peak RSS, its JSON."""
    out_dir = home.parent / "skills"
    shutil.rmtree(out_dir, ignore_errors=True)
    cmd = [python, "-m", "colleague", "--home", str(home), "distill", str(person), "--self",
           "--out", str(out_dir), "--json"]
    out_path, err_path = home.parent / "distill.stdout", home.parent / "distill.stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        m = childproc.run(cmd, out, err, ROOT)
    code, wall = m["code"], m["wall_s"]
    stdout = out_path.read_text("utf-8", "replace")
    if code != 0:
        tail = err_path.read_text("utf-8", "replace")[-2000:]
        raise RuntimeError(f"distill exited {code}:\n{stdout[-2000:]}\n{tail}")
    return {
        "command": " ".join(cmd),
        "wall_s": round(wall, 2),
        "user_cpu_s": round(m["user_cpu_s"], 2),
        "sys_cpu_s": round(m["sys_cpu_s"], 2),
        # The child's own high-water mark (bench/childproc.py: not the inflated ru_maxrss).
        "peak_rss_mb": round(m["peak_rss_mb"], 1),
        "result": json.loads(stdout),
    }


def stages(db_path: Path, person: int) -> dict[str, Any]:
    """Seconds per stage, in process (a fresh token cache: the first analyzer tokenises)."""
    from colleague.analyze.text import detect_lang
    from colleague.store import connect
    from colleague.store.person_data import load_person

    db = connect(db_path)
    try:
        t0 = time.perf_counter()
        data = load_person(db, person)
        out: dict[str, Any] = {"load_person_s": round(time.perf_counter() - t0, 2),
                               "own": len(data.own), "context": len(data.context),
                               "baseline": len(data.baseline)}
    finally:
        db.close()
    lang = detect_lang(m.text for m in data.own)
    for name in ANALYZERS:
        module = importlib.import_module(f"colleague.analyze.{name}")
        t0 = time.perf_counter()
        module.analyze(data, lang)
        out[f"{name}_s"] = round(time.perf_counter() - t0, 2)
    return out


def bench(db_path: Path, work: Path, person: int | None = None, runs: int = 3,
          with_stages: bool = False) -> dict[str, Any]:
    if person is None:
        person, n = busiest(db_path)
    else:
        n = None
    work.mkdir(parents=True, exist_ok=True)
    home = workspace(db_path, work)
    db = sqlite3.connect(home / "corpus.db")
    try:
        total = db.execute("SELECT count(*) FROM messages").fetchone()[0]
        if n is None:
            n = db.execute(
                "SELECT count(*) FROM messages m JOIN identities i ON i.id = m.identity_id"
                " WHERE i.person_id = ? AND m.kind = 'message'", (person,)
            ).fetchone()[0]
    finally:
        db.close()
    log(f"person {person}: {n:,} of {total:,} messages; {runs} runs")
    all_runs = []
    for i in range(runs):
        r = run_distill(home, person)
        log(f"run {i + 1}: {r['wall_s']} s, peak RSS {r['peak_rss_mb']} MB")
        all_runs.append(r)
    best = min(all_runs, key=lambda r: r["wall_s"])
    report: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_avg_1min": round(os.getloadavg()[0], 2),
        "person": person,
        "person_messages": n,
        "corpus_messages": total,
        "best": best,
        "runs_s": [r["wall_s"] for r in all_runs],
        "peak_rss_mb": max(r["peak_rss_mb"] for r in all_runs),
        "target_s": TARGET_S,
        "target_rss_mb": TARGET_RSS_MB,
    }
    report["load_avg_1min"] = round(os.getloadavg()[0], 2)
    report["pass_time"] = best["wall_s"] <= TARGET_S
    report["pass_rss"] = report["peak_rss_mb"] <= TARGET_RSS_MB
    if with_stages:
        log("stages in process")
        report["stages"] = stages(home / "corpus.db", person)
    shutil.rmtree(home, ignore_errors=True)
    return report


def markdown(r: dict[str, Any]) -> str:
    """The distill section of RESULTS.md."""
    best = r["best"]
    verdict = {True: "**pass**", False: "**FAIL**"}
    lines = [
        "## Distill",
        "",
        f"`colleague distill {r['person']} --self` of the busiest person ({r['person_messages']:,} "
        f"messages) in the {r['corpus_messages']:,}-message corpus, as a child process on a "
        f"copy of the workspace (`bench/distill_bench.py`), measured {r.get('date', '?')} "
        f"(1-minute load average {r.get('load_avg_1min', '?')} at the end; 2 cores shared with "
        "other work, so the fastest run counts).",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
        f"| distill wall time ≤ {r['target_s']:g} s | {best['wall_s']} s (best of "
        f"{r['runs_s']}) | {verdict[r['pass_time']]} |",
        f"| peak RSS ≤ {r['target_rss_mb'] / 1024:g} GB | {r['peak_rss_mb']} MB "
        f"| {verdict[r['pass_rss']]} |",
        "",
        f"Best run: CPU {best['user_cpu_s']} s user + {best['sys_cpu_s']} s sys; claims by "
        f"section {json.dumps(best['result'].get('claims', {}))}.",
    ]
    if r.get("stages"):
        s = r["stages"]
        lines += ["", "In process, stage by stage (one run; the first analyzer pays for "
                  "tokenising and the shared reply structures are built once):", "",
                  "| stage | seconds |", "|---|---|"]
        lines += [f"| {k.removesuffix('_s')} | {v} |" for k, v in s.items() if k.endswith("_s")]
        lines += ["", f"Loaded: {s['own']:,} own, {s['context']:,} context, "
                  f"{s['baseline']:,} baseline messages."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="an ingested corpus.db (it is copied, not changed)")
    ap.add_argument("--person", type=int, help="person id (default: the busiest)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=BENCH / "out" / "distill")
    ap.add_argument("--stages", action="store_true", help="also time each stage in process")
    ap.add_argument("--markdown", action="store_true", help="print Markdown, not JSON")
    args = ap.parse_args(argv)
    report = bench(args.corpus, args.work, args.person, args.runs, args.stages)
    print(markdown(report) if args.markdown else json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
