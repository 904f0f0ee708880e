"""The hash-chained journal: appends, verification, and every kind of tampering."""

from __future__ import annotations

import json
import multiprocessing
import stat
from pathlib import Path

import pytest

from colleague.privacy import journal

from slack_builder import msg, write_export


def _fill(home: Path, n: int = 5) -> list[journal.Entry]:
    return [journal.append(home, "ingest", {"sources": [{"added": i, "path_sha256": "0" * 64}]})
            for i in range(n)]


def _lines(home: Path) -> list[bytes]:
    return journal.journal_path(home).read_bytes().splitlines(keepends=True)


def _write(home: Path, lines: list[bytes]) -> None:
    journal.journal_path(home).write_bytes(b"".join(lines))


def test_chain_links_each_entry_to_the_previous(home: Path) -> None:
    entries = _fill(home, 3)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == journal.GENESIS
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash
    raw = json.loads(_lines(home)[1])
    assert journal.entry_hash(raw) == raw["hash"] == entries[1].hash
    assert journal.verify(home).message() == "ok, 3 entries"
    assert [e.seq for e in journal.read(home)] == [1, 2, 3]


def test_files_are_private(home: Path) -> None:
    _fill(home, 1)
    for path in (journal.journal_path(home), journal.head_path(home)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_empty_workspace_verifies(home: Path) -> None:
    assert journal.verify(home).message() == "ok, 0 entries"


@pytest.mark.parametrize("value", ["Li Wei", "li.wei@example.com", "deploy the thing now",
                                   "/home/liwei/export.zip", "张伟"])
def test_names_emails_paths_and_text_are_refused(home: Path, value: str) -> None:
    with pytest.raises(journal.JournalError):
        journal.append(home, "ingest", {"note": value})
    assert not journal.journal_path(home).exists()


def test_unknown_operations_are_refused(home: Path) -> None:
    with pytest.raises(journal.JournalError, match="unknown journal operation"):
        journal.append(home, "ingset", {})


def test_edited_entry(home: Path, run) -> None:  # type: ignore[no-untyped-def]
    _fill(home)
    lines = _lines(home)
    lines[2] = lines[2].replace(b'"added":2', b'"added":7')
    _write(home, lines)
    v = journal.verify(home)
    assert (v.ok, v.bad_line) == (False, 3) and v.reason.startswith("edited: entry 3")
    res = run("journal", "verify")
    assert res.exit_code == 1
    assert "line 3: edited" in res.stderr


def test_edited_entry_with_recomputed_hash_breaks_the_chain(home: Path) -> None:
    _fill(home)
    lines = _lines(home)
    entry = json.loads(lines[1])
    entry["details"]["sources"][0]["added"] = 99
    entry["hash"] = journal.entry_hash(entry)
    lines[1] = json.dumps(entry).encode() + b"\n"
    _write(home, lines)
    v = journal.verify(home)
    assert (v.ok, v.bad_line) == (False, 3) and "broken chain" in v.reason


def test_removed_entry(home: Path, run) -> None:  # type: ignore[no-untyped-def]
    _fill(home)
    lines = _lines(home)
    del lines[1]
    _write(home, lines)
    v = journal.verify(home)
    assert (v.ok, v.bad_line) == (False, 2)
    assert v.reason == "removed: expected entry 2, found entry 3"
    assert run("journal", "verify").exit_code == 1


def test_removed_first_entry(home: Path) -> None:
    _fill(home)
    _write(home, _lines(home)[1:])
    v = journal.verify(home)
    assert (v.bad_line, v.reason) == (1, "removed: expected entry 1, found entry 2")


def test_reordered_entries(home: Path) -> None:
    _fill(home)
    lines = _lines(home)
    lines[1], lines[2] = lines[2], lines[1]
    _write(home, lines)
    v = journal.verify(home)
    assert (v.bad_line, v.reason) == (2, "reordered: expected entry 2, found entry 3")


def test_truncated_tail_entries(home: Path, run) -> None:  # type: ignore[no-untyped-def]
    _fill(home)
    _write(home, _lines(home)[:3])  # a valid chain, but two entries short of the head
    v = journal.verify(home)
    assert not v.ok and v.bad_line == 4
    assert v.reason == "truncated: the journal ends at entry 3 but 5 were written"
    res = run("journal", "verify")
    assert res.exit_code == 1 and "truncated" in res.stderr


def test_truncated_mid_entry(home: Path) -> None:
    _fill(home)
    data = journal.journal_path(home).read_bytes()
    journal.journal_path(home).write_bytes(data[:-40])
    v = journal.verify(home)
    assert (v.ok, v.bad_line) == (False, 5)
    assert v.reason == "truncated: the last entry does not end with a newline"


def test_deleted_journal_is_noticed(home: Path) -> None:
    _fill(home, 2)
    journal.journal_path(home).unlink()
    v = journal.verify(home)
    assert not v.ok and "journal missing" in v.reason


def test_bad_json(home: Path, run) -> None:  # type: ignore[no-untyped-def]
    _fill(home)
    lines = _lines(home)
    lines[3] = b'{"seq": 4, "time": \n'
    _write(home, lines)
    assert (journal.verify(home).bad_line, journal.verify(home).reason) == (4, "bad JSON")
    res = run("journal", "verify", "--json")
    assert res.exit_code == 1
    assert json.loads(res.stdout) == {"ok": False, "entries": 3, "bad_line": 4,
                                      "reason": "bad JSON"}


def test_appending_after_damage_keeps_the_damage_visible(home: Path) -> None:
    _fill(home, 2)
    data = journal.journal_path(home).read_bytes()
    journal.journal_path(home).write_bytes(data[:-10])  # a half-written last entry
    entry = journal.append(home, "chat", {"person_id": 1})
    assert entry.seq == 3
    lines = _lines(home)
    assert len(lines) == 3 and json.loads(lines[2])["operation"] == "chat"
    v = journal.verify(home)
    assert (v.ok, v.bad_line, v.reason) == (False, 2, "bad JSON")


def _append_many(home: str, n: int) -> None:
    for _ in range(n):
        journal.append(home, "chat", {"person_id": 7})


def test_concurrent_appends_keep_one_chain(home: Path) -> None:
    home.mkdir(parents=True)
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_append_many, args=(str(home), 25)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert all(p.exitcode == 0 for p in procs)
    assert journal.verify(home).message() == "ok, 100 entries"


def test_cli_lists_and_commands_append(home: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    export = write_export(tmp_path / "Li Wei's export", {"general": {"2024-03-01": [
        msg("U01", 1709251200, "hello from li"), msg("U02", 1709251260, "hi Li Wei")]}})
    assert run("ingest", str(export)).exit_code == 0
    assert run("people", "rename", "amy", "Amy C.").exit_code == 0
    assert run("people", "merge", "Li Wei", "Amy C.").exit_code == 0
    entries = run.json("journal")
    assert [e["operation"] for e in entries] == ["ingest", "people.rename", "people.merge"]
    src = entries[0]["details"]["sources"][0]
    assert src["path_sha256"] == journal.digest(str(export))
    assert (src["reader"], src["status"], src["added"]) == ("slack", "ok", 2)
    assert entries[1]["details"] == {"person_id": 2}
    assert entries[2]["details"] == {"kept": 1, "merged": 2}
    raw = journal.journal_path(home).read_text(encoding="utf-8")
    for leak in ("Li Wei", "Amy", "export", "hello", "example.com"):
        assert leak not in raw
    table = run("journal")
    assert table.exit_code == 0 and "3 journal entries" in table.output
    res = run("journal", "verify")
    assert (res.exit_code, res.stdout.strip()) == (0, "ok, 3 entries")
