"""The corpus commands end to end: ingest, people, search, sources; errors and exit codes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from slack_builder import many, msg, write_export


def _export(tmp_path: Path, name: str = "export", extra_days: dict | None = None) -> Path:
    days = {
        "general": {
            "2024-03-01": [
                msg("U01", 1709251200, "上线前必须先在预发环境跑一遍回归 <@U02>"),
                msg("U02", 1709251260, "OK, I will run the rollback drill first", thread_ts="1709251200.000000"),
                {"type": "message", "subtype": "channel_join", "user": "U02", "ts": "1709251000.000000",
                 "text": "<@U02> has joined the channel"},
                {"type": "message", "subtype": "bot_message", "bot_id": "B01", "username": "deploybot",
                 "ts": "1709251300.000000", "text": "deploy finished: payments v2.3.1"},
            ],
        },
        "ops": {"2024-03-05": many(20, start=1709596800.0)},
    }
    for ch, d in (extra_days or {}).items():
        days.setdefault(ch, {}).update(d)
    return write_export(tmp_path / name, days)


def dump(home: Path) -> list[str]:
    con = sqlite3.connect(home / "corpus.db")
    try:
        return [line for line in con.iterdump() if "INSERT INTO \"sources\"" not in line]
    finally:
        con.close()


def test_ingest_people_search_sources(run, tmp_path: Path) -> None:
    export = _export(tmp_path)
    res = run("ingest", str(export))
    assert res.exit_code == 0, res.output
    assert "slack" in res.stdout and "24" in res.stdout  # 4 + 20 records added
    people = {p["name"]: p for p in run.json("people")}
    # The join notice and the bot's post are not anybody's words.
    assert people["Li Wei"]["messages"] == 11
    assert people["Amy Chen"]["messages"] == 11
    assert people["Li Wei"]["aliases"] == ["li.wei@example.com", "liwei"]
    assert people["Li Wei"]["sources"] == ["slack"]
    assert "Deploy Bot" not in people and "deploybot" not in people

    hits = run.json("search", "跑一遍回归")
    assert len(hits) == 1 and hits[0]["person"] == "Li Wei"
    assert "跑一遍回归" in hits[0]["snippet"] and "@Amy Chen" in hits[0]["text"]
    assert hits[0]["time"].startswith("2024-03-01T00:00:00")
    assert {h["person"] for h in run.json("search", "rollback", "--person", "amy")} == {"Amy Chen"}
    assert run.json("search", "rollback", "--channel", "nowhere") == []
    ops = run.json("search", "回滚", "--channel", "ops")
    assert ops and all(h["where"] == "ops" for h in ops)
    assert run.json("search", "message", "--since", "2024-03-06", "--limit", "100") == []
    assert len(run.json("search", "message", "--until", "2024-03-06", "--limit", "100")) == 20

    sources = run.json("sources")
    assert len(sources) == 1 and len(sources[0]["sha256"]) == 64
    assert sources[0]["added"] == 24 and sources[0]["first"] == "2024-02-29T23:56:40+00:00"

    show = run.json("people", "show", "Li Wei")
    assert show["identities"][0]["email"] == "li.wei@example.com"
    assert show["conversations"][0]["name"] in {"general", "ops"}


def test_json_output_is_pure(run, tmp_path: Path) -> None:
    export = _export(tmp_path)
    res = run("ingest", str(export), "--json")
    data = json.loads(res.stdout)  # no progress bar or table mixed in
    assert data["failed"] == 0 and data["sources"][0]["added"] == 24


def test_reingest_and_newer_export_add_only_new(run, tmp_path: Path) -> None:
    old = _export(tmp_path, "old")
    assert run.json("ingest", str(old))["sources"][0]["added"] == 24
    edited = msg("U01", 1709251200, "上线前必须先在预发环境跑一遍回归，别忘了", edited={"user": "U01", "ts": "1709260000.000000"})
    new = _export(tmp_path, "new", {"general": {"2024-03-02": [msg("U02", 1709337600, "new day")]}})
    day = json.loads((new / "general" / "2024-03-01.json").read_text())
    day[0] = edited
    (new / "general" / "2024-03-01.json").write_text(json.dumps(day, ensure_ascii=False))
    res = run.json("ingest", str(new))["sources"][0]
    assert (res["added"], res["updated"], res["skipped"]) == (1, 1, 23)
    assert run.json("search", "别忘了")[0]["person"] == "Li Wei"
    assert run.json("ingest", str(new))["sources"][0]["added"] == 0


def test_bad_file_fails_alone_and_leaves_store_unchanged(run, home: Path, tmp_path: Path) -> None:
    good = _export(tmp_path, "good")
    assert run("ingest", str(good)).exit_code == 0
    before = dump(home)
    broken = _export(tmp_path, "broken", {"ops": {"2024-03-09": many(5, start=1709942400.0)}})
    text = (broken / "ops" / "2024-03-09.json").read_text()
    (broken / "ops" / "2024-03-09.json").write_text(text[: len(text) // 2])  # truncated
    other = _export(tmp_path, "other", {"dev": {"2024-04-01": many(3, start=1711929600.0)}})
    res = run("ingest", str(broken), str(other))
    assert res.exit_code == 1
    assert "ops/2024-03-09.json" in res.stderr and "valid UTF-8 JSON" in res.stderr
    after = dump(home)
    assert len(after) > len(before)  # `other` still went in…
    assert not any("2024-03-09" in line or "1709942400" in line for line in after)  # …`broken` did not
    assert run.json("sources")[-1]["path"].endswith("other")


def test_unknown_file_and_usage_errors(run, tmp_path: Path) -> None:
    junk = tmp_path / "notes.bin"
    junk.write_bytes(b"\x00\x01\x02")
    res = run("ingest", str(junk))
    assert res.exit_code == 1 and "notes.bin" in res.stderr and "no reader" in res.stderr
    assert run("ingest", str(tmp_path / "missing.json")).exit_code == 1
    assert run("ingest", "--format", "nope", str(junk)).exit_code == 2
    assert run("search").exit_code == 2
    assert run("search", "，，").exit_code == 2
    assert run("people", "show", "nobody").exit_code == 1


def test_merge_and_rename(run, tmp_path: Path) -> None:
    run("ingest", str(_export(tmp_path)))
    people = {p["name"]: p["id"] for p in run.json("people")}
    res = run("people", "merge", str(people["Li Wei"]), "Amy Chen")
    assert res.exit_code == 0, res.output
    merged = run.json("people")
    assert [(p["name"], p["messages"]) for p in merged] == [("Li Wei", 22)]
    assert run("people", "rename", "Li Wei", "李伟").exit_code == 0
    assert run.json("people")[0]["name"] == "李伟"
    # A later ingest keeps the chosen name and the merge.
    run("ingest", str(_export(tmp_path, "again")))
    assert [(p["name"], p["messages"]) for p in run.json("people")] == [("李伟", 22)]


def test_times_in_author_zone_or_operator_zone(run, tmp_path: Path) -> None:
    users = [{"id": "U01", "name": "liwei", "tz": "Asia/Shanghai",
              "profile": {"real_name": "Li Wei"}},
             {"id": "U02", "name": "amy", "profile": {"real_name": "Amy Chen"}}]
    export = write_export(tmp_path / "tz", {"general": {"2024-03-01": [
        msg("U01", 1709251200, "morning from Shanghai"), msg("U02", 1709251260, "no zone given")]}},
        users=users)
    assert run("ingest", "--tz", "Europe/Berlin", str(export)).exit_code == 0
    times = {h["person"]: h["time"] for q in ("shanghai", "zone") for h in run.json("search", q)}
    assert times == {"Li Wei": "2024-03-01T08:00:00+08:00", "Amy Chen": "2024-03-01T01:01:00+01:00"}


def test_secrets_never_reach_the_store(run, home: Path, tmp_path: Path) -> None:
    key = "AKIAIOSFODNN7EXAMPLE"
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    export = write_export(tmp_path / "s", {"ops": {"2024-03-01": [
        msg("U01", 1709251200, f"aws_access_key_id = {key}"),
        msg("U02", 1709251260, f"use token {token} for the CI, 密码：Hunter2024!"),
    ]}})
    res = run.json("ingest", str(export))
    assert res["sources"][0]["secrets"] >= 3
    for f in home.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert key.encode() not in data and token.encode() not in data
            assert b"Hunter2024" not in data, f
    assert "[REDACTED:" in run.json("search", "CI")[0]["text"]
