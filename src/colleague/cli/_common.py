"""Pieces every command shares: --home, --json output, time display, opening the store."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from rich.console import Console

from colleague.store import StoreError, connect
from colleague.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])

out = Console(highlight=False, soft_wrap=True)
# Errors are not wrapped: one message per line, whatever the width (logs, scripts, tests).
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _remember_home(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        ctx.meta["colleague.home"] = value
    return value


def home_option(fn: F) -> F:
    """`--home DIR` on the group and on every command (the innermost one given wins)."""
    return click.option(
        "--home",
        metavar="DIR",
        expose_value=False,
        is_eager=True,
        callback=_remember_home,
        help="Workspace directory (default: $COLLEAGUE_HOME, else the user data directory).",
    )(fn)


def json_option(fn: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print only JSON on stdout.")(fn)


def workspace() -> Workspace:
    ctx = click.get_current_context()
    return Workspace.at(ctx.meta.get("colleague.home"))


def open_db() -> sqlite3.Connection:
    ws = workspace()
    ws.ensure()
    try:
        return connect(ws.db_path)
    except StoreError as exc:
        fail(str(exc))
        raise  # unreachable


def fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {message}", markup=True)
    sys.exit(code)


def usage_error(message: str) -> None:
    raise click.UsageError(message)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def iso(ts_ms: int | None, tz_minutes: int | None = None) -> str | None:
    """Stored UTC milliseconds (and the source's offset) → ISO-8601 with that offset."""
    if ts_ms is None:
        return None
    zone = timezone(timedelta(minutes=tz_minutes)) if tz_minutes is not None else UTC
    return datetime.fromtimestamp(ts_ms / 1000, tz=zone).isoformat(timespec="seconds")


def local_zone() -> tzinfo:
    """The machine's zone (IANA where it can be found), for sources whose times carry none."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            link = os.readlink("/etc/localtime")
            name = link.split("zoneinfo/", 1)[1] if "zoneinfo/" in link else ""
        except OSError:
            name = ""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return datetime.now().astimezone().tzinfo or UTC


def parse_zone(name: str | None) -> tzinfo:
    if not name:
        return local_zone()
    if name.upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        usage_error(f"unknown time zone {name!r} (use an IANA name such as Asia/Shanghai)")
        raise  # unreachable


def parse_day(value: str | None, option: str) -> int | None:
    """YYYY-MM-DD or an ISO time → UTC milliseconds (dates are read in the local zone)."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        usage_error(f"{option}: expected a date like 2024-03-01, got {value!r}")
        raise
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=local_zone())
    return int(dt.timestamp() * 1000)


def relpath(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


def is_path(value: str) -> bool:
    return Path(value).exists()
