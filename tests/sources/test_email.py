"""Email reader: .eml, .mbox and maildir — real list archives, converted Enron mail, fixtures."""

from __future__ import annotations

import json
import sqlite3
import tracemalloc
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from colleague.model import Conversation, Message, Record, Rejected
from colleague.sources import registry
from colleague.sources._quoting import clean, strip_quoted
from colleague.sources.base import ReadContext, ReadError
from colleague.sources.email import (
    EmlReader,
    MaildirReader,
    MboxReader,
    iter_mbox,
    normalize_subject,
)

from conftest import FIXTURES, shared_path

EMAIL = FIXTURES / "email"
LIST = ("data", "mailing-list-linux-mips", "by_author")


def messages(records: list[Record]) -> list[Message]:
    return [r for r in records if isinstance(r, Message)]


def read_one(name: str, ctx: ReadContext) -> Message:
    path = EMAIL / name
    reader = registry.identify(path)
    assert reader is not None and reader.name == "eml"
    (msg,) = messages(list(reader.read(path, ctx)))
    return msg


# -- identify --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "reader"),
    [
        ("zh_gbk_reply.eml", "eml"),
        ("outlook_header_block.eml", "eml"),  # BOM + CRLF
        ("thread.mbox", "mbox"),
        ("maildir", "maildir"),
        ("broken/broken.mbox", "mbox"),
        ("broken/not_an_mbox.mbox", None),
        ("README.md", None),
        ("_make.py", None),
    ],
)
def test_identify(name: str, reader: str | None) -> None:
    ours = [MaildirReader(), MboxReader(), EmlReader()]
    assert [r.name for r in ours if r.identify(EMAIL / name)] == ([reader] if reader else [])
    if reader:
        assert registry.identify(EMAIL / name).name == reader  # type: ignore[union-attr]


def test_identify_extensionless_files(tmp_path: Path) -> None:
    mbox = tmp_path / "Inbox"  # Thunderbird stores mbox files without an extension
    mbox.write_bytes((EMAIL / "thread.mbox").read_bytes())
    single = tmp_path / "12345"  # a raw message saved without extension
    single.write_bytes((EMAIL / "bounce.eml").read_bytes())
    note = tmp_path / "notes"
    note.write_text("Subject: not a mail\nJust a note that starts like a header.\n")
    assert registry.identify(mbox).name == "mbox"  # type: ignore[union-attr]
    assert registry.identify(single).name == "eml"  # type: ignore[union-attr]
    assert not EmlReader().identify(note) and not MboxReader().identify(note)


# -- real mailing-list archive ---------------------------------------------------------------------

def test_linux_mips_every_file(ctx: ReadContext) -> None:
    folder = shared_path(*LIST)
    # The staged set grows over time (38 addresses are planned): read whatever is there.
    files = sorted(f for f in folder.glob("*.mbox") if f.stat().st_size)
    assert len(files) >= 15
    for path in files:
        assert registry.identify(path).name == "mbox", path  # type: ignore[union-attr]
        records = list(MboxReader().read(path, ctx))
        msgs = messages(records)
        assert len(msgs) == 100, path
        assert not [r for r in records if isinstance(r, Rejected)], path
        address = path.stem.replace("_", "@", 1)
        assert {m.author.native_id for m in msgs if m.author} == {address}
        assert all(m.author and m.author.email == address for m in msgs)
        assert all(m.native_id and m.global_id for m in msgs)
        assert all(m.timestamp and m.timestamp.tzinfo for m in msgs)
        assert all(m.kind == "message" for m in msgs)
        assert sum(1 for m in msgs if m.text) >= 99, path
        # Review replies quote code; none of it may survive as the sender's words.
        assert not [m for m in msgs if any(ln.startswith(">") for ln in m.text.split("\n"))]


