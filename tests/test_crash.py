"""A process killed mid-ingest leaves a store that opens cleanly; a rerun completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from colleague.store import connect

from slack_builder import many, write_export

N_DAYS, PER_DAY = 30, 4000


def test_kill_mid_ingest_then_rerun(tmp_path: Path) -> None:
    days = {f"2024-03-{d:02d}": many(PER_DAY, start=1709251200.0 + d * 86400) for d in range(1, N_DAYS + 1)}
    export = write_export(tmp_path / "export", {"general": days})
    home = tmp_path / "home"
    cmd = [sys.executable, "-m", "colleague", "--home", str(home), "ingest", str(export)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wal = home / "corpus.db-wal"
    deadline = time.monotonic() + 60
    # Wait until the ingest transaction has written pages, then kill it without warning.
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 1_000_000:
            break
        time.sleep(0.005)
    killed = proc.poll() is None
    assert killed, "ingest finished before it could be killed: make the export larger"
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    db = connect(home / "corpus.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count = db.execute("SELECT count(*) FROM messages").fetchone()[0]
    assert count in (0, N_DAYS * PER_DAY)
    if killed:
        assert count == 0  # the source's one transaction never committed
        assert db.execute("SELECT count(*) FROM sources").fetchone()[0] == 0
    db.close()

    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    db = connect(home / "corpus.db")
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == N_DAYS * PER_DAY
    fts = db.execute("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'rollback'").fetchone()[0]
    assert fts == N_DAYS * PER_DAY // 8 * 2  # "rollback" is word 1 of 8, used twice per cycle
    db.close()
