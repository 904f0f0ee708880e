"""WeChat readers: WeChatMsg/MemoTrace CSV and TXT, PyWxDump CSV (both layouts)."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from colleague.model import Conversation, Message, Rejected
from colleague.sources import registry
from colleague.sources._lines import sniff
from colleague.sources.base import ReadContext, ReadError
from colleague.sources.wechat import (
    PyWxDumpCsvReader,
    WeChatMsgCsvReader,
    WeChatMsgTxtReader,
    parse_time,
)

from conftest import FIXTURES, SAMPLES, Runner, shared_path

FIX = FIXTURES / "wechat"
SH = ZoneInfo("Asia/Shanghai")
WCM = WeChatMsgCsvReader()
TXT = WeChatMsgTxtReader()
PWD = PyWxDumpCsvReader()
MINE = (WCM, TXT, PWD)


def _read(reader, path: Path, ctx: ReadContext) -> tuple[list[Message], list[Rejected], list[Conversation]]:  # type: ignore[no-untyped-def]
    records = list(reader.read(path, ctx))
    return (
        [r for r in records if isinstance(r, Message)],
        [r for r in records if isinstance(r, Rejected)],
        [r for r in records if isinstance(r, Conversation)],
    )


def _at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SH)


def _counts(home: Path) -> tuple[int, int]:
    db = sqlite3.connect(home / "corpus.db")
    try:
        return (db.execute("SELECT count(*) FROM messages").fetchone()[0],
                db.execute("SELECT count(*) FROM sources").fetchone()[0])
    finally:
        db.close()


# -- PyWxDump, real samples ---------------------------------------------------------------------
def test_pywxdump_old_layout_real_sample(ctx: ReadContext) -> None:
    path = shared_path("formats", "samples", "wechat", "pywxdump-csv-v1-content-json.example_chat.csv")
    assert PWD.identify(path) and not WCM.identify(path) and not TXT.identify(path)
    msgs, rejected, convs = _read(PWD, path, ReadContext(tz=SH, self_name="小林"))
    assert rejected == []
    assert [(c.native_id, c.kind) for c in convs] == [("xinglaifaxianzhe", "dm")]
    assert [m.text for m in msgs] == [
        "你已添加了白桃乌龙，现在可以开始聊天了。", "哦吼", "[表情包]", "是耶", "[表情包]", "[图片]",
        "今天天气不错嘞", "哪天不hot",
    ]
    assert msgs[0].kind == "system" and msgs[0].author is None
    assert msgs[0].native_id == "953020244103908134"
    # talker "我" is the exporting user: named by --me, keyed by it as no wxid is given.
    me = msgs[1].author
    assert me is not None and (me.native_id, me.name) == ("me:小林", "小林")
    assert msgs[2].author is not None and msgs[2].author.native_id == "xinglaifaxianzhe"
    assert msgs[1].timestamp == _at("2023-08-12 23:22:54")
    assert msgs[5].extra["media"] == "image"
    assert sum(1 for m in msgs if m.author == me) == 3


def test_pywxdump_new_layout_real_sample(ctx: ReadContext) -> None:
    path = shared_path("formats", "samples", "wechat", "pywxdump-csv-v2-msg-src.test_person.csv")
    msgs, rejected, _ = _read(PWD, path, ctx)
    assert rejected == [] and len(msgs) == 11
    by_id = {m.native_id: m for m in msgs}
    quote = by_id["1244017411047763227"]
    assert quote.text == "（我们两个人骑）"
    assert quote.extra["quote"] == {
        "time": "2024-10-04 21:25:04", "name": "小虫", "text": "我之前租的时候 人家说这个没劲儿 租了个大的",
    }
    recall = by_id["7646558619446387721"]
    assert (recall.kind, recall.text, recall.extra.get("recall")) == ("system", "你撤回了一条消息", True)
    assert recall.author is not None and recall.author.native_id == "12345iru2zsmo22"
    # Row 1 is received (is_sender 0) although the anonymiser put the owner's id in talker.
    first = by_id["7437267147299592543"]
    assert first.author is not None and first.author.native_id == "test_person"
    # Excel dropped the seconds and the padding: "2024/10/4 11:42".
    assert first.timestamp == _at("2024-10-04 11:42:00")
    assert by_id["1133854364527684495"].text == "[表情包]"
    assert by_id["1337798072543283708"].text == ""  # the empty row upstream, kept as is
    mine = [m for m in msgs if m.author and m.author.native_id == "12345iru2zsmo22"]
    assert len(mine) == 6


# -- PyWxDump, fixtures ---------------------------------------------------------------------------
def test_pywxdump_group_chat(ctx: ReadContext) -> None:
    path = FIX / "pywxdump" / "43210987654@chatroom_0_500.csv"
    msgs, rejected, convs = _read(PWD, path, ctx)
    assert [(c.native_id, c.kind) for c in convs] == [("43210987654@chatroom", "group")]
    assert [(r.where, r.reason.split(",")[0]) for r in rejected] == [
        ("line 15", "is_sender 0 or 1"), ("line 16", "a CreateTime date or epoch"),
    ]
    assert len(msgs) == 10
    by_id = {m.native_id: m for m in msgs}
    assert by_id["1003"].text == "收到"
    assert by_id["1003"].extra["quote"]["name"] == "李雷"
    assert by_id["1003"].timestamp == _at("2024-05-06 10:02:00")  # epoch seconds in CreateTime
    assert by_id["1003"].author is not None and by_id["1003"].author.native_id == "wxid_chenjing"
    assert by_id["1004"].kind == "system" and by_id["1004"].author is None
    assert by_id["1005"].kind == "system" and by_id["1005"].author is not None
    assert by_id["1006"].extra["url"] == "https://example.com/manual"
    assert by_id["1006"].text == "发布手册\n上线步骤\n\nhttps://example.com/manual"
    assert by_id["1008"].author is None and by_id["1008"].kind == "message"  # talker 未知
    assert by_id["1012"].text == "[文件] 发布清单.xlsx"
    assert by_id["1012"].extra["files"] == ["发布清单.xlsx"]
    no_id = [m for m in msgs if m.native_id is None]
    assert [m.text for m in no_id] == ["没有服务器 id"]  # MsgSvrID 0 → content hash
    assert no_id[0].timestamp == _at("2024-05-06 10:10:00")


def test_pywxdump_old_layout_in_gbk(ctx: ReadContext) -> None:
    path = FIX / "pywxdump-gbk" / "wxid_zhao_0_100.csv"
    assert sniff(path)[0] == "gb18030"
    msgs, rejected, _ = _read(PWD, path, ctx)
    assert [m.text for m in msgs] == ["周报写好了吗？", "写好了，马上发你", "[表情包]"]
    assert msgs[1].author is not None and msgs[1].author.native_id == "me"
    assert rejected == [Rejected("line 4", 'content: a JSON object {"src": …, "msg": …}')]


def test_pywxdump_utf16_and_epoch_milliseconds(ctx: ReadContext) -> None:
    path = FIX / "pywxdump-utf16" / "wxid_qian_0_50.csv"
    assert PWD.identify(path)
    msgs, rejected, _ = _read(PWD, path, ctx)
    assert rejected == []
    assert [m.text for m in msgs] == ["明天的会议室订好了", "谢谢，几楼？", "三楼 305"]
    assert msgs[2].timestamp == _at("2024-06-01 09:02:00")


def test_pywxdump_without_room_name_column(ctx: ReadContext) -> None:
    msgs, _, convs = _read(PWD, FIX / "pywxdump" / "wxid_sun_0_10.csv", ctx)
    assert [(c.native_id, c.kind) for c in convs] == [("wxid_sun", "dm")]
    assert [(m.author.native_id if m.author else None, m.text) for m in msgs] == [
        ("wxid_sun", "在吗"), ("wxid_lilei", "在"),
    ]


def test_pywxdump_truncated_and_wrong_layout(ctx: ReadContext) -> None:
    with pytest.raises(ReadError, match=r"line 4: a row of 9 fields, got 7 \(file truncated"):
        list(PWD.read(FIX / "pywxdump-truncated" / "wxid_qian_0_50.csv", ctx))
    wrong = FIX / "pywxdump-broken" / "wrong-layout.csv"
    assert not PWD.identify(wrong)
    with pytest.raises(ReadError, match="line 1: a PyWxDump CSV header with CreateTime"):
        list(PWD.read(wrong, ctx))


# -- WeChatMsg CSV --------------------------------------------------------------------------------
def test_wechatmsg_direct_chat(ctx: ReadContext) -> None:
    path = FIX / "wechatmsg" / "张三" / "张三_utf8.csv"
    msgs, rejected, convs = _read(WCM, path, ctx)
    assert rejected == []
    assert [(c.native_id, c.name, c.kind) for c in convs] == [("wxid_zhangsan", "张三", "dm")]
    assert [m.text for m in msgs] == [
        "你已添加了张三，现在可以开始聊天了。", "早上好，今天的周会改到十点。", "收到👌\n我把议程发群里",
        "[图片]", "[语音]", "[表情包]", "好的，我十点前到", "[文件] 周会议程.docx",
        "发布流程说明\n上线前请先看这一页\nhttps://example.com/release?a=1&b=2", "你撤回了一条消息",
        "好的，没问题",
    ]
    assert [m.kind for m in msgs].count("system") == 2
    assert msgs[0].author is None
    me = msgs[1].author
    assert me is not None and (me.native_id, me.name) == ("wxid_lilei", "李雷")
    other = msgs[2].author
    assert other is not None and (other.native_id, other.name) == ("wxid_zhangsan", "张三")
    assert msgs[1].timestamp == _at("2024-03-01 09:01:00")
    assert msgs[6].extra["quote"] == {
        "name": "张三", "text": "收到👌 我把议程发群里", "svrid": "8123456789012345678",
        "time": "1709254920",
    }
    assert msgs[7].extra["files"] == ["周会议程.docx"]
    assert msgs[9].extra["recall"] is True and msgs[9].author == me
    assert all(m.native_id is None for m in msgs)  # localId is not a message id
    # --me names the exporting user; the wxid from the file still keys it.
    named = _read(WCM, path, ReadContext(tz=SH, self_name="Li Lei"))[0][1].author
    assert named is not None and (named.native_id, named.name) == ("wxid_lilei", "Li Lei")


def test_wechatmsg_group_chat_with_bad_rows(ctx: ReadContext) -> None:
    msgs, rejected, convs = _read(WCM, FIX / "wechatmsg" / "项目群_utf8.csv", ctx)
    assert [(c.native_id, c.name, c.kind) for c in convs] == [("remark:项目群", "项目群", "group")]
    assert [r.where for r in rejected] == ["line 5", "line 8", "line 9"]
    assert "Type" in rejected[0].reason and "CreateTime" in rejected[1].reason
    assert len(msgs) == 6
    authors = [m.author.name if m.author else None for m in msgs]
    assert authors == [None, "王小明", "李雷", "陈静", "陈静", "构建机器人"]
    assert msgs[4].timestamp == _at("2024-03-02 10:05:00")  # only StrTime given
    bot = msgs[5]
    assert bot.kind == "bot" and bot.author is not None and bot.author.is_bot


def test_wechatmsg_gbk_after_excel(ctx: ReadContext) -> None:
    path = FIX / "wechatmsg-gbk" / "李四_utf8.csv"
    assert WCM.identify(path)
    msgs, rejected, convs = _read(WCM, path, ctx)
    assert rejected == [] and convs[0].native_id == "wxid_lisi"
    assert [m.text for m in msgs] == ["请把季度报表发我一下，谢谢！", "好的，马上发。", "收到，辛苦了"]


def test_large_gbk_csv_is_decoded_across_the_sniffed_head(tmp_path: Path, ctx: ReadContext) -> None:
    """The 64 KiB head ends inside a two-byte character: still GBK, every row intact."""
    header = ["localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status",
              "StrContent", "StrTime", "Remark", "NickName", "Sender"]
    for pad in range(60):  # shift the text until byte 65536 falls inside a character
        texts = [f"第{i}条：请把季度报表和预算表发我一下，谢谢" + "好" * (i % 7) for i in range(1500)]
        texts[0] = "x" * pad + texts[0]
        rows = [header] + [
            [str(i), "9", "1", "0", str(i % 2), str(1711965600 + i), "2", text,
             "2024-04-01 18:00:00", "李四", "四哥", "wxid_lisi" if i % 2 == 0 else "wxid_me"]
            for i, text in enumerate(texts)
        ]
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        data = buf.getvalue().encode("gbk")
        try:
            data[:65536].decode("gb18030")
        except UnicodeDecodeError:
            break
    else:
        raise AssertionError("could not place a character across the head boundary")
    path = tmp_path / "大表_utf8.csv"
    path.write_bytes(data)
    assert len(data) > 2 * 65536
    assert sniff(path)[0] == "gb18030"
    msgs, rejected, _ = _read(WCM, path, ctx)
    assert rejected == []
    assert [m.text for m in msgs] == texts


def test_wechatmsg_truncated_in_a_quoted_field(ctx: ReadContext) -> None:
    with pytest.raises(ReadError, match=r"截断_utf8\.csv: line 6: a closing quote \(file truncated\)"):
        list(WCM.read(FIX / "wechatmsg-truncated" / "截断_utf8.csv", ctx))


# -- WeChatMsg TXT --------------------------------------------------------------------------------
def test_wechatmsg_txt(ctx: ReadContext) -> None:
    path = FIX / "wechatmsg-txt" / "张三" / "张三.txt"
    msgs, rejected, convs = _read(TXT, path, ReadContext(tz=SH, self_name="李雷"))
    assert [(c.native_id, c.kind) for c in convs] == [("remark:张三", "dm")]
    assert rejected == [Rejected("line 26", "a valid date-time, got '2024-02-30 09:09:30'")]
    assert [(m.kind, m.text) for m in msgs] == [
        ("system", "你已添加了张三，现在可以开始聊天了。"),
        ("message", "早上好，今天的周会改到十点。"),
        ("message", "收到👌\n我把议程发群里"),
        ("message", "[图片]"),
        ("message", "好的，我十点前到"),
        ("message", "发布流程说明\n上线前请先看这一页\nhttps://example.com/release"),
        ("system", "你撤回了一条消息"),
        ("message", "第一段\n\n第二段（同一条消息里的空行）"),
    ]
    assert msgs[4].extra["quote"] == {"name": "张三", "text": "收到👌 我把议程发群里"}
    assert msgs[5].extra["url"] == "https://example.com/release"
    me = msgs[1].author
    assert me is not None and (me.native_id, me.name) == ("me:李雷", "李雷")
    other = msgs[2].author
    assert other is not None and (other.native_id, other.name) == ("name:张三", "张三")
    assert msgs[2].timestamp == _at("2024-03-01 09:02:00")


def test_wechatmsg_txt_utf16(ctx: ReadContext) -> None:
    path = FIX / "wechatmsg-txt" / "王五-utf16.txt"
    assert TXT.identify(path)
    msgs, rejected, _ = _read(TXT, path, ctx)
    assert rejected == []
    assert [(m.author.name if m.author else None, m.text) for m in msgs] == [
        ("王五", "[表情包]"), ("王五", "五一快乐！"), ("李雷", "同乐同乐"),
    ]


def test_txt_needs_a_wechat_marker_or_layout(tmp_path: Path) -> None:
    body = "2024-03-01 09:01:00 李雷\n早上好\n\n2024-03-01 09:02:00 张三\n收到\n\n"
    plain = tmp_path / "chat.txt"
    plain.write_text(body, encoding="utf-8")
    assert not TXT.identify(plain)  # the same shape as QQ/Feishu two-line logs
    laid_out = tmp_path / "聊天记录" / "张三" / "张三.txt"
    laid_out.parent.mkdir(parents=True)
    laid_out.write_text(body, encoding="utf-8")
    assert TXT.identify(laid_out)
    with pytest.raises(ReadError, match="line 2: a '{YYYY-MM-DD HH:MM:SS} {name}' line"):
        bad = tmp_path / "x.txt"
        bad.write_text("\nhello\n", encoding="utf-8")
        list(TXT.read(bad, ReadContext(tz=SH)))


# -- identify -------------------------------------------------------------------------------------
def test_each_fixture_is_claimed_by_exactly_its_reader() -> None:
    expected = {
        "wechatmsg": sorted((FIX / "wechatmsg").rglob("*.csv")) + [
            FIX / "wechatmsg-gbk" / "李四_utf8.csv", FIX / "wechatmsg-truncated" / "截断_utf8.csv"],
        "wechatmsg-txt": sorted((FIX / "wechatmsg-txt").rglob("*.txt")),
        "pywxdump": sorted((FIX / "pywxdump").glob("*.csv")) + [
            FIX / "pywxdump-gbk" / "wxid_zhao_0_100.csv", FIX / "pywxdump-utf16" / "wxid_qian_0_50.csv",
            FIX / "pywxdump-truncated" / "wxid_qian_0_50.csv"],
    }
    assert sum(len(v) for v in expected.values()) == 11
    for name, paths in expected.items():
        for path in paths:
            assert [r.name for r in MINE if r.identify(path)] == [name], path
            reader = registry.identify(path)
            assert reader is not None and reader.name == name, path
    for path in sorted((FIX / "not-wechat").iterdir()):
        assert not any(r.identify(path) for r in MINE), path


def test_other_formats_samples_are_not_claimed() -> None:
    root = shared_path("formats", "samples")
    others = [p for p in root.rglob("*") if p.is_file() and p.parent.name != "wechat"]
    assert len(others) > 20
    claimed = [(r.name, p.name) for p in others for r in MINE if r.identify(p)]
    assert claimed == []
    assert not any(r.identify(SAMPLES / "wechat") for r in MINE)  # a folder is not a file


def test_parse_time_variants() -> None:
    assert parse_time("1709254920", SH) == datetime(2024, 3, 1, 1, 2, tzinfo=UTC)
    assert parse_time("1709254920000", SH) == datetime(2024, 3, 1, 1, 2, tzinfo=UTC)
    assert parse_time("2024/10/4 9:05", SH) == _at("2024-10-04 09:05:00")
    assert parse_time("2024-10-04 09:05", SH) == _at("2024-10-04 09:05:00")
    assert parse_time("昨天", SH) is None and parse_time("", SH) is None


# -- through the CLI ------------------------------------------------------------------------------
def test_cli_ingest_samples_and_reingest_adds_nothing(run: Runner) -> None:
    folder = shared_path("formats", "samples", "wechat")
    files = [str(p) for p in sorted(folder.glob("*.csv"))]
    first = run.json("ingest", *files, "--tz", "Asia/Shanghai", "--me", "小林")
    assert first["failed"] == 0
    assert sorted((s["reader"], s["added"]) for s in first["sources"]) == [
        ("pywxdump", 8), ("pywxdump", 11)]
    again = run.json("ingest", *files, "--tz", "Asia/Shanghai", "--me", "小林")
    assert [s["added"] for s in again["sources"]] == [0, 0]
    assert sorted(s["skipped"] for s in again["sources"]) == [8, 11]


def test_cli_fixture_folder_reports_rejections(run: Runner) -> None:
    res = run.json("ingest", str(FIX / "wechatmsg"), "--tz", "Asia/Shanghai")
    by_reader = {s["path"].rsplit("/", 1)[-1]: s for s in res["sources"]}
    group = by_reader["项目群_utf8.csv"]
    assert (group["added"], group["rejected"]) == (6, 3)
    assert [r["where"] for r in group["rejections"]] == ["line 5", "line 8", "line 9"]
    assert by_reader["张三_utf8.csv"]["added"] == 11
    # No native ids here: the content hash must still make a re-run add nothing.
    txt = FIX / "wechatmsg-txt"
    assert sum(s["added"] for s in run.json("ingest", str(txt), "--tz", "Asia/Shanghai")["sources"]) == 11
    again = run.json("ingest", str(FIX / "wechatmsg"), str(txt), "--tz", "Asia/Shanghai")
    assert [s["added"] for s in again["sources"]] == [0, 0, 0, 0]
    assert sum(s["skipped"] for s in again["sources"]) == 11 + 6 + 11


def test_cli_truncated_file_fails_whole_and_store_is_unchanged(run: Runner, home: Path) -> None:
    good = FIX / "pywxdump" / "43210987654@chatroom_0_500.csv"
    assert run.json("ingest", str(good))["sources"][0]["added"] == 10
    before = _counts(home)
    bad = FIX / "wechatmsg-truncated" / "截断_utf8.csv"
    res = run("ingest", str(bad))
    assert res.exit_code == 1
    err = " ".join(res.stderr.split())
    assert str(bad) in err and "line 6" in err and "truncated" in err
    assert _counts(home) == before
    res = run("ingest", str(FIX / "pywxdump-truncated" / "wxid_qian_0_50.csv"))
    assert res.exit_code == 1 and "line 4" in " ".join(res.stderr.split())
    assert _counts(home) == before


def test_cli_forced_format_on_wrong_layout(run: Runner, home: Path) -> None:
    wrong = FIX / "pywxdump-broken" / "wrong-layout.csv"
    res = run("ingest", str(wrong), "--format", "pywxdump")
    assert res.exit_code == 1
    err = " ".join(res.stderr.split())
    assert str(wrong) in err and "line 1" in err and "CreateTime" in err
    assert _counts(home) == (0, 0)
