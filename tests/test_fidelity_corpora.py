"""bench/fidelity_corpora.py: the taiwan conversion writes IRC logs our reader reads back as the
records said (speaker, text, local time, no invented dates, bots as bots), and the dataease
records keep what the data says."""

from __future__ import annotations

import gzip
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from colleague.model import Message, Rejected
from colleague.sources.base import ReadContext
from colleague.sources.irc import IrcReader

from conftest import ROOT, shared_path

sys.path.insert(0, str(ROOT / "bench"))
import fidelity_corpora as fc  # noqa: E402

TAIPEI = ZoneInfo("Asia/Taipei")


def _rec(line: int, time: str, speaker: str, text: str, date: str | None = None,
         **extra: Any) -> dict[str, Any]:
    return {"file": "coscup/irc-coscup-2015.log", "line": line, "time": time, "nick": speaker,
            "speaker": speaker, "text": text, "date": date, **extra}


# Undated lines first, then dated ones, then undated again (which must not inherit the date),
# a bridged speaker, a bot, a /me line, a CJK nick and a speaker no IRC line can carry.
RECORDS = [
    _rec(1, "09:58", "alice", "早安 大家好"),
    _rec(2, "10:01:07", "Bob_", "R1 講者背景是 kernel 開發"),
    _rec(3, "23:59", "alice", "晚安", "2015-08-15"),
    _rec(4, "00:01:30", "小管", "[R0] 直播連結 http://example.org/live", "2015-08-16",
         nick="COSCUP-tgBot4", via="COSCUP-tgBot4"),
    _rec(5, "00:02", "VIKI", "Title: Example <ip>", "2015-08-16", bot=True),
    _rec(6, "00:03", "Bob_", "揮手", "2015-08-16", action=True),
    _rec(7, "00:04", "Adela Hsieh", "hi from telegram", "2015-08-16"),
    _rec(8, "10:00", "alice", "這行沒有日期"),
    _rec(9, "10:01", "carol", ""),
]


def _read(path: Path) -> list[Message]:
    reader = IrcReader()
    assert reader.identify(path), path
    out = list(reader.read(path, ReadContext(tz=TAIPEI)))
    assert not [r for r in out if isinstance(r, Rejected)], out
    return [r for r in out if isinstance(r, Message)]


def test_taiwan_logs_read_back(tmp_path: Path) -> None:
    src = tmp_path / "coscup__irc-coscup-2015.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS)
    counts = fc.write_taiwan_logs([src], tmp_path / "logs")
    assert (counts.lines, counts.written, counts.bots, counts.unwritable, counts.files) == (
        9, 7, 1, 1, 2)
    assert counts.untimed == 4

    first = tmp_path / "logs" / "2015" / "coscup" / "irc-coscup-2015.log"
    second = first.with_name("irc-coscup-2015.part-2.log")
    assert sorted(p.name for p in first.parent.iterdir()) == [first.name, second.name]
    got = _read(first) + _read(second)

    said = [(m.author.handle if m.author else None, m.text, m.timestamp, m.kind,
             bool(m.extra.get("action"))) for m in got]
    assert said == [
        ("alice", "早安 大家好", None, "message", False),
        ("Bob_", "R1 講者背景是 kernel 開發", None, "message", False),
        ("alice", "晚安", datetime(2015, 8, 15, 23, 59, tzinfo=TAIPEI), "message", False),
        ("小管", "[R0] 直播連結 http://example.org/live",
         datetime(2015, 8, 16, 0, 1, 30, tzinfo=TAIPEI), "message", False),
        ("VIKI", "Title: Example <ip>", datetime(2015, 8, 16, 0, 2, tzinfo=TAIPEI), "bot", False),
        ("Bob_", "揮手", datetime(2015, 8, 16, 0, 3, tzinfo=TAIPEI), "message", True),
        # After a dated line, an undated one starts a file of its own: it takes no date.
        ("alice", "這行沒有日期", None, "message", False),
        ("carol", "", None, "message", False),
    ]
    # Local Taiwan time is what the log states; UTC is eight hours earlier.
    assert got[2].timestamp is not None and got[2].timestamp.utcoffset().total_seconds() == 8 * 3600
    # Both files are one channel, named from the upstream stem.
    assert {m.conversation.native_id for m in got} == {"#irc-coscup"}


def test_taiwan_log_path_gives_no_date() -> None:
    from colleague.sources.irc import date_from_path

    for upstream in ("coscup/irc-coscup-2010.log", "osdc/irc-osdc.tw-2014-fred.test.log",
                     "hitcon/irc-hitcon-cmt-2015.log", "mopcon/gitter-mopcon-2016.log"):
        for part in (1, 2):
            path = fc.taiwan_log_path(Path("/x/taiwan-irc"), upstream, part)
            assert date_from_path(path) is None, path
    assert fc.taiwan_log_path(Path("/o"), "sitcon/irc-sitcon-2013.log", 1) == Path(
        "/o/2013/sitcon/irc-sitcon-2013.log")


def test_taiwan_real_file_reads_back(tmp_path: Path) -> None:
    """A whole real upstream log (small) converts and reads back line for line."""
    src = shared_path("data", "irc-taiwan-oss-conferences", "messages",
                      "mopcon__irc-mopcon-2014.jsonl.gz")
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    counts = fc.write_taiwan_logs([src], tmp_path)
    assert counts.written + counts.bots + counts.unwritable == counts.lines == len(records)
    paths = sorted(tmp_path.rglob("*.log"))
    got = [m for p in paths for m in _read(p)]
    kept = [r for r in records if fc.taiwan_line(r) is not None]
    assert len(got) == len(kept)
    for m, r in zip(got, kept, strict=True):
        # The reader keys a nick case-blind and keeps the spelling it saw first.
        assert m.author is not None and m.author.native_id == r["speaker"].lower()
        assert m.text == r["text"]
        assert m.kind == ("bot" if r.get("bot") else "message")
        if r["date"] is None:
            assert m.timestamp is None
        else:
            assert m.timestamp is not None
            assert m.timestamp.strftime("%Y-%m-%d %H:%M") == f"{r['date']} {r['time'][:5]}"


def test_dataease_records_keep_what_the_data_says() -> None:
    path = shared_path("data", "git-commits-zh-dataease", "commits.jsonl")
    recs = list(fc.dataease_records(path))
    assert len(recs) == 9374
    assert all(r["author_email"] == "" for r in recs)
    # The odd 2010 commit keeps its date: nothing is corrected or invented.
    assert sum(r["author_date"].startswith("2010-") for r in recs) == 1
    chunk = next(fc.commit_stream(recs[:1])).decode()
    assert f"author {recs[0]['author_name']} <> " in chunk
