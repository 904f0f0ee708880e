"""The reader interface every export format implements (beangulp-style importers).

A reader says whether it recognises a path (`identify`) and streams records from it
(`read`). It never touches the store. A file it cannot read at all raises `ReadError`
naming the file, the record and what was expected; a single unusable record is yielded
as `Rejected` so the rest of the file still ingests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Protocol, runtime_checkable

from colleague.model import Identity, Record


class ReadError(Exception):
    """A file could not be read. The message names the file, the record and what was expected."""

    def __init__(self, path: Path | str, where: str, expected: str) -> None:
        self.path = str(path)
        self.where = where
        self.expected = expected
        super().__init__(f"{self.path}: {where}: {expected}")


@dataclass(frozen=True, slots=True)
class ReadContext:
    """Options the operator gives for one ingest run."""

    tz: tzinfo  # zone for sources whose times carry none (text exports, Telegram)
    author: Identity | None = None  # author for documents that name none
    self_name: str | None = None  # the exporting user's name, for "me"/IsSender records


@runtime_checkable
class Reader(Protocol):
    name: str  # format name for --format and the summary table
    description: str

    def identify(self, path: Path) -> bool:
        """Cheaply decide whether this reader handles `path` (file, folder or zip)."""

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        """Stream records from `path`; raise ReadError if the file cannot be read."""


# A reader may also define `fingerprint(path) -> str`: a cheap stand-in for hashing the
# input's bytes when those are huge and a smaller thing identifies the content (a git
# repository's HEAD commit). The pipeline records sha256 of that string instead.
