"""Encoding detection for export files."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from colleague.sources._text import decode_bytes, head_text, sniff_encoding

ZH = "上线前必须先在预发环境跑一遍回归，不要在周五下午发版。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ZH.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + ZH.encode("utf-8"), "utf-8"),
        (ZH.encode("gbk"), "gb18030"),
        (ZH.encode("utf-16"), "utf-16-le"),
        (("2024-03-01 10:00 Li Wei: ok\n" * 3).encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_sniff_and_decode(data: bytes, encoding: str) -> None:
    assert sniff_encoding(data)[0] == encoding
    assert ZH.strip()[:4] in decode_bytes(data) or "Li Wei" in decode_bytes(data)


def test_gbk_head_cut_inside_a_character(tmp_path: Path) -> None:
    """identify() peeks at a fixed-size head; a cut through a GBK character must not
    make the whole file look like something else."""
    path = tmp_path / "chat.txt"
    body = ("2024-03-01 10:00:01 王芳：" + "预发环境回归" * 50 + "\n") * 40
    path.write_bytes(body.encode("gbk"))
    for size in range(8180, 8200):
        assert head_text(path, size).startswith("2024-03-01 10:00:01 王芳："), size
