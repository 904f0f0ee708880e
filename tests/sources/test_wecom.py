"""WeCom (企业微信) message archive reader: decrypted msgaudit JSON in every container."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from colleague.model import Conversation, Identity, Message, Rejected
from colleague.sources import _jsonstream, _lines, registry
from colleague.sources.base import ReadContext, ReadError
from colleague.sources.wecom import WeComArchiveReader

from conftest import FIXTURES, Runner, shared_path

FIX = FIXTURES / "wecom"
READER = WeComArchiveReader()
T0 = datetime(2024, 3, 4, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai, the fixtures' first message


def _read(path: Path, ctx: ReadContext) -> tuple[list[Message], list[Rejected], list[Conversation], list[Identity]]:
    records = list(READER.read(path, ctx))
    return (
        [r for r in records if isinstance(r, Message)],
        [r for r in records if isinstance(r, Rejected)],
        [r for r in records if isinstance(r, Conversation)],
        [r for r in records if isinstance(r, Identity)],
    )


def _counts(home: Path) -> tuple[int, int]:
    db = sqlite3.connect(home / "corpus.db")
    try:
        return (db.execute("SELECT count(*) FROM messages").fetchone()[0],
                db.execute("SELECT count(*) FROM sources").fetchone()[0])
    finally:
        db.close()


def _sample() -> Path:
    return shared_path("formats", "samples", "wecom-archive",
                       "msgaudit-decrypted-messages.official-doc.jsonl")


# -- the official documentation examples ----------------------------------------------------------
def test_official_examples_every_msgtype(ctx: ReadContext) -> None:
    path = _sample()
    assert READER.identify(path)
    msgs, rejected, convs, people = _read(path, ctx)
    assert rejected == [] and len(msgs) == 27
    assert all(m.global_id and m.native_id for m in msgs)
    by_type = {m.extra.get("msgtype") or m.extra.get("action") or "text": m for m in msgs}
    assert Counter(m.kind for m in msgs) == {"message": 23, "system": 4}
    system_types = sorted(m.extra.get("msgtype") or m.extra.get("action") for m in msgs if m.kind == "system")
    assert system_types == ["agree", "disagree", "revoke", "switch"]
    # Payload keys that differ from msgtype.
    assert by_type["docmsg"].text == "[文档] 测试&演示客户 https://doc.weixin.qq.com/txdoc/excel?docid=xxx"
    assert by_type["markdown"].text == "请前往系统查看，谢谢。"
    assert by_type["news"].text == "service test" and by_type["news"].extra["urls"] == ["http://xxx"]
    assert by_type["external_redpacket"].text == "[红包] 恭喜发财，大吉大利"
    assert by_type["revoke"].extra["recalls"] == "14822339130656386894_1603875600"
    assert by_type["revoke"].text == "撤回了一条消息"
    # chatrecord items are JSON strings with times in seconds; they stay out of the text.
    record = by_type["chatrecord"]
    assert record.text == "[聊天记录] 群聊"
    assert record.extra["chatrecord"] == [
        {"type": "ChatRecordText", "time": "2020-10-28T09:00:10+00:00", "text": "test"},
        {"type": "ChatRecordText", "time": "2020-10-28T09:00:20+00:00", "text": "test2"},
    ]
    assert by_type["mixed"].text == "你好[微笑]\n[图片]"
    assert by_type["file"].extra["files"] == ["资料.docx"]
    assert by_type["image"].timestamp is None  # msgtime 0 in the doc example
    assert by_type["text"].timestamp == datetime(2019, 1, 10, 2, 38, 14, 783000, tzinfo=UTC)
    assert by_type["text"].text == "@nick777"
    assert by_type["text"].extra["quote"] == {"text": '这是一条引用/回复消息："'}
    switch = next(m for m in msgs if m.extra.get("action") == "switch")
    assert switch.author is not None and switch.author.native_id == "XuJinSheng"
    assert switch.timestamp == datetime(2019, 4, 1, 11, 50, 21, 840000, tzinfo=UTC)
    # Conversations: the room id, else the sorted pair as a direct chat.
    assert by_type["text"].conversation.native_id == "dm:XuJinSheng|icefog"
    assert by_type["text"].conversation.kind == "dm"
    collect = by_type["collect"].conversation
    assert (collect.native_id, collect.name, collect.kind) == (
        "wrjc7bDwYAOAhf9quEwRRxyyoMm0QAAA", "这是一个群", "group")
    assert len({c.native_id for c in convs}) == len(convs) == 26  # the first two share a DM
    external = next(p for p in people if p.native_id.startswith("wm"))
    assert external.handle is None and not external.is_bot
    assert next(p for p in people if p.native_id == "kenshin").handle == "kenshin"


# -- fixtures ------------------------------------------------------------------------------------
def test_json_lines_with_bot_recall_switch_and_bad_records(ctx: ReadContext) -> None:
    msgs, rejected, convs, people = _read(FIX / "archive.jsonl", ctx)
    # Line 12 is the array [1, 2]: a line may hold a list of messages, each item is judged.
    assert [r.where for r in rejected] == ["line 10", "line 11", "line 12[0]", "line 12[1]"]
    assert "msgtime" in rejected[0].reason and "invalid JSON" in rejected[1].reason
    assert rejected[2].reason == "a message object, got int"
    assert [m.text for m in msgs] == [
        "大家好，今天下午三点评审发布方案", "收到，我准备材料", "构建失败：main #128",
        "方案我发你邮箱了", "撤回了一条消息", "切换企业", "[聊天记录] 评审记录", "截图如下：\n[图片]",
        "**部署完成** 版本 v2.3.1", "好的，收到",
    ]
    assert [m.kind for m in msgs] == [
        "message", "message", "bot", "message", "system", "system", "message", "message", "bot",
        "message",
    ]
    assert msgs[1].extra["quote"] == {"text": "张伟：今天下午三点评审发布方案"}
    bot = msgs[2].author
    assert bot is not None and bot.is_bot and bot.native_id == "wbBuildBot01"
    assert next(p for p in people if p.native_id == "wbBuildBot01").is_bot
    assert msgs[0].timestamp == T0
    assert msgs[0].conversation.native_id == "wrGroupRelease01"
    assert msgs[3].conversation.native_id == "dm:lina|zhangwei"
    assert msgs[4].conversation == msgs[3].conversation
    assert msgs[4].extra["recalls"] == msgs[3].native_id
    assert msgs[6].extra["chatrecord"][0]["text"] == "上次的结论：先灰度"
    assert msgs[6].extra["chatrecord"][0]["time"] == "2024-03-03T06:00:00+00:00"
    assert [c.native_id for c in convs] == ["wrGroupRelease01", "dm:lina|zhangwei", "events:switch"]


def test_array_in_utf16(ctx: ReadContext) -> None:
    path = FIX / "array-utf16.json"
    assert _lines.sniff(path)[0] == "utf-16-le"
    msgs, rejected, convs, _ = _read(path, ctx)
    assert rejected == []
    assert [m.text for m in msgs] == [
        "您好，合同已经寄出。", "[文档] 合同草案 https://doc.example.invalid/x", "产品手册 第二版",
    ]
    assert [c.native_id for c in convs] == ["dm:wmExternal0001|zhouyu"]
    assert msgs[2].extra["urls"] == ["https://example.invalid/m"]


def test_array_and_stream_parsing_across_tiny_chunks(ctx: ReadContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """Values cut at every possible place by the incremental decoder still parse."""
    whole = _read(FIX / "array-utf16.json", ctx)[0]
    single = _read(FIX / "single-message.json", ctx)[0]
    monkeypatch.setattr(_jsonstream, "_CHUNK", 7)
    assert [m.text for m in _read(FIX / "array-utf16.json", ctx)[0]] == [m.text for m in whole]
    assert [m.text for m in _read(FIX / "single-message.json", ctx)[0]] == [m.text for m in single]


def test_single_pretty_object(ctx: ReadContext) -> None:
    msgs, rejected, convs, _ = _read(FIX / "single-message.json", ctx)
    assert rejected == [] and len(msgs) == 1
    assert msgs[0].text == "[红包] 新年快乐"  # external_redpacket's payload is under "redpacket"
    assert msgs[0].native_id == "msg031_1709532031"


def test_gbk_json_lines(ctx: ReadContext) -> None:
    path = FIX / "archive-gbk.jsonl"
    assert READER.identify(path)
    msgs, _, _, _ = _read(path, ctx)
    assert [m.text for m in msgs] == ["周五前把预算表交给财务", "明白，我来跟进"]


def test_broken_files_are_named_errors(ctx: ReadContext) -> None:
    with pytest.raises(ReadError, match=r"truncated\.jsonl: line 3: a complete JSON object \(file truncated\)"):
        list(READER.read(FIX / "truncated.jsonl", ctx))
    with pytest.raises(ReadError, match=r"broken-array\.json: item\[1\] \(line 3\): valid JSON"):
        list(READER.read(FIX / "broken-array.json", ctx))
    with pytest.raises(ReadError, match="encrypted GetChatData response"):
        list(READER.read(FIX / "encrypted-chatdata.json", ctx))
    with pytest.raises(ReadError, match="a WeCom archive message with msgid and action, got messages"):
        list(READER.read(FIX / "not-wecom.json", ctx))


def test_large_array_streams(tmp_path: Path, ctx: ReadContext) -> None:
    path = tmp_path / "big.json"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[")
        for i in range(20000):
            obj = {"msgid": f"m{i}", "action": "send", "from": f"u{i % 7}", "tolist": ["boss"],
                   "roomid": "wrBig", "msgtime": 1709532000000 + i, "msgtype": "text",
                   "text": {"content": f"第{i}条消息 " + "内容" * (i % 50)}}
            fh.write(("," if i else "") + json.dumps(obj, ensure_ascii=False))
        fh.write("]")
    assert path.stat().st_size > 1 << 20  # several decoder chunks
    msgs, rejected, _, _ = _read(path, ctx)
    assert rejected == [] and len(msgs) == 20000
    assert msgs[-1].text.startswith("第19999条消息")


# -- identify ------------------------------------------------------------------------------------
def test_identify_is_specific() -> None:
    claimed = sorted(p.name for p in FIX.iterdir() if READER.identify(p))
    assert claimed == [
        "archive-gbk.jsonl", "archive.jsonl", "array-utf16.json", "broken-array.json",
        "encrypted-chatdata.json", "single-message.json", "truncated.jsonl",
    ]
    root = shared_path("formats", "samples")
    others = [p for p in root.rglob("*") if p.is_file() and p.parent.name != "wecom-archive"]
    assert [p.name for p in others if READER.identify(p)] == []
    reader = registry.identify(_sample())
    assert reader is not None and reader.name == "wecom"


# -- through the CLI ------------------------------------------------------------------------------
def test_cli_ingest_reingest_and_rejections(run: Runner) -> None:
    first = run.json("ingest", str(_sample()), str(FIX / "archive.jsonl"))
    assert first["failed"] == 0
    sample, archive = first["sources"]
    assert (sample["reader"], sample["added"], sample["rejected"]) == ("wecom", 27, 0)
    assert (archive["added"], archive["rejected"]) == (10, 4)
    assert [r["where"] for r in archive["rejections"]] == [
        "line 10", "line 11", "line 12[0]", "line 12[1]"]
    again = run.json("ingest", str(_sample()), str(FIX / "archive.jsonl"))
    assert [s["added"] for s in again["sources"]] == [0, 0]
    assert [s["skipped"] for s in again["sources"]] == [27, 10]


def test_cli_broken_files_fail_and_store_is_unchanged(run: Runner, home: Path) -> None:
    assert run.json("ingest", str(FIX / "single-message.json"))["sources"][0]["added"] == 1
    before = _counts(home)
    for name, where in (("truncated.jsonl", "line 3"), ("broken-array.json", "item[1]"),
                        ("encrypted-chatdata.json", "line 1")):
        res = run("ingest", str(FIX / name))
        assert res.exit_code == 1, name
        err = " ".join(res.stderr.split())
        assert str(FIX / name) in err and where in err, err
        assert _counts(home) == before
