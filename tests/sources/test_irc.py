"""IRC logs: every logger layout, real samples, the Fluid project's channels, broken files."""

from __future__ import annotations

import csv
import sqlite3
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from colleague.model import Conversation, Message, Rejected
from colleague.sources import registry
from colleague.sources.base import ReadContext, ReadError
from colleague.sources.irc import IrcReader, channel_name, loose_date

from conftest import FIXTURES, shared_path

IRC = FIXTURES / "irc"
READER = IrcReader()
SH = ZoneInfo("Asia/Shanghai")


def read(path: Path, ctx: ReadContext) -> list:
    return list(READER.read(path, ctx))


def messages(path: Path, ctx: ReadContext) -> list[Message]:
    return [r for r in read(path, ctx) if isinstance(r, Message)]


def said(msgs: list[Message]) -> list[tuple[str, str]]:
    return [(m.author.handle or "", m.text) for m in msgs if m.kind == "message" and m.author]


# -- real samples -------------------------------------------------------------------------------
def test_botbot_sample_unwraps_bytes_junk(ctx: ReadContext) -> None:
    path = shared_path("formats", "samples", "irc-logs",
                       "botbot-me-export.fluid-work.2013-10-11.excerpt.log")
    assert READER.identify(path)
    records = read(path, ctx)
    conv = records[0]
    assert isinstance(conv, Conversation) and conv.name == "#fluid-work"
    msgs = [r for r in records if isinstance(r, Message)]
    assert not [r for r in records if isinstance(r, Rejected)]
    system = [m for m in msgs if m.kind == "system"]
    assert len(system) == 6 and all(m.author is None for m in system)
    assert system[0].text == "thealphanerd joined the channel"
    assert system[0].extra == {"nick": "thealphanerd", "event": "join"}
    chat = [m for m in msgs if m.kind == "message"]
    assert len(chat) == 16
    assert chat[0].author and chat[0].author.native_id == "amilchev"
    assert chat[0].text == "hi Justin_o, are you here?"
    assert chat[0].timestamp == datetime(2013, 10, 11, 13, 20, 4, tzinfo=SH)
    assert chat[-1].text == "anastasiac: thanks"  # the closing '"' line is junk, not a message
    # "Justin_o, cindyli: thanks" addresses two people who have spoken before.
    both = next(m for m in chat if m.text.startswith("Justin_o, cindyli:"))
    assert [i.native_id for i in both.mentions] == ["justin_o", "cindyli"]


def test_limnoria_sample(ctx: ReadContext) -> None:
    path = shared_path("formats", "samples", "irc-logs",
                       "limnoria-channellogger.fluid-work.2019-07-17.excerpt.log")
    msgs = messages(path, ctx)
    assert msgs[0].conversation.native_id == "#fluid-work"
    kinds = Counter(m.kind for m in msgs)
    assert kinds == {"message": 22, "system": 11}
    quit_ = msgs[0]
    assert quit_.text == "jhernandez has quit IRC (Quit: jhernandez)"  # hostmask dropped
    assert "HOST_PLACEHOLDER" not in " ".join(m.text for m in msgs)
    first = next(m for m in msgs if m.kind == "message")
    assert first.author and first.author.handle == "sepidehshahi"
    assert first.text.startswith("Hi kendraf I\u2019m done with the three articles")
    assert first.timestamp == datetime(2019, 7, 17, 14, 34, 26, tzinfo=SH)


def test_irssi_samples_take_dates_from_log_lines(ctx: ReadContext) -> None:
    sitcon = shared_path("formats", "samples", "irc-logs", "irssi.sitcon-2014.excerpt.log")
    msgs = messages(sitcon, ctx)
    assert msgs[0].conversation.name == "#sitcon"  # from the topic line
    assert msgs[0].timestamp == datetime(2014, 3, 15, 0, 16, tzinfo=SH)
    assert said(msgs)[1] == ("Davy_CC", "DennyHuang: RSChiang: 好了不用擔心了~")
    assert said(msgs)[2] == ("DennyHuang", "Davy_CC: (y)")  # '@' mode prefix stripped
    topic = [m for m in msgs if m.kind == "system"]
    assert len(topic) == 1 and topic[0].extra["event"] == "topic"
    actions = [m for m in msgs if m.extra.get("action")]
    assert [(a.author.handle if a.author else "", a.text) for a in actions] == [
        ("timcheng", ""), ("MrQ", "Good Morning~")]
    assert len(msgs) == 39  # 40 lines, one of them the Day changed line

    php = shared_path("formats", "samples", "irc-logs", "irssi.phpconf-tw-2012.excerpt.log")
    msgs = messages(php, ctx)
    assert len(msgs) == 24 and all(m.kind == "message" for m in msgs)
    assert msgs[0].timestamp == datetime(2012, 11, 3, 8, 59, tzinfo=SH)
    assert said(msgs)[1] == ("walile", "所以今天conf文字轉播是出現在這邊囉？")
    assert msgs[0].conversation.name == "#phpconf-tw"


