"""What a dilute input is made of: a Skill folder (ours: SKILL.md, work.md, persona.md,
meta.json, evidence.jsonl; or the colleague-skill layout: work.md, persona.md, meta.json,
optional SKILL.md with PART A/PART B or Layer 0…5) or a single .md, .txt or .docx — and how
each file in it is handled."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from colleague.dilute.engine import Piece, dilute_unit
from colleague.dilute.policy import Category, Level
from colleague.dilute.rewrite import Picker, text_lang, transform

Handling = Literal["markdown", "jsonl", "docx", "copy"]
TEXT_SUFFIXES = (".md", ".markdown", ".txt")
SINGLE_SUFFIXES = (*TEXT_SUFFIXES, ".docx")

# evidence.jsonl: quotes and excerpts are knowledge; who said it and where are names.
TEXT_KEYS = frozenset({"excerpt", "text", "quote", "body", "content", "summary", "snippet",
                       "claim", "note", "message"})
NAME_KEYS = frozenset({"channel", "author", "sender", "speaker", "from", "who", "person", "user",
                       "to", "room", "group"})


@dataclass(frozen=True)
class InputFile:
    rel: str  # path relative to the input root ("" for a single-file input)
    path: Path
    handling: Handling
    hint: Category | None


def layout(root: Path) -> str:
    names = {p.name for p in root.iterdir()} if root.is_dir() else set()
    if {"SKILL.md", "work.md", "persona.md"} <= names and "evidence.jsonl" in names:
        return "colleague"
    if {"work.md", "persona.md"} <= names:
        return "colleague-skill"
    return "folder"


def handling_of(path: Path) -> Handling:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "markdown"
    if suffix == ".jsonl":
        return "jsonl"
    if suffix == ".docx":
        return "docx"
    return "copy"


def hint_of(rel: str) -> Category | None:
    return "persona" if Path(rel).name.lower() == "persona.md" else None


def list_inputs(path: Path) -> list[InputFile]:
    if path.is_file():
        return [InputFile("", path, handling_of(path), hint_of(path.name))]
    out: list[InputFile] = []
    for p in sorted(path.rglob("*")):
        if p.is_symlink() or not p.is_file():
            continue
        rel = p.relative_to(path).as_posix()
        if any(part.endswith(".dilute-backup") for part in p.relative_to(path).parts):
            continue
        out.append(InputFile(rel, p, handling_of(p), hint_of(rel)))
    return out


def dilute_jsonl(text: str, level: Level, picker: Picker, name: str) -> list[Piece]:
    """One piece per line; a line's text values are diluted, its names masked, and the JSON
    re-serialised in the same style. Lines that are not JSON objects stay as they are."""
    pieces: list[Piece] = []
    default = text_lang(text, "en")
    for n, line in enumerate(re.findall(r"[^\n]*\n|[^\n]+$", text)):
        body = line.rstrip("\r\n")
        eol = line[len(body):]
        new_body, cat, action = body, "structure", "keep"
        try:
            obj = json.loads(body) if body.strip() else None
        except ValueError:
            obj = None
        if isinstance(obj, dict):
            cats: list[tuple[str, str]] = []
            new_obj = _dilute_obj(obj, level, picker, (name, n), default, cats)
            if cats:
                cat, action = max(cats, key=lambda c: ("keep", "mask", "generalise",
                                                       "replace").index(c[1]))
            else:
                cat = "generic"
            if new_obj != obj:
                compact = '":' in body and '": ' not in body
                new_body = json.dumps(new_obj, ensure_ascii=not _has_non_ascii(body),
                                      separators=(",", ":") if compact else None)
        pieces.append(Piece(n, "jsonl", cat, action, line, new_body + eol, n + 1))  # type: ignore[arg-type]
    return pieces


def _has_non_ascii(s: str) -> bool:
    return any(ord(c) > 127 for c in s)


def _dilute_obj(obj: Any, level: Level, picker: Picker, key: object, default: str,
                cats: list[tuple[str, str]]) -> Any:
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            if isinstance(v, str) and k.lower() in TEXT_KEYS and v.strip():
                # an excerpt is what someone said: read it as a quotation
                cat, action, new = dilute_unit(v, level=level, picker=picker, key=(key, k),
                                               default=default, kind="blockquote",
                                               file_hint="persona")
                cats.append((cat, action))
                out[k] = new
            elif isinstance(v, str) and k.lower() in NAME_KEYS and v.strip() and level != "light":
                out[k] = transform(v, picker=picker, default=default, key=(key, k))  # type: ignore[arg-type]
                if out[k] == v:
                    out[k] = "相关同事" if text_lang(v, default) == "zh" and k.lower() not in (
                        "channel", "room", "group") else _role_for(k)
            else:
                out[k] = _dilute_obj(v, level, picker, (key, k), default, cats) if isinstance(
                    v, dict | list) else v
        return out
    if isinstance(obj, list):
        return [_dilute_obj(v, level, picker, (key, i), default, cats) for i, v in enumerate(obj)]
    return obj


def _role_for(key: str) -> str:
    return "the team channel" if key.lower() in ("channel", "room", "group") else "a colleague"
