"""Decoding helpers shared by readers: exports arrive as UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030."""

from __future__ import annotations

import codecs
from pathlib import Path

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def sniff_encoding(data: bytes) -> tuple[str, int]:
    """Return (encoding, bytes of BOM to skip) for raw export bytes."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, len(bom)
    head = data[:4096]
    # UTF-16 without a BOM: every other byte of ASCII text is NUL.
    if len(head) >= 4:
        even_nuls = head[0::2].count(0)
        odd_nuls = head[1::2].count(0)
        if odd_nuls > len(head) // 4 and even_nuls == 0:
            return "utf-16-le", 0
        if even_nuls > len(head) // 4 and odd_nuls == 0:
            return "utf-16-be", 0
    try:
        data.decode("utf-8")
        return "utf-8", 0
    except UnicodeDecodeError as exc:
        # A multi-byte sequence cut at the end of a sample is still UTF-8.
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return "utf-8", 0
    # A head cut at a fixed size may split a double-byte character: judge whole lines.
    cut = data.rfind(b"\n")
    sample = data[: cut + 1] if cut > 0 else data
    try:
        sample.decode("gb18030")
        return "gb18030", 0
    except UnicodeDecodeError:
        return "utf-8", 0  # undecodable: caller decodes with replacement and reports


def decode_bytes(data: bytes) -> str:
    """Decode export bytes whatever their encoding; strips a BOM; never raises."""
    enc, skip = sniff_encoding(data)
    return data[skip:].decode(enc, errors="replace")


def read_text(path: Path) -> str:
    """Read a whole text file, detecting its encoding. Line endings are normalised to \\n."""
    text = decode_bytes(path.read_bytes())
    return text.replace("\r\n", "\n").replace("\r", "\n")


def head_text(path: Path, size: int = 8192) -> str:
    """The first `size` bytes of a file as text, for identify(); '' if unreadable."""
    try:
        with path.open("rb") as fh:
            data = fh.read(size)
    except OSError:
        return ""
    enc, skip = sniff_encoding(data)
    return data[skip:].decode(enc, errors="ignore")