# -- the Fluid project's channels -------------------------------------------------------------------
def test_fluid_channel_folder_ingests_file_by_file(run, home: Path) -> None:  # type: ignore[no-untyped-def]
    folder = shared_path("data", "irc-fluid-project", "fluid-tech")
    lines = sum(len(f.read_text(encoding="utf-8").splitlines()) for f in folder.glob("*.log"))
    assert lines == 19484
    assert not READER.identify(folder)  # a folder is walked, not read as one unit
    out = run.json("ingest", "--tz", "UTC", str(folder))
    sources = out["sources"]
    assert out["failed"] == 0 and len(sources) == 84
    assert {s["reader"] for s in sources} == {"irc"}
    assert sum(s["added"] for s in sources) == lines
    assert sum(s["rejected"] for s in sources) == 0
    db = sqlite3.connect(home / "corpus.db")
    kinds = dict(db.execute("SELECT kind, count(*) FROM messages GROUP BY kind").fetchall())
    # 32 lines are BotBot's '* NOTICE:' / '* TOPIC:' server lines, not anybody's words.
    assert kinds == {"message": 19452, "system": 32}
    per_nick = dict(db.execute(
        "SELECT i.native_id, count(*) FROM messages m JOIN identities i ON i.id = m.identity_id"
        " WHERE m.kind = 'message' GROUP BY i.native_id").fetchall())
    assert per_nick["colinclark"] == 2440
    assert per_nick["bosmon"] == 2312
    assert per_nick["mrtyler"] == 1699
    actions = db.execute("SELECT count(*) FROM messages WHERE extra LIKE '%\"action\": true%'")
    assert actions.fetchone()[0] == 109 - 32
    convs = db.execute("SELECT native_id, name FROM conversations").fetchall()
    assert convs == [("#fluid-tech", "#fluid-tech")]
    first = db.execute("SELECT min(ts), max(ts) FROM messages").fetchone()
    assert datetime.fromtimestamp(first[0] / 1000, ZoneInfo("UTC")).date() == date(2013, 8, 23)
    db.close()
    again = run.json("ingest", str(folder))
    assert sum(s["added"] for s in again["sources"]) == 0
    assert sum(s["skipped"] for s in again["sources"]) == lines


@pytest.mark.slow
def test_fluid_all_channels_match_authors_tsv(run, home: Path) -> None:  # type: ignore[no-untyped-def]
    root = shared_path("data", "irc-fluid-project")
    channels = [root / "fluid-work", root / "fluid-design", root / "fluid-tech"]
    out = run.json("ingest", *map(str, channels))
    assert out["failed"] == 0 and len(out["sources"]) == 240
    assert sum(s["added"] for s in out["sources"]) == 275787
    expected = {
        row["nick_normalized"]: int(row["lines"])
        for row in csv.DictReader((root / "authors.tsv").open(encoding="utf-8"), delimiter="\t")
    }
    db = sqlite3.connect(home / "corpus.db")
    got: Counter[str] = Counter()
    for nick, n in db.execute(
        "SELECT i.native_id, count(*) FROM messages m JOIN identities i ON i.id = m.identity_id"
        " WHERE m.kind = 'message' GROUP BY i.native_id"
    ):
        got[nick.rstrip("_")] += n  # authors.tsv strips trailing '_' from nicks
    db.close()
    # authors.tsv counts BotBot's '* NOTICE:' and '* TOPIC:' server lines as if they were nicks.
    assert expected.pop("notice:") == 63 and expected.pop("topic:") == 8
    assert dict(got) == expected
    assert got["bosmon"] == 37019 and got["bosmon7"] == 3067