def test_linux_mips_known_reply(ctx: ReadContext) -> None:
    path = shared_path(*LIST, "ddaney.cavm_gmail.com.mbox")
    records = list(MboxReader().read(path, ctx))
    msg = next(m for m in messages(records) if m.native_id == "549326BF.7050605@gmail.com")
    assert msg.text == "Why not have a value for a real R6 CPU, and then have QEMU emulate that?"
    assert msg.author is not None and msg.author.name == "David Daney"
    assert msg.timestamp == datetime(2014, 12, 18, 11, 10, 55, tzinfo=timezone(timedelta(hours=-8)))
    assert msg.reply_to == "1418915416-3196-2-git-send-email-markos.chandras@imgtec.com"
    assert msg.thread == "1418915416-3196-1-git-send-email-markos.chandras@imgtec.com"
    assert msg.conversation.native_id == msg.thread
    assert msg.conversation.name.startswith("[PATCH RFC ")
    assert msg.extra["to"] == ["markos.chandras@imgtec.com"]
    assert msg.extra["cc"] == ["linux-mips@linux-mips.org", "leonid.yegoshin@imgtec.com"]
    assert msg.extra["quoted_paths"] == ["arch/mips/include/asm/cpu.h"]
    # Two intros ("On … wrote:" then a trimmed quote), and "[...]" elisions.
    other = next(m for m in messages(records) if m.native_id == "54EFA189.3010509@gmail.com")
    assert "wrote:" not in other.text and "[...]" not in other.text
    assert "Consolidate randomize_et_dyn()" not in other.text


def test_linux_mips_attribution_header_block(ctx: ReadContext) -> None:
    # davem quotes as "From: X / Date: Y", an elided " ...", then '>' lines: only the quote goes.
    path = shared_path(*LIST, "davem_davemloft.net.mbox")
    msgs = messages(list(MboxReader().read(path, ctx)))
    msg = next(m for m in msgs if m.native_id == "20190526.132335.1937144810229440950.davem@davemloft.net")
    assert msg.text == "Series applied, thanks."


def test_linux_mips_gb18030_display_name(ctx: ReadContext) -> None:
    path = shared_path(*LIST, "chenhc_lemote.com.mbox")
    names = {m.author.name for m in messages(list(MboxReader().read(path, ctx))) if m.author}
    assert names == {"陈华才", "Huacai Chen"}


def test_linux_mips_people_merge_through_cli(run) -> None:  # type: ignore[no-untyped-def]
    folder = shared_path(*LIST)
    paths = [folder / f for f in ("ddaney.cavm_gmail.com.mbox", "ddaney_caviumnetworks.com.mbox",
                                  "john_phrozen.org.mbox", "blogic_openwrt.org.mbox",
                                  "gregkh_linuxfoundation.org.mbox")]
    first = run.json("ingest", *map(str, paths))
    assert first["failed"] == 0
    assert [s["added"] for s in first["sources"]] == [100, 100, 100, 100, 100]
    people = {p["name"]: p for p in run.json("people")}
    assert people["David Daney"]["messages"] == 200
    assert sorted(people["David Daney"]["aliases"]) == ["ddaney.cavm@gmail.com",
                                                        "ddaney@caviumnetworks.com"]
    assert people["John Crispin"]["messages"] == 200
    # Greg's first mail names nobody ("<gregkh@…>"); later ones say "Greg Kroah-Hartman",
    # and that real name replaces the address as the person's name.
    greg = people["Greg Kroah-Hartman"]
    assert greg["messages"] == 100 and greg["aliases"] == ["gregkh@linuxfoundation.org"]
    assert len(people) == 3
    again = run.json("ingest", *map(str, paths))
    assert [s["added"] for s in again["sources"]] == [0, 0, 0, 0, 0]
    assert [s["skipped"] for s in again["sources"]] == [100, 100, 100, 100, 100]


# -- Enron records converted to .eml -------------------------------------------------------------

