"""`colleague distill PERSON` — write an evidence-backed Skill for one person."""

from __future__ import annotations

from pathlib import Path

import click

from colleague.cli._common import (
    err,
    fail,
    home_option,
    json_option,
    open_db,
    out,
    print_json,
    workspace,
)
from colleague.cli.consent import require_or_exit
from colleague.distill import MAX_MESSAGES, distill
from colleague.privacy import journal
from colleague.store import people as store_people


@click.command("distill")
@click.argument("person")
@click.option("--self", "self_subject", is_flag=True,
              help="You are the subject: records that instead of needing a consent grant.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), metavar="DIR",
              help="Where the Skill folder goes (default: skills/ in the workspace).")
@click.option("--lang", type=click.Choice(["auto", "zh", "en"]), default="auto", show_default=True,
              help="Language of the Skill (auto: the language the person mostly writes in).")
@click.option("--anonymous", is_flag=True,
              help="Pseudonymise the subject's own name too (the Skill is named colleague-…).")
@click.option("--max-messages", type=click.IntRange(min=0), default=MAX_MESSAGES,
              show_default=True,
              help="Analyse an even sample of at most this many of their messages (0: all).")
@json_option
@home_option
def command(person: str, self_subject: bool, out_dir: Path | None, lang: str, anonymous: bool,
            max_messages: int, as_json: bool) -> None:
    """Distill PERSON into a Skill folder (needs a consent grant for 'distill', or --self)."""
    db = open_db()
    try:
        pid = store_people.resolve(db, person)
    except store_people.PersonNotFound as exc:
        fail(str(exc))
        return
    grant = require_or_exit(db, pid, "distill", self_subject=self_subject)
    target = out_dir or workspace().skills_dir
    with err.status("distilling…"):
        try:
            result = distill(db, pid, out_dir=target, grant=grant, lang=lang,  # type: ignore[arg-type]
                             anonymous=anonymous, max_messages=max_messages)
        except ValueError as exc:
            fail(str(exc))
            return
    counts = result.model.counts()
    journal.append(workspace().home, "distill", {
        "person_id": pid, "grant_id": grant.id, "skill_version": result.version,
        "claims": sum(counts.values()), "evidence": len(result.model.evidence),
    })
    if as_json:
        print_json({"path": str(result.path), "slug": result.slug, "version": result.version,
                    "language": result.model.lang, "claims": counts,
                    "evidence": len(result.model.evidence),
                    "dropped_claims": result.model.dropped})
        return
    out.print(str(result.path))
