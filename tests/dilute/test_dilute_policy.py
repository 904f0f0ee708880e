"""One policy table: printed by --explain-policy, the same in docs/dilute.md, and obeyed."""

from __future__ import annotations

import json
from pathlib import Path

from colleague.dilute.api import dilute_text
from colleague.dilute.policy import CATEGORIES, LEVELS, POLICY, policy_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "dilute.md"


def test_docs_carry_the_table() -> None:
    assert policy_table() in DOC.read_text(encoding="utf-8")


def test_explain_policy(run) -> None:  # type: ignore[no-untyped-def]
    res = run("dilute", "--explain-policy")
    assert res.exit_code == 0 and res.stdout == policy_table()
    assert json.loads(run("dilute", "--explain-policy", "--json").stdout) == POLICY


def test_table_shape() -> None:
    assert set(POLICY) == set(CATEGORIES)
    for cat in CATEGORIES:
        assert set(POLICY[cat]) == set(LEVELS)
    assert "replace" not in POLICY["critical"].values()  # critical is never removed
    order = ("keep", "mask", "generalise", "replace")
    for cat in CATEGORIES:  # a stronger level never does less
        steps = [order.index(POLICY[cat][lv]) for lv in LEVELS]
        assert steps == sorted(steps), cat


def test_actions_follow_the_table() -> None:
    text = (Path(__file__).resolve().parents[1] / "fixtures" / "dilute" / "zh-deploy-notes.md"
            ).read_text(encoding="utf-8")
    for level in LEVELS:
        res = dilute_text(text, level, seed=1)  # type: ignore[arg-type]
        for p in res.pieces:
            if p.category in POLICY and p.kind in ("paragraph", "blockquote"):
                assert p.action == POLICY[p.category][level], (p.original, level)
            if p.action == "keep":
                assert not p.changed, p.original
