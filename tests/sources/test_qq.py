"""QQ reader: desktop TXT export (24- and 12-hour, GBK/UTF-16/BOM, CRLF), QQChatExporter JSON/TXT."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from colleague.model import Conversation, Message, Record
from colleague.sources import registry
from colleague.sources.base import ReadContext, ReadError
from colleague.sources.qq import QQReader

from conftest import FIXTURES, Runner, shared_path

HERE = FIXTURES / "qq"
READER = QQReader()
SHANGHAI = ZoneInfo("Asia/Shanghai")


def read(path: Path, ctx: ReadContext, reader: Any = READER) -> list[Record]:
    return list(reader.read(path, ctx))


def messages(records: list[Record]) -> list[Message]:
    return [r for r in records if isinstance(r, Message)]


def who(msg: Message) -> str | None:
    return msg.author.native_id if msg.author else None


def count(home: Path) -> int:
    db_file = home / "corpus.db"
    if not db_file.exists():
        return 0
    conn = sqlite3.connect(db_file)
    try:
        return int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])
    finally:
        conn.close()


def painter_block(tmp_path: Path, title: str) -> Path:
    """One "#### [<title>]" block of the log-painter sample as its own file."""
    text = shared_path("formats", "samples", "qq",
                       "qq-pc-txt-and-copied-layouts.log-painter-fixtures.txt").read_text(encoding="utf-8")
    block = text.split(f"#### {title}\n", 1)[1].split("\n#### [", 1)[0]
    path = tmp_path / "qq-export.txt"
    path.write_text(block, encoding="utf-8")
    return path


# -- desktop TXT export ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["group-gbk-crlf.txt", "export-utf16.txt"])
def test_group_export_in_gbk_and_utf16(name: str, ctx: ReadContext) -> None:
    path = HERE / name
    assert registry.identify(path).name == "qq"  # type: ignore[union-attr]
    records = read(path, ctx)
    convs = [r for r in records if isinstance(r, Conversation)]
    assert [(c.native_id, c.kind) for c in convs] == [("后端技术群", "group")]
    msgs = messages(records)
    assert [(who(m), m.kind, m.text) for m in msgs] == [
        ("123456789", "message", "数据库迁移今晚十点开始\n请大家提前备份"),
        ("laowang@example.com", "message", "收到"),
        (None, "system", "小红加入本群。"),
        ("123456789", "message", "[图片]"),
        ("987654321", "message", ""),
        ("987654321", "message", "大家好，我是新来的测试"),
    ]
    assert msgs[0].author is not None and msgs[0].author.name == "小明"
    assert msgs[1].author is not None and msgs[1].author.email == "laowang@example.com"
    assert msgs[0].timestamp == datetime(2021, 3, 1, 9, 15, 2, tzinfo=SHANGHAI)


def test_twelve_hour_export_with_bom_and_two_conversations(ctx: ReadContext) -> None:
    records = read(HERE / "export-utf8-bom-12h.txt", ctx)
    convs = [(r.native_id, r.kind) for r in records if isinstance(r, Conversation)]
    assert convs == [("阿杰", "dm"), ("读书会", "group")]
    msgs = messages(records)
    assert [(m.conversation.native_id, who(m), m.text) for m in msgs] == [
        ("阿杰", "阿杰", "晚上一起看代码？"), ("阿杰", "我自己", "好"), ("读书会", "10001", "今天读第三章"),
    ]
    assert [m.timestamp for m in msgs] == [
        datetime(2019, 9, 23, 20, 43, 38, tzinfo=SHANGHAI),
        datetime(2019, 9, 23, 0, 5, tzinfo=SHANGHAI),  # 12:05 AM
        datetime(2019, 9, 24, 12, 30, tzinfo=SHANGHAI),  # 12:30 PM
    ]


def test_real_qq6_export(ctx: ReadContext) -> None:
    path = shared_path("formats", "samples", "qq", "qq6-pc-export-all-messages.excerpt.txt")
    assert READER.identify(path)
    records = read(path, ctx)
    convs = [(r.native_id, r.kind) for r in records if isinstance(r, Conversation)]
    assert convs == [("Victor.Woo", "dm"), ("*PowerShell技术交流", "group")]
    msgs = messages(records)
    assert len(msgs) == 4
    assert msgs[1].text == "6块钱包月55\n8000/月\n中心端，用户端"
    assert msgs[2].text == "http://yun.baidu.com/buy/center?tag=4#FAQ02\n\n百度亮了，自己找亮点"
    assert msgs[2].author is not None
    assert (msgs[2].author.name, msgs[2].author.email) == ("此消彼长，云过有痕", "user1@example.invalid")
    assert msgs[3].text == "[表情]"


def test_real_twelve_hour_group_block(tmp_path: Path, ctx: ReadContext) -> None:
    path = painter_block(tmp_path, "[exported from log] basic")
    assert READER.identify(path)
    msgs = messages(read(path, ctx))
    assert len(msgs) == 9
    assert [m.kind for m in msgs].count("system") == 3
    assert msgs[0].author is not None and (msgs[0].author.native_id, msgs[0].author.name) == ("87200175", "骰娘-Roll100")
    assert msgs[0].timestamp == datetime(2019, 9, 23, 20, 43, 38, tzinfo=SHANGHAI)
    assert msgs[3].text == ""  # an empty body stays a message
    assert msgs[-1].timestamp == datetime(2019, 9, 24, 9, 16, 35, tzinfo=SHANGHAI)
    assert msgs[-1].text == "6"


def test_real_email_senders_and_private_chat(tmp_path: Path, ctx: ReadContext, run: Runner) -> None:
    email = painter_block(tmp_path, "[exported from log] email")
    msgs = messages(read(email, ctx))
    assert [who(m) for m in msgs] == ["852649", "100550", "user@example.invalid"]
    assert msgs[0].timestamp == datetime(2020, 3, 4, 0, 12, 29, tzinfo=SHANGHAI)
    private_dir = tmp_path / "private"
    private_dir.mkdir()
    private = painter_block(private_dir, "[exported from log] Private chat")
    # No header and no (QQ号): shaped like any chat text, so only --format qq says it is QQ.
    assert not READER.identify(private)
    res = run.json("ingest", str(private), "--format", "qq", "--tz", "Asia/Shanghai")
    src = res["sources"][0]  # type: ignore[index]
    assert (src["reader"], src["added"]) == ("qq", 2)


def test_private_without_header_fixture(ctx: ReadContext) -> None:
    path = HERE / "private-no-header.txt"
    reader = registry.identify(path)
    assert reader is not None and reader.name == "chat-text"
    auto = messages(read(path, ctx, reader))
    assert {m.platform for m in auto} == {"qq"}  # the folder name says qq
    forced = messages(read(path, ctx))
    assert [(who(m), m.text) for m in forced] == [("暗夜", "aaa"), ("Fish", "bbb")]
    assert forced[0].conversation.kind == "dm"


# -- QQChatExporter ----------------------------------------------------------------------------------
def test_qce_json(ctx: ReadContext) -> None:
    path = shared_path("formats", "samples", "qq", "qq-chat-exporter-v5.groupMixedMedia.snapshot.json")
    assert registry.identify(path).name == "qq"  # type: ignore[union-attr]
    records = read(path, ctx)
    conv = records[0]
    assert isinstance(conv, Conversation) and (conv.name, conv.kind) == ("QCE Testing Group", "group")
    msgs = messages(records)
    assert len(msgs) == 7
    assert [who(m) for m in msgs] == ["11111", "22222", "22222", "33333", "33333", "11111", "11111"]
    assert msgs[0].author is not None and (msgs[0].author.name, msgs[0].author.handle) == ("Alice (PM)", "Alice")
    assert msgs[0].timestamp == datetime(2024, 1, 1, 0, 1, 40, tzinfo=UTC)
    assert [m.native_id for m in msgs[3].mentions] == ["11111"]  # uid u_alice → QQ 11111
    assert msgs[4].extra["files"] == ["trace.json"]
    assert msgs[5].text == "thanks team, fix incoming"
    assert msgs[5].extra["quote"] == {"sender": "Alice (PM)", "text": "Anyone seen the build break?"}
    assert [m.native_id for m in msgs] == [str(n) for n in range(1001, 1008)]


def test_qce_text(ctx: ReadContext) -> None:
    path = shared_path("formats", "samples", "qq", "qq-chat-exporter-v5.groupMixedMedia.snapshot.txt")
    assert registry.identify(path).name == "qq"  # type: ignore[union-attr]
    msgs = messages(read(path, ctx))
    assert [(who(m), m.text) for m in msgs] == [
        ("Alice (PM)", "Anyone seen the build break?"),
        ("Bob (Eng)", "Looking now [[微笑]]"),
        ("Bob (Eng)", "[图片: screenshot.png]"),
        ("Charlie", "@Alice sentry has the trace, sending now"),
        ("Charlie", "[文件: trace.json]"),
        ("Alice (PM)", "thanks team, fix incoming"),
        ("Alice (PM)", "[语音 7秒]"),
    ]
    assert msgs[0].timestamp == datetime(2024, 1, 1, 0, 1, 40, tzinfo=SHANGHAI)
    assert msgs[0].conversation.kind == "group"


def test_source_notes_are_not_claimed() -> None:
    notes = shared_path("formats", "samples", "qq", "SOURCE.txt")
    assert not READER.identify(notes)


# -- failures and the CLI ---------------------------------------------------------------------------
def test_broken_files_are_named_errors(ctx: ReadContext) -> None:
    with pytest.raises(ReadError) as info:
        read(HERE / "qce-truncated.json", ctx)
    assert info.value.where.startswith("line ") and "truncated" in info.value.expected
    with pytest.raises(ReadError) as info:
        read(HERE / "header-only.txt", ctx)
    assert "QQ messages" in info.value.expected


def test_cli_ingest_reingest_and_failure(run: Runner, home: Path, tmp_path: Path) -> None:
    copy = tmp_path / "group.txt"
    shutil.copy(HERE / "group-gbk-crlf.txt", copy)
    first = run.json("ingest", str(copy), "--tz", "Asia/Shanghai")["sources"][0]  # type: ignore[index]
    assert (first["reader"], first["added"]) == ("qq", 6)
    again = run.json("ingest", str(copy), "--tz", "Asia/Shanghai")["sources"][0]  # type: ignore[index]
    assert (again["added"], again["skipped"]) == (0, 6)
    # The UTF-16 file holds the same messages: nothing new either.
    wide = run.json("ingest", str(HERE / "export-utf16.txt"), "--tz", "Asia/Shanghai")["sources"][0]  # type: ignore[index]
    assert wide["added"] == 0
    res = run("ingest", str(HERE / "qce-truncated.json"))
    assert res.exit_code == 1
    assert "qce-truncated.json" in res.output and "line " in res.output
    assert count(home) == 6
    people = {p["name"] for p in run.json("people")}  # type: ignore[union-attr]
    assert {"小明", "老王", "小红"} <= people


def test_identify_ignores_other_formats(tmp_path: Path) -> None:
    samples = shared_path("formats", "samples")
    checked = 0
    for folder in sorted(samples.iterdir()):
        if folder.name == "qq" or not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                checked += 1
                assert not READER.identify(path), path
    assert checked > 20
    chat = tmp_path / "feishu.txt"
    chat.write_text("2024-05-06 09:30 张三：你好\n2024-05-06 09:31 李四：好\n", encoding="utf-8")
    assert not READER.identify(chat)