# -- layouts written for these tests ------------------------------------------------------------------
def test_irssi_localised_day_changes(ctx: ReadContext) -> None:
    msgs = messages(IRC / "irssi.zh_TW.log", ctx)
    assert msgs[0].conversation.name == "#g0v.tw"
    stamps = [(m.author.handle if m.author else None, m.timestamp) for m in msgs]
    assert stamps[1] == ("alice", datetime(2013, 10, 24, 23, 51, tzinfo=SH))  # Log opened 四 10月 24
    assert stamps[4] == ("carol_", datetime(2013, 10, 25, 0, 3, tzinfo=SH))  # Day changed 五 10月 25
    # 'Πεμ Οκτ 26 2013' names a month we do not know: a day change is still the next day.
    assert stamps[-1] == ("bob", datetime(2013, 10, 26, 9, 0, tzinfo=SH))
    nick = next(m for m in msgs if m.extra.get("event") == "nick")
    assert nick.extra == {"event": "nick", "nick": "carol_", "new_nick": "carol"}
    assert nick.kind == "system" and nick.author is None
    assert [m.extra["event"] for m in msgs if m.kind == "system"] == ["join", "nick", "topic", "quit"]
    assert msgs[3].extra == {"action": True} and msgs[3].text == "跑去找路"
    assert said(msgs)[-1] == ("bob", "早安")  # '+' voice prefix stripped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sat Nov 03 08:32:12 2012", date(2012, 11, 3)),
        ("四 10月 24 2013", date(2013, 10, 24)),
        ("목 10월 24 2013", date(2013, 10, 24)),
        ("Do Okt 24 2013", date(2013, 10, 24)),
        ("mar. oct. 22 2013", date(2013, 10, 22)),  # French Tuesday is 'mar.', not March
        ("2013-10-24", date(2013, 10, 24)),
        ("Πεμ Οκτ 24 2013", None),
    ],
)
def test_loose_date(text: str, expected: date | None) -> None:
    assert loose_date(text) == expected


def test_gbk_and_utf16_and_bom_files(ctx: ReadContext) -> None:
    gbk = messages(IRC / "irssi-gbk.log", ctx)
    assert said(gbk) == [
        ("小明", "今天发布新版本吗？"), ("lead", "小明: 下午三点回滚窗口关闭后发布"), ("小明", "去准备发布说明"),
    ]
    assert [i.handle for i in gbk[1].mentions] == ["小明"]
    assert gbk[0].timestamp == datetime(2014, 1, 15, 9, 1, tzinfo=SH)
    for name in ("limnoria-utf16.log", "limnoria-bom.log"):
        assert READER.identify(IRC / name), name
        msgs = messages(IRC / name, ctx)
        assert msgs[0].conversation.name == "#infra"
        assert [(m.kind, m.text) for m in msgs] == [
            ("system", "ann has joined #infra"), ("message", "deploy is green"),
            ("message", "waves"), ("bot", "this channel is logged"),
            ("message", "ann: thanks, closing the ticket"),
        ]
        assert msgs[3].extra == {"notice": True}
        assert msgs[1].timestamp == datetime(2020, 2, 3, 10, 0, 5, tzinfo=SH)


def test_znc_date_from_path_and_midnight(ctx: ReadContext) -> None:
    path = IRC / "znc" / "#ops" / "2020-03-04.log"
    msgs = messages(path, ctx)
    assert msgs[0].conversation.native_id == "#ops"
    events = [(m.extra.get("event"), m.extra.get("nick")) for m in msgs if m.kind == "system"]
    assert events == [("join", "erin"), ("mode", "frank"), ("nick", "erin"), ("part", "gina"),
                      ("quit", "hank")]
    assert all("example.invalid" not in m.text for m in msgs)
    assert msgs[3].extra == {"action": True} and msgs[3].text == "reverts the last merge"
    assert msgs[-2].timestamp == datetime(2020, 3, 4, 23, 59, 59, tzinfo=SH)
    assert msgs[-1].timestamp == datetime(2020, 3, 5, 0, 0, 30, tzinfo=SH)  # clock wrapped


