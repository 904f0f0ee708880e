"""The frontmatter validator and slugs."""

from __future__ import annotations

import pytest

from colleague.skill.slug import is_valid, slugify
from colleague.skill.validate import validate_text

GOOD = "---\nname: wang-fang\ndescription: Work like Wang Fang. Use when reviewing payments code.\nmetadata:\n  language: zh\n---\n# Body\n"


@pytest.mark.parametrize(("name", "slug"), [
    ("王芳", "wang-fang"), ("Li Wei", "li-wei"), ("José  García", "jose-garcia"),
    ("张伟 (Backend)", "zhang-wei-backend"), ("!!!", "colleague"), ("a" * 80, "a" * 64),
])
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug and is_valid(slug)


def test_valid() -> None:
    assert validate_text(GOOD, "wang-fang") == []


@pytest.mark.parametrize(("text", "problem"), [
    (GOOD.replace("wang-fang", "Wang_Fang"), "lowercase"),
    (GOOD, "folder name"),
    (GOOD.replace("Work like", "Work <like>"), "'<' or '>'"),
    (GOOD.replace("name: wang-fang\n", "name: wang-fang\nversion: 1\n"), "not allowed"),
    (GOOD.replace("language: zh", "language: 2"), "strings"),
    (GOOD.replace("Work like Wang Fang.", "x" * 1100), "max 1024"),
    ("# no frontmatter\n", "must start"),
    (GOOD.replace("---\n# Body", "# Body"), "not closed"),
    (GOOD + "line\n" * 600, "under 500"),
])
def test_invalid(text: str, problem: str) -> None:
    folder = "other" if problem == "folder name" else "wang-fang"
    problems = validate_text(text, folder)
    assert any(problem in p for p in problems), problems
