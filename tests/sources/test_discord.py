"""DiscordChatExporter reader: JSON, both CSV dialects, plain text, paginated archive folders.

Real files: the DCE samples (../shared/formats/samples/discord-chat-exporter) and the Komodo
developer-lounge archive (../shared/data/discord-komodo-developers, 42,568 messages), read in
place. Fixtures in tests/fixtures/discord were written for these tests (see README there).
"""

from __future__ import annotations

import csv
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from colleague.model import Conversation, Identity, Message, Record, Rejected
from colleague.sources import _jsonstream, registry
from colleague.sources.base import ReadContext, ReadError
from colleague.sources.discord import DiscordReader, parse_dce_date, tag_author
from colleague.sources.telegram import TelegramReader

from conftest import FIXTURES, Runner, shared_path

READER = DiscordReader()
FIX = FIXTURES / "discord"
SAMPLES = ("formats", "samples", "discord-chat-exporter")
KOMODO = ("data", "discord-komodo-developers")
SHANGHAI = ZoneInfo("Asia/Shanghai")
CURRENT_CSV = FIX / "Acme - Engineering - general [123456789012345678].csv"
# SOURCE.txt of the Komodo archive: messages per channel.
KOMODO_CHANNELS = {
    "dev-general": 23740, "dev-nspv": 5768, "dev-scalability": 3551, "dev-marketmaker": 2807,
    "dev-games": 2667, "dev-rewards": 1687, "dev-students": 1234, "dev-security": 464,
    "dev-dico": 216, "dev-ops": 187, "dev-privacy": 175, "dev-interoperability": 72,
}


def read(path: Path, ctx: ReadContext) -> list[Record]:
    return list(READER.read(path, ctx))


def messages(records: list[Record]) -> list[Message]:
    return [r for r in records if isinstance(r, Message)]


def store_counts(home: Path) -> tuple[int, int]:
    db = sqlite3.connect(home / "corpus.db")
    try:
        return (db.execute("SELECT count(*) FROM messages").fetchone()[0],
                db.execute("SELECT count(*) FROM sources").fetchone()[0])
    finally:
        db.close()


# -- identify ---------------------------------------------------------------------------------
def test_identify_claims_every_dce_sample_and_nothing_else(tmp_path: Path) -> None:
    folder = shared_path(*SAMPLES)
    claimed = {p.name for p in folder.iterdir() if READER.identify(p)}
    assert claimed == {p.name for p in folder.iterdir() if p.name != "SOURCE.txt"}
    telegram = shared_path("formats", "samples", "telegram-desktop")
    assert not any(READER.identify(p) for p in telegram.iterdir())
    assert not any(TelegramReader().identify(p) for p in folder.iterdir())
    other = tmp_path / "people.csv"
    other.write_text("Name,Date,Content\nann,2020-01-01,hi\n")
    notes = tmp_path / "notes.txt"
    notes.write_text("==========\nminutes of the meeting\n")
    other_json = tmp_path / "guild.json"
    other_json.write_text('{"guilds": [], "channel": 1}')
    assert not any(READER.identify(p) for p in (other, notes, other_json, tmp_path))
    for path in (CURRENT_CSV, FIX / "backend.json", FIX / "backend.txt", FIX / "zh-utf16.csv",
                 FIX / "backend-utf16.json", FIX / "zh-gb18030.csv"):
        found = registry.identify(path)
        assert found is not None and found.name == "discord", path


# -- the 2019 CSV and plain-text samples ---------------------------------------------------------
def test_old_csv_sample(ctx: ReadContext) -> None:
    path = shared_path(*SAMPLES, "dce-csv.komodo-dev-general.2019-12-06.csv")
    records = read(path, ctx)
    assert isinstance(records[0], Conversation)
    msgs = messages(records)
    assert len(msgs) == 19 and len(records) == 20
    first = msgs[0]
    assert first.native_id is None and first.global_id is False
    assert first.timestamp == datetime(2019, 12, 6, 0, 26, tzinfo=SHANGHAI)  # naive → ctx.tz
    assert first.text == "stable URL > patches & updates\n👍🏽"
    assert first.author == Identity("discord", "474206298427097099", name="ComputerGenie 👴🏼📢",
                                    handle="ComputerGenie 👴🏼📢#7004")
    assert msgs[3].author is not None and msgs[3].author.handle == "Mylo#8306"
    assert msgs[3].extra == {"reactions": {"👍": 1}}
    assert msgs[7].text.startswith('@Mylo you are a good student. libsodium "stable" URL')
    assert msgs[11].text.count("\n") == 10  # multi-line content with blank lines kept
    assert msgs[18].timestamp == datetime(2019, 12, 6, 22, 52, tzinfo=SHANGHAI)
    assert Counter(m.author.handle for m in msgs if m.author)["ComputerGenie 👴🏼📢#7004"] == 7


