"""The shared ground truth: every item in <doc>.items.json is a literal substring of its file."""

from __future__ import annotations

import json
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "fixtures" / "documents"
CATEGORIES = {"number", "name", "condition", "step", "pitfall", "incident", "tacit", "persona"}


def test_items_are_literal_substrings_with_known_categories() -> None:
    manifests = sorted(DOCS.glob("*.items.json"))
    assert len(manifests) == 6
    langs = set()
    for m in manifests:
        data = json.loads(m.read_text(encoding="utf-8"))
        langs.add(data["lang"])
        assert (DOCS / data["document"]).exists()
        assert len(data["items"]) >= 30 and len(data["critical"]) >= 2
        for item in data["items"] + data["critical"]:
            text = (DOCS / item["file"]).read_text(encoding="utf-8")
            assert item["text"] in text, (m.name, item)
        assert {i["category"] for i in data["items"]} <= CATEGORIES
        assert all(c["keywords"] for c in data["critical"])
    assert langs == {"zh", "en", "mixed"}


def test_skill_folder_layout() -> None:
    skill = DOCS / "en-skill-platform-lead"
    assert sorted(p.name for p in skill.iterdir()) == ["SKILL.md", "meta.json", "persona.md",
                                                       "work.md"]
    text = (skill / "SKILL.md").read_text(encoding="utf-8")
    assert "PART A" in text and "PART B" in text and "Layer 0" in text and "Layer 5" in text
    assert json.loads((skill / "meta.json").read_text(encoding="utf-8"))["slug"]
