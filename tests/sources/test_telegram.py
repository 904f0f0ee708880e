"""Telegram Desktop result.json reader: single-chat and whole-account exports, 2020–2025 schemas.

Real files: ../shared/formats/samples/telegram-desktop, read in place. Fixtures in
tests/fixtures/telegram were written for these tests (see README there).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from colleague.model import Conversation, Identity, Message, Record, Rejected
from colleague.sources import _jsonstream, registry
from colleague.sources.base import ReadContext, ReadError
from colleague.sources.discord import DiscordReader
from colleague.sources.telegram import TelegramReader

from conftest import FIXTURES, Runner, shared_path

READER = TelegramReader()
FIX = FIXTURES / "telegram"
SAMPLES = ("formats", "samples", "telegram-desktop")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def sample(name: str) -> Path:
    return shared_path(*SAMPLES, name)


def read(path: Path, ctx: ReadContext) -> list[Record]:
    return list(READER.read(path, ctx))


def messages(records: list[Record]) -> list[Message]:
    return [r for r in records if isinstance(r, Message)]


def by_id(records: list[Record]) -> dict[str, Message]:
    return {m.native_id or "": m for m in messages(records)}


def store_counts(home: Path) -> tuple[int, int]:
    db = sqlite3.connect(home / "corpus.db")
    try:
        return (db.execute("SELECT count(*) FROM messages").fetchone()[0],
                db.execute("SELECT count(*) FROM sources").fetchone()[0])
    finally:
        db.close()


# -- identify ---------------------------------------------------------------------------------
def test_identify_claims_every_sample_and_nothing_else(tmp_path: Path) -> None:
    folder = shared_path(*SAMPLES)
    claimed = {p.name for p in folder.iterdir() if READER.identify(p)}
    assert claimed == {p.name for p in folder.iterdir() if p.suffix == ".json"}
    assert len(claimed) == 7
    dce = shared_path("formats", "samples", "discord-chat-exporter")
    assert not any(READER.identify(p) for p in dce.iterdir())
    assert not any(DiscordReader().identify(p) for p in folder.iterdir())
    not_ours = {
        "about.json": '{"about": "a project", "version": 2}',
        "array.json": '[{"name": "x", "type": "personal_chat", "id": 1, "messages": []}]',
        "chat.json": '{"name": "x", "type": "meeting", "id": 1, "messages": []}',
        "result.txt": '{"name": "x", "type": "personal_chat", "id": 1, "messages": []}',
    }
    for name, text in not_ours.items():
        (tmp_path / name).write_text(text)
        assert not READER.identify(tmp_path / name), name
    for path in sorted(FIX.glob("*.json")):
        found = registry.identify(path)
        assert found is not None and found.name == "telegram", path


# -- samples ----------------------------------------------------------------------------------
def test_2020_full_account(ctx: ReadContext) -> None:
    records = read(sample("full-account.2020-01-schema.frozenspider-fixture.result.json"), ctx)
    assert records[0] == Identity("telegram", "user11111111", name="Aaaaa Aaaaaaaaaaa",
                                  handle="frozenspider")
    convs = [r for r in records if isinstance(r, Conversation)]
    assert convs == [Conversation("telegram", "8123123123", "ppppppp gggggg", "group"),
                     Conversation("telegram", "9777777777", "Vvvvv", "dm")]
    msgs = messages(records)
    assert Counter(m.conversation.native_id for m in msgs) == {"8123123123": 20, "9777777777": 6}
    assert Counter(m.kind for m in msgs) == {"message": 19, "system": 6, "bot": 1}
    m = by_id(records)
    # Integer from_id (2020) is normalised to the later "user<id>" form.
    assert m["4730"].author == Identity("telegram", "user44444444", name="Eeeee Eeeeeeeeee")
    assert m["4730"].text == "Видел)"
    assert m["4730"].timestamp == datetime(2016, 11, 9, 0, 36, 45, tzinfo=SHANGHAI)  # no zone → ctx
    assert m["4730"].global_id is False
    # "1970-01-01T05:00:00" means never edited; a real edit is kept.
    assert [k for k, v in m.items() if v.edited] == ["129455"]
    assert m["129455"].edited == datetime(2019, 9, 24, 20, 49, 31, tzinfo=SHANGHAI)
    assert m["4720"].text == ("create group: ppppppp gggggg; Wwwwww Www, Nnnnnnn, "
                              "Aaaaa Aaaaaaaaaaa, Eeeee Eeeeeeeeee")
    assert m["4740"].kind == "system" and m["4740"].text == "pin message: message 4723"
    assert m["4744"].text == "[sticker 😆]"
    assert m["10355"].kind == "bot" and m["10355"].extra == {
        "media": "voice_message", "via_bot": "@saytextbot"}
    assert m["10415"].text == ("девиз Вольво:\n"
                               "http://cs5.pikabu.ru/post_img/big/2015/12/04/5/1449210847155432089.jpg"
                               "гыгы")
    assert m["39125"].text == "Всех с наступающим!🐶🍾🎄"  # a caption beats the placeholder
    assert m["39125"].extra == {"media": "photo", "forwarded": True,
                                "forwarded_from": "Hearthstone Channel"}
    assert m["39740"].reply_to == "39739"
    assert m["74752"].text == "[contact: Vvvvv Vvvvvvvvv]"
    assert m["132894"].text.startswith("[poll] Вечерний Мудозвон – это...: Соловьёв / Киселёв")
    assert m["40149"].text == "phone call: missed"
    assert "PHONE_PLACEHOLDER" not in repr(records)


def test_2023_full_account(ctx: ReadContext) -> None:
    records = read(sample("full-account.2023-01-schema.frozenspider-fixture.result.json"), ctx)
    m = by_id(records)
    assert list(m) == ["-999999999", "1", "111111", "111112", "111113", "111114"]
    assert m["1"].author == Identity("telegram", "channel123123123", name="My Group")
    assert m["111111"].text == "this contains a lot of stuff: 😁http://mylink.org/HIDE ME"
    # date_unixtime wins and is shown in ctx.tz.
    assert m["111111"].timestamp == datetime(2016, 11, 17, 20, 57, 40, tzinfo=SHANGHAI)
    assert m["111112"].text == "invite members"  # members: [null]
    assert [v.kind for v in m.values()] == ["system", "system", "message", "system", "system",
                                            "system"]


def test_2024_schemas(ctx: ReadContext) -> None:
    m = by_id(read(sample("full-account.2024-01-schema.frozenspider-fixture.result.json"), ctx))
    reply = m["11111"]
    assert reply.reply_to is None  # a reply into another chat is another id namespace
    assert reply.extra == {"reply_to_peer": "channel9876543210", "reply_to_message": "1234567"}
    assert m["11112"].text == "set messages ttl"
    m = by_id(read(sample("full-account.2024-08-schema.frozenspider-fixture.result.json"), ctx))
    admin = m["11111"]
    assert admin.extra == {"signature": "Admin Nickname"}
    assert admin.edited == datetime.fromtimestamp(1665499755, UTC)
    assert m["11112"].kind == "bot" and m["11112"].extra == {"via_bot": "@SomeBot"}
    assert m["11113"].kind == "system" and m["11113"].text == "join group by request"
    assert m["11114"].text == "[photo]"


def test_2025_schema(ctx: ReadContext) -> None:
    records = read(sample("full-account.2025-12-schema.frozenspider-fixture.result.json"), ctx)
    convs = [r for r in records if isinstance(r, Conversation)]
    # The public channel is read too: it may be the subject's own channel.
    assert [(c.name, c.kind) for c in convs] == [("Dummy Private Group", "group"),
                                                 ("Dummy Public Channel", "channel")]
    m = by_id(records)
    assert m["11112"].extra == {"forwarded": True, "forwarded_from": "This Should Not Matter",
                                "forwarded_from_id": "channel123123123"}
    assert m["11113"].text == "[todo list] testing: point 1 / point 2 / point 3"
    assert m["11115"].text == "[file]"  # "(File unavailable…)": no name to show
    assert m["11111"].kind == "system" and m["11111"].text == "paid messages price change"


def test_single_chat_supergroup(ctx: ReadContext) -> None:
    records = read(sample("single-chat.public_supergroup.tgif-fixture.result.json"), ctx)
    assert records[0] == Conversation("telegram", "1730156619", "C# Indonesia", "group")
    m = by_id(records)
    assert len(m) == 9
    first = m["5131"]
    assert first.author == Identity("telegram", "user719119535", name="Kiro Honjou")
    assert first.reply_to == "5130"
    # date says 09:14:48 (the exporter's zone, UTC+7); the instant is 02:14:48 UTC.
    assert first.timestamp == datetime(2022, 7, 7, 10, 14, 48, tzinfo=SHANGHAI)
    assert first.timestamp.astimezone(UTC).hour == 2
    assert m["5135"].text == "cara gini disaranin gak sih om?" and m["5135"].extra == {"media": "photo"}
    assert m["5135"].edited == datetime.fromtimestamp(1657161351, UTC)
    assert m["5136"].text == "ini gimana om? @RonnyGunawan ada cara lebih baik enggak selain gini?"
    assert m["5136"].mentions == (Identity("telegram", "@ronnygunawan", handle="RonnyGunawan"),)
    assert m["5143"].text == "[photo]"
    assert m["5148"].text.startswith("di db context kamu declare ini:\n\nprivate static readonly")


def test_single_chat_personal(ctx: ReadContext) -> None:
    records = read(sample("single-chat.personal_chat.chat-analytics.DM_2A_7M.result.json"), ctx)
    assert records[0] == Conversation("telegram", "700000000", "Bob", "dm")
    m = by_id(records)
    assert [v.kind for v in m.values()] == ["system", "message", "message", "message", "message",
                                            "message", "message", "system"]
    assert m["2675"].text == "joined telegram"
    assert m["3644"].text == "https://google.com 👀"
    assert m["3645"].timestamp == datetime(2022, 3, 8, 13, 7, 42, tzinfo=SHANGHAI)  # date only
    assert m["3662"].timestamp == datetime.fromtimestamp(1652135033, UTC)  # unixtime only
    assert m["3674"].text == "phone call: 56 s; hangup"
    assert m["3674"].author == Identity("telegram", "user300000000", name="Alice")


# -- fixtures ---------------------------------------------------------------------------------
def test_bot_chat_fixture(ctx: ReadContext) -> None:
    records = read(FIX / "bot_chat.result.json", ctx)
    assert records[0] == Conversation("telegram", "5000000001", "EchoBot", "dm")
    m = by_id(records)
    assert m["1"].text == "/start" and m["1"].kind == "message"
    assert m["1"].timestamp == datetime(2023, 3, 1, 10, 0, tzinfo=SHANGHAI)
    bot = m["2"]
    assert bot.kind == "bot"
    assert bot.author == Identity("telegram", "user5000000001", name="EchoBot", is_bot=True)
    ask = m["3"]
    assert ask.text == "ask @Bob Stone and @CarolW about the docs (https://example.org/docs)"
    assert ask.mentions == (Identity("telegram", "user77", name="Bob Stone"),
                            Identity("telegram", "@carolw", handle="CarolW"))
    assert ask.edited == datetime(2023, 3, 1, 10, 6, tzinfo=SHANGHAI)
    assert ask.reply_to == "2"
    assert m["4"].extra == {"forwarded": True, "forwarded_from": "News Channel"}
    assert m["4"].kind == "message" and m["4"].text == "big news"
    assert m["5"].text == "[file: report.pdf]"
    assert m["5"].extra == {"media": "file", "files": ["report.pdf"]}


def test_account_fixture_reads_left_chats_and_keeps_no_phone(ctx: ReadContext) -> None:
    records = read(FIX / "account.result.json", ctx)
    assert records[0] == Identity("telegram", "user42", name="Ann Lee", handle="annlee")
    convs = [r for r in records if isinstance(r, Conversation)]
    assert [(c.native_id, c.name, c.kind) for c in convs] == [
        ("7000000001", "Team", "group"), ("42", "Saved Messages", "dm"),
        ("7000000002", "Old Project", "group")]
    msgs = messages(records)
    assert [(m.conversation.name, m.native_id, m.kind, m.text) for m in msgs] == [
        ("Team", "10", "message", "standup in 5"),
        ("Team", "11", "system", "invite members: Dan Wu"),
        ("Team", "12", "bot", "welcome Dan"),
        ("Saved Messages", "1", "message", "note to self: renew cert"),
        ("Old Project", "100", "message", "archiving this group"),
    ]
    assert "555" not in repr(records)  # phone numbers of the owner and contacts


def test_read_in_tiny_chunks_gives_the_same_records(
    ctx: ReadContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [FIX / "account.result.json",
             sample("full-account.2020-01-schema.frozenspider-fixture.result.json")]
    whole = [read(p, ctx) for p in paths]
    monkeypatch.setattr(_jsonstream, "_CHUNK", 5)
    assert [read(p, ctx) for p in paths] == whole


@pytest.mark.parametrize(
    "name", ["zh-utf8-bom.result.json", "zh-utf16.result.json", "zh-gb18030.result.json"])
def test_encodings(name: str, ctx: ReadContext) -> None:
    records = read(FIX / name, ctx)
    assert records[0] == Conversation("telegram", "7000000004", "项目组", "group")
    first, second = messages(records)
    assert (first.text, second.text) == ("今天下午三点开会", "收到")
    assert first.author == Identity("telegram", "user88", name="王芳")
    assert first.edited is None and second.reply_to == "1"
    assert first.timestamp == datetime(2020, 5, 6, 15, 0, tzinfo=SHANGHAI)


# -- broken files ------------------------------------------------------------------------------
def test_bad_messages_are_rejected(ctx: ReadContext, run: Runner) -> None:
    records = read(FIX / "bad-message.result.json", ctx)
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert [r.where for r in rejected] == ["messages[1]", "messages[2]"]
    assert "date" in rejected[0].reason and "'unsupported'" in rejected[1].reason
    assert [m.text for m in messages(records)] == ["ok", "still here"]
    src = run.json("ingest", str(FIX / "bad-message.result.json"))["sources"][0]  # type: ignore[index]
    assert (src["status"], src["added"], src["rejected"]) == ("ok", 2, 2)


def test_truncated_export_fails_whole_naming_the_record(
    home: Path, run: Runner, ctx: ReadContext
) -> None:
    assert run.json("ingest", str(FIX / "bot_chat.result.json"))["sources"][0]["added"] == 5  # type: ignore[index]
    before = store_counts(home)
    res = run("ingest", str(FIX / "truncated.result.json"))
    assert res.exit_code == 1
    err = " ".join(res.stderr.split())
    assert "truncated.result.json" in err and "chats.list[0].messages[1]" in err
    assert store_counts(home) == before
    with pytest.raises(ReadError) as info:
        read(FIX / "truncated.result.json", ctx)
    assert info.value.where.startswith("chats.list[0].messages[1] (line ")
    assert "truncated?" in info.value.expected


def test_wrong_layout_is_a_named_error(tmp_path: Path, ctx: ReadContext) -> None:
    bad = tmp_path / "result.json"
    bad.write_text('{"about": "x", "personal_information": {"user_id": 1}, "chats": []}')
    assert READER.identify(bad)
    with pytest.raises(ReadError) as info:
        read(bad, ctx)
    assert info.value.where.startswith("chats") and "JSON object" in info.value.expected
    chat = tmp_path / "chat.json"
    chat.write_text('{"name": "x", "type": "personal_chat", "id": 1, "messages": [{"id": 1}, ]}')
    with pytest.raises(ReadError, match=r"messages\[1\]"):
        read(chat, ctx)


def test_reingest_adds_nothing(run: Runner) -> None:
    paths = [str(sample("full-account.2020-01-schema.frozenspider-fixture.result.json")),
             str(FIX / "account.result.json")]
    first = run.json("ingest", *paths)
    assert [s["added"] for s in first["sources"]] == [26, 5]  # type: ignore[index]
    again = run.json("ingest", *paths)
    assert [(s["added"], s["skipped"]) for s in again["sources"]] == [(0, 26), (0, 5)]  # type: ignore[index]
    people = {p["name"]: p["messages"] for p in run.json("people")}  # type: ignore[union-attr]
    # Her own words only: not the via_bot post, not the invite event.
    assert people["Ann Lee"] == 2 and people["Bob Stone"] == 1