def test_bracket_log_with_untimed_lines(ctx: ReadContext) -> None:
    msgs = messages(IRC / "help-20050706.txt", ctx)
    assert msgs[0].conversation.name == "#help"
    assert [(m.kind, m.text) for m in msgs] == [
        ("message", "is there a way to list held packages?"),
        ("system", "tom has joined #help"),
        ("message", "Seb: apt-mark showhold"),
        ("message", "waves at tom"),
        ("message", "Ana: thanks!"),
        ("system", 'Seb has left #help ["Leaving"]'),
    ]
    assert msgs[3].extra == {"action": True}
    # '===' lines carry no time: they take the previous line's.
    assert msgs[1].timestamp == datetime(2005, 7, 6, 11, 11, tzinfo=SH)
    assert msgs[3].timestamp == datetime(2005, 7, 6, 11, 12, tzinfo=SH)


def test_weechat(ctx: ReadContext) -> None:
    msgs = messages(IRC / "irc.libera.#weechat.weechatlog", ctx)
    assert msgs[0].conversation.name == "#weechat"
    assert [(m.kind, m.author.handle if m.author else None, m.text) for m in msgs] == [
        ("system", None, "ivy has joined #weechat"),
        ("message", "ivy", "does anyone use the relay plugin?"),
        ("message", "jack", "ivy: yes, with glowing-bear"),
        ("message", "ivy", "nods"),
        ("system", None, 'jack has changed topic for #weechat to "relay help"'),
        ("system", None, "ivy has quit (Quit: zzz)"),
    ]
    assert msgs[2].timestamp == datetime(2021, 5, 1, 12, 1, tzinfo=SH)


def test_botbot_escapes(ctx: ReadContext) -> None:
    msgs = messages(IRC / "botbot-wrapped.log", ctx)
    assert said(msgs) == [("kim", "it\u2019s working, isn't it"), ("kim", "is testing"),
                          ("lee", "kim: yes \\o/")]
    assert msgs[0].kind == "system"


def test_naive_times_take_ctx_zone() -> None:
    ny = ReadContext(tz=ZoneInfo("America/New_York"))
    msgs = messages(IRC / "folder" / "2020-03-05.log", ny)
    assert msgs[0].timestamp == datetime(2020, 3, 5, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    assert msgs[0].author and msgs[0].author.platform == "irc"
    assert msgs[1].mentions and msgs[1].mentions[0].native_id == "olga"


def test_identify_is_specific() -> None:
    assert not READER.identify(IRC / "not-irc.txt")
    assert not READER.identify(IRC / "app.log")
    assert not READER.identify(IRC)
    assert getattr(registry.identify(IRC / "irssi.zh_TW.log"), "name", None) == "irc"
    assert channel_name(Path("logs/#rust.2020-01-01.log"), "") == "#rust"
    assert channel_name(Path("fluid-work/fluid-work-2017-01.log"), "") == "#fluid-work"
    assert channel_name(Path("net/#ops/2020-03-04.log"), "") == "#ops"


def test_forced_format_on_non_irc_file_fails(ctx: ReadContext) -> None:
    with pytest.raises(ReadError) as err:
        read(IRC / "not-irc.txt", ctx)
    assert err.value.where == "line 1" and "IRC log lines" in err.value.expected


# -- the CLI -----------------------------------------------------------------------------------------
def test_cli_broken_file_fails_and_store_unchanged(run, home: Path) -> None:  # type: ignore[no-untyped-def]
    ok = run.json("ingest", str(IRC / "irssi.zh_TW.log"))
    assert ok["sources"][0]["added"] == 10
    res = run("ingest", str(IRC / "broken-nul.log"))
    assert res.exit_code == 1
    assert "broken-nul.log" in res.output and "line 13" in res.output
    db = sqlite3.connect(home / "corpus.db")
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 10
    db.close()
    again = run.json("ingest", str(IRC / "irssi.zh_TW.log"))
    assert again["sources"][0]["added"] == 0 and again["sources"][0]["skipped"] == 10


def test_cli_walks_a_folder_of_logs(run) -> None:  # type: ignore[no-untyped-def]
    out = run.json("ingest", str(IRC / "znc"))
    assert [(Path(s["path"]).name, s["reader"], s["added"]) for s in out["sources"]] == [
        ("2020-03-04.log", "irc", 11)]
    res = run("ingest", "--format", "irc", str(IRC / "app.log"))
    assert res.exit_code == 1 and "app.log" in res.output and "line 1" in res.output