def test_plaintext_sample_has_the_same_messages_as_the_csv(ctx: ReadContext) -> None:
    csv_msgs = messages(read(shared_path(*SAMPLES, "dce-csv.komodo-dev-general.2019-12-06.csv"), ctx))
    records = read(shared_path(*SAMPLES, "dce-plaintext.komodo-dev-general.2019-12-06.txt"), ctx)
    conv = records[0]
    assert isinstance(conv, Conversation)
    assert (conv.native_id, conv.name) == ("Komodo/dev-general", "dev-general")
    assert conv.topic is not None and conv.topic.startswith("A place for general developer talk")
    txt_msgs = messages(records)
    assert [m.text for m in txt_msgs] == [m.text for m in csv_msgs]
    assert [m.timestamp for m in txt_msgs] == [m.timestamp for m in csv_msgs]
    assert [m.author.handle for m in txt_msgs if m.author] == [
        m.author.handle for m in csv_msgs if m.author]
    assert txt_msgs[3].extra == {"reactions": ["👍"]}
    # No ids in plain text: the tag is the account key, the handle joins it to the CSV account.
    assert txt_msgs[0].author is not None and txt_msgs[0].author.native_id == "ComputerGenie 👴🏼📢#7004"


# -- the JSON samples --------------------------------------------------------------------------
def test_json_dm_sample(ctx: ReadContext) -> None:
    records = read(shared_path(*SAMPLES, "dce-json.chat-analytics.DM_2A_2M.json"), ctx)
    assert records[0] == Conversation("discord", "530805775262679064", "Someones name", "dm")
    msgs = messages(records)
    assert [(m.native_id, m.kind) for m in msgs] == [
        ("530805779645595660", "message"), ("538148765782114306", "bot"), ("100", "system")]
    assert all(m.global_id for m in msgs)
    assert msgs[0].extra == {"reactions": {"👆": 42}}
    assert msgs[0].timestamp == datetime(2019, 1, 4, 17, 52, 39, 762000, tzinfo=UTC)
    bot = msgs[1].author
    assert bot == Identity("discord", "444444444444444444", name="Someones nickname",
                           handle="Someones name#1234", is_bot=True)
    assert msgs[2].text == "Started a call that lasted 251 minutes." and msgs[2].extra == {"type": "Call"}


def test_json_group_sample(ctx: ReadContext) -> None:
    records = read(shared_path(*SAMPLES, "dce-json.chat-analytics.GC_3A_5M.json"), ctx)
    assert records[0] == Conversation("discord", "1064990764406419508", "a group chat", "group")
    msgs = messages(records)
    assert len(msgs) == 6  # messageCount says 5: the file was hand-edited, we read what is there
    assert [m.kind for m in msgs] == ["system", "message", "system", "message", "message", "system"]
    assert msgs[0].extra == {"type": "ChannelNameChange"}
    assert msgs[1].author is not None and msgs[1].author.name == "theplant"  # nickname over name
    assert msgs[1].author.handle == "not a plant#6597"
    assert msgs[4].reply_to == "1064990824305274930"  # reference without a Reply type
    assert msgs[3].text == "hey @mlomb whats up, check out https://chatanalytics.app"


def test_json_server_sample(ctx: ReadContext) -> None:
    records = read(shared_path(*SAMPLES, "dce-json.chat-analytics.SV_5A_5M.json"), ctx)
    conv = records[0]
    assert conv == Conversation("discord", "253601524398293010", "general-chiptune", "channel",
                                "discuss chiptune stuff here")
    msgs = messages(records)
    assert len(msgs) == 5 and msgs[0].native_id == msgs[1].native_id  # a repeated record
    deleted = msgs[0].author
    assert deleted == Identity("discord", "555555555555555555", name="Deleted User")
    assert msgs[0].edited == datetime(2018, 5, 20, 16, 9, 56, 439000, tzinfo=UTC)
    assert msgs[2].author is not None and msgs[2].author.name == "mlomb"  # no nickname key
    assert msgs[3].extra == {"guild": "DefleMask", "files": ["unknown.png"], "stickers": ["Laugh"]}
    assert msgs[4].extra["reactions"] == {"paul": 3, "❤": 2}


