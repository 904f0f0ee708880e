"""Streaming text, CSV and JSON input for the WeChat and WeCom readers.

Exports arrive as UTF-8 (with or without BOM), GBK/GB18030 after a trip through Excel, or
UTF-16. The encoding is sniffed once from the head of the file (via `_text.sniff_encoding`),
then the file is decoded incrementally, so a large export is never held in memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from colleague.sources._text import sniff_encoding
from colleague.sources.base import ReadError

_HEAD = 65536
_CHUNK = 1 << 20


def sniff(path: Path) -> tuple[str, int]:
    """(encoding, BOM length) of a file, from its head."""
    with path.open("rb") as fh:
        return sniff_encoding(fh.read(_HEAD))


def open_text(path: Path) -> TextIO:
    """The file as a text stream in its own encoding; newlines are left as written (for csv)."""
    enc, skip = sniff(path)
    raw = path.open("rb")
    try:
        raw.seek(skip)
    except OSError:
        raw.close()
        raise
    return io.TextIOWrapper(raw, encoding=enc, errors="replace", newline="")


def head_lines(path: Path, limit: int = 40) -> list[str]:
    """The first `limit` lines of a file, decoded, without line ends; [] if unreadable."""
    lines: list[str] = []
    try:
        with open_text(path) as fh:
            for _ in range(limit):
                chunk = fh.readline(_HEAD)
                if not chunk:
                    break
                lines.append(chunk.rstrip("\r\n"))
    except (OSError, UnicodeError, LookupError):
        return []
    return lines


def head_chars(path: Path, size: int = _HEAD) -> str:
    """The first `size` characters of a file, decoded; '' if unreadable."""
    try:
        with open_text(path) as fh:
            return fh.read(size)
    except (OSError, UnicodeError, LookupError):
        return ""


def csv_header(path: Path) -> list[str]:
    """The first CSV row (stripped of BOM and spaces); [] if there is none."""
    lines = head_lines(path, 1)
    if not lines:
        return []
    try:
        row = next(csv.reader([lines[0]]), [])
    except csv.Error:
        return []
    return [c.strip().lstrip("\ufeff") for c in row]


class _Lines:
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


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int  # 1-based line where the record starts
    cells: list[str] | None  # None when the csv module could not parse the record
    error: str | None = None


def csv_rows(path: Path, width: int) -> Iterator[CsvRow]:
    """Data rows after the header, each with its starting line number.

    A record cut off at end of file (open quote, or a short last row with no final newline)
    raises ReadError: the file is truncated. Other unparsable records come back with `error`.
    """
    try:
        fh = open_text(path)
    except OSError as exc:
        raise ReadError(path, "file", f"a readable file ({exc.strerror or exc})") from exc
    with fh:
        lines = _Lines(fh)
        reader = csv.reader(lines, strict=True)
        last: CsvRow | None = None
        consumed = 0
        while True:
            start = consumed + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                consumed = reader.line_num
                if "unexpected end of data" in str(exc):
                    raise ReadError(path, f"line {start}", "a closing quote (file truncated)") from exc
                last = CsvRow(start, None, f"unparsable CSV record ({exc})")
                if start > 1:
                    yield last
                continue
            except (OSError, UnicodeError) as exc:
                raise ReadError(path, f"line {start}", f"readable text ({exc})") from exc
            consumed = reader.line_num
            if start == 1 or not cells or cells == [""]:
                continue  # the header, or a blank line
            last = CsvRow(start, cells)
            # Only the file's final line can lack a newline: a short row there was cut off.
            if len(cells) < width and not lines.ends_cleanly:
                raise ReadError(
                    path, f"line {start}",
                    f"a row of {width} fields, got {len(cells)} (file truncated mid-row)",
                )
            yield last


# -- JSON -------------------------------------------------------------------------------

_DECODER = json.JSONDecoder()
_WS = " \t\r\n\ufeff"


@dataclass(frozen=True, slots=True)
class JsonItem:
    where: str  # "line 12" (JSON lines) or "item[3] (line 40)" (array)
    value: Any  # None with `error` set when the record could not be parsed
    error: str | None = None


class _Buffer:
    """Incrementally decoded text with a cursor and a line counter."""

    def __init__(self, fh: TextIO) -> None:
        self.fh = fh
        self.text = ""
        self.pos = 0
        self.line = 1
        self.eof = False

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.fh.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        # Drop what is consumed so the buffer stays about one chunk long.
        self.text = self.text[self.pos :] + chunk
        self.pos = 0
        return True

    def skip_ws(self) -> str:
        """Advance past whitespace; the next character, or '' at end of input."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WS:
                if self.text[self.pos] == "\n":
                    self.line += 1
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def value(self) -> Any:
        """Decode one JSON value at the cursor, reading more input while it is incomplete."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                # Incomplete input fails at the end of the buffer (or inside a string that
                # runs to it): read on. A real syntax error earlier fails at once.
                incomplete = exc.pos >= len(self.text) - 1 or exc.msg.startswith("Unterminated")
                if incomplete and self.more():
                    continue
                raise
            if end == len(self.text) and not self.eof and self.more():
                continue  # a number or literal may go on in the next chunk
            self.line += self.text.count("\n", self.pos, end)
            self.pos = end
            return value


def json_records(path: Path) -> Iterator[JsonItem]:
    """JSON lines, a JSON array, or concatenated/pretty-printed objects — one item at a time."""
    try:
        fh = open_text(path)
    except OSError as exc:
        raise ReadError(path, "file", f"a readable file ({exc.strerror or exc})") from exc
    with fh:
        first = fh.readline(_CHUNK)
        stripped = first.strip(_WS)
        if stripped.startswith("{") and _is_object(stripped):
            yield from _json_lines(path, first, fh)
            return
        buf = _Buffer(fh)
        buf.text = first
        if buf.skip_ws() == "[":
            yield from _json_array(path, buf)
        else:
            yield from _json_stream(path, buf)


def _is_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except json.JSONDecodeError:
        return False


def _json_lines(path: Path, first: str, fh: TextIO) -> Iterator[JsonItem]:
    number = 0
    lines = _Lines(fh)
    pending: tuple[int, str] | None = None

    def chain() -> Iterator[str]:
        yield first
        yield from lines

    for text in chain():
        number += 1
        if pending is not None:
            yield JsonItem(f"line {pending[0]}", None, pending[1])
            pending = None
        body = text.strip(_WS)
        if not body:
            continue
        try:
            yield JsonItem(f"line {number}", json.loads(body))
        except json.JSONDecodeError as exc:
            # Hold the error back one line: a bad *last* line with no newline is a truncation.
            pending = (number, f"invalid JSON ({exc.msg} at column {exc.colno})")
    if pending is not None:
        if not (lines.last or first).endswith(("\n", "\r")):
            raise ReadError(path, f"line {pending[0]}", "a complete JSON object (file truncated)")
        yield JsonItem(f"line {pending[0]}", None, pending[1])


def _json_array(path: Path, buf: _Buffer) -> Iterator[JsonItem]:
    buf.pos += 1  # the '['
    index = 0
    while True:
        nxt = buf.skip_ws()
        if nxt == "]" and index == 0:
            return
        where = f"item[{index}] (line {buf.line})"
        if nxt == "":
            raise ReadError(path, where, "more array items or ']' (file truncated)")
        try:
            value = buf.value()
        except json.JSONDecodeError as exc:
            raise ReadError(path, where, f"valid JSON ({exc.msg})") from exc
        yield JsonItem(where, value)
        index += 1
        nxt = buf.skip_ws()
        if nxt == "]":
            return
        if nxt != ",":
            found = repr(nxt) if nxt else "end of file (truncated)"
            raise ReadError(path, f"item[{index}] (line {buf.line})", f"',' or ']', got {found}")
        buf.pos += 1


def _json_stream(path: Path, buf: _Buffer) -> Iterator[JsonItem]:
    while buf.skip_ws():
        where = f"line {buf.line}"
        try:
            value = buf.value()
        except json.JSONDecodeError as exc:
            at_end = exc.pos >= len(buf.text) - 1 or exc.msg.startswith("Unterminated")
            expected = "a complete JSON value (file truncated)" if at_end else f"valid JSON ({exc.msg})"
            raise ReadError(path, where, expected) from exc
        yield JsonItem(where, value)
