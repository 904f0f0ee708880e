"""`colleague scrub [FILE|-]` — remove secrets and personal data from a text (the same function
every output of the tool goes through)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from colleague.cli._common import fail, home_option, json_option, open_db, print_json, workspace
from colleague.privacy import Pseudonymizer, ScrubPolicy, scrub
from colleague.store import people as store_people


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        data = Path(source).read_bytes()
    except OSError as exc:
        fail(f"{source}: cannot read ({exc.strerror or exc})")
        raise
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


@click.command("scrub")
@click.argument("source", default="-", metavar="[FILE|-]")
@click.option("--subject", "subject", metavar="PERSON",
              help="The person the output is about (id, name, handle or email in the workspace).")
@click.option("--keep-subject-name", is_flag=True, help="Keep the subject's own name.")
@click.option("--keep-subject-contact", is_flag=True,
              help="Keep the subject's own contact data (emails) instead of removing it.")
@click.option("--remove", "remove", is_flag=True,
              help="Remove third parties' personal data instead of pseudonymising it.")
@click.option("--keep", "keep", multiple=True, metavar="TYPE",
              help="Leave this personal-data type untouched (e.g. ip_address); never secrets.")
@click.option("--no-names", is_flag=True, help="Do not load known names from the workspace.")
@json_option
@home_option
def command(source: str, subject: str | None, keep_subject_name: bool,
            keep_subject_contact: bool, remove: bool, keep: tuple[str, ...], no_names: bool,
            as_json: bool) -> None:
    """Print FILE (or stdin) with secrets removed and personal data pseudonymised.

    Known names come from the workspace corpus when there is one; without it, secrets and
    personal data are still scrubbed. --json prints {"text", "findings": [{type, start, end,
    action}]} (spans in the input; never the removed values).
    """
    text = _read(source)
    pseudonyms: Pseudonymizer | None = None
    subject_id: int | None = None
    has_corpus = workspace().db_path.exists()
    if subject and not has_corpus:
        fail(f"--subject {subject}: no workspace corpus at {workspace().home}")
    if has_corpus and (subject or not no_names):
        db = open_db()
        if subject:
            try:
                subject_id = store_people.resolve(db, subject)
            except store_people.PersonNotFound as exc:
                fail(str(exc))
        if not no_names:
            pseudonyms = Pseudonymizer.from_db(db)
        db.close()
    policy = ScrubPolicy(
        third_party="remove" if remove else "pseudonymise",
        subject=subject_id,
        subject_name="keep" if keep_subject_name else "pseudonymise",
        keep_subject_contact=keep_subject_contact,
        keep=frozenset(keep),
    )
    result = scrub(text, policy=policy, pseudonyms=pseudonyms)
    if as_json:
        print_json(result.as_json())
    else:
        sys.stdout.write(result.text)
