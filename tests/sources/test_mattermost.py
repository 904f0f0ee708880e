"""Mattermost bulk export JSONL: the 2019 Zulip fixtures, a current-style export, broken files."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from colleague.model import Conversation, Identity, Message, Rejected
from colleague.sources.base import ReadContext, ReadError
from colleague.sources.mattermost import MattermostReader

from conftest import FIXTURES, shared_path

MM = FIXTURES / "mattermost"
READER = MattermostReader()


def read(path: Path, ctx: ReadContext) -> list:
    return list(READER.read(path, ctx))


def of(records: list, cls: type) -> list:
    return [r for r in records if isinstance(r, cls)]


def sample(name: str) -> Path:
    return shared_path("formats", "samples", "mattermost-bulk-export", name)


def test_2019_export(ctx: ReadContext) -> None:
    path = sample("mattermost-bulk-export.zulip-fixture.export.jsonl")
    assert READER.identify(path)
    records = read(path, ctx)
    people = of(records, Identity)
    assert [(p.native_id, p.name, p.email, p.handle) for p in people] == [
        ("ron", "Ron Weasley", "ron@example.invalid", "ron"),
        ("harry", "Harry Potter", "harry@example.invalid", "harry"),
    ]
    convs = of(records, Conversation)
    assert [(c.native_id, c.name) for c in convs] == [
        ("gryffindor/gryffindor-common-room", "Gryffindor common room"),
        ("gryffindor/gryffindor-quidditch-team", "Gryffindor quidditch team"),
        ("gryffindor/dumbledores-army", "Dumbledores army"),
        ("slytherin/slytherin-quidditch-team", "slytherin-quidditch-team"),  # only named by a post
    ]
    msgs = of(records, Message)
    assert len(msgs) == 8 and not of(records, Rejected)
    assert [m.text for m in msgs if m.kind == "system"] == [
        "harry joined the channel.", "ron joined the channel.", "ron added to the channel by harry."]
    # 2019 exports have no post ids: author + create_at stands in, stable across edits.
    root, reply = msgs[0], msgs[1]
    assert root.native_id == "harry@1553166657086" and root.thread == root.native_id
    assert reply.text == "The weather is so hot!"
    assert reply.timestamp is not None and root.timestamp is not None
    assert reply.timestamp < root.timestamp  # a reply older than its root still points at it
    assert reply.reply_to == root.native_id and reply.thread == root.native_id
    assert reply.conversation == root.conversation
    welcome = next(m for m in msgs if m.text == "@ron Welcome mate!")
    assert [i.native_id for i in welcome.mentions] == ["ron"]
    assert welcome.timestamp == datetime(2019, 3, 21, 11, 8, 39, 726000, tzinfo=UTC)
    hello = next(m for m in msgs if m.text == "Hello world")
    assert hello.extra == {"reactions": {"tick": 1, "smile": 1, "world_map": 1}}
    assert all(m.edited is None for m in msgs)
    malfoy = msgs[-1]
    assert malfoy.author == Identity("mattermost", "malfoy", handle="malfoy")


def test_2019_direct_channels(ctx: ReadContext) -> None:
    records = read(sample("mattermost-bulk-export.direct-channel.zulip-fixture.export.jsonl"), ctx)
    convs = of(records, Conversation)
    assert [(c.native_id, c.kind) for c in convs] == [
        ("gryffindor/gryffindor-common-room", "channel"),
        ("dm:harry,ron", "dm"),
        ("dm:ginny,harry,ron", "group"),
        ("dm:harry,voldemort", "dm"),
    ]
    msgs = of(records, Message)
    assert [(m.conversation.native_id, m.author.handle if m.author else None, m.text)
            for m in msgs[1:]] == [
        ("dm:harry,ron", "ron", "hey harry"),
        ("dm:harry,ron", "harry", "what's up"),
        ("dm:ginny,harry,ron", "ginny", "Who is going to Hogsmeade this weekend?"),
        ("dm:harry,voldemort", "voldemort", "Hey Harry."),
    ]
    assert msgs[0].extra == {"reactions": {"rocket": 1}, "files": ["this is a file"]}
    assert msgs[-1].author and msgs[-1].author.name == "Tom Riddle"


def test_current_export(ctx: ReadContext) -> None:
    records = read(MM / "export-2023.jsonl", ctx)
    people = {p.native_id: p for p in of(records, Identity)}
    assert people["liwei"] == Identity("mattermost", "liwei", "Wei Li", "li.wei@example.invalid",
                                       "LiWei")
    assert people["maria"].name == "Mia"
    assert people["ci-bot"].is_bot
    rejected = of(records, Rejected)
    assert [(r.where, r.reason[:24]) for r in rejected] == [("line 11", "a numeric create_at (ms)")]
    msgs = of(records, Message)
    assert [(m.kind, m.text) for m in msgs] == [
        ("system", "maria joined the channel."),
        ("message", "@maria 今天下午发布，先回滚 staging"),
        ("message", "ok, rolling back now"),
        ("bot", "build #42 passed"),
        ("message", "from someone not in the user list"),
        ("message", "can you review?"),
        ("message", "done"),
        ("bot", "deploy finished"),
    ]
    root = msgs[1]
    assert root.conversation.name == "Release 发布" and root.conversation.topic == "ship it"
    assert root.edited == datetime(2023, 11, 14, 22, 16, 40, tzinfo=UTC)
    assert root.extra == {"reactions": {"+1": 2}, "files": ["plan.pdf"], "pinned": True}
    assert [i.native_id for i in root.mentions] == ["maria"]
    assert {m.reply_to for m in msgs[2:4]} == {root.native_id} == {m.thread for m in msgs[2:4]}
    assert msgs[3].extra == {"files": ["report.html"]}
    assert msgs[4].author and msgs[4].author.native_id == "ghost"
    assert msgs[6].conversation.native_id == "dm:liwei,maria"
    assert msgs[6].reply_to == msgs[5].native_id == "maria@1700000500000"
    assert msgs[7].conversation.native_id == "dm:ci-bot,liwei,maria"
    assert msgs[7].conversation.kind == "group"


@pytest.mark.parametrize("name", ["export-bom.jsonl", "export-utf16.jsonl", "export-gb18030.jsonl"])
def test_encodings(ctx: ReadContext, name: str) -> None:
    assert READER.identify(MM / name)
    msgs = of(read(MM / name, ctx), Message)
    assert [m.text for m in msgs] == [
        "maria joined the channel.", "@maria 今天下午发布，先回滚 staging", "ok, rolling back now",
        "build #42 passed"]
    assert msgs[1].conversation.name == "Release 发布"


def test_broken_files_fail_whole(ctx: ReadContext) -> None:
    with pytest.raises(ReadError) as err:
        read(MM / "broken-middle.jsonl", ctx)
    assert err.value.where == "line 7" and "truncated or corrupt" in err.value.expected
    with pytest.raises(ReadError) as err:
        read(MM / "truncated.jsonl", ctx)
    assert err.value.where == "line 8"


def test_identify() -> None:
    assert not READER.identify(MM / "not-mattermost.jsonl")
    assert not READER.identify(MM)
    assert not READER.identify(FIXTURES / "mattermost" / "README.md")


def test_cli_ingest_threads_and_reingest(run, home: Path) -> None:  # type: ignore[no-untyped-def]
    path = sample("mattermost-bulk-export.zulip-fixture.export.jsonl")
    first = run.json("ingest", str(path))
    assert first["failed"] == 0 and first["sources"][0]["reader"] == "mattermost"
    assert first["sources"][0]["added"] == 8
    db = sqlite3.connect(home / "corpus.db")
    root_uid, = db.execute("SELECT uid FROM messages WHERE native_id = 'harry@1553166657086'").fetchone()
    reply = db.execute("SELECT reply_to, thread_id FROM messages WHERE text = 'The weather is so hot!'")
    assert reply.fetchone() == (root_uid, root_uid)
    db.close()
    again = run.json("ingest", str(path))
    assert again["sources"][0]["added"] == 0 and again["sources"][0]["skipped"] == 8
    people = {p["name"]: p["messages"] for p in run.json("people")}
    assert people["Harry Potter"] == 3  # 'joined'/'added' notices are system posts, not words


def test_cli_broken_file_leaves_store_unchanged(run, home: Path) -> None:  # type: ignore[no-untyped-def]
    ok = run.json("ingest", str(MM / "export-2023.jsonl"))
    assert ok["sources"][0]["added"] == 8 and ok["sources"][0]["rejected"] == 1
    res = run("ingest", str(MM / "broken-middle.jsonl"))
    assert res.exit_code == 1
    assert "broken-middle.jsonl" in res.output and "line 7" in res.output
    db = sqlite3.connect(home / "corpus.db")
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 8
    db.close()
