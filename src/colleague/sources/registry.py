"""Which reader handles a path.

Every module in `colleague.sources` that does not start with '_' may define `READERS`, a
list of reader objects; installed plugins add more through the `colleague.sources` entry
point group (each entry point names such a list). Readers are tried in order of their
`priority` (lower first, default 50) so that specific formats win over generic ones
(documents are tried last).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

import colleague.sources as _pkg
from colleague.sources.base import Reader

_NOT_READERS = {"base", "registry"}


@cache
def readers() -> tuple[Reader, ...]:
    found: list[Reader] = []
    for info in pkgutil.iter_modules(_pkg.__path__):
        if info.name.startswith("_") or info.name in _NOT_READERS:
            continue
        module = importlib.import_module(f"{_pkg.__name__}.{info.name}")
        found.extend(getattr(module, "READERS", []))
    for ep in entry_points(group="colleague.sources"):
        found.extend(ep.load())
    return tuple(sorted(found, key=lambda r: (getattr(r, "priority", 50), r.name)))


def names() -> list[str]:
    return [r.name for r in readers()]


def get(name: str) -> Reader:
    for r in readers():
        if r.name == name:
            return r
    raise KeyError(f"unknown format {name!r}; known formats: {', '.join(names())}")


def identify(path: Path) -> Reader | None:
    for r in readers():
        try:
            if r.identify(path):
                return r
        except OSError:
            continue
    return None


@dataclass(frozen=True)
class Unit:
    """One thing to ingest in one transaction: a file, an export folder or a zip."""

    path: Path
    reader: Reader


@dataclass(frozen=True)
class Unrecognised:
    path: Path
    explicit: bool  # named by the user (an error) or found while walking a folder (skipped)
    reason: str


def _hidden(path: Path) -> bool:
    return path.name.startswith(".") or path.name == "__MACOSX"


def plan(paths: list[Path], fmt: str | None = None) -> list[Unit | Unrecognised]:
    """Turn the user's paths into units: a path a reader recognises is one unit; any other
    folder is walked (sorted, hidden entries skipped) and each recognised entry is a unit."""
    forced = get(fmt) if fmt else None
    out: list[Unit | Unrecognised] = []

    def visit(path: Path, explicit: bool) -> None:
        if not path.exists():
            out.append(Unrecognised(path, explicit, "no such file or folder"))
            return
        if forced is not None:
            if path.is_file() and explicit:
                out.append(Unit(path, forced))
                return
            if forced.identify(path):
                out.append(Unit(path, forced))
                return
        else:
            reader = identify(path)
            if reader is not None:
                out.append(Unit(path, reader))
                return
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if not _hidden(child):
                    visit(child, False)
            return
        what = f"not a {forced.name} file" if forced else "no reader recognises this file"
        out.append(
            Unrecognised(path, explicit, f"{what} (formats: {', '.join(names())}; see --format)")
        )

    for p in paths:
        visit(Path(p), True)
    return out
