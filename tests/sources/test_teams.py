"""Microsoft Teams Graph chatMessage JSON: official doc page, SDK/PowerShell exports, broken files."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from colleague.model import Conversation, Identity, Message, Rejected
from colleague.sources.base import ReadContext, ReadError
from colleague.sources.teams import TeamsReader, parse_time

from conftest import FIXTURES, shared_path

TEAMS = FIXTURES / "teams"
EXPORT = TEAMS / "TeamsData" / "teams" / "t-100" / "messages_t-100.json"
READER = TeamsReader()


def read(path: Path, ctx: ReadContext) -> list:
    return list(READER.read(path, ctx))


def msgs_of(path: Path, ctx: ReadContext) -> list[Message]:
    return [r for r in read(path, ctx) if isinstance(r, Message)]


def sample(name: str) -> Path:
    return shared_path("formats", "samples", "ms-teams", name)


def test_official_graph_page(ctx: ReadContext) -> None:
    path = sample("graph-v1-chats-messages.list.official-doc.json")
    assert READER.identify(path)
    records = read(path, ctx)
    conv = records[0]
    assert isinstance(conv, Conversation)
    assert (conv.native_id, conv.kind) == ("19:2da4c29f6d7041eca70b638b43d45437@thread.v2", "chat")
    msgs = [r for r in records if isinstance(r, Message)]
    assert [(m.native_id, m.kind, m.text) for m in msgs] == [
        ("1616964509832", "message", "Hello world"),
        ("1615971548136", "message", "[image]"),
        ("1615943825123", "system", "chatRenamed: Graph Members"),
    ]
    assert msgs[0].author == Identity("teams", "8ea0e38b-efb3-4757-924a-5f94061cf8c2",
                                      name="Robin Kline")
    assert msgs[0].timestamp == datetime(2021, 3, 28, 20, 48, 29, 832000, tzinfo=UTC)
    # The doc's malformed "2021-03-1706:47:05.123Z" still parses.
    assert msgs[2].timestamp == datetime(2021, 3, 17, 6, 47, 5, 123000, tzinfo=UTC)
    assert msgs[2].author is None
    assert msgs[2].extra["initiator"] == "1fb8890f-423e-4154-8fbf-db6809bc8756"


def test_pascalcase_channel_export(ctx: ReadContext) -> None:
    path = sample("teams-export.channel-messages.zulip-fixture.messages_7c050abd.json")
    assert READER.identify(path)
    msgs = msgs_of(path, ctx)
    assert [(m.kind, m.text) for m in msgs] == [
        ("message", "Good question! I dunno"),
        ("message", "I question the need for interrupts. For example, many algorithms improve"
         " unstable algorithms. Indeed, online algorithms and lambda calculus have a long"
         " history of collaborating in this manner."),
        ("message", "Message from a deactivated user!\U0001F47B"),
        ("system", "unknownFutureValue"),
        ("system", "unknownFutureValue"),
    ]
    conv = msgs[0].conversation
    assert conv.kind == "channel"
    assert conv.native_id == "19:---2pcguZ0vbfte2wmk0y31xdnjlFv2C1k7nyYXUc7A1@thread.tacv2"
    assert msgs[0].reply_to == msgs[0].thread == "1755167284801" == msgs[1].native_id
    assert msgs[1].extra == {"subject": "private channel message"}
    assert msgs[2].extra == {"reactions": {"\U0001F44D": 1}}
    assert msgs[2].edited is None  # LastModifiedDateTime moved for a reaction, not an edit
    assert msgs[0].timestamp == datetime(2025, 8, 14, 17, 26, 9, 203000, tzinfo=UTC)
    assert msgs[0].author and msgs[0].author.name == "Alya Abbott"
    assert msgs[4].extra["initiator"] == "app:62b732f7-fc71-40bc-b27d-35efcb0509de"


def test_pascalcase_user_chat_export(ctx: ReadContext) -> None:
    msgs = msgs_of(sample("teams-export.user-chat-messages.zulip-fixture.messages_5dbe468a.json"),
                   ctx)
    assert [(m.kind, m.text) for m in msgs] == [
        ("message", "DM from deactivated user"), ("system", "unknownFutureValue")]
    assert msgs[0].conversation.kind == "chat"
    assert msgs[0].author and msgs[0].author.native_id == "9bd4aca7-99cf-4b1b-a16d-e25717dc9414"


def test_export_folder_side_files(ctx: ReadContext) -> None:
    records = read(EXPORT, ctx)
    msgs = [r for r in records if isinstance(r, Message)]
    assert msgs[0].conversation.name == "General"  # from channels_t-100.json
    root = msgs[0]
    assert root.text == ("Hi @Megan Bowen, the release is blocked:\n- rollback plan\n"
                         "- see the wiki (https://example.invalid/wiki)")
    assert root.mentions == (Identity("teams", "u-megan", "Megan Bowen",
                                      "megan.bowen@example.invalid"),)
    assert root.extra == {"files": ["plan.docx"], "subject": "Release 2.3", "importance": "high",
                          "reactions": {"like": 2}}
    assert root.author == Identity("teams", "u-lee", "Lee Gu")  # no Mail in usersList
    edited = msgs[1]
    assert edited.text == "On it. 我来回滚 \U0001F44D"
    assert edited.edited == datetime(2023, 11, 14, 22, 16, tzinfo=UTC)
    assert edited.author and edited.author.email == "megan.bowen@example.invalid"
    bot = msgs[2]
    assert bot.kind == "bot" and bot.author == Identity("teams", "app:app-ci", "CI Bot",
                                                        is_bot=True)
    deleted = msgs[3]
    assert (deleted.kind, deleted.text, deleted.extra) == ("system", "", {
        "deleted": "2023-11-14T22:25:00Z"})
    assert {m.reply_to for m in msgs[1:4]} == {"1700000000000"}
    event = msgs[4]
    assert (event.kind, event.author, event.extra) == ("system", None, {
        "event": "membersadded", "initiator": "u-lee"})
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert rejected == [Rejected("[5]", "an ISO createdDateTime, got None")]


def test_graph_chat_page_quoted_reply(ctx: ReadContext) -> None:
    msgs = msgs_of(TEAMS / "graph-chat-page.json", ctx)
    assert [(m.kind, m.text, m.reply_to) for m in msgs] == [
        ("message", "Can we move standup to 10?", None),
        ("message", "Yes, 10 works", "1690000000000"),
        ("system", "membersAdded", None),
    ]
    assert msgs[0].timestamp == datetime(2023, 7, 22, 4, 26, 40, 123456, tzinfo=UTC)


def test_other_shapes_and_encodings(ctx: ReadContext) -> None:
    two = msgs_of(TEAMS / "two-pages.json", ctx)
    assert [m.native_id for m in two] == ["1690000000000", "1690000060000"]
    one = msgs_of(TEAMS / "single-message.json", ctx)
    assert [m.text for m in one] == ["Can we move standup to 10?"]
    assert READER.identify(TEAMS / "powershell-utf16.json")
    ps = msgs_of(TEAMS / "powershell-utf16.json", ctx)
    assert [m.text for m in ps] == [
        "Hi @Megan Bowen, the release is blocked:\n- rollback plan\n"
        "- see the wiki (https://example.invalid/wiki)",
        "On it. 我来回滚 \U0001F44D",
    ]


def test_truncated_file_fails(ctx: ReadContext) -> None:
    with pytest.raises(ReadError) as err:
        read(TEAMS / "truncated.json", ctx)
    assert err.value.where == "value[2] (line 74)" and "truncated" in err.value.expected


def test_identify() -> None:
    assert not READER.identify(TEAMS / "not-teams.json")
    assert not READER.identify(TEAMS / "TeamsData" / "users" / "usersList.json")
    assert not READER.identify(TEAMS / "TeamsData" / "teams" / "t-100" / "channels_t-100.json")
    assert not READER.identify(TEAMS / "TeamsData")
    assert READER.identify(EXPORT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-09T13:03:04+00:00", datetime(2025, 10, 9, 13, 3, 4, tzinfo=UTC)),
        ("2023-07-22T04:26:40.1234567Z", datetime(2023, 7, 22, 4, 26, 40, 123456, tzinfo=UTC)),
        ("2023-07-22T12:00:00+08:00",
         datetime(2023, 7, 22, 12, 0, tzinfo=timezone(timedelta(hours=8)))),
        ("not a date", None),
    ],
)
def test_parse_time(text: str, expected: datetime | None) -> None:
    assert parse_time(text) == expected


def test_cli_walks_export_folder(run, home: Path) -> None:  # type: ignore[no-untyped-def]
    out = run.json("ingest", str(TEAMS / "TeamsData"))
    teams_sources = [s for s in out["sources"] if s["reader"] == "teams"]
    assert [Path(s["path"]).name for s in teams_sources] == ["messages_t-100.json"]
    assert teams_sources[0]["added"] == 5 and teams_sources[0]["rejected"] == 1
    db = sqlite3.connect(home / "corpus.db")
    root, = db.execute("SELECT uid FROM messages WHERE native_id = '1700000000000'").fetchone()
    replies = db.execute("SELECT count(*) FROM messages WHERE thread_id = ?", (root,)).fetchone()
    assert replies[0] == 3
    db.close()
    again = run.json("ingest", str(EXPORT))
    assert again["sources"][0]["added"] == 0 and again["sources"][0]["skipped"] == 5
    people = {p["name"]: p["messages"] for p in run.json("people")}
    assert people["Megan Bowen"] == 1 and people["Lee Gu"] == 1


def test_cli_truncated_file_leaves_store_unchanged(run, home: Path) -> None:  # type: ignore[no-untyped-def]
    res = run("ingest", str(TEAMS / "truncated.json"))
    assert res.exit_code == 1
    assert "truncated.json" in res.output and "value[2]" in res.output
    db = sqlite3.connect(home / "corpus.db")
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    db.close()
