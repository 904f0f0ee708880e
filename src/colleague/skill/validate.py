"""Validate a Skill folder's SKILL.md frontmatter against the AgentSkills rules.

Rules: frontmatter between `---` lines at the top; keys only name, description, license,
compatibility, metadata, allowed-tools; `name` equals the folder name, lowercase a-z, 0-9 and
single hyphens, at most 64 characters; `description` non-empty, at most 1024 characters, no
`<` or `>`; `metadata` a mapping of string keys to string values; the body under 500 lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from colleague.skill.slug import MAX, SLUG

ALLOWED_KEYS = {"name", "description", "license", "compatibility", "metadata", "allowed-tools"}
MAX_DESCRIPTION = 1024
MAX_BODY_LINES = 500


def split_frontmatter(text: str) -> tuple[dict[str, Any] | None, str, list[str]]:
    """(frontmatter mapping or None, body, problems)."""
    problems: list[str] = []
    if not text.startswith("---\n"):
        return None, text, ["SKILL.md must start with a '---' frontmatter block"]
    end = text.find("\n---\n", 4)
    if end < 0:
        return None, text, ["the frontmatter block is not closed by a '---' line"]
    raw, body = text[4:end], text[end + 5 :]
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        return None, body, [f"the frontmatter is not valid YAML: {exc}"]
    if not isinstance(data, dict):
        return None, body, ["the frontmatter must be a mapping"]
    return data, body, problems


def validate_text(text: str, folder_name: str) -> list[str]:
    """Problems with a SKILL.md's text (empty list = valid)."""
    data, body, problems = split_frontmatter(text)
    if data is None:
        return problems
    for key in sorted(set(data) - ALLOWED_KEYS):
        problems.append(f"key {key!r} is not allowed (allowed: {', '.join(sorted(ALLOWED_KEYS))})")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        problems.append("'name' is required and must be a string")
    else:
        if not SLUG.match(name) or len(name) > MAX:
            problems.append(f"'name' {name!r} must be lowercase a-z, 0-9 and single hyphens, ≤ {MAX}")
        if name != folder_name:
            problems.append(f"'name' {name!r} must equal the folder name {folder_name!r}")
    desc = data.get("description")
    if not isinstance(desc, str) or not desc.strip():
        problems.append("'description' is required and must be a non-empty string")
    else:
        if len(desc) > MAX_DESCRIPTION:
            problems.append(f"'description' has {len(desc)} characters (max {MAX_DESCRIPTION})")
        if "<" in desc or ">" in desc:
            problems.append("'description' must not contain '<' or '>'")
    meta = data.get("metadata")
    if meta is not None:
        if not isinstance(meta, dict):
            problems.append("'metadata' must be a mapping")
        else:
            for k, v in meta.items():
                if not isinstance(k, str) or not isinstance(v, str):
                    problems.append(f"metadata {k!r}: keys and values must be strings")
    for key in ("license", "compatibility"):
        if key in data and not isinstance(data[key], str):
            problems.append(f"'{key}' must be a string")
    if "allowed-tools" in data and not isinstance(data["allowed-tools"], str | list):
        problems.append("'allowed-tools' must be a string or a list")
    lines = body.count("\n") + (0 if body.endswith("\n") or not body else 1)
    if lines >= MAX_BODY_LINES:
        problems.append(f"the body has {lines} lines (must be under {MAX_BODY_LINES})")
    return problems


def validate_folder(folder: Path) -> list[str]:
    skill = folder / "SKILL.md"
    if not skill.is_file():
        return [f"{folder}: no SKILL.md"]
    return validate_text(skill.read_text(encoding="utf-8"), folder.name)
