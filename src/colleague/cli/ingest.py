"""`colleague ingest PATH...` — load export files into the corpus."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import click
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from colleague import ingest as pipeline
from colleague.cli._common import (
    err,
    home_option,
    json_option,
    open_db,
    out,
    parse_zone,
    print_json,
    relpath,
    usage_error,
    workspace,
)
from colleague.model import Identity
from colleague.privacy import journal
from colleague.sources import registry
from colleague.sources.base import ReadContext


class _RichProgress(pipeline.Progress):
    """One bar per source on stderr: bytes hashed up front, records read as they stream."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: object | None = None
        self.records = 0

    def start(self, path: Path, reader: str, total_bytes: int) -> None:
        self.records = 0
        self.task = self.progress.add_task(
            f"{reader:<10} {path.name}", total=None, records=0, size=total_bytes
        )

    def advance(self, records: int) -> None:
        self.records += records
        if self.task is not None:
            self.progress.update(self.task, records=self.records)  # type: ignore[arg-type]

    def finish(self, result: pipeline.SourceResult) -> None:
        if self.task is not None:
            self.progress.update(self.task, total=1, completed=1)  # type: ignore[arg-type]


def _parse_author(value: str | None) -> Identity | None:
    if not value:
        return None
    name, _, rest = value.partition("<")
    email = rest.rstrip(">").strip() or None
    name = name.strip() or None
    if not name and not email:
        usage_error("--author: expected 'Name <email>', 'Name' or '<email>'")
    native = (email or name or "").casefold()
    return Identity("email" if email else "docs", native, name=name, email=email)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    metavar="NAME",
    help="Read every path with this reader instead of detecting it (see --list-formats).",
)
@click.option("--tz", metavar="ZONE", help="Zone for sources whose times carry none (default: local).")
@click.option("--author", metavar="'NAME <EMAIL>'", help="Author of documents that name none.")
@click.option("--me", "self_name", metavar="NAME", help="Your name, for exports that say 'me'.")
@json_option
@home_option
def command(
    paths: tuple[Path, ...],
    fmt: str | None,
    tz: str | None,
    author: str | None,
    self_name: str | None,
    as_json: bool,
) -> None:
    """Load export files, folders or zips into the corpus (re-running adds only what is new)."""
    if fmt:
        try:
            registry.get(fmt)
        except KeyError as exc:
            usage_error(str(exc.args[0]))
    ctx = ReadContext(tz=parse_zone(tz), author=_parse_author(author), self_name=self_name)
    db = open_db()
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[records]:>9,} records"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=False, disable=as_json and not err.is_terminal) as bar:
        results = pipeline.ingest(db, list(paths), ctx, fmt, _RichProgress(bar))
    db.close()
    journal.record_ingest(workspace().home, results)
    failed = [r for r in results if r.failed]
    if as_json:
        print_json(
            {
                "sources": [
                    {**asdict(r), "rejections": [asdict(x) for x in r.rejections]} for r in results
                ],
                "failed": len(failed),
            }
        )
    else:
        _summary(results)
    for r in failed:
        err.print(f"[red]error:[/red] {r.error}", markup=True, soft_wrap=True)
    sys.exit(1 if failed else 0)


def _summary(results: list[pipeline.SourceResult]) -> None:
    table = Table(title="ingest", title_justify="left")
    table.add_column("source")
    table.add_column("reader")
    table.add_column("added", justify="right")
    table.add_column("duplicates", justify="right")
    table.add_column("updated", justify="right")
    table.add_column("documents", justify="right")
    table.add_column("rejected", justify="right")
    table.add_column("secrets removed", justify="right")
    table.add_column("status")
    for r in results:
        status = r.status if not r.error else f"{r.status}: {r.error.split(': ', 1)[-1]}"
        table.add_row(
            relpath(r.path),
            r.reader or "-",
            f"{r.added:,}",
            f"{r.skipped:,}",
            f"{r.updated:,}",
            f"{r.documents:,}",
            f"{r.rejected:,}",
            f"{r.secrets:,}",
            status,
        )
    out.print(table)
    for r in results:
        for rej in r.rejections:
            out.print(f"rejected {relpath(r.path)} {rej.where}: {rej.reason}")
        if r.rejected > len(r.rejections):
            out.print(f"rejected {relpath(r.path)}: … and {r.rejected - len(r.rejections)} more")
