"""scrub(): policy, pseudonyms shared within one output, and planted data in every kind of text."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from colleague.privacy import KnownNames, Pseudonymizer, ScrubPolicy, scrub

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "privacy"


def team() -> KnownNames:
    known = KnownNames()
    known.add(1, name="张伟", email="zhangwei@corp.cn", handle="zwei")
    known.add(2, name="Alice Smith", email="alice.smith@example.com", handle="asmith")
    known.add(3, name="Bob Jones", handle="bjones")
    known.add(4, name="李娜")
    return known


def test_chinese_chat_line() -> None:
    out = scrub("我的手机是 138 0013 8000，身份证 11010519491231002X")
    assert out.text == "我的手机是 [phone#1]，身份证 [id_number#1]"
    assert [(f.type, f.start, f.end, f.action) for f in out.findings] == [
        ("phone", 6, 19, "pseudonymise"), ("id_number", 24, 42, "pseudonymise")]


def test_remove_policy_removes_third_party_data() -> None:
    out = scrub("我的手机是 138 0013 8000，身份证 11010519491231002X",
                policy=ScrubPolicy(third_party="remove"))
    assert out.text == "我的手机是 [REDACTED:phone]，身份证 [REDACTED:id_number]"


def test_names_are_stable_within_one_output_and_follow_the_language() -> None:
    p = Pseudonymizer(team())
    a = scrub("李娜 asked Alice Smith; 张伟说李娜已经改好了", pseudonyms=p)
    b = scrub("ping @asmith and ZWEI about it", pseudonyms=p)
    assert a.text == "Colleague A asked Colleague B; 同事C说同事A已经改好了"
    assert b.text == "ping @Colleague B and Colleague C about it"
    assert p.mapping() == {4: "A", 2: "B", 1: "C"}
    # a fresh pseudonymizer is a fresh output: letters start again
    assert scrub("张伟", pseudonyms=Pseudonymizer(team())).text == "同事A"


def test_equal_values_share_a_pseudonym() -> None:
    p = Pseudonymizer()
    out = scrub("call 13912345678 or 139-1234-5678, not 13800138000", pseudonyms=p)
    assert out.text == "call [phone#1] or [phone#1], not [phone#2]"


def test_names_are_not_replaced_inside_urls_paths_or_identifiers() -> None:
    text = ("asmith pushed https://github.com/asmith/repo, edited src/asmith/util.py, "
            "asmith_util and asmith.cfg, mailed asmith@other.org")
    out = scrub(text, pseudonyms=Pseudonymizer(team()))
    assert out.text == ("Colleague A pushed https://github.com/asmith/repo, edited src/asmith/util.py, "
                        "asmith_util and asmith.cfg, mailed [email#1]")


def test_longer_names_win() -> None:
    known = KnownNames()
    known.add(1, name="Ann Lee")
    known.add(2, name="Ann Lee-Wong")
    assert scrub("Ann Lee-Wong met Ann Lee", pseudonyms=Pseudonymizer(known)).text == \
        "Colleague A met Colleague B"


def test_subject_keeps_name_and_loses_contact_data() -> None:
    policy = ScrubPolicy(subject=1, subject_name="keep")
    out = scrub("张伟（zhangwei@corp.cn）和李娜讨论了方案", policy=policy, pseudonyms=Pseudonymizer(team()))
    assert out.text == "张伟（[REDACTED:email]）和同事A讨论了方案"
    assert [f.action for f in out.findings] == ["keep", "redact", "pseudonymise"]


def test_subject_pseudonymised_and_contact_kept_on_request() -> None:
    policy = ScrubPolicy(subject=1, keep_subject_contact=True)
    out = scrub("张伟的邮箱是 zhangwei@corp.cn", policy=policy, pseudonyms=Pseudonymizer(team()))
    assert out.text == "同事A的邮箱是 zhangwei@corp.cn"


def test_known_email_of_third_party_becomes_their_pseudonym() -> None:
    out = scrub("cc alice.smith@example.com", pseudonyms=Pseudonymizer(team()))
    assert out.text == "cc Colleague A"


def test_secrets_are_removed_under_every_policy() -> None:
    text = "token ghp_16C7e42F292c6912E7710c838347Ae178B4a from 10.1.2.3"
    for policy in (ScrubPolicy(), ScrubPolicy(keep=frozenset({"github_token", "ip_address"}))):
        out = scrub(text, policy=policy)
        assert "ghp_" not in out.text and "[REDACTED:github_token]" in out.text
    kept = scrub(text, policy=ScrubPolicy(keep=frozenset({"ip_address"})))
    assert kept.text == "token [REDACTED:github_token] from 10.1.2.3"


@pytest.mark.parametrize("name", ["planted_config.env", "planted_mail.eml"])
def test_planted_files(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    expected = (FIXTURES / f"{name}.expected").read_text(encoding="utf-8")
    # the mail is about its sender, Alice; the .env file about its owner, 张伟
    policy = ScrubPolicy(subject=2 if name.endswith(".eml") else 1)
    known = team()
    out = scrub(text, policy=policy, pseudonyms=Pseudonymizer(known))
    assert out.text == expected
    assert "alice.smith@" not in out.text and "S3cure" not in out.text


def test_document_text_mixed() -> None:
    doc = ("# 周报\n本周与李娜联调，测试机 192.168.10.23，账号密码是 Dev@2024。"
           "报销卡号 6222 0212 3456 7890 128，寄到上海市浦东新区世纪大道100号。\n"
           "版本 v3.2.1.0 已发布，commit 9fa9d4e，耗时 1200ms。")
    out = scrub(doc, pseudonyms=Pseudonymizer(team()))
    assert out.text == ("# 周报\n本周与同事A联调，测试机 [ip_address#1]，账号密码是 [REDACTED:password]。"
                        "报销卡号 [bank_card#1]，寄到[address#1]。\n"
                        "版本 v3.2.1.0 已发布，commit 9fa9d4e，耗时 1200ms。")


def test_from_db_reads_people_and_identities_and_skips_bots(db: sqlite3.Connection) -> None:
    db.executescript("""
        INSERT INTO people (id, name, is_bot) VALUES (1, '王芳', 0), (2, 'deploy-bot', 1),
            (3, 'Carol White', 0);
        INSERT INTO identities (platform, native_id, person_id, name, email, handle, is_bot) VALUES
            ('feishu', 'ou_1', 1, '王芳', NULL, NULL, 0),
            ('email', 'cw@x.org', 3, 'Carol White', 'cw@x.org', NULL, 0),
            ('slack', 'U1', 3, NULL, NULL, 'cwhite', 0),
            ('slack', 'B1', 2, 'deploy-bot', NULL, 'deploybot', 1);
    """)
    p = Pseudonymizer.from_db(db)
    out = scrub("王芳 cc cwhite, CW@x.org and deploybot", pseudonyms=p)
    assert out.text == "Colleague A cc Colleague B, Colleague B and deploybot"
