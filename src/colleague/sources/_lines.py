"""Line-by-line reading of text files in whatever encoding they arrived in.

Exports come as UTF-8 (with or without BOM), UTF-16/32 or GBK/GB18030 after a trip through
Excel. The encoding is sniffed once from the head of the file (`_text.sniff_encoding`), then
the file is decoded incrementally, so a large export is never held in memory. Readers choose
how undecodable bytes are handled (`iter_lines(decode=...)`).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Literal, TextIO

from colleague.sources._text import sniff_encoding
from colleague.sources.base import ReadError

# A larger head judges GBK against UTF-8 better; sniff_encoding cuts it at a line end.
SNIFF_BYTES = 1 << 20

Decode = Literal["replace", "strict", "per-line", "per-line-strict"]


def sniff(path: Path, size: int = SNIFF_BYTES) -> tuple[str, int]:
    """(encoding, BOM length) of a file, from its head; raises OSError."""
    with path.open("rb") as fh:
        return sniff_encoding(fh.read(size))


def open_text(path: Path, *, errors: str = "replace", newline: str | None = "") -> TextIO:
    """The file as a text stream in its own encoding, BOM skipped. `newline=""` leaves line
    ends as written (for csv); None translates CRLF and CR. Raises ReadError if unreadable."""
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise ReadError(path, "file", f"a readable file ({exc.strerror or exc})") from exc
    try:
        enc, skip = sniff_encoding(raw.read(SNIFF_BYTES))
        raw.seek(skip)
    except OSError as exc:
        raw.close()
        raise ReadError(path, "file", f"a readable file ({exc.strerror or exc})") from exc
    return io.TextIOWrapper(raw, encoding=enc, errors=errors, newline=newline)


def head_lines(path: Path, limit: int = 40, width: int = 65536) -> list[str]:
    """The first `limit` lines of a file, decoded, without line ends; [] if unreadable."""
    lines: list[str] = []
    try:
        with open_text(path) as fh:
            for _ in range(limit):
                chunk = fh.readline(width)
                if not chunk:
                    break
                lines.append(chunk.rstrip("\r\n"))
    except (ReadError, OSError, UnicodeError, LookupError):
        return []
    return lines


def head_chars(path: Path, size: int = 65536) -> str:
    """The first `size` characters of a file, decoded; '' if unreadable."""
    try:
        with open_text(path) as fh:
            return fh.read(size)
    except (ReadError, OSError, UnicodeError, LookupError):
        return ""


class Lines:
    """Line iterator that remembers the last line, so a missing final newline is visible."""

    def __init__(self, fh: TextIO) -> None:
        self.fh = fh
        self.last = ""

    def __iter__(self) -> Iterator[str]:
        for line in self.fh:
            self.last = line
            yield line

    @property
    def ends_cleanly(self) -> bool:
        return self.last == "" or self.last.endswith(("\n", "\r"))


def iter_lines(path: Path, decode: Decode = "replace", head: int = SNIFF_BYTES) -> Iterator[tuple[int, str]]:
    """(line number, line without its end) for every line of a text file, streamed.

    decode="replace": bad bytes become U+FFFD; CRLF and lone CR end a line.
    decode="strict": a bad byte raises ReadError naming the line.
    decode="per-line": each line is decoded on its own, trying the sniffed encoding, then
    UTF-8/GB18030, then cp1252 (logs that mix encodings); lines end at LF.
    decode="per-line-strict": the same, but a line neither UTF-8 nor GB18030 raises ReadError.
    UTF-16/32 files are always decoded as one stream. `head`: bytes sniffed for the encoding.
    """
    try:
        enc, skip = sniff(path, head)
        fh = path.open("rb")
    except OSError as exc:
        raise ReadError(path, "file", f"a readable file ({exc.strerror or exc})") from exc
    with fh:
        fh.seek(skip)
        if decode in ("replace", "strict") or enc.startswith(("utf-16", "utf-32")):
            errors = "strict" if decode == "strict" else "replace"
            text = io.TextIOWrapper(fh, encoding=enc, errors=errors, newline=None)
            yield from numbered(text, path)
            return
        order = (enc, "gb18030" if enc == "utf-8" else "utf-8")
        for n, raw in enumerate(fh, 1):
            yield n, _decode_line(raw.rstrip(b"\r\n"), order, decode == "per-line", path, n)


def numbered(text: TextIO, path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line without its end) from an open text stream; a decoding error → ReadError."""
    n = 0
    while True:
        try:
            line = text.readline()
        except UnicodeDecodeError as exc:
            raise ReadError(path, f"line {n + 1}", f"text in {text.encoding} ({exc.reason})") from exc
        if not line:
            return
        n += 1
        yield n, line.rstrip("\r\n")


def _decode_line(raw: bytes, order: tuple[str, str], lenient: bool, path: Path, n: int) -> str:
    try:
        return raw.decode(order[0])
    except UnicodeDecodeError as exc:
        try:
            return raw.decode(order[1])
        except UnicodeDecodeError:
            if lenient:
                return raw.decode("cp1252", errors="replace")
            raise ReadError(path, f"line {n}", f"UTF-8 text ({exc.reason})") from exc
