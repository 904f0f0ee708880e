"""Streaming CSV with line numbers (WeChat, PyWxDump and Discord exports); text from `_lines`."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from colleague.sources._lines import Lines, head_lines, open_text
from colleague.sources.base import ReadError


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


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int  # 1-based line where the record starts
    cells: list[str] | None  # None when the csv module could not parse the record
    error: str | None = None


def csv_rows(path: Path, width: int, delimiter: str = ",", errors: str = "replace") -> Iterator[CsvRow]:
    """Data rows after the header, each with its starting line number.

    A record cut off at end of file (open quote, or a short last row with no final newline,
    when `width` > 0) raises ReadError: the file is truncated. Other unparsable records come
    back with `error`. `errors="strict"`: undecodable text raises ReadError naming the line.
    """
    with open_text(path, errors=errors) as fh:
        lines = Lines(fh)
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
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
            except UnicodeDecodeError as exc:
                raise ReadError(path, f"line {start}", f"text in {fh.encoding} ({exc.reason})") from exc
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
