"""`colleague eval [PERSON ...] [--all --min-messages N] [--split 0.7] [--json]` — how well
Skills built on the earlier part of each person's record fit the later part (fidelity)."""

from __future__ import annotations

import click
from rich.table import Table

from colleague.cli._common import (
    err,
    fail,
    home_option,
    json_option,
    open_db,
    out,
    print_json,
    usage_error,
    workspace,
)
from colleague.evaluate.run import Evaluation, evaluate
from colleague.privacy import journal
from colleague.store import people as store_people

MIN_MESSAGES = 100


def _pct(x: float | None) -> str:
    if x is None:
        return "–"
    return "100%" if x == 1 else f"{100 * x:.1f}%"


def _table(result: Evaluation) -> Table:
    t = Table(title=f"Fidelity (build {result.frac:g} / held out {1 - result.frac:g})")
    t.add_column("id", justify="right")
    t.add_column("name", no_wrap=True, max_width=12)
    for col in ("build", "held", "top1@1", "@5", "@20", "hit", "undec.", "fab", "leaks"):
        t.add_column(col, justify="right", no_wrap=True)
    for p in result.people:
        o = p.claims.overall
        t.add_row(str(p.id), p.name, str(p.build_messages), str(p.heldout_messages),
                  *(_pct(p.attribution.get(b)) for b in ("1", "5", "20")),
                  _pct(o.hit_rate), _pct(o.undecidable_share), str(p.fabrications),
                  str(len(p.leaks)))
    o = result.claims.overall
    t.add_section()
    t.add_row("", f"all ({len(result.people)})", "", "",
              *(_pct(result.attribution.get(b)) for b in ("1", "5", "20")),
              _pct(o.hit_rate), _pct(o.undecidable_share), str(result.fabrications),
              str(result.leaks))
    t.add_row("", "n-gram", "", "",
              *(_pct(result.baseline.get(b)) for b in ("1", "5", "20")), "", "", "", "")
    return t


def _sections(result: Evaluation) -> Table:
    t = Table(title="Claims by section: rate = (hit + ½ partial) / decidable; "
                    "none = no prediction")
    t.add_column("section", no_wrap=True)
    for col in ("hit", "part.", "miss", "undec.", "none", "rate", "undec.%"):
        t.add_column(col, justify="right", no_wrap=True)
    for name, s in sorted(result.claims.by_section.items()):
        t.add_row(name, str(s.hit), str(s.partial), str(s.miss), str(s.undecidable),
                  str(s.no_prediction), _pct(s.hit_rate), _pct(s.undecidable_share))
    return t


@click.command("eval")
@click.argument("people", nargs=-1)
@click.option("--all", "all_people", is_flag=True,
              help="Evaluate everyone with at least --min-messages messages.")
@click.option("--min-messages", type=click.IntRange(min=1), default=MIN_MESSAGES,
              show_default=True, help="With --all: the fewest messages a person needs.")
@click.option("--split", "frac", type=click.FloatRange(0.05, 0.95), default=0.7,
              show_default=True, help="Share of each person's messages (earliest first) that "
                                      "builds the Skill; the rest is held out.")
@json_option
@home_option
def command(people: tuple[str, ...], all_people: bool, min_messages: int, frac: float,
            as_json: bool) -> None:
    """Measure fidelity: attribution, claim hit rate, fabrication and leakage on a time split.

    Nothing leaves the machine (the temporary Skills are deleted); the run is journaled."""
    if not people and not all_people:
        usage_error("name PERSON(s) to evaluate, or pass --all")
    db = open_db()
    ids: list[int] = []
    for ref in people:
        try:
            ids.append(store_people.resolve(db, ref))
        except store_people.PersonNotFound as exc:
            fail(str(exc))
    if all_people:
        from colleague.evaluate.split import eligible_people

        ids += list(eligible_people(db, min_messages))
    ids = sorted(set(ids))
    if not ids:
        fail(f"nobody has written {min_messages} messages or more")

    def progress(message: str) -> None:
        err.print(f"[dim]{message}[/dim]", markup=True)

    result = evaluate(db, ids, frac=frac, progress=progress)
    journal.append(workspace().home, "eval", {
        "person_ids": ids, "people": len(ids), "split": frac,
        "hit_rate": result.as_json()["overall"]["hit_rate"],
        "fabrications": result.fabrications, "leaks": result.leaks,
    })
    if as_json:
        print_json(result.as_json())
        return
    out.print(_table(result))
    out.print(_sections(result))
    for note in result.notes:
        out.print(f"note: {note}")
