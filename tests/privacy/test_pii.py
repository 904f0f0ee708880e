"""Personal-data detectors: planted values are found, technical text is left alone."""

from __future__ import annotations

import pytest

from colleague.privacy.pii import find_pii, luhn


def found(text: str) -> list[tuple[str, str]]:
    return [(d.type, text[d.start:d.end]) for d in find_pii(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("我的手机是 138 0013 8000，", [("phone", "138 0013 8000")]),
    ("手机：+86 139-1234-5678", [("phone", "+86 139-1234-5678")]),
    ("call 13912345678 now", [("phone", "13912345678")]),
    ("办公室电话 010-62751234 转 8", [("phone", "010-62751234")]),
    ("座机 (0755)86012345", [("phone", "(0755)86012345")]),
    ("Call me at +1 415-555-2671 tomorrow", [("phone", "+1 415-555-2671")]),
    ("UK office +44 20 7946 0958.", [("phone", "+44 20 7946 0958")]),
    ("my phone: (415) 555-2671", [("phone", "(415) 555-2671")]),
    ("身份证 11010519491231002X", [("id_number", "11010519491231002X")]),
    ("旧身份证号 110105491231002", [("id_number", "110105491231002")]),
    ("卡号 6222 0212 3456 7890 128", [("bank_card", "6222 0212 3456 7890 128")]),
    ("card 4012888888881881 exp 12/27", [("bank_card", "4012888888881881")]),
    ("pay with 5500-0000-0000-0004", [("bank_card", "5500-0000-0000-0004")]),
    ("mail john.doe@example.com.", [("email", "john.doe@example.com")]),
    ("邮箱：zhangsan@corp.cn", [("email", "zhangsan@corp.cn")]),
    ("ssh into 10.20.30.40 please", [("ip_address", "10.20.30.40")]),
    ("host 2001:db8:85a3::8a2e:370:7334 is down", [("ip_address", "2001:db8:85a3::8a2e:370:7334")]),
    ("护照号码：E12345678", [("passport", "E12345678")]),
    ("passport no. G87654321", [("passport", "G87654321")]),
    ("加我QQ：123456789", [("qq", "123456789")]),
    ("QQ号 87654321", [("qq", "87654321")]),
    ("微信号：zhang_san88", [("wechat", "zhang_san88")]),
    ("from wxid_abc123def456 in group", [("wechat", "wxid_abc123def456")]),
    ("寄到北京市海淀区中关村大街27号", [("address", "北京市海淀区中关村大街27号")]),
    ("地址：上海市浦东新区世纪大道100号3号楼1201室，",
     [("address", "上海市浦东新区世纪大道100号3号楼1201室")]),
    ("ship to 1600 Amphitheatre Parkway, Mountain View, CA 94043.",
     [("address", "1600 Amphitheatre Parkway, Mountain View, CA 94043")]),
])
def test_planted_pii(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "released v1.2.3.4 yesterday", "upgrade to version 2.0.10.1", "pyzmq >= 2.0.10.1",
    "wxpython 2.8.7.1 works", "#### 1.4.3.1 加上 paddle.device", "rv:1.9.2.24) Gecko/20111108",
    "commit 6f629fcc23ba63342548f61cc7307eeef4f55799", "at 2005-07-06T17:52:32+00:00",
    "listen on 0.0.0.0:8080 and 127.0.0.1:5432", "uuid 123e4567-e89b-12d3-a456-426614174000",
    "color #ff8800, size 1234567890 bytes", "issue #12345, PR #9231", "timestamp 1700000000123",
    "order 1234567812345678 shipped",  # Luhn-valid 16 digits but no card context or card BIN
    "ID 110105194912310021 is wrong",  # bad checksum
    "20231016_飞桨护航计划集训营开营仪式会议纪要", "std::vector<int> a; x[1::2]", "12:30:45",
    "MAC 00:1a:2b:3c:4d:5e", "Fix wx deprecation warning", "the wx frontend",
    "git@github.com:ipython/ipython.git", "腾讯会议：411-8645-4113",
])
def test_technical_text_survives(text: str) -> None:
    assert found(text) == []


def test_luhn() -> None:
    assert luhn("4111111111111111") and not luhn("4111111111111112")


def test_id_number_beats_bank_card_reading() -> None:
    text = "身份证 11010519491231002X 卡号 6222021234567890128"
    assert [t for t, _ in found(text)] == ["id_number", "bank_card"]
