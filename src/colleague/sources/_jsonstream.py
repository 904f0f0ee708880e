"""The one place readers read JSON from: a document, JSON Lines, or a stream of documents.

Files arrive in any encoding (UTF-8 with or without BOM, UTF-16, GB18030: sniffed by
`_text.sniff_encoding`) and can run to hundreds of megabytes, almost all of it one array.
`JsonStream` walks the outer objects and arrays itself and hands each element to
`json.JSONDecoder.raw_decode`, so only the element being read (plus one read-ahead chunk) is
ever in memory. On top of it:

* `open_json` / `json_head`: open a file for streaming; its head for identify().
* `load_json`: one whole (small) document.
* `iter_json_records`: a document, its top-level array element by element, or JSON Lines.
* `json_records`: JSON Lines, an array, or concatenated documents as `JsonItem`s, where a bad
  line is an item with `error` rather than the end of the file.

Errors become `ReadError(path, where, expected)`: `where` is the caller's record locator
("messages[41]") with the line number in the file, so a truncated export names the record
at which it stops.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from colleague.sources._lines import Lines, open_text
from colleague.sources._text import head_text
from colleague.sources.base import ReadError

_WS = " \t\r\n"
_CHUNK = 1 << 16


class JsonSyntaxError(ValueError):
    """A value that does not decode; `truncated` when the file ends inside it."""

    def __init__(self, msg: str, truncated: bool, line: int, column: int) -> None:
        super().__init__(msg)
        self.msg = msg
        self.truncated = truncated
        self.line = line  # where the decoder stopped, in the file
        self.column = column


class JsonStream:
    """A pull parser over a text stream: iterate objects/arrays, decode leaf values whole.

    `ws` is what counts as blank between values (a stray BOM between concatenated documents
    for WeCom); `lines=False` leaves the line number out of error locators.
    """

    def __init__(self, fh: IO[str], path: Path | str, *, ws: str = _WS, lines: bool = True) -> None:
        self.fh = fh
        self.path = path
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.line = 1  # line number of buf[0]
        self.ws = ws
        self.lines = lines
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
        if not self.lines:
            return where
        line = self.line_no()
        return f"{where} (line {line})" if where else f"line {line}"

    def line_no(self) -> int:
        """Line number of the read position."""
        return self.line + self.buf.count("\n", 0, self.pos)

    def peek(self, where: str) -> str:
        """The next non-blank character ('' at end of file), not consumed."""
        while True:
            n = len(self.buf)
            while self.pos < n and self.buf[self.pos] in self.ws:
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
        try:
            return self.decode(where)
        except JsonSyntaxError as exc:
            why = "the file ends inside it: truncated?" if exc.truncated else exc.msg
            raise ReadError(self.path, self.at(where), f"a complete JSON value ({why})") from exc

    def decode(self, where: str) -> Any:
        """Like value(), but a value that does not decode raises JsonSyntaxError, for callers
        with their own wording; the position is left at its start."""
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
                line = self.line + exc.lineno - 1
                raise JsonSyntaxError(exc.msg, cut, line, exc.colno) from exc
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


def open_json(path: Path, errors: str = "strict", **options: Any) -> tuple[IO[str], JsonStream]:
    """Open `path` for streaming in its own encoding; `options` go to JsonStream.
    Returns (file to close, stream)."""
    fh = open_text(path, errors=errors, newline="")
    return fh, JsonStream(fh, path, **options)


def json_head(path: Path, size: int = 4096) -> str:
    """The first bytes of a file as text, without leading whitespace; '' if unreadable."""
    return head_text(path, size).lstrip(_WS)


def load_json(path: Path) -> Any:
    """One whole JSON document in any encoding; malformed, truncated or trailed → ReadError."""
    fh, stream = open_json(path, errors="replace")
    with fh:
        return _document(stream, path)


def _document(stream: JsonStream, path: Path) -> Any:
    """The rest of the stream as one document; errors name the line and column they are at."""
    if stream.peek("") == "":
        raise ReadError(path, "line 1", "a JSON document (the file is empty)")
    try:
        value = stream.decode("")
    except JsonSyntaxError as exc:
        what = "complete JSON (the file ends early: truncated?)" if exc.truncated else f"valid JSON ({exc.msg})"
        raise ReadError(path, f"line {exc.line} column {exc.column}", what) from exc
    except RecursionError as exc:
        raise ReadError(path, "document", "JSON nested less deeply") from exc
    stream.end()
    return value


def is_json_lines(path: Path) -> bool:
    """.jsonl/.ndjson, or a .json file holding one object per line (a bot's message log)."""
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return True
    text = head_text(path, 65536).replace("\r\n", "\n").replace("\r", "\n").lstrip()
    if not text.startswith("{"):
        return False
    first, _, rest = text.partition("\n")
    if not rest.strip():
        return False
    try:
        json.loads(first)
    except json.JSONDecodeError:
        return False
    return rest.lstrip().startswith("{")


def iter_json_records(path: Path) -> Iterator[tuple[str, Any]]:
    """(where, value), streamed: each line's value for JSON Lines (a bad line → ReadError),
    each element of a top-level array ("[i]"), or else the whole document once ("")."""
    if is_json_lines(path):
        for item in json_lines(path):
            if item.error is not None:
                raise ReadError(path, item.where, f"one complete JSON value per line ({item.error})")
            yield item.where, item.value
        return
    fh, stream = open_json(path, errors="replace")
    with fh:
        if stream.peek("") != "[":
            yield "", _document(stream, path)
            return
        try:
            for i in stream.iter_array(""):
                yield f"[{i}]", stream.value(f"[{i}]")
        except RecursionError as exc:
            raise ReadError(path, "document", "JSON nested less deeply") from exc
        stream.end()


def join_where(base: str, part: str) -> str:
    """Compose record locators: ('line 3', 'data.items[0]') → 'line 3: data.items[0]'."""
    if not base:
        return part.lstrip(".")
    if not part:
        return base
    if base.startswith("line ") and not part.startswith("["):
        return f"{base}: {part.lstrip('.')}"
    return base + part


# -- records that may fail one by one --------------------------------------------------------

_WS_BOM = _WS + "\ufeff"


@dataclass(frozen=True, slots=True)
class JsonItem:
    where: str  # "line 12" (JSON lines) or "item[3] (line 40)" (array)
    value: Any  # None with `error` set when the record could not be parsed
    error: str | None = None


def json_records(path: Path) -> Iterator[JsonItem]:
    """JSON lines, a JSON array, or concatenated/pretty-printed objects — one item at a time.
    A bad line of JSON Lines is an item with `error`; a truncated file raises ReadError."""
    fh = open_text(path, errors="replace", newline="")
    with fh:
        first = fh.readline(_CHUNK)
        stripped = first.strip(_WS_BOM)
        if stripped.startswith("{") and _is_object(stripped):
            yield from _json_lines(path, first, Lines(fh))
            return
        stream = JsonStream(fh, path, ws=_WS_BOM)
        stream.buf = first
        if stream.peek("") == "[":
            yield from _json_array(path, stream)
        else:
            yield from _json_stream(path, stream)


def json_lines(path: Path) -> Iterator[JsonItem]:
    """Each non-blank line's JSON value; a bad line is an item with `error`, a bad last line
    without a newline (a cut-off file) raises ReadError."""
    fh = open_text(path, errors="replace", newline="")
    with fh:
        yield from _json_lines(path, "", Lines(fh))


def _is_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except json.JSONDecodeError:
        return False


def _json_lines(path: Path, first: str, lines: Lines) -> Iterator[JsonItem]:
    number = 0
    pending: tuple[int, str] | None = None

    def chain() -> Iterator[str]:
        if first:
            yield first
        yield from lines

    for text in chain():
        number += 1
        if pending is not None:
            yield JsonItem(f"line {pending[0]}", None, pending[1])
            pending = None
        body = text.strip(_WS_BOM)
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


def _json_array(path: Path, stream: JsonStream) -> Iterator[JsonItem]:
    stream.pos += 1  # the '['
    index = 0
    while True:
        nxt = stream.peek("")
        if nxt == "]" and index == 0:
            return
        where = f"item[{index}] (line {stream.line_no()})"
        if nxt == "":
            raise ReadError(path, where, "more array items or ']' (file truncated)")
        try:
            value = stream.decode(where)
        except JsonSyntaxError as exc:
            raise ReadError(path, where, f"valid JSON ({exc.msg})") from exc
        yield JsonItem(where, value)
        index += 1
        nxt = stream.peek("")
        if nxt == "]":
            return
        if nxt != ",":
            found = repr(nxt) if nxt else "end of file (truncated)"
            raise ReadError(path, f"item[{index}] (line {stream.line_no()})", f"',' or ']', got {found}")
        stream.pos += 1


def _json_stream(path: Path, stream: JsonStream) -> Iterator[JsonItem]:
    while stream.peek(""):
        where = f"line {stream.line_no()}"
        try:
            value = stream.decode(where)
        except JsonSyntaxError as exc:
            expected = "a complete JSON value (file truncated)" if exc.truncated else f"valid JSON ({exc.msg})"
            raise ReadError(path, where, expected) from exc
        yield JsonItem(where, value)