# -- fixtures: current CSV, JSON, text ------------------------------------------------------------
def test_current_csv_dialect(ctx: ReadContext) -> None:
    records = read(CURRENT_CSV, ctx)
    assert records[0] == Conversation("discord", "123456789012345678", "general", "channel")
    msgs = messages(records)
    assert len(msgs) == 4
    alice, bob, bot, files = msgs
    assert alice.author == Identity("discord", "111111111111111111", name="alice", handle="alice")
    assert alice.timestamp == datetime(2023, 8, 1, 9, 15, tzinfo=timezone(timedelta(hours=2)))
    assert bob.text == 'multi\nline "quoted" text'
    assert bob.timestamp is not None and bob.timestamp.microsecond == 123456  # 7 digits cut to 6
    assert bob.extra == {"files": ["log.txt", "shot.png"], "reactions": {"👍": 2, "party": 1}}
    assert bot.kind == "bot" and bot.author is not None and bot.author.is_bot
    assert files.text == "[attachment: trace.log]"


def test_json_fixture(ctx: ReadContext) -> None:
    records = read(FIX / "backend.json", ctx)
    assert records[0] == Conversation("discord", "900000000000000002", "backend", "channel",
                                      "APIs and deploys")
    msgs = {m.native_id: m for m in messages(records)}
    assert len(msgs) == 9
    join = msgs["900000000000000100"]
    assert join.kind == "system" and join.extra["type"] == "GuildMemberJoin"
    deploy = msgs["900000000000000101"]
    assert deploy.author == Identity("discord", "900000000000000011", name="Alice Liddell",
                                     handle="alice")  # new-style name: no discriminator
    assert deploy.edited == datetime(2023, 8, 1, 7, 16, tzinfo=UTC)
    assert deploy.extra == {"guild": "Acme", "pinned": True, "reactions": {"👍": 2}}
    reply = msgs["900000000000000102"]
    assert reply.reply_to == "900000000000000101" and reply.extra["type"] == "Reply"
    assert reply.mentions == (deploy.author,)
    assert reply.text == "@Alice Liddell ok, I'll watch the logs"
    ci, sentry = msgs["900000000000000103"], msgs["900000000000000104"]
    assert ci.kind == sentry.kind == "bot"
    assert ci.text == "Build #42 passed\nmain @ abc123"  # an embed-only bot post
    # One webhook id, two names: two accounts.
    assert ci.author is not None and sentry.author is not None
    assert (ci.author.native_id, sentry.author.native_id) == (
        "900000000000000019/CI", "900000000000000019/Sentry")
    pin = msgs["900000000000000105"]
    assert pin.kind == "system" and pin.reply_to is None
    assert pin.extra["reference"] == "900000000000000101"
    forward = msgs["900000000000000106"]
    assert forward.extra["forwarded"] is True and forward.reply_to is None
    assert forward.text == "release notes"  # the forwarded words, marked as not the sender's
    assert msgs["900000000000000107"].kind == "system"
    assert msgs["900000000000000108"].text == "[attachment: diagram.png]"


