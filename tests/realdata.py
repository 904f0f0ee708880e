"""Turn the real data in ../shared/data into inputs a user would have: git repositories
(via `git fast-import`) and .eml files. Shared by the reader, distill and evaluation tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from conftest import ROOT, shared_path

sys.path.insert(0, str(ROOT / "bench"))
from fidelity_corpora import commit_stream  # noqa: E402  (one fast-import builder for tests and bench)
from fidelity_corpora import dataease_records as _dataease_records  # noqa: E402

GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


# -- building repositories ------------------------------------------------------------------
def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          env={**GIT_ENV, **(env or {})}, check=True)
    return proc.stdout


def message_of(rec: dict[str, Any]) -> str:
    body = rec.get("body") or ""
    return rec["subject"] + (f"\n\n{body}" if body else "")


def touched_path(rec: dict[str, Any]) -> str:
    return f"src/{rec['sha'][0]}/{rec['sha'][1]}.py"


def fast_import(repo: Path, records: Iterable[dict[str, Any]], bare: bool = False) -> dict[str, str]:
    """A real repository from commit records; returns original sha → new sha."""
    args = ["init", "-q", "-b", "main"] + (["--bare"] if bare else [])
    subprocess.run(["git", *args, str(repo)], check=True, env=GIT_ENV)
    records = list(records)
    order = [rec["sha"] for rec in records]
    chunks = list(commit_stream(records))
    marks = repo / "marks.txt" if bare else repo / ".git" / "marks.txt"
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet", f"--export-marks={marks}"],
                   input=b"".join(chunks), check=True, env=GIT_ENV)
    new = dict(line.split() for line in marks.read_text().splitlines())
    return {old: new[f":{i}"] for i, old in enumerate(order, start=1)}


def ipython_records() -> list[dict[str, Any]]:
    """Every 8th non-merge ipython commit, plus all by bots and by Jason Grout (who used
    three addresses), in history order: ~2,800 commits by ~370 names."""
    path = shared_path("data", "git-commit-messages", "ipython-ipython.commits.jsonl")
    out = []
    with path.open(encoding="utf-8") as fh:
        i = 0
        for line in fh:
            rec = json.loads(line)
            if rec["is_merge"]:
                continue
            keep = i % 8 == 0 or "[bot]" in rec["author_name"] or "Grout" in rec["author_name"]
            i += 1
            if keep:
                out.append(rec)
    return out


def dataease_records() -> list[dict[str, Any]]:
    return list(_dataease_records(shared_path("data", "git-commits-zh-dataease", "commits.jsonl")))


def enron_to_eml(out: Path, user: str, limit: int | None = None) -> list[dict]:
    """One .eml file per AESLC record of `user` (From: the mailbox owner)."""
    folder = shared_path("data", "enron-aeslc", "sent_by_user")
    records = []
    with (folder / f"{user}.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            records.append(json.loads(line))
            if limit is not None and len(records) == limit:
                break
    out.mkdir(parents=True, exist_ok=True)
    owner = _enron_owner(records[0]) if records else "Unknown"
    address = owner.lower().replace(" ", ".") + "@enron.com"
    for rec in records:
        subject = (rec["subject_annotations"] or ["(none)"])[0]
        date = datetime(2001, 1, 1, tzinfo=UTC) + timedelta(hours=rec["msg_no"])
        text = (
            f"From: {owner} <{address}>\n"
            f"Subject: {subject}\n"
            f"Date: {date.strftime('%a, %d %b %Y %H:%M:%S +0000')}\n"
            f"Message-ID: <{rec['user']}.{rec['folder']}.{rec['msg_no']}@enron.example>\n"
            "Content-Type: text/plain; charset=utf-8\n\n" + rec["body"] + "\n"
        )
        (out / f"{rec['folder']}-{rec['msg_no']}.eml").write_text(text, encoding="utf-8")
    return records


def _enron_owner(rec: dict) -> str:
    """'kaminski-v' → 'Vince Kaminski'-like display name from the mailbox id."""
    last, _, first = rec["user"].partition("-")
    return f"{first.upper()} {last.capitalize()}".strip()
