"""Slack export reader: the real houstondatavis export, the official test zip, edge cases."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from colleague.model import Conversation, Identity, Message
from colleague.sources.base import ReadContext, ReadError
from colleague.sources.slack import SlackReader

from conftest import shared_path
from slack_builder import msg, write_export

READER = SlackReader()


def messages(path: Path, ctx: ReadContext) -> list[Message]:
    return [r for r in READER.read(path, ctx) if isinstance(r, Message)]


def test_houstondatavis_counts(ctx: ReadContext) -> None:
    export = shared_path("data", "slack-export-houstondatavis")
    assert READER.identify(export)
    msgs = messages(export, ctx)
    kinds = Counter(m.kind for m in msgs)
    # SOURCE.txt: 964 human messages plus subtype events; file uploads with a comment and
    # comments on files are the person's words too.
    assert kinds["message"] == 964 + sum(
        1 for m in msgs if m.extra.get("subtype") in ("file_share", "file_comment")
        and m.kind == "message")
    by_handle = Counter(m.author.handle for m in msgs if m.kind == "message" and m.author
                        and not m.extra.get("subtype"))
    assert by_handle["neerajt"] == 308 and by_handle["micahstubbs"] == 258
    assert len({m.conversation.name for m in msgs}) == 16
    # Mentions are resolved to people and rendered as @Name.
    mentioned = [m for m in msgs if m.mentions and m.kind == "message"]
    assert mentioned and all("<@" not in m.text for m in mentioned)


def test_official_zip(ctx: ReadContext) -> None:
    archive = shared_path("formats", "samples", "slack-export",
                          "official-export-zip.slack-export-viewer-testarchive.zip")
    assert READER.identify(archive)
    msgs = messages(archive, ctx)
    bots = [m for m in msgs if m.kind == "bot"]
    assert len(bots) == 94 and all(m.author and m.author.is_bot for m in bots)
    assert all(m.text for m in bots)  # attachment fallbacks give bot posts their text
    assert any(m.edited for m in msgs)
    assert any(m.extra.get("reactions") for m in msgs)


def test_threads_edits_subtypes_zones(tmp_path: Path, ctx: ReadContext) -> None:
    users = [{"id": "U01", "name": "liwei", "tz": "Asia/Shanghai",
              "profile": {"real_name": "Li Wei", "email": "LI.WEI@example.com"}},
             {"id": "U02", "name": "amy", "profile": {"real_name": "Amy Chen"}}]
    export = write_export(tmp_path / "x", {"dev": {"2024-03-01": [
        msg("U01", 1709251200, "root &lt;b&gt; see <https://x.example|the doc> and <#C9|ops>",
            thread_ts="1709251200.000000", reply_count=1),
        msg("U02", 1709251300, "reply to <@U01> <!here>", thread_ts="1709251200.000000",
            parent_user_id="U01", edited={"user": "U02", "ts": "1709251400.000000"}),
        {"type": "message", "subtype": "file_share", "user": "U02", "ts": "1709251500.000000",
         "text": "<@U02|amy> uploaded a file: <https://f.example/a.png|a.png>"},
        {"type": "message", "subtype": "file_share", "user": "U02", "ts": "1709251600.000000",
         "text": "<@U02|amy> uploaded a file: <https://f.example/b.png|b.png> and commented: see the spike"},
        {"type": "message", "ts": "not-a-number", "user": "U01", "text": "broken"},
    ]}}, users=users)
    records = list(READER.read(export, ctx))
    idents = [r for r in records if isinstance(r, Identity)]
    assert idents[0].email == "LI.WEI@example.com" and idents[0].handle == "liwei"
    assert any(isinstance(r, Conversation) and r.name == "dev" for r in records)
    msgs = [r for r in records if isinstance(r, Message)]
    root, reply, upload, commented = msgs
    assert root.text == "root <b> see the doc (https://x.example) and #ops"
    assert root.thread == "1709251200.000000" and root.reply_to is None
    assert root.timestamp.isoformat() == "2024-03-01T08:00:00+08:00"  # the author's zone
    assert reply.reply_to == "1709251200.000000" and reply.text == "reply to @Li Wei @here"
    assert reply.mentions[0].native_id == "U01" and reply.edited is not None
    assert upload.kind == "system" and commented.kind == "message"
    assert commented.text == "see the spike"
    rejected = [r for r in records if type(r).__name__ == "Rejected"]
    assert len(rejected) == 1 and "2024-03-01.json[4]" in rejected[0].where


def test_broken_exports(tmp_path: Path, ctx: ReadContext) -> None:
    export = write_export(tmp_path / "y", {"dev": {"2024-03-01": [msg("U01", 1709251200, "x")]}})
    (export / "users.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ReadError, match=r"users\.json.*valid UTF-8 JSON"):
        list(READER.read(export, ctx))
    (export / "users.json").write_text(json.dumps({"users": []}), encoding="utf-8")
    with pytest.raises(ReadError, match="a JSON array"):
        list(READER.read(export, ctx))
    bad_zip = tmp_path / "export.zip"
    bad_zip.write_bytes(b"PK\x03\x04 truncated")
    assert not READER.identify(bad_zip)
    with pytest.raises(ReadError, match="zip"):
        list(READER.read(bad_zip, ctx))


def test_zip_with_top_folder(tmp_path: Path, ctx: ReadContext) -> None:
    export = write_export(tmp_path / "z", {"dev": {"2024-03-01": [msg("U01", 1709251200, "hi")]}})
    archive = tmp_path / "ws.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(export.rglob("*.json")):
            zf.write(f, "My Workspace Slack export/" + f.relative_to(export).as_posix())
    assert READER.identify(archive)
    assert [m.text for m in messages(archive, ctx)] == ["hi"]