def test_json_read_in_tiny_chunks_gives_the_same_records(
    ctx: ReadContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = read(FIX / "backend.json", ctx)
    monkeypatch.setattr(_jsonstream, "_CHUNK", 7)  # every value crosses buffer boundaries
    assert read(FIX / "backend.json", ctx) == whole
    assert read(FIX / "backend-utf16.json", ctx) == whole


def test_plaintext_current_layout(ctx: ReadContext) -> None:
    records = read(FIX / "backend.txt", ctx)
    assert records[0] == Conversation("discord", "Acme/Engineering / backend", "backend",
                                      "channel", "APIs and deploys")
    alice, bob, bot = messages(records)
    assert alice.timestamp == datetime(2023, 8, 1, 9, 15, tzinfo=SHANGHAI)
    assert alice.text == "Deploy is at 5pm"
    assert bob.timestamp == datetime(2023, 8, 1, 21, 16, tzinfo=SHANGHAI)
    assert bob.text == "ok\n\nsee logs"
    assert bob.extra == {"files": ["log.txt"], "reactions": ["👍", "(2)"], "pinned": True}
    assert bot.kind == "bot" and bot.text == "Build passed"


@pytest.mark.parametrize("name", ["zh-utf8-bom.csv", "zh-utf16.csv", "zh-gb18030.csv"])
def test_encodings(name: str, ctx: ReadContext) -> None:
    msgs = messages(read(FIX / name, ctx))
    assert [m.text for m in msgs] == ["构建已经修好了，明天发布", "好的，谢谢"]
    assert [m.author.handle for m in msgs if m.author] == ["张伟#5678", "李娜#4321"]
    assert msgs[0].timestamp == datetime(2019, 3, 3, 21, 5, tzinfo=SHANGHAI)
    assert msgs[1].extra == {"reactions": {"👍": 1}}


# -- broken files ------------------------------------------------------------------------------
def test_bad_csv_rows_are_rejected_with_their_line(ctx: ReadContext, run: Runner) -> None:
    records = read(FIX / "bad-row.csv", ctx)
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert [r.where for r in rejected] == ["line 4", "line 6"]
    assert "yesterday" in rejected[0].reason and "'x'" in rejected[1].reason
    assert [m.text for m in messages(records)] == ["first\nsecond", "fine"]
    out = run.json("ingest", str(FIX / "bad-row.csv"))
    src = out["sources"][0]  # type: ignore[index]
    assert (src["added"], src["rejected"], src["status"]) == (2, 2, "ok")
    assert [r["where"] for r in src["rejections"]] == ["line 4", "line 6"]


def test_truncated_csv_fails_whole(home: Path, run: Runner) -> None:
    assert run.json("ingest", str(CURRENT_CSV))["sources"][0]["added"] == 4  # type: ignore[index]
    before = store_counts(home)
    res = run("ingest", str(FIX / "truncated.csv"))
    assert res.exit_code == 1
    err = " ".join(res.stderr.split())
    assert "truncated.csv" in err and "line 3" in err and "closing quote" in err
    assert store_counts(home) == before


def test_truncated_json_fails_whole_naming_the_record(home: Path, run: Runner,
                                                      ctx: ReadContext) -> None:
    assert run.json("ingest", str(FIX / "backend.txt"))["sources"][0]["added"] == 3  # type: ignore[index]
    before = store_counts(home)
    res = run("ingest", str(FIX / "truncated.json"))
    assert res.exit_code == 1
    err = " ".join(res.stderr.split())
    assert "truncated.json" in err and "messages[3]" in err
    assert store_counts(home) == before
    with pytest.raises(ReadError) as info:
        read(FIX / "truncated.json", ctx)
    assert info.value.where.startswith("messages[3] (line ")
    assert "truncated?" in info.value.expected


def test_json_without_channel_is_a_layout_error(ctx: ReadContext, tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="'channel' before 'messages'"):
        read(FIX / "no-channel.json", ctx)
    array = tmp_path / "array.json"
    array.write_text('[{"guild": {}}]')
    with pytest.raises(ReadError, match="a JSON object"):
        read(array, ctx)
    garbage = tmp_path / "garbage.json"
    garbage.write_text('{"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": [{"id": "3",, }]}')
    with pytest.raises(ReadError, match=r"messages\[0\]") as info:
        read(garbage, ctx)
    assert "Expecting property name" in info.value.expected  # a real error, not "truncated"


def test_reingest_adds_nothing(run: Runner) -> None:
    paths = [str(FIX / "backend.json"), str(CURRENT_CSV), str(FIX / "backend.txt")]
    first = run.json("ingest", *paths)
    assert [s["added"] for s in first["sources"]] == [9, 4, 3]  # type: ignore[index]
    again = run.json("ingest", *paths)
    assert [s["added"] for s in again["sources"]] == [0, 0, 0]  # type: ignore[index]
    assert [s["skipped"] for s in again["sources"]] == [9, 4, 3]  # type: ignore[index]


# -- the real Komodo archive ---------------------------------------------------------------------
def _tag(ident: Identity) -> str:
    """The Author column an identity came from (to compare with authors.tsv)."""
    if ident.handle and "#" in ident.handle:
        return ident.handle
    return f"{ident.name}#0000"  # webhook (id/name) or Deleted User


def test_komodo_archive_counts(ctx: ReadContext) -> None:
    root = shared_path(*KOMODO)
    lounge = root / "developer-lounge"
    per_channel: Counter[str] = Counter()
    per_author: Counter[str] = Counter()
    accounts: set[str] = set()
    bots: set[str] = set()
    for folder in sorted(lounge.iterdir()):
        assert READER.identify(folder), folder  # a channel's pages are one unit
        rows = 0
        for page in folder.glob("*.csv"):
            with page.open(newline="", encoding="utf-8") as fh:
                rows += sum(1 for _ in csv.reader(fh, delimiter=";")) - 1
        records = read(folder, ctx)
        assert not [r for r in records if isinstance(r, Rejected)]
        convs = [r for r in records if isinstance(r, Conversation)]
        assert convs == [Conversation("discord", f"developer-lounge/{folder.name}", folder.name)]
        msgs = messages(records)
        assert len(msgs) == rows == KOMODO_CHANNELS[folder.name]
        per_channel[folder.name] = len(msgs)
        for m in msgs:
            assert m.author is not None
            per_author[_tag(m.author)] += 1
            accounts.add(m.author.native_id)
            if m.author.is_bot:
                bots.add(m.author.name or "")
    assert sum(per_channel.values()) == 42568
    with (root / "authors.tsv").open(encoding="utf-8") as fh:
        expected = {row["author"]: int(row["messages"]) for row in csv.DictReader(fh, delimiter="\t")}
    assert len(expected) == 564 and len(accounts) == 564
    assert per_author == expected  # every author's count matches authors.tsv
    assert per_author["jl777c#5810"] == 5927 and per_author["blackjok3r#0000"] == 464
    assert bots == {"KMD TipBot", "ARRR TipBot", "matrix-appservice-discord-t2bot"}


def test_komodo_archive_through_the_cli(run: Runner) -> None:
    root = shared_path(*KOMODO)
    out = run.json("ingest", str(root))
    sources = {Path(s["path"]).name: s for s in out["sources"] if s["reader"] == "discord"}  # type: ignore[index]
    assert {k: v["added"] for k, v in sources.items()} == KOMODO_CHANNELS
    again = run.json("ingest", str(root / "developer-lounge" / "dev-ops"))
    assert again["sources"][0]["added"] == 0 and again["sources"][0]["skipped"] == 187  # type: ignore[index]
    people = run.json("people")
    assert len(people) == 561  # 564 accounts less three bots  # type: ignore[arg-type]
    top = people[0]  # type: ignore[index]
    assert (top["name"], top["messages"], top["aliases"]) == ("jl777c", 5927, ["jl777c#5810"])
    bridged = [p for p in people if p["name"] == "blackjok3r"]  # type: ignore[union-attr]
    assert sorted(p["messages"] for p in bridged) == [464, 3308]  # webhook and own account


# -- small rules -------------------------------------------------------------------------------
def test_author_tags_and_bots() -> None:
    assert tag_author("jl777c#5810", "1") == Identity("discord", "1", name="jl777c",
                                                       handle="jl777c#5810")
    assert tag_author("smk762#0000", "45") == Identity("discord", "45/smk762", name="smk762",
                                                        handle="smk762")
    assert tag_author("Deleted User#0000", "9") == Identity("discord", "9", name="Deleted User")
    assert tag_author("alice", "7") == Identity("discord", "7", name="alice", handle="alice")
    assert tag_author("Mylo#8306") == Identity("discord", "Mylo#8306", name="Mylo",
                                               handle="Mylo#8306")
    for name in ("KMD TipBot#0077", "matrix-appservice-discord-t2bot#8432", "Carl [BOT]#1",
                 "deploy-bot"):
        assert tag_author(name, "1").is_bot, name
    for name in ("BoBot-BUY KMD#8821", "Abbot#1234", "robotics#1111"):
        assert not tag_author(name, "1").is_bot, name


def test_date_forms() -> None:
    utc = UTC
    assert parse_dce_date("06-Dec-19 12:26 AM", utc) == datetime(2019, 12, 6, 0, 26, tzinfo=utc)
    assert parse_dce_date("21-Feb-19 12:07 PM", utc) == datetime(2019, 2, 21, 12, 7, tzinfo=utc)
    assert parse_dce_date("8/1/2023 9:15 PM", utc) == datetime(2023, 8, 1, 21, 15, tzinfo=utc)
    assert parse_dce_date("2023-08-01T09:15:00.0000000+02:00", utc).utcoffset() == timedelta(hours=2)
    for bad in ("yesterday", "32-Dec-19 12:00 AM", "06-Foo-19 12:00 AM", "06-Dec-19 13:00 PM"):
        with pytest.raises(ValueError):
            parse_dce_date(bad, utc)
