"""DingTalk readers: robot callbacks / Stream frames (JSON, list, JSONL) and chat text exports."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from colleague.model import Conversation, Message, Record, Rejected
from colleague.sources import registry
from colleague.sources.base import ReadContext, ReadError
from colleague.sources.dingtalk import READERS, DingTalkReader

from conftest import FIXTURES, Runner, shared_path

HERE = FIXTURES / "dingtalk"
READER = DingTalkReader()
SHANGHAI = ZoneInfo("Asia/Shanghai")


def read(path: Path, ctx: ReadContext, reader: Any = READER) -> list[Record]:
    return list(reader.read(path, ctx))


def messages(records: list[Record]) -> list[Message]:
    return [r for r in records if isinstance(r, Message)]


def count(home: Path) -> int:
    db_file = home / "corpus.db"
    if not db_file.exists():
        return 0
    conn = sqlite3.connect(db_file)
    try:
        return int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("name", "text", "created_ms"),
    [
        ("stream-chatbot-callback.text.json", "hello", 1774080994334),
        ("stream-chatbot-callback.picture.json", "[图片]", 1774084180700),
        ("stream-chatbot-callback.rich_text.json", "[图片]\nabc", 1774081002701),
        ("stream-chatbot-callback.file.json", "[文件] 一种跨站脚本漏洞攻击防御方法及装置", 1774085385298),
        ("stream-frame.CALLBACK.bot-message-envelope.json", "?", 1774098949275),
    ],
)
def test_real_callbacks(name: str, text: str, created_ms: int, ctx: ReadContext) -> None:
    path = shared_path("formats", "samples", "dingtalk", name)
    assert registry.identify(path) is not None and registry.identify(path).name == "dingtalk"  # type: ignore[union-attr]
    records = read(path, ctx)
    (msg,) = messages(records)
    assert msg.text == text
    assert msg.timestamp == datetime.fromtimestamp(created_ms / 1000, tz=UTC)
    assert msg.author is not None
    assert (msg.author.native_id, msg.author.name) == ("032615015535634423", "赵文浩 000-0000")
    conv = msg.conversation
    assert (conv.kind, conv.native_id) == ("dm", "cidh6ezDLHQau9V23Es/xSLNoiDDmPuN354KylQ2BaIhuM=")
    assert msg.native_id is not None and msg.native_id.startswith("msg")


def test_group_jsonl_with_frames_and_a_bad_line(ctx: ReadContext) -> None:
    records = read(HERE / "group-callbacks.jsonl", ctx)
    msgs = messages(records)
    assert [m.text for m in msgs] == ["帮我查一下昨天的发布记录", "截图如下[图片]", "语音转写的内容", "私聊的问题"]
    first = msgs[0]
    assert first.conversation.name == "研发群" and first.conversation.kind == "group"
    # The robot itself is not a mention; the other @-ed user is.
    assert [m.native_id for m in first.mentions] == ["staff_sun"]
    assert msgs[1].author is not None and msgs[1].author.name == "孙八"
    assert msgs[3].conversation.kind == "dm" and msgs[3].conversation.native_id == "cidDM=="
    convs = [r.native_id for r in records if isinstance(r, Conversation)]
    assert convs == ["cidGROUP==", "cidDM=="]
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert [(r.where, "not-a-time" in r.reason) for r in rejected] == [("line 6", True)]


def test_list_with_bom(ctx: ReadContext) -> None:
    msgs = messages(read(HERE / "callbacks-list-bom.json", ctx))
    assert [m.text for m in msgs] == ["[文件] 周报.xlsx", "[图片]"]
    assert msgs[0].extra["files"] == ["周报.xlsx"]


def test_frame_with_damaged_data_is_one_rejection(ctx: ReadContext) -> None:
    records = read(HERE / "frame-bad-data.json", ctx)
    assert len(records) == 1 and isinstance(records[0], Rejected)
    assert records[0].where == "data"


def test_truncated_frame_is_a_read_error(ctx: ReadContext) -> None:
    with pytest.raises(ReadError) as info:
        read(HERE / "truncated-frame.json", ctx)
    assert info.value.where.startswith("line ") and "truncated" in info.value.expected


def test_text_export_gbk_takes_platform_from_path(ctx: ReadContext, tmp_path: Path) -> None:
    path = HERE / "钉钉-项目群.txt"
    assert registry.identify(path).name == "chat-text"  # type: ignore[union-attr]
    msgs = messages(read(path, ctx, registry.get("chat-text")))
    assert [(m.author.name if m.author else None, m.text) for m in msgs] == [
        ("钱七", "今天站会改到 9:30"), ("孙八", "收到"), ("周九", "我请假半天"),
    ]
    assert {m.platform for m in msgs} == {"dingtalk"}
    assert msgs[1].timestamp == datetime(2024, 6, 3, 9, 2, 41, tzinfo=SHANGHAI)
    # Forced: the same content under a neutral name still lands on dingtalk.
    neutral = tmp_path / "project.txt"
    shutil.copy(path, neutral)
    forced = messages(read(neutral, ctx, registry.get("dingtalk-text")))
    assert {m.platform for m in forced} == {"dingtalk"} and len(forced) == 3


def test_identify_ignores_other_formats() -> None:
    samples = shared_path("formats", "samples")
    checked = 0
    for folder in ("wecom-archive", "slack-export", "telegram-desktop", "discord-chat-exporter",
                   "ms-teams", "mattermost-bulk-export", "feishu-lark", "qq", "wechat"):
        for path in sorted((samples / folder).rglob("*")):
            if path.is_file():
                checked += 1
                assert not READERS[0].identify(path), path
    assert checked > 15


def test_cli_ingest_reingest_and_failure(run: Runner, home: Path) -> None:
    first = run.json("ingest", str(HERE / "group-callbacks.jsonl"))
    src = first["sources"][0]  # type: ignore[index]
    assert (src["reader"], src["added"], src["rejected"]) == ("dingtalk", 4, 1)
    again = run.json("ingest", str(HERE / "group-callbacks.jsonl"))["sources"][0]  # type: ignore[index]
    assert (again["added"], again["skipped"]) == (0, 4)
    res = run("ingest", str(HERE / "truncated-frame.json"))
    assert res.exit_code == 1
    assert "truncated-frame.json" in res.output and "line " in res.output
    assert count(home) == 4
