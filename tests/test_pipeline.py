"""The ingest pipeline end to end on a real Slack export: idempotence, people, search."""

from __future__ import annotations

from conftest import shared_path


def test_reingest_adds_nothing(run) -> None:  # type: ignore[no-untyped-def]
    export = shared_path("data", "slack-export-houstondatavis")
    first = run.json("ingest", str(export))
    added = first["sources"][0]["added"]
    assert added > 900 and first["failed"] == 0
    again = run.json("ingest", str(export))
    assert again["sources"][0]["added"] == 0
    assert again["sources"][0]["skipped"] == added
    people = run.json("people")
    assert sum(p["messages"] for p in people) <= added
    assert {"id", "name", "aliases", "messages", "sources"} <= set(people[0])