def _enron_to_eml(folder: Path, out: Path, user: str, limit: int) -> list[dict]:
    records = []
    with (folder / f"{user}.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            records.append(rec)
            if len(records) == limit:
                break
    out.mkdir()
    for rec in records:
        subject = (rec["subject_annotations"] or ["(none)"])[0]
        date = datetime(2001, 1, 1, tzinfo=UTC) + timedelta(hours=rec["msg_no"])
        text = (
            "From: Vince J Kaminski <Vince.J.Kaminski@enron.com>\n"
            f"Subject: {subject}\n"
            f"Date: {date.strftime('%a, %d %b %Y %H:%M:%S +0000')}\n"
            f"Message-ID: <{rec['user']}.{rec['folder']}.{rec['msg_no']}@enron.example>\n"
            "Content-Type: text/plain; charset=utf-8\n\n" + rec["body"] + "\n"
        )
        (out / f"{rec['msg_no']}.eml").write_text(text, encoding="utf-8")
    return records


def test_enron_records_as_eml(run, tmp_path: Path, ctx: ReadContext) -> None:  # type: ignore[no-untyped-def]
    folder = shared_path("data", "enron-aeslc", "sent_by_user")
    records = _enron_to_eml(folder, tmp_path / "mail", "kaminski-v", 40)
    result = run.json("ingest", str(tmp_path / "mail"))
    assert result["failed"] == 0 and len(result["sources"]) == 40
    assert {s["reader"] for s in result["sources"]} == {"eml"}
    people = run.json("people")
    assert [(p["name"], p["messages"]) for p in people] == [("Vince J Kaminski", 40)]
    # AESLC bodies are already the sender's own words: the cleaner must leave them alone.
    first = records[0]
    (msg,) = messages(list(EmlReader().read(tmp_path / "mail" / f"{first['msg_no']}.eml", ctx)))
    assert msg.text == first["body"].strip()
    assert msg.author is not None and msg.author.native_id == "vince.j.kaminski@enron.com"
    assert msg.conversation.name == first["subject_annotations"][0]


# -- fixtures: encodings and quoting --------------------------------------------------------------

def test_gbk_rfc2047_and_chinese_quote_block(ctx: ReadContext) -> None:
    msg = read_one("zh_gbk_reply.eml", ctx)
    assert msg.author is not None
    assert (msg.author.native_id, msg.author.name, msg.author.email) == (
        "zhang.wei@example.cn", "张伟", "zhang.wei@example.cn")
    assert msg.text == ("李雷，你好：\n\n周报已经收到，第三部分的数据请再核对一下，王堃那一栏的单位写错了。\n"
                        "下周一之前发我即可。")
    assert msg.extra["subject"] == "回复: 周报"
    assert msg.conversation.name == "周报"
    assert msg.conversation.native_id == "weekly-1@mail.example.cn"
    assert msg.extra["to"] == ["li.lei@example.cn"] and msg.extra["cc"] == ["wang.kun@example.cn"]
    assert msg.extra["signoff"] == "此致"
    assert msg.mentions == ()
    assert msg.timestamp == datetime(2024, 3, 1, 3, 30, tzinfo=UTC)


def test_big5_quoted_printable(ctx: ReadContext) -> None:
    msg = read_one("zh_big5_qp.eml", ctx)
    assert msg.author is not None and msg.author.name == "林美玲"
    assert msg.text == "小明：\n\n測試報告我看過了，效能數據沒有問題，可以發佈。"
    assert msg.conversation.name == "測試報告"
    assert msg.reply_to == "report-1@example.tw"


def test_raw_gbk_headers_and_original_mail_separator(ctx: ReadContext) -> None:
    msg = read_one("raw_gbk_header.eml", ctx)
    assert msg.author is not None and msg.author.name == "王芳"
    assert msg.extra["subject"] == "转发: 会议纪要"
    assert msg.conversation.name == "会议纪要"
    assert msg.text == "大家看一下，周四前反馈意见。"


def test_outlook_original_message_and_attachments(ctx: ReadContext) -> None:
    msg = read_one("outlook_reply.eml", ctx)
    assert msg.text == ("Hi Tom,\n\nThe numbers look right to me. Please send the Q3 plan to "
                        "finance by Friday.")
    assert "TOM-ORIGINAL-TEXT" not in msg.text and "Alice Wong" not in msg.text
    assert msg.extra["signoff"] == "Best regards,"
    assert msg.extra["attachments"] == ["Q3 plan.pdf", "方案.docx"]
    assert msg.extra["cc"] == ["finance@example.com", "bob@example.com"]
    assert msg.extra["mailer"] == "Microsoft Outlook 16.0"
    assert msg.conversation.name == "Q3 plan"


def test_outlook_header_block_bom_crlf_cp1252(ctx: ReadContext) -> None:
    msg = read_one("outlook_header_block.eml", ctx)
    assert msg.text == "Approved \u2013 go ahead."
    assert msg.author is not None and msg.author.native_id == "alice.wong@example.com"


def test_html_only_mail(ctx: ReadContext) -> None:
    msg = read_one("html_only.eml", ctx)
    assert msg.text == "Sounds good, let's ship it on Monday.\nOne question: who owns the rollback?"
    assert "TOM-ORIGINAL-TEXT" not in msg.text and "color" not in msg.text


def test_bounce_and_autoreply_are_bots(ctx: ReadContext) -> None:
    bounce = read_one("bounce.eml", ctx)
    assert bounce.kind == "bot"
    assert bounce.author is not None and bounce.author.is_bot
    assert bounce.author.native_id == "mailer-daemon@mx.example.com"
    auto = read_one("autoreply.eml", ctx)
    assert auto.kind == "bot"
    assert auto.author is not None and not auto.author.is_bot  # a person, an automatic message


def test_thread_mbox(ctx: ReadContext) -> None:
    records = list(MboxReader().read(EMAIL / "thread.mbox", ctx))
    convs = [r for r in records if isinstance(r, Conversation)]
    assert [(c.native_id, c.name) for c in convs] == [
        ("patch-1@example.org", "[PATCH v2 1/2] net: fix the frobnicator timeout"),
        ("subject:lunch?", "lunch?"),
    ]
    patch, review, answer, lunch = messages(records)
    # The patch: prose and notes stay, the diffstat, diff and "-- " version trailer go.
    assert patch.text == (
        "The frobnicator waited forever when the link was down. Give up after\n"
        "five seconds instead, which is what the datasheet recommends.\n\n"
        "Signed-off-by: Dana Lee <dana.lee@example.org>\n"
        "Changes in v2: use a define for the timeout."
    )
    assert patch.extra["paths"] == ["drivers/net/frob.c"]
    assert (patch.reply_to, patch.thread) == (None, "patch-1@example.org")
    # The review: only the reviewer's interleaved lines; mboxrd ">From " unescaped.
    assert review.text == (
        "Five seconds seems long for a link check; two would do.\n\n"
        "Otherwise looks fine.\nFrom the datasheet this is allowed.\n\n"
        "Reviewed-by: Erin Park <erin.park@example.org>"
    )
    assert review.extra["quoted_paths"] == ["drivers/net/frob.c"]
    assert "paths" not in review.extra
    assert (review.reply_to, review.thread) == ("patch-1@example.org", "patch-1@example.org")
    # The answer: utf-8 encoded-word subject with 回复:, format=flowed, Chinese intro line.
    assert answer.text == "好的，我改成两秒， 下一版会一起发出来。"
    assert answer.author is not None and answer.author.native_id == "dana.lee@example.org"
    assert (answer.reply_to, answer.thread) == ("review-1@example.org", "patch-1@example.org")
    assert answer.conversation is patch.conversation
    assert answer.timestamp == datetime(2024, 3, 5, 2, 0, tzinfo=UTC)
    # No Message-ID and no Date: content-hashed id, time from the mbox "From " line.
    assert lunch.native_id is None and lunch.thread is None
    assert lunch.timestamp == datetime(2024, 3, 6, 12, 0, tzinfo=UTC)
    assert lunch.author is not None and lunch.author.name is None


def test_maildir(ctx: ReadContext) -> None:
    path = EMAIL / "maildir"
    msgs = messages(list(MaildirReader().read(path, ctx)))
    assert sorted(m.text for m in msgs) == [
        "I will be late today.", "No problem, we start at ten.", "Notes are in the wiki.",
        "Plan attached for review.",
    ]
    assert not [m for m in msgs if "STILL-BEING-DELIVERED" in m.text]  # tmp/ is never read
    by_text = {m.text: m for m in msgs}
    assert by_text["Plan attached for review."].extra["folder"] == "Sent"
    assert by_text["No problem, we start at ten."].reply_to == "md-1@example.net"
    assert by_text["Notes are in the wiki."].native_id is None


def test_cli_fixtures_folder_and_reingest(run) -> None:  # type: ignore[no-untyped-def]
    args = [str(EMAIL / n) for n in ("thread.mbox", "maildir", "zh_gbk_reply.eml", "html_only.eml")]
    first = run.json("ingest", *args)
    assert first["failed"] == 0
    assert [s["added"] for s in first["sources"]] == [4, 4, 1, 1]
    again = run.json("ingest", *args)
    assert [s["added"] for s in again["sources"]] == [0, 0, 0, 0]
    names = {p["name"] for p in run.json("people")}
    assert {"Dana Lee", "Erin Park", "张伟", "Carol Diaz", "Hank Moody", "Ivy Chen"} <= names


# -- broken input ---------------------------------------------------------------------------------

def test_broken_mbox_rejects_one_message(ctx: ReadContext) -> None:
    records = list(MboxReader().read(EMAIL / "broken" / "broken.mbox", ctx))
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert [r.where for r in rejected] == ["message 2 (line 9)"]
    assert [m.text for m in messages(records)] == ["All green today.",
                                                   "The deploy finished but the smoke te"]


def test_not_an_mbox_and_truncated_eml_raise(ctx: ReadContext) -> None:
    with pytest.raises(ReadError) as exc:
        list(MboxReader().read(EMAIL / "broken" / "not_an_mbox.mbox", ctx))
    assert exc.value.where == "line 1"
    with pytest.raises(ReadError) as exc:
        list(EmlReader().read(EMAIL / "broken" / "truncated.eml", ctx))
    assert "From:" in exc.value.expected


def test_cli_broken_files(run, home: Path) -> None:  # type: ignore[no-untyped-def]
    res = run("ingest", str(EMAIL / "broken" / "truncated.eml"))
    assert res.exit_code == 1
    assert "truncated.eml: message:" in res.stderr
    res = run("ingest", "--format", "mbox", str(EMAIL / "broken" / "not_an_mbox.mbox"))
    assert res.exit_code == 1
    assert "not_an_mbox.mbox: line 1:" in res.stderr
    db = sqlite3.connect(home / "corpus.db")
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM people").fetchone()[0] == 0
    res = run("ingest", str(EMAIL / "broken" / "broken.mbox"))
    assert res.exit_code == 0
    assert "message 2 (line 9)" in res.stdout
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 2


def test_mbox_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "big.mbox"
    body = ("A line of text that repeats to make the message larger. " * 20 + "\n") * 4
    with path.open("w") as fh:
        for i in range(3000):
            fh.write(f"From x@example.org Mon Mar  4 08:00:00 2024\nFrom: x@example.org\n"
                     f"Message-ID: <{i}@example.org>\n\n{body}\n")
    assert path.stat().st_size > 10_000_000
    tracemalloc.start()
    count = sum(1 for _ in iter_mbox(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 3000
    assert peak < 1_000_000


# -- the quote stripper on its own -----------------------------------------------------------------

def test_subject_normalisation() -> None:
    assert normalize_subject("Re: RE: Fwd: [PATCH v2 1/3] MIPS: fix") == "[PATCH v2 1/3] MIPS: fix"
    assert normalize_subject("回复：答复: 转发: 周报") == "周报"
    assert normalize_subject("[dev] Re: release") == "[dev] release"
    assert normalize_subject("Re[2]: hi") == "hi"
    assert normalize_subject("Regression in 5.4") == "Regression in 5.4"


def test_quoting_rules() -> None:
    assert strip_quoted("Looks good.\n\n> old text\n> more\n\nThanks,\nAnn\n") == "Looks good."
    assert strip_quoted("Sounds fine.\n\nSent from my iPhone\n") == "Sounds fine."
    assert strip_quoted("Thanks!\n") == "Thanks!"  # a closing with nothing after is content
    assert strip_quoted("Yes.\n-- \nAnn Lee | ACME\n+1 555 0100\n") == "Yes."
    footer = "Agreed.\n\n_______________________________________________\ndev mailing list\n"
    assert strip_quoted(footer) == "Agreed."
    zh = "同意。\n\n在 2024年3月1日 10:02，李雷 写道：\n> 这样可以吗？\n"
    assert strip_quoted(zh) == "同意。"
    reply = clean("On Mon, Jan 1, 2024 at 9:00 AM Bob\n<bob@example.com> wrote:\n> q1\nA1\n> q2\nA2\n")
    assert reply.text == "A1\nA2" and reply.quoted
    # "From: … Date: …" directly above a quote is an attribution, not the start of the original.
    assert strip_quoted("From: Bob <b@x.org>\nDate: Mon\n\n> patch\n\nApplied.\n") == "Applied."
