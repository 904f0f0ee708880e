"""Time split: build and held-out parts never mix; the 70% boundary; file order when untimed."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from colleague.evaluate.split import cut_point, eligible_people, split_person

from conftest import Runner

START = datetime(2020, 3, 2, 9, 0, tzinfo=UTC)


def _irc(folder: Path, lines: list[tuple[datetime, str, str]]) -> Path:
    chan = folder / "team"
    chan.mkdir(parents=True)
    body = "".join(f"{t.strftime('%Y-%m-%dT%H:%M:%S')} <{nick}> {text}\n" for t, nick, text in lines)
    (chan / "team-2020-03.log").write_text(body, encoding="utf-8")
    return chan


def _person(db: sqlite3.Connection, handle: str) -> int:
    return db.execute("SELECT person_id FROM identities WHERE handle = ?", (handle,)).fetchone()[0]


@pytest.fixture
def chat(run: Runner, tmp_path: Path) -> None:
    # ann, bob and cat talk in turn, one line a minute: ann 80 lines, bob 80, cat 40 (cat
    # falls silent halfway).
    lines = []
    for i in range(240):
        nick = ("ann", "bob", "ann", "bob", "cat", "cat")[i % 6]
        if nick != "cat" or i < 120:
            lines.append((START + timedelta(minutes=i), nick, f"{nick} line {i} about thing {i % 7}"))
    assert run("ingest", "--tz", "UTC", str(_irc(tmp_path / "logs", lines))).exit_code == 0


def test_time_split_boundary_and_no_mixing(chat: None, db: sqlite3.Connection) -> None:
    ann = _person(db, "ann")
    s = split_person(db, ann, 0.7)
    assert s.total == 80 and s.by_time and s.cut_id is None
    assert len(s.build.own) == 56 and len(s.heldout) == 24  # int(0.7 · 80)
    assert s.cut_ms is not None
    cut = datetime.fromtimestamp(s.cut_ms / 1000, tz=UTC)
    assert all(m.ts is not None and m.ts < cut for m in s.build.own)
    assert all(m.ts is not None and m.ts >= cut for m in s.heldout)
    assert s.heldout[0].ts == cut  # the cut is the first held-out message
    assert {m.uid for m in s.build.own}.isdisjoint({m.uid for m in s.heldout})
    # Nothing at or after the cut reaches context or baseline either.
    assert s.build.context and all(m.ts is not None and m.ts < cut for m in s.build.context)
    assert s.build.baseline and all(m.ts is not None and m.ts < cut for m in s.build.baseline)
    assert [m.text for m in s.heldout][:2] == ["ann line 168 about thing 0",
                                               "ann line 170 about thing 2"]
    # Held-out messages have the shape load_person makes.
    assert all(m.author == ann and m.conversation_name for m in s.heldout)


def test_fraction_and_eligibility(chat: None, db: sqlite3.Connection) -> None:
    ann, bob, cat = (_person(db, n) for n in ("ann", "bob", "cat"))
    assert eligible_people(db, 60) == sorted([ann, bob])
    assert eligible_people(db, 10) == sorted([ann, bob, cat])
    db.execute("UPDATE people SET is_bot = 1 WHERE id = ?", (bob,))
    assert eligible_people(db, 10) == sorted([ann, cat])
    s = split_person(db, cat, 0.5)
    assert len(s.build.own) == 20 and len(s.heldout) == 20
    with pytest.raises(ValueError):
        split_person(db, cat, 1.0)


def test_same_millisecond_goes_to_heldout() -> None:
    rows = [(1, 1000), (2, 2000), (3, 3000), (4, 3000), (5, 4000)]
    assert cut_point(rows, 0.7) == (3000, None)  # int(3.5) = 3 → the 4th; its twin goes too
    assert cut_point([(1, 5)], 0.7) == (None, None)
    # Mostly untimed: file order, by id.
    assert cut_point([(10, None), (11, None), (12, 7), (13, None)], 0.5) == (None, 12)


def _eml(folder: Path, n: int, who: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{n:04d}.eml").write_text(
        f"From: {who.title()} <{who}@example.org>\nSubject: note {n}\n"
        f"Message-ID: <{who}.{n}@example.org>\nContent-Type: text/plain; charset=utf-8\n\n"
        f"{body}\n", encoding="utf-8")


def test_untimed_source_splits_in_file_order(run: Runner, tmp_path: Path,
                                              db: sqlite3.Connection) -> None:
    mail = tmp_path / "mail"
    for n in range(20):
        _eml(mail, n, "dana" if n % 2 == 0 else "eve", f"message number {n} from the box")
    assert run("ingest", str(mail)).exit_code == 0
    dana = db.execute("SELECT person_id FROM identities WHERE email = 'dana@example.org'"
                      ).fetchone()[0]
    s = split_person(db, dana, 0.7)
    assert not s.by_time and s.cut_ms is None and s.cut_id is not None
    assert [m.text.split()[2] for m in s.build.own] == ["0", "2", "4", "6", "8", "10", "12"]
    assert [m.text.split()[2] for m in s.heldout] == ["14", "16", "18"]
    assert all(m.ts is None for m in s.heldout)
    ids = dict(db.execute("SELECT uid, id FROM messages"))
    assert all(ids[m.uid] < s.cut_id for m in s.build.own + s.build.context + s.build.baseline)
    assert all(ids[m.uid] >= s.cut_id for m in s.heldout)


def test_context_is_the_previous_writer_never_the_label(chat: None, db: sqlite3.Connection) -> None:
    ann, bob, cat = (_person(db, n) for n in ("ann", "bob", "cat"))
    s = split_person(db, ann, 0.7)
    mine = s.build.own + s.heldout
    assert set(s.context) == {m.uid for m in mine}
    prev = [s.context[m.uid].previous for m in mine]
    # Lines go ann, bob, ann, bob, cat, cat (cat silent from line 120): ann's first line opens
    # the channel, then she follows cat (line 6k) or bob (6k+2, and 6k after cat left).
    assert prev[0] is None
    assert prev[1:6] == [bob, cat, bob, cat, bob]
    assert prev[-2:] == [bob, bob]
    assert ann not in prev
    assert all(c.parent is None for c in s.context.values())  # IRC lines reply to nobody
    assert split_person(db, ann, 0.7, with_context=False).context == {}
