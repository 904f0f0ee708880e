"""Evaluation workspaces from the real data in ../shared/data, and attribution measured on them.

    .venv/bin/python bench/fidelity_corpora.py OUT                 # build what is missing, measure
    .venv/bin/python bench/fidelity_corpora.py OUT --build-only    # only build, print the paths
    .venv/bin/python bench/fidelity_corpora.py OUT --attribution-only [--json]
    .venv/bin/python bench/fidelity_corpora.py OUT --only fluid,enron --min-messages 100

Each corpus becomes a workspace (`colleague --home OUT/<name>`), ingested through the CLI from
inputs a user would have:

  fluid    the Fluid project IRC channels (fluid-work, fluid-tech, fluid-design), `--tz UTC`
  discord  the Komodo developer-lounge DiscordChatExporter CSV pages
  enron    the AESLC sent mail: each JSONL record → one .eml (From: the mailbox owner). The
           records carry no date, so the mails carry none either: an untimed source, split in
           file order (files are named by maildir number so ingest keeps that order)
  ipython  every non-merge ipython commit, as a real repository made with `git fast-import`

Attribution is measured with `colleague.evaluate` on everybody (bots aside) with at least
`--min-messages` messages (default 100).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}


# -- inputs -----------------------------------------------------------------------------------


def _fluid_inputs(scratch: Path) -> tuple[list[Path], list[str]]:
    base = DATA / "irc-fluid-project"
    return [base / n for n in ("fluid-work", "fluid-tech", "fluid-design")], ["--tz", "UTC"]


def _discord_inputs(scratch: Path) -> tuple[list[Path], list[str]]:
    return [DATA / "discord-komodo-developers" / "developer-lounge"], []


def _enron_owner(user: str) -> str:
    """'kaminski-v' → 'V Kaminski' (the mailbox id is all the record says of its owner)."""
    last, _, first = user.partition("-")
    return f"{first.upper()} {last.capitalize()}".strip()


def _enron_inputs(scratch: Path) -> tuple[list[Path], list[str]]:
    out = scratch / "enron-mail"
    if not out.exists():
        tmp = scratch / "enron-mail.tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        for path in sorted((DATA / "enron-aeslc" / "sent_by_user").glob("*.jsonl")):
            _write_emls(path, tmp)
        tmp.rename(out)
    return [out], []


def _write_emls(path: Path, out: Path) -> None:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            owner = _enron_owner(rec["user"])
            address = owner.lower().replace(" ", ".") + "@enron.com"
            subject = " ".join((rec["subject_annotations"] or ["(none)"])[0].split())
            text = (
                f"From: {owner} <{address}>\n"
                f"Subject: {subject}\n"
                f"Message-ID: <{rec['user']}.{rec['folder']}.{rec['msg_no']}@enron.example>\n"
                "Content-Type: text/plain; charset=utf-8\n\n" + rec["body"] + "\n"
            )
            # Zero-padded maildir number: the folder is read in name order, which is then the
            # file order an untimed split follows.
            name = f"{rec['user']}-{rec['folder']}-{rec['msg_no']:06d}.eml"
            (out / name).write_text(text, encoding="utf-8")


def _git_when(iso: str) -> str:
    dt = datetime.fromisoformat(iso)
    off = dt.utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{int(dt.timestamp())} {sign}{minutes // 60:02d}{minutes % 60:02d}"


def _git_who(name: str, email: str) -> str:
    clean = " ".join(name.replace("<", "").replace(">", "").split())
    return f"{clean} <{email.strip()}>" if clean else f"<{email.strip()}>"


def commit_stream(records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """`git fast-import` input for commit records (one small file per commit, marks 1…n).
    Also used by tests/realdata.py, so the tests and the evaluation build the same history."""
    for mark, rec in enumerate(records, start=1):
        body = rec.get("body") or ""
        msg = (rec["subject"] + (f"\n\n{body}" if body else "")).encode() + b"\n"
        content = f"{rec['sha']}\n".encode()
        author = _git_who(rec["author_name"], rec.get("author_email") or "")
        head = (
            f"commit refs/heads/main\nmark :{mark}\n"
            f"author {author} {_git_when(rec['author_date'])}\n"
            f"committer {author} {_git_when(rec.get('committer_date') or rec['author_date'])}\n"
            f"data {len(msg)}\n"
        ).encode()
        parent = f"from :{mark - 1}\n".encode() if mark > 1 else b""
        # One small file per commit, so the history touches paths like a real one.
        path = f"src/{rec['sha'][0]}/{rec['sha'][1]}.py"
        blob = f"M 100644 inline {path}\ndata {len(content)}\n".encode()
        yield head + msg + parent + blob + content + b"\n"


def _ipython_inputs(scratch: Path) -> tuple[list[Path], list[str]]:
    repo = scratch / "ipython-repo"
    if (repo / ".git").exists():
        return [repo], []
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=GIT_ENV)

    def records() -> Iterator[dict[str, Any]]:
        src = DATA / "git-commit-messages" / "ipython-ipython.commits.jsonl"
        with src.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if not rec["is_merge"]:
                    yield rec

    data = b"".join(commit_stream(records()))
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"], input=data, check=True,
                   env=GIT_ENV)
    subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard", "main"], check=True,
                   env=GIT_ENV)
    return [repo], []


CORPORA: dict[str, Callable[[Path], tuple[list[Path], list[str]]]] = {
    "fluid": _fluid_inputs,
    "discord": _discord_inputs,
    "enron": _enron_inputs,
    "ipython": _ipython_inputs,
}


# -- building ---------------------------------------------------------------------------------


def build(name: str, out: Path) -> Path:
    """The workspace for corpus `name` under `out` (ingested once; reused afterwards)."""
    home = out / name
    done = home / ".built"
    if done.exists():
        return home
    scratch = out / "_inputs"
    scratch.mkdir(parents=True, exist_ok=True)
    paths, options = CORPORA[name](scratch)
    home.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "colleague", "ingest", "--home", str(home), "--json", *options,
         *map(str, paths)],
        capture_output=True, text=True,
    )
    if proc.returncode != 0:
        sys.exit(f"{name}: ingest failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    res = json.loads(proc.stdout)
    added = sum(s["added"] for s in res["sources"])
    print(f"{name}: ingested {added:,} messages in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)
    done.write_text(f"{added}\n")
    return home


# -- measuring --------------------------------------------------------------------------------


def measure(home: Path, min_messages: int, frac: float) -> dict[str, Any]:
    from colleague.evaluate import attribute, eligible_people, split_person
    from colleague.store.db import connect

    db = connect(home / "corpus.db")
    started = time.perf_counter()
    people = eligible_people(db, min_messages)
    splits = {pid: split_person(db, pid, frac, baseline_size=0) for pid in people}
    loaded = time.perf_counter() - started
    context = {uid: c for s in splits.values() for uid, c in s.context.items()}
    result = attribute({p: s.build for p, s in splits.items()},
                       {p: s.heldout for p, s in splits.items()}, context=context)
    took = time.perf_counter() - started - loaded
    db.close()
    return {
        "people": len(people),
        "build_messages": sum(len(s.build.own) for s in splits.values()),
        "heldout_messages": sum(len(s.heldout) for s in splits.values()),
        "attribution": result.overall,
        "baseline": result.baseline,
        "macro": result.macro,
        "batches": result.counts,
        "weights": result.weights,
        "recency": result.recency,
        "load_s": round(loaded, 1),
        "attribute_s": round(took, 1),
    }


def _table(name: str, fig: dict[str, Any]) -> str:
    sizes = list(fig["attribution"])
    cells = " | ".join(
        f"{fig['attribution'][k]:.3f} vs {fig['baseline'][k]:.3f} ({fig['batches'][k]})"
        for k in sizes
    )
    return (f"| {name} | {fig['people']} | {fig['build_messages']:,} / "
            f"{fig['heldout_messages']:,} | {cells} | {fig['attribute_s']} s |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="directory for the workspaces")
    ap.add_argument("--only", default=",".join(CORPORA), help="comma-separated corpus names")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--attribution-only", action="store_true", help="measure existing workspaces")
    ap.add_argument("--min-messages", type=int, default=100)
    ap.add_argument("--split", type=float, default=0.7)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    names = [n for n in args.only.split(",") if n]
    unknown = sorted(set(names) - set(CORPORA))
    if unknown:
        ap.error(f"unknown corpus: {', '.join(unknown)} (known: {', '.join(CORPORA)})")
    out: Path = args.out.resolve()
    homes = {n: (out / n if args.attribution_only else build(n, out)) for n in names}
    for n, home in homes.items():
        print(f"{n}\t{home}")
    if args.build_only:
        return 0
    figures = {n: measure(h, args.min_messages, args.split) for n, h in homes.items()}
    if args.json:
        print(json.dumps(figures, indent=2, sort_keys=True))
    else:
        print("\n| corpus | people | build / held-out messages | top-1 ours vs baseline "
              "(batches): 1 | 5 | 20 | time |")
        print("|---|---|---|---|---|---|---|")
        for n, fig in figures.items():
            print(_table(n, fig))
    return 0


if __name__ == "__main__":
    sys.exit(main())
