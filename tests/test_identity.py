"""One person across sources: email, distinctive names, handles, bridging, explicit merge."""

from __future__ import annotations

import sqlite3

from colleague.identity import is_distinctive, normalize_name
from colleague.model import Identity
from colleague.store import transaction
from colleague.store.writer import CorpusWriter


def people_of(db: sqlite3.Connection) -> dict[str, int]:
    return {f"{p}:{n}": pid for p, n, pid in
            db.execute("SELECT platform, native_id, person_id FROM identities")}


def add(db: sqlite3.Connection, *idents: Identity) -> dict[str, int]:
    with transaction(db):
        w = CorpusWriter(db)
        for i in idents:
            w.identity(i)
    return people_of(db)


def test_name_rules() -> None:
    assert normalize_name("  David   DANEY ") == "david daney"
    assert normalize_name("ＷＡＮＧ Fang") == "wang fang"  # full-width folded
    assert is_distinctive("david daney")
    assert is_distinctive("王芳")
    assert not is_distinctive("john")
    assert not is_distinctive("王")


def test_same_email_across_platforms(db: sqlite3.Connection) -> None:
    got = add(db,
              Identity("slack", "U1", name="Li Wei", email="Li.Wei@Example.com", handle="liwei"),
              Identity("git", "li.wei@example.com", name="lw", email="li.wei@example.com"))
    assert got["slack:U1"] == got["git:li.wei@example.com"]


def test_same_full_name_two_addresses(db: sqlite3.Connection) -> None:
    got = add(db,
              Identity("email", "ddaney@caviumnetworks.com", name="David Daney",
                       email="ddaney@caviumnetworks.com"),
              Identity("email", "david.daney@cavium.com", name="David Daney",
                       email="david.daney@cavium.com"),
              Identity("email", "john@a.org", name="John", email="john@a.org"),
              Identity("email", "john@b.org", name="John", email="john@b.org"))
    assert got["email:ddaney@caviumnetworks.com"] == got["email:david.daney@cavium.com"]
    # A lone first name is not enough to join two accounts.
    assert got["email:john@a.org"] != got["email:john@b.org"]


def test_handle_across_platforms(db: sqlite3.Connection) -> None:
    got = add(db, Identity("irc", "bosmon", handle="bosmon"),
              Identity("slack", "U9", name="Antranig", handle="bosmon"))
    assert got["irc:bosmon"] == got["slack:U9"]


def test_bridging_account_joins_two_people(db: sqlite3.Connection) -> None:
    got = add(db, Identity("feishu", "ou_1", name="王芳"),
              Identity("slack", "U7", name="Wang Fang", email="wang.fang@example.cn"))
    assert got["feishu:ou_1"] != got["slack:U7"]
    got = add(db, Identity("email", "wang.fang@example.cn", name="王芳",
                           email="wang.fang@example.cn"))
    assert got["feishu:ou_1"] == got["slack:U7"] == got["email:wang.fang@example.cn"]
    assert db.execute("SELECT count(*) FROM people").fetchone()[0] == 1


def test_bots_flagged(db: sqlite3.Connection) -> None:
    add(db, Identity("slack", "B1", name="Deploy Bot", is_bot=True))
    assert db.execute("SELECT is_bot FROM people").fetchone()[0] == 1


def test_real_name_replaces_address_later(db: sqlite3.Connection) -> None:
    add(db, Identity("email", "gregkh@l.org", email="gregkh@l.org"))
    add(db, Identity("email", "gregkh@l.org", name="Greg Kroah-Hartman", email="gregkh@l.org"))
    assert db.execute("SELECT name FROM people").fetchone()[0] == "Greg Kroah-Hartman"


def test_real_name_replaces_bare_account_id(db: sqlite3.Connection) -> None:
    add(db, Identity("feishu", "ou_7d8a6e6df7621556ce0d21922b676706"))
    add(db, Identity("feishu", "ou_7d8a6e6df7621556ce0d21922b676706", name="王芳"))
    assert db.execute("SELECT name FROM people").fetchone()[0] == "王芳"


def test_irc_nick_variants_join(db: sqlite3.Connection) -> None:
    got = add(db, Identity("irc", "kasparnet", handle="kasparnet"),
              Identity("irc", "kasparnet_", handle="kasparnet_"),
              Identity("irc", "kasparnet|away", handle="kasparnet|away"),
              Identity("irc", "bosmon7", handle="bosmon7"),
              Identity("irc", "bosmon", handle="bosmon"))
    assert got["irc:kasparnet"] == got["irc:kasparnet_"] == got["irc:kasparnet|away"]
    # A different trailing digit may be somebody else: only `people merge` joins those.
    assert got["irc:bosmon7"] != got["irc:bosmon"]


def test_chinese_name_is_kept_over_romanised_one(db: sqlite3.Connection) -> None:
    add(db, Identity("feishu", "王芳", name="王芳"),
        Identity("email", "wang.fang@example.cn", name="王芳", email="wang.fang@example.cn"),
        Identity("slack", "U3", name="Wang Fang", email="wang.fang@example.cn", handle="wangfang"))
    assert [r[0] for r in db.execute("SELECT name FROM people")] == ["王芳"]
    add(db, Identity("irc", "lw", handle="lw"), Identity("irc", "lw", name="李伟", handle="lw"))
    assert db.execute("SELECT name FROM people ORDER BY id DESC").fetchone()[0] == "李伟"
