"""`colleague scrub`: text and --json output, with and without a workspace corpus."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

TEXT = "张伟说：我的手机是 138 0013 8000，password=hunter2，cc bjones\n"


def test_scrub_stdin_without_a_corpus(run, home: Path) -> None:  # type: ignore[no-untyped-def]
    res = run("scrub", "-", input=TEXT)
    assert res.exit_code == 0, res.output
    assert res.stdout == "张伟说：我的手机是 [phone#1]，password=[REDACTED:password]，cc bjones\n"
    assert not home.exists()  # scrubbing creates no workspace


def test_scrub_json_has_spans_and_no_secret_values(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "in.txt"
    f.write_text(TEXT, encoding="utf-8")
    data = run.json("scrub", str(f))
    assert data["text"].startswith("张伟说：我的手机是 [phone#1]")
    assert data["findings"] == [
        {"type": "phone", "start": 10, "end": 23, "action": "pseudonymise"},
        {"type": "password", "start": 33, "end": 40, "action": "redact"},
    ]
    assert "hunter2" not in json.dumps(data) and "8000" not in json.dumps(data)


def test_scrub_gbk_file(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "gbk.txt"
    f.write_bytes("密码：Abc@12345".encode("gb18030"))
    assert run("scrub", str(f)).stdout == "密码：[REDACTED:password]"


def test_scrub_with_known_names_and_subject(run, db: sqlite3.Connection) -> None:  # type: ignore[no-untyped-def]
    db.executescript("""
        INSERT INTO people (id, name) VALUES (1, '张伟'), (2, 'Bob Jones');
        INSERT INTO identities (platform, native_id, person_id, name, email, handle) VALUES
            ('feishu', 'ou_1', 1, '张伟', 'zhangwei@corp.cn', NULL),
            ('slack', 'U2', 2, 'Bob Jones', NULL, 'bjones');
    """)
    db.commit()
    res = run("scrub", "-", input=TEXT)
    assert res.stdout == ("同事A说：我的手机是 [phone#1]，password=[REDACTED:password]，cc Colleague B\n")
    res = run("scrub", "-", "--subject", "张伟", "--keep-subject-name", "--remove",
              input=TEXT + "mail zhangwei@corp.cn\n")
    assert res.stdout == ("张伟说：我的手机是 [REDACTED:phone]，password=[REDACTED:password]，"
                          "cc [REDACTED:name]\nmail [REDACTED:email]\n")
    assert run("scrub", "-", "--no-names", input="cc bjones").stdout == "cc bjones"


def test_unknown_subject_and_missing_file_fail(run, tmp_path: Path, db: sqlite3.Connection) -> None:  # type: ignore[no-untyped-def]
    res = run("scrub", "-", "--subject", "nobody-here", input="x")
    assert res.exit_code == 1 and "nobody-here" in res.stderr
    res = run("scrub", str(tmp_path / "missing.txt"))
    assert res.exit_code != 0
