"""Feishu/Lark readers: Open API JSON, event callbacks, ad-hoc JSON exports and chat text."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from colleague.model import Conversation, Message, Record, Rejected
from colleague.sources import registry
from colleague.sources._chatlines import guess_platform, parse_time_value
from colleague.sources.base import ReadContext, ReadError
from colleague.sources.feishu import READERS, FeishuReader, _Mentions, _render

from conftest import FIXTURES, Runner, shared_path

HERE = FIXTURES / "feishu"
READER = FeishuReader()
SHANGHAI = ZoneInfo("Asia/Shanghai")


def read(path: Path, ctx: ReadContext, reader: Any = READER) -> list[Record]:
    return list(reader.read(path, ctx))


def messages(records: list[Record]) -> list[Message]:
    return [r for r in records if isinstance(r, Message)]


def count(home: Path, table: str = "messages") -> int:
    db_file = home / "corpus.db"
    if not db_file.exists():
        return 0
    conn = sqlite3.connect(db_file)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


# -- Open API ----------------------------------------------------------------------------------
def test_list_page_every_msg_type(ctx: ReadContext) -> None:
    records = read(HERE / "api-list-page.json", ctx)
    msgs = messages(records)
    # 14 items, one recalled (deleted) → 13 messages, none dropped.
    assert len(msgs) == 13
    by_id = {m.native_id: m for m in msgs}
    assert "om_a10" not in by_id
    first = by_id["om_a1"]
    assert first.text == "@李四 明天评审接口设计"
    assert first.author is not None and first.author.native_id == "ou_zhang"
    assert [(m.native_id, m.name) for m in first.mentions] == [("ou_li", "李四")]
    assert first.timestamp == datetime(2024, 5, 1, 3, 1, tzinfo=UTC)
    assert first.global_id is True and first.conversation.native_id == "oc_team"
    reply = by_id["om_a2"]
    assert reply.text == "评审意见\n@张三 字段命名统一用下划线，规范 (https://example.com/spec)\n[图片]"
    assert reply.reply_to == "om_a1" and reply.thread == "om_a1"
    assert reply.extra["title"] == "评审意见"
    assert by_id["om_a3"].text == "周报\n完成登录模块重构"  # {"zh_cn": {...}}
    assert by_id["om_a4"].text == "Deployed to staging"  # {"post": {"en_us": {...}}}
    assert by_id["om_a5"].text == "[图片]"
    assert by_id["om_a6"].text == "[文件] 接口设计.docx"
    assert by_id["om_a6"].extra["files"] == ["接口设计.docx"]
    assert by_id["om_a7"].text == "[表情]"
    card = by_id["om_a8"]
    assert card.kind == "bot" and card.author is not None and card.author.is_bot
    assert card.text == "构建失败\n分支 main 第 42 次构建失败"  # button label left out
    system = by_id["om_a9"]
    assert system.kind == "system" and system.author is None
    assert system.text == "张三 invited 王五、赵六 to this chat."
    edited = by_id["om_a11"]
    assert edited.edited == datetime(2024, 5, 1, 3, 11, 30, tzinfo=UTC)
    assert by_id["om_a12"].text == "@所有人 周五下午三点开会"
    assert by_id["om_a13"].text == "[合并转发]"
    child = by_id["om_a14"]
    assert child.extra["upper_message_id"] == "om_a13" and child.text == "被转发的原话"
    assert child.conversation.native_id == "oc_other"
    convs = [r.native_id for r in records if isinstance(r, Conversation)]
    assert convs == ["oc_team", "oc_other"]


def test_jsonl_of_items_and_pages(ctx: ReadContext) -> None:
    msgs = messages(read(HERE / "items.jsonl", ctx))
    assert [m.text for m in msgs] == ["第一行 JSONL 消息", "第二条", "分页里的一条"]
    assert [m.native_id for m in msgs] == ["om_a21", "om_a22", "om_a23"]


def test_bare_list_with_bom(ctx: ReadContext) -> None:
    msgs = messages(read(HERE / "bare-items-bom.json", ctx))
    assert [m.text for m in msgs] == ["带 BOM 的文件", "第二条消息"]


def test_event_callbacks(ctx: ReadContext) -> None:
    records = read(HERE / "events.jsonl", ctx)
    msgs = messages(records)
    assert len(msgs) == 2  # the recall event carries no words
    post, private = msgs
    assert post.text == "请 @李四 看下"
    assert [m.native_id for m in post.mentions] == ["ou_li"]
    assert post.author is not None and post.author.native_id == "ou_zhang"
    kinds = {r.native_id: r.kind for r in records if isinstance(r, Conversation)}
    assert kinds == {"oc_team": "group", "oc_p2p": "dm"}
    assert private.text == "私聊：好的"


def test_post_body_shapes() -> None:
    rows = [[{"tag": "text", "text": "上线"}, {"tag": "at", "user_id": "ou_9", "user_name": "赵六"}]]
    for body in ({"title": "T", "content": rows}, {"zh_cn": {"title": "T", "content": rows}},
                 {"post": {"zh_cn": {"title": "T", "content": rows}}}):
        mentions = _Mentions()
        text, kind, _ = _render("post", body, mentions)
        assert (text, kind) == ("T\n上线@赵六", "message")
        assert [m.native_id for m in mentions.identities()] == ["ou_9"]


def test_raw_card_and_card_v2() -> None:
    card = {"header": {"title": {"tag": "plain_text", "content": "发布通知"}},
            "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": "v1.2 已上线"}},
                         {"tag": "action", "actions": [{"tag": "button",
                                                        "text": {"tag": "plain_text", "content": "查看"}}]}]}
    assert _render("interactive", card, _Mentions())[0] == "发布通知\nv1.2 已上线"
    v2 = {"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "**完成**"}]}}
    assert _render("interactive", v2, _Mentions())[0] == "**完成**"


def test_official_doc_samples(ctx: ReadContext) -> None:
    base = shared_path("formats", "samples", "feishu-lark")
    listed = messages(read(base / "im-v1-messages-list.response.official-doc.json", ctx))
    assert len(listed) == 1
    msg = listed[0]
    # msg_type says interactive but the body is a text body: the text is kept, not dropped.
    assert msg.text == "test content" and msg.kind == "bot"
    assert msg.native_id == "om_dc13264520392913993dd051dba21dcf"
    assert msg.thread == "om_40eb06e7b84dc71c03e009ad3c754195"
    assert msg.reply_to == "om_d4be107c616aed9c1da8ed8068570a9f"
    assert msg.timestamp == datetime(2021, 3, 10, 12, 49, 33, 411000, tzinfo=UTC)
    got = messages(read(base / "im-v1-messages-get.response.official-doc.json", ctx))
    assert [m.text for m in got] == ["test content"]
    merged = messages(read(base / "im-v1-messages-merge_forward.response.official-doc.json", ctx))
    assert [m.text for m in merged] == ["[合并转发]"]
    event = messages(read(base / "event-im.message.receive_v1.official-doc.json", ctx))
    assert [m.text for m in event] == ["@Tom hello"]
    assert event[0].author is not None
    assert event[0].author.native_id == "ou_84aad35d084aa403a838cf73ee18467"
    assert event[0].conversation.kind == "group"
    assert read(base / "event-im.message.recalled_v1.official-doc.json", ctx) == []


def test_content_of_every_documented_msg_type() -> None:
    path = shared_path("formats", "samples", "feishu-lark", "message-content-by-msg_type.official-doc.json")
    samples = json.loads(path.read_text(encoding="utf-8"))
    mentions = _Mentions.from_api([{"key": "@_user_1", "id": "ou_1", "name": "Tom"}])
    got = {k: _render(k.split("#")[0], v, mentions) for k, v in samples.items() if not k.startswith("_")}
    assert got["text"][0] == "@Tom 文本消息"
    assert got["post"][0].startswith("我是一个标题\n第一行 :超链接 (http://www.feishu.cn)@Tom\n[图片]")
    assert "func main() int64" in got["post"][0]
    assert got["image"][0] == "[图片]" and got["sticker"][0] == "[表情]"
    assert got["media"][0] == "[视频] 测试视频.mp4"
    assert got["interactive"][0].startswith("卡片标题\n")
    assert "主按钮" not in got["interactive"][0] and "@Tom更高效" in got["interactive"][0]
    assert got["system"] == ("botName invited 小明、小王、小红 to this chat.", "system", {})
    assert got["system#divider"][0] == "新会话"
    assert got["vote"][0] == "[投票] 投票测试：选项1、选项2、选项3"
    assert got["todo"][0] == "[任务] 多吃水果，多运动，健康生活，快乐工作。"
    assert all(text for text, _, _ in got.values())  # nothing renders empty


# -- ad-hoc JSON exports -------------------------------------------------------------------------
def test_adhoc_export(ctx: ReadContext) -> None:
    records = read(HERE / "adhoc-messages.json", ctx)
    msgs = messages(records)
    assert [(m.author.name if m.author else None, m.text) for m in msgs] == [
        ("张三", "本周目标：上线搜索"),
        ("李四", "收到，我负责索引"),
        ("王五", "我来写测试用例"),
        ("张三", "好"),
        ("李四", "没有时间的消息"),
    ]
    assert msgs[0].timestamp == datetime(2024, 5, 1, 3, 0, tzinfo=UTC)  # epoch seconds
    assert msgs[1].timestamp == datetime(2024, 5, 1, 3, 1, tzinfo=UTC)  # epoch ms
    assert msgs[2].timestamp == datetime(2024, 5, 1, 11, 2, tzinfo=SHANGHAI)  # naive → ctx.tz
    assert msgs[4].timestamp is None
    assert msgs[1].author is not None and msgs[1].author.native_id == "ou_li"
    assert msgs[0].conversation.name == "产品周会群"
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert [r.where for r in rejected] == ["messages[5]", "messages[6]"]
    assert "昨天下午" in rejected[0].reason


@pytest.mark.parametrize(
    ("name", "texts"),
    [("adhoc-records-gbk.json", ["编码是国标码", "收到"]), ("adhoc-list-utf16.json", ["UTF-16 也能读"])],
)
def test_adhoc_encodings(name: str, texts: list[str], ctx: ReadContext) -> None:
    assert READER.identify(HERE / name)
    assert [m.text for m in messages(read(HERE / name, ctx))] == texts


# -- chat text exports ---------------------------------------------------------------------------
def test_text_one_line_layout_bom_crlf(ctx: ReadContext) -> None:
    path = HERE / "feishu-chat-oneline.txt"
    assert registry.identify(path).name == "chat-text"  # type: ignore[union-attr]
    msgs = messages(read(path, ctx, registry.get("chat-text")))
    assert [(m.author.name if m.author else None, m.text) for m in msgs] == [
        ("张三", "早上好，今天评审接口"), ("李四", "好的\n我十点有空"), ("王五", "+1"),
    ]
    assert msgs[1].timestamp == datetime(2024, 5, 6, 9, 31, 20, tzinfo=SHANGHAI)
    assert {m.platform for m in msgs} == {"feishu"}  # the folder says feishu


def test_text_two_line_gb18030_utf16_and_bad_bytes(ctx: ReadContext) -> None:
    reader = registry.get("chat-text")
    two = messages(read(HERE / "feishu-chat-twoline-gb18030.txt", ctx, reader))
    assert [m.text for m in two] == ["第一版设计稿已上传\n请大家看看", "收到😀"]
    assert two[1].timestamp == datetime(2024, 5, 6, 10, 5, 12, tzinfo=SHANGHAI)
    wide = messages(read(HERE / "chat-utf16.txt", ctx, reader))
    assert [m.text for m in wide] == ["UTF-16 编码的导出", "没问题"]
    bad = messages(read(HERE / "chat-bad-bytes.txt", ctx, reader))
    assert bad[0].text == "正常的一行"
    assert bad[1].text.startswith("坏字节") and bad[1].text.endswith("在这里")


def test_text_platform_from_path_or_format(tmp_path: Path, ctx: ReadContext, run: Runner) -> None:
    plain = tmp_path / "export.txt"
    plain.write_text("2024-05-06 09:30 张三：你好\n2024-05-06 09:31 李四：你好\n", encoding="utf-8")
    assert {m.platform for m in messages(read(plain, ctx, registry.get("chat-text")))} == {"chat"}
    assert guess_platform(tmp_path / "飞书群聊.txt") == "feishu"
    assert guess_platform(tmp_path / "lark" / "x.txt") == "feishu"
    assert guess_platform(tmp_path / "clarke.txt") == "chat"
    res = run.json("ingest", str(plain), "--format", "feishu-text", "--tz", "Asia/Shanghai")
    assert res["sources"][0]["reader"] == "feishu-text" and res["sources"][0]["added"] == 2  # type: ignore[index]
    people = run.json("people")
    assert {p["name"] for p in people} == {"张三", "李四"}  # type: ignore[union-attr]


def test_twelve_hour_and_chinese_clock() -> None:
    assert parse_time_value("2019-09-23 8:43:38 PM", SHANGHAI) == datetime(2019, 9, 23, 20, 43, 38, tzinfo=SHANGHAI)
    assert parse_time_value("2019-09-23 12:05 AM", SHANGHAI) == datetime(2019, 9, 23, 0, 5, tzinfo=SHANGHAI)
    assert parse_time_value("2021/8/20 下午 2:04:59", SHANGHAI) == datetime(2021, 8, 20, 14, 4, 59, tzinfo=SHANGHAI)
    assert parse_time_value("1714532400000", SHANGHAI) == datetime(2024, 5, 1, 3, tzinfo=UTC)
    assert parse_time_value("yesterday", SHANGHAI) is None


# -- identify ------------------------------------------------------------------------------------
def test_identify_claims_only_feishu(tmp_path: Path) -> None:
    for name in ("api-list-page.json", "items.jsonl", "events.jsonl", "adhoc-messages.json",
                 "bare-items-bom.json"):
        assert READER.identify(HERE / name), name
    slack_day = tmp_path / "2016-07-27.json"
    slack_day.write_text(json.dumps([{"type": "message", "user": "U1", "text": "hi", "ts": "1.2"}]))
    doc = tmp_path / "notes.txt"
    doc.write_text("会议纪要\n2024-05-06 10:00 开会\n讨论了排期。\n下一步：\n- 张三：接口\n- 李四：测试\n"
                   "补充说明若干。\n更多内容。\n", encoding="utf-8")
    irc = tmp_path / "fluid.log"
    irc.write_text("2016-10-03T18:02:59 <Justin_o> hi\n2016-10-03T18:03:09 <Bosmon7> Wait\n")
    weechat = tmp_path / "weechat.log"
    weechat.write_text("2024-01-01 10:00:00\tnick\thello\n2024-01-01 10:00:05\tother\thi\n")
    for path in (slack_day, doc, irc, weechat):
        assert not any(r.identify(path) for r in READERS), path.name


def test_identify_leaves_other_formats_samples_alone() -> None:
    samples = shared_path("formats", "samples")
    checked = 0
    for folder in sorted(samples.iterdir()):
        if folder.name in ("feishu-lark", "dingtalk", "qq") or not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                checked += 1
                assert not any(r.identify(path) for r in READERS), path
    assert checked > 20


# -- through the CLI -----------------------------------------------------------------------------
def test_cli_ingest_and_reingest(run: Runner) -> None:
    path = HERE / "api-list-page.json"
    first = run.json("ingest", str(path))
    src = first["sources"][0]  # type: ignore[index]
    assert (src["reader"], src["added"], src["status"]) == ("feishu", 13, "ok")
    again = run.json("ingest", str(path))["sources"][0]  # type: ignore[index]
    assert (again["added"], again["skipped"]) == (0, 13)
    # Sender names come from mentions: ou_li is named by message 1's mention.
    names = {p["name"] for p in run.json("people")}  # type: ignore[union-attr]
    assert {"李四", "张三"} <= names


def test_cli_truncated_file_fails_whole(run: Runner, home: Path) -> None:
    run.json("ingest", str(HERE / "items.jsonl"))
    before = count(home)
    res = run("ingest", str(HERE / "truncated-page.json"))
    assert res.exit_code == 1
    assert "truncated-page.json" in res.output and "line " in res.output
    assert "ends early" in res.output
    assert count(home) == before == 3


def test_cli_error_response_is_named(run: Runner, home: Path) -> None:
    res = run("ingest", "--format", "feishu", str(HERE / "error-response.json"))
    assert res.exit_code == 1
    assert "error-response.json" in res.output and "230002" in res.output
    assert count(home) == 0


def test_truncated_read_error_names_line(ctx: ReadContext) -> None:
    with pytest.raises(ReadError) as info:
        read(HERE / "truncated-page.json", ctx)
    assert info.value.where.startswith("line ")
    assert info.value.path.endswith("truncated-page.json")


def test_adhoc_export_with_msg_type_keeps_its_sender(tmp_path, ctx) -> None:  # type: ignore[no-untyped-def]
    """Ad-hoc exports often copy `msg_type`; the string sender still makes them ad-hoc."""
    import json

    from colleague.model import Message
    from colleague.sources.feishu import READERS

    path = tmp_path / "chat.json"
    path.write_text(json.dumps([
        {"sender_name": "王芳", "msg_type": "text", "content": "收到", "create_time": 1710000000000,
         "chat_id": "oc_1", "chat_name": "支付组"},
    ], ensure_ascii=False), encoding="utf-8")
    reader = next(r for r in READERS if r.name == "feishu")
    msgs = [r for r in reader.read(path, ctx) if isinstance(r, Message)]
    assert [(m.author.name if m.author else None, m.text, m.conversation.name) for m in msgs] == [
        ("王芳", "收到", "支付组")]
