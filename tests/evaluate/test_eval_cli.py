"""`colleague eval` on the demo corpus: the JSON shape, the figures' ranges, determinism, the
journal entry, the table, and the argument errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from colleague.privacy import journal

ROOT = Path(__file__).resolve().parents[2]
FIGURES = {"attribution", "baseline", "hit_rate", "undecidable", "fabrications", "leaks"}


@pytest.fixture
def demo(run, home: Path):  # noqa: ANN001, ANN201 - the conftest runner
    res = run("ingest", "--tz", "Asia/Shanghai", str(ROOT / "examples" / "data"))
    assert res.exit_code == 0, res.output
    return run


def _fraction(x: object) -> bool:
    return isinstance(x, float | int) and 0 <= x <= 1


def test_eval_all_json_shape_figures_and_determinism(demo, home: Path) -> None:  # noqa: ANN001
    first = demo("eval", "--all", "--min-messages", "100", "--json")
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)  # exactly one JSON object on stdout
    overall = data["overall"]
    assert FIGURES | {"people"} <= set(overall)
    assert overall["people"] == 6 == len(data["people"])
    for fig in ("attribution", "baseline"):
        assert set(overall[fig]) == {"1", "5", "20"}
        assert all(_fraction(v) for v in overall[fig].values())
    assert overall["attribution"]["20"] >= 0.9
    assert _fraction(overall["hit_rate"]) and overall["hit_rate"] >= 0.75
    assert _fraction(overall["undecidable"]) and overall["undecidable"] <= 0.2
    assert overall["fabrications"] == 0 and overall["leaks"] == 0
    kinds = overall["claims"]["kinds"]
    assert {"phrase_rate", "term_mentioned", "active_hours", "counterpart"} <= set(kinds)
    assert sum(k["no_prediction"] for k in kinds.values()) > 0
    ids = [p["id"] for p in data["people"]]
    assert ids == sorted(ids)
    names = {p["name"] for p in data["people"]}
    assert {"王芳", "李强"} <= names
    for p in data["people"]:
        assert set(p) >= FIGURES
        assert set(p["attribution"]) == {"1", "5", "20"}
        assert p["messages"]["build"] > 2 * p["messages"]["heldout"] > 0
        assert p["fabrications"] == 0 and p["leaks"] == 0

    # Same store, same options: the same figures, byte for byte.
    again = demo("eval", "--all", "--min-messages", "100", "--json")
    assert again.stdout == first.stdout

    # Journaled, with ids and figures only (no names).
    entries = [e for e in journal.read(home) if e.operation == "eval"]
    assert len(entries) == 2
    assert entries[0].details["person_ids"] == ids
    assert entries[0].details["fabrications"] == 0
    assert not names & set(json.dumps(entries[0].details, ensure_ascii=False).split('"'))
    assert journal.verify(home).ok
    # Nothing is left behind: no Skill folder in the workspace.
    assert not (home / "skills").exists() or not any((home / "skills").iterdir())


def test_eval_one_person_table_and_errors(demo) -> None:  # noqa: ANN001
    res = demo("eval", "王芳")
    assert res.exit_code == 0, res.output
    assert "Fidelity" in res.stdout and "王芳" in res.stdout
    assert "attribution needs at least 2 people" in res.stdout
    assert "persona.expression" in res.stdout

    one = json.loads(demo("eval", "王芳", "--json").stdout)
    assert one["overall"]["people"] == 1
    assert one["overall"]["attribution"] == {"1": None, "5": None, "20": None}
    assert one["notes"] == ["attribution needs at least 2 people"]

    assert demo("eval").exit_code == 2  # no PERSON and no --all
    missing = demo("eval", "nobody-at-all")
    assert missing.exit_code == 1 and "nobody-at-all" in missing.output
    assert demo("eval", "--all", "--min-messages", "100000").exit_code == 1
    assert demo("eval", "王芳", "--split", "1.5").exit_code == 2
