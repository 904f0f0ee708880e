"""Incremental reading of one large JSON document with the stdlib only.

Chat exports (DiscordChatExporter JSON, Telegram `result.json`) are single JSON objects that
can run to hundreds of megabytes, almost all of it one `messages` array. `JsonStream` walks
the outer objects and arrays itself and hands each element to `json.JSONDecoder.raw_decode`,
so only the element being read (plus one read-ahead chunk) is ever in memory.

Errors become `ReadError(path, where, expected)`: `where` is the caller's record locator
("messages[41]") with the line number in the file, so a truncated export names the record
at which it stops.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from colleague.sources._text import head_text, sniff_encoding
from colleague.sources.base import ReadError

_WS = " \t\r\n"
_CHUNK = 1 << 16
_SNIFF = 1 << 16


class JsonStream:
    """A pull parser over a text stream: iterate objects/arrays, decode leaf values whole."""

    def __init__(self, fh: IO[str], path: Path | str) -> None:
        self.fh = fh
        self.path = path
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.line = 1  # line number of buf[0]
        self._decoder = json.JSONDecoder()

    # -- buffer ---------------------------------------------------------------------------
    def _fill(self, where: str, want: int = _CHUNK) -> bool:
        """Read more text; False at end of file. Drops the consumed prefix first."""
        if self.eof:
            return False
        if self.pos:
            self.line += self.buf.count("\n", 0, self.pos)
            self.buf = self.buf[self.pos :]
            self.pos = 0
        try:
            data = self.fh.read(max(want, _CHUNK))
        except UnicodeDecodeError as exc:
            enc = getattr(self.fh, "encoding", "utf-8")
            raise ReadError(self.path, self.at(where), f"text in {enc} ({exc.reason})") from exc
        except OSError as exc:
            raise ReadError(self.path, self.at(where), f"a readable file ({exc})") from exc
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def at(self, where: str) -> str:
        line = self.line + self.buf.count("\n", 0, self.pos)
        return f"{where} (line {line})" if where else f"line {line}"

    def peek(self, where: str) -> str:
        """The next non-blank character ('' at end of file), not consumed."""
        while True:
            n = len(self.buf)
            while self.pos < n and self.buf[self.pos] in _WS:
                self.pos += 1
            if self.pos < n:
                return self.buf[self.pos]
            if not self._fill(where):
                return ""

    def expect(self, char: str, where: str, what: str) -> None:
        got = self.peek(where)
        if got != char:
            found = "end of file" if got == "" else repr(got)
            raise ReadError(self.path, self.at(where), f"{what} (found {found})")
        self.pos += 1

    # -- values ---------------------------------------------------------------------------
    def value(self, where: str) -> Any:
        """Decode the next complete JSON value (an element, a small object, a scalar)."""
        if self.peek(where) == "":
            raise ReadError(self.path, self.at(where), "a JSON value (found end of file)")
        while True:
            try:
                obj, end = self._decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # An error at the buffer's end (or an open string) means the value runs on
                # past what is read so far: read more (doubling) and retry. An error in the
                # middle is real and is reported without reading the rest of the file.
                runs_on = exc.pos >= len(self.buf) - 6 or exc.msg.startswith("Unterminated")
                # If this is the end of the file: cut short, or a real error just before it?
                # (Decided now: _fill moves the buffer, and exc.pos with it.)
                cut = exc.msg.startswith("Unterminated") or exc.pos >= len(self.buf.rstrip(_WS))
                if runs_on and self._fill(where, len(self.buf) - self.pos):
                    continue
                why = "the file ends inside it: truncated?" if cut else exc.msg
                raise ReadError(self.path, self.at(where), f"a complete JSON value ({why})") from exc
            # A number or literal ending exactly at the buffer's end may continue in the file.
            if end == len(self.buf) and not self.eof and self._fill(where):
                continue
            self.pos = end
            return obj

    def skip(self, where: str) -> None:
        """Consume the next value without holding a large container in memory."""
        c = self.peek(where)
        if c == "{":
            for key in self.iter_object(where):
                self.skip(f"{where}.{key}" if where else key)
        elif c == "[":
            for i in self.iter_array(where):
                self.skip(f"{where}[{i}]")
        else:
            self.value(where)

    # -- containers ---------------------------------------------------------------------------
    def iter_object(self, where: str) -> Iterator[str]:
        """Yield each key; the caller must consume its value before asking for the next key."""
        self.expect("{", where, "a JSON object")
        if self.peek(where) == "}":
            self.pos += 1
            return
        while True:
            if self.peek(where) != '"':
                self.expect('"', where, "a quoted key")
            key = self.value(where)
            self.expect(":", f"{where}.{key}" if where else str(key), "':' after a key")
            yield str(key)
            c = self.peek(where)
            if c == ",":
                self.pos += 1
                continue
            if c == "}":
                self.pos += 1
                return
            self.expect("}", f"{where}.{key}" if where else str(key), "',' or '}' after a value")

    def iter_array(self, where: str) -> Iterator[int]:
        """Yield each index; the caller must consume the element before asking for the next."""
        self.expect("[", where, "a JSON array")
        if self.peek(where) == "]":
            self.pos += 1
            return
        i = 0
        while True:
            yield i
            c = self.peek(f"{where}[{i}]")
            if c == ",":
                self.pos += 1
                i += 1
                continue
            if c == "]":
                self.pos += 1
                return
            self.expect("]", f"{where}[{i + 1}]", "',' or ']' after an array element")

    def end(self, where: str = "end") -> None:
        """Only whitespace may follow the document."""
        c = self.peek(where)
        if c:
            raise ReadError(self.path, self.at(where), f"end of file after the JSON document (found {c!r})")


def open_json(path: Path) -> tuple[IO[bytes], JsonStream]:
    """Open `path` for streaming, decoding UTF-8 (with or without BOM), UTF-16 or GB18030."""
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise ReadError(path, "file", f"a readable file ({exc.strerror or exc})") from exc
    head = raw.read(_SNIFF)
    enc, skip = sniff_encoding(head)
    raw.seek(skip)
    text = io.TextIOWrapper(raw, encoding=enc, errors="strict", newline="")
    return raw, JsonStream(text, path)


def json_head(path: Path, size: int = 4096) -> str:
    """The first bytes of a file as text, without leading whitespace; '' if unreadable."""
    return head_text(path, size).lstrip(_WS)
