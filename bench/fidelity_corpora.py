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
  mips     the linux-mips review mail, the staged per-address mbox files ingested in place
           (dates carry the sender's own offset; one person may write from several addresses)
  dataease the DataEase commits (Simplified Chinese subjects), a `git fast-import` repository
           like ipython's; the records carry no e-mail, so authors are known by name only
  taiwan   the Taiwan conference IRC backchannels (Traditional Chinese), converted into
           `[YYYY-MM-DD HH:MM] <nick> text` logs, `--tz Asia/Taipei`: the real author behind a
           bridge bot is the nick, bot lines are NOTICEs (`-bot- text`, never a person's words),
           and lines whose date the upstream log does not state are written `[HH:MM]` in files
           that state no date, so they stay untimed (see `taiwan_segments`)

Attribution is measured with `colleague.evaluate` on everybody (bots aside) with at least
`--min-messages` messages (default 100).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
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


def _fast_import(repo: Path, records: Iterable[dict[str, Any]]) -> None:
    """A real repository at `repo` from commit records (`commit_stream`), checked out. Built
    beside it and renamed into place, so an interrupted build is never taken for a finished one."""
    tmp = repo.with_name(repo.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(tmp)], check=True, env=GIT_ENV)
    data = b"".join(commit_stream(records))
    subprocess.run(["git", "-C", str(tmp), "fast-import", "--quiet"], input=data, check=True,
                   env=GIT_ENV)
    subprocess.run(["git", "-C", str(tmp), "reset", "-q", "--hard", "main"], check=True,
                   env=GIT_ENV)
    tmp.rename(repo)


def _ipython_inputs(scratch: Path) -> tuple[list[Path], list[str]]:
    repo = scratch / "ipython-repo"
    if (repo / ".git").exists():
        return [repo], []

    def records() -> Iterator[dict[str, Any]]:
        src = DATA / "git-commit-messages" / "ipython-ipython.commits.jsonl"
        with src.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if not rec["is_merge"]:
                    yield rec

    _fast_import(repo, records())
    return [repo], []


def dataease_records(path: Path) -> Iterator[dict[str, Any]]:
    """commits.jsonl → `commit_stream` records (tests/realdata.py reads them here too). Every
    record is a non-merge commit already. There is no e-mail in the data: authors are `name <>`,
    so the git reader knows them by (case-folded) name. The one 2010-dated commit keeps its date —
    it is what the history says, however odd."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            _, _, body = rec["message"].partition("\n")
            yield {
                "sha": rec["sha"], "author_name": rec["author"], "author_email": "",
                "author_date": rec["author_date"], "committer_date": rec["commit_date"],
                "subject": rec["subject"], "body": body.strip("\n"),
            }


def _dataease_inputs(scratch: Path) -> tuple[list[Path], list[str]]:
    repo = scratch / "dataease-repo"
    if not (repo / ".git").exists():
        _fast_import(repo, dataease_records(DATA / "git-commits-zh-dataease" / "commits.jsonl"))
    return [repo], []


def _mips_inputs(scratch: Path) -> tuple[list[Path], list[str]]:
    # Real mbox files, read where they lie (the reader never writes to its inputs).
    return [DATA / "mailing-list-linux-mips" / "by_author"], []


# -- taiwan: normalised chat records → IRC log files ------------------------------------------

# What the IRC reader takes for a nick in `<nick>`, `* nick` and `-nick-` (sources/irc.py): no
# spaces or angle brackets, and no leading mode character (@+%~&!), which it would strip.
_WRITABLE_NICK = re.compile(r"[^\s<>@+%~&!][^\s<>]*")
_NOTICE_NICK = re.compile(r"[A-Za-z0-9_\-\[\]\\`^{}|.]+")  # `-nick-` takes plain IRC nicks only
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


@dataclass
class TaiwanCounts:
    """What the conversion did with the records (printed by the builder, quoted in reports)."""

    lines: int = 0  # records read
    written: int = 0  # written as spoken lines (`<nick>` or `* nick`)
    untimed: int = 0  # of those, with no date in the upstream log: written `[HH:MM]`, untimed
    bots: int = 0  # bot lines, written as NOTICEs
    unwritable: int = 0  # speaker with a space or `<>` (Telegram names, parse debris): left out
    files: int = 0  # log files written

    def add(self, other: TaiwanCounts) -> None:
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(other, k))


def taiwan_line(rec: dict[str, Any]) -> str | None:
    """One normalised record as a log line, or None when its speaker cannot be written as a nick.

    `[YYYY-MM-DD HH:MM(:SS)]` when the upstream log states the date, `[HH:MM(:SS)]` when it does
    not (the reader then has no date for it). `time` is local Taiwan time as logged; the stated
    `utc_offset` is always +0800, which `--tz Asia/Taipei` gives as well. The author is the
    `speaker` (the real person behind a bridge bot); bot lines become NOTICEs, which the reader
    stores as kind 'bot', never as anybody's words."""
    nick = rec["speaker"]
    if not nick or not (_NOTICE_NICK if rec.get("bot") else _WRITABLE_NICK).fullmatch(nick):
        return None
    # The reader splits lines at LF only; none of the records holds one, but a CR/LF would
    # otherwise forge a line of its own.
    text = re.sub(r"[\r\n]+", " ", rec["text"] or "")
    stamp = f"{rec['date']} {rec['time']}" if rec.get("date") else rec["time"]
    if rec.get("bot"):
        body = f"-{nick}- {text}"
    elif rec.get("action"):
        body = f"* {nick} {text}"
    else:
        body = f"<{nick}> {text}"
    line = f"[{stamp}] {body}"
    return line if text else line.rstrip(" ")


def taiwan_segments(records: Iterable[dict[str, Any]]) -> tuple[list[list[str]], TaiwanCounts]:
    """The lines of one upstream log, cut into segments that can each be one file.

    The reader carries the last stated date forward to lines that state none, so an undated
    line after a dated one would take a date the log never gave it. A new segment (file)
    starts there: undated lines only ever precede dated ones within a file, with no date from
    the file name, and stay untimed."""
    counts = TaiwanCounts()
    segments: list[list[str]] = [[]]
    dated = False
    for rec in records:
        counts.lines += 1
        line = taiwan_line(rec)
        if line is None:
            counts.unwritable += 1
            continue
        if rec.get("date"):
            dated = True
        elif dated:
            segments.append([])
            dated = False
        if rec.get("bot"):
            counts.bots += 1
        else:
            counts.written += 1
            counts.untimed += not rec.get("date")
        segments[-1].append(line)
    return [s for s in segments if s], counts


def taiwan_log_path(out: Path, upstream: str, part: int) -> Path:
    """`out/<year>/<conference>/<upstream stem>[.part-N].log` for upstream `conf/name.log`.

    Year folders make the walk (sorted by path) chronological, so people split in file order
    (most of their lines untimed) hold out their later years. The reader names the channel from
    the stem (`irc-coscup-2010.log` → #irc-coscup, one channel across the years); neither the
    folders nor the names hold a full date, so they give the reader none."""
    conf, _, name = upstream.partition("/")
    stem = name.removesuffix(".log")
    m = _YEAR.search(stem)
    year = m.group(1) if m else "undated"
    suffix = ".log" if part == 1 else f".part-{part}.log"
    return out / year / conf / f"{stem}{suffix}"


def write_taiwan_logs(sources: Iterable[Path], out: Path) -> TaiwanCounts:
    """IRC log files under `out` from the normalised `messages/*.jsonl.gz` files."""
    total = TaiwanCounts()
    for src in sources:
        with gzip.open(src, "rt", encoding="utf-8") as fh:
            records = [json.loads(line) for line in fh if line.strip()]
        if not records:
            continue
        segments, counts = taiwan_segments(records)
        for part, lines in enumerate(segments, start=1):
            path = taiwan_log_path(out, records[0]["file"], part)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
            counts.files += 1
        total.add(counts)
    return total


def _taiwan_inputs(scratch: Path) -> tuple[list[Path], list[str]]:
    out = scratch / "taiwan-irc"
    if not out.exists():
        tmp = scratch / "taiwan-irc.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        src = DATA / "irc-taiwan-oss-conferences" / "messages"
        counts = write_taiwan_logs(sorted(src.glob("*.jsonl.gz")), tmp)
        print(f"taiwan: {counts}", file=sys.stderr)
        tmp.rename(out)
    return [out], ["--tz", "Asia/Taipei"]


CORPORA: dict[str, Callable[[Path], tuple[list[Path], list[str]]]] = {
    "fluid": _fluid_inputs,
    "discord": _discord_inputs,
    "enron": _enron_inputs,
    "ipython": _ipython_inputs,
    "mips": _mips_inputs,
    "dataease": _dataease_inputs,
    "taiwan": _taiwan_inputs,
}


# Accounts the data's SOURCE.txt documents as one person (renamed accounts with no shared
# e-mail to merge them by), merged as a team lead would: `colleague people merge KEEP OTHER`.
MERGES: dict[str, list[tuple[str, str]]] = {
    "dataease": [("junjun", "junjie"), ("wisonic", "wisonic-s")],
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
    for keep, other in MERGES.get(name, []):
        merged = subprocess.run(
            [sys.executable, "-m", "colleague", "people", "merge", "--home", str(home), keep,
             other], capture_output=True, text=True)
        if merged.returncode != 0:
            sys.exit(f"{name}: merging {other} into {keep} failed:\n{merged.stderr[-2000:]}")
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
