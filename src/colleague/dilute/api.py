"""The dilute / restore API.

    dilute_text(text, level, seed)            → TextResult (Markdown or plain text in memory)
    dilute_path(path, level, out, backup, seed) → DiluteResult (files written, backup, report)
    restore(diluted, backup, out)             → list of paths written (byte-exact originals)
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from colleague.dilute.backup import (
    BackupError,
    FileEntry,
    entry_from_json,
    load_backup,
    rebuild_text,
    sha256,
    text_entry,
    write_atomic,
    write_backup,
)
from colleague.dilute.docx import DocxError, dilute_docx
from colleague.dilute.engine import TextResult, dilute_markdown
from colleague.dilute.names import person_names
from colleague.dilute.policy import LEVELS, Level
from colleague.dilute.report import FileReport, Report, removed_markdown
from colleague.dilute.rewrite import Picker
from colleague.dilute.skillfolder import SINGLE_SUFFIXES, dilute_jsonl, layout, list_inputs


class DiluteError(Exception):
    """An input, output or backup problem, with a message meant for the user."""


@dataclass
class DiluteResult:
    out: Path  # the diluted folder, or the diluted file for a single-file input
    backup: Path
    layout: str
    report: Report


def dilute_text(text: str, level: Level, seed: int = 0, name: str = "") -> TextResult:
    if level not in LEVELS:
        raise DiluteError(f"unknown level {level!r} (use {', '.join(LEVELS)})")
    picker = Picker(seed)
    picker.known = frozenset(person_names(text))
    return dilute_markdown(text, level, picker, name)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="surrogateescape"), "utf-8"


def _encode(text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode(encoding, errors="surrogateescape")


def default_paths(path: Path) -> tuple[Path, Path]:
    """`<name>.diluted/` and `<name>.dilute-backup/` beside the input."""
    name = path.name if path.is_dir() else path.stem
    return path.parent / f"{name}.diluted", path.parent / f"{name}.dilute-backup"


def _inside(a: Path, b: Path) -> bool:
    a, b = a.resolve(), b.resolve()
    return a == b or b in a.parents


def dilute_path(path: Path, level: Level, out: Path | None = None, backup: Path | None = None,
                seed: int = 0) -> DiluteResult:
    """Dilute a Skill folder or a single .md/.txt/.docx; write the copy and the backup."""
    path = Path(path)
    if level not in LEVELS:
        raise DiluteError(f"unknown level {level!r} (use {', '.join(LEVELS)})")
    if not path.exists():
        raise DiluteError(f"{path}: no such file or folder")
    if path.is_file() and path.suffix.lower() not in SINGLE_SUFFIXES:
        raise DiluteError(f"{path}: expected a Skill folder or a .md, .txt or .docx file")
    d_out, d_backup = default_paths(path)
    out = Path(out) if out else d_out
    backup = Path(backup) if backup else d_backup
    if _inside(out, path) or _inside(path, out):
        raise DiluteError(f"--out {out}: must not be the input or overlap it")
    if _inside(backup, out) or _inside(out, backup):
        raise DiluteError(f"--backup {backup}: must be outside the diluted copy {out}")
    if _inside(backup, path) and path.is_dir():
        raise DiluteError(f"--backup {backup}: must be outside the input folder")
    single = path.is_file()
    target_root = out / path.name if single else out
    picker = Picker(seed)
    picker.known = _known_names(path)
    reports: list[FileReport] = []
    entries: list[FileEntry] = []
    originals: dict[str, bytes] = {}
    outputs: dict[Path, bytes] = {}
    for item in list_inputs(path):
        data = item.path.read_bytes()
        rel = item.rel
        dest = target_root if single else out / rel
        if item.handling == "docx":
            try:
                new, pieces = dilute_docx(data, level, picker, rel or path.name, item.hint)
            except DocxError as exc:
                raise DiluteError(f"{item.path}: {exc}") from None
            stored = f"originals/{rel or path.name}"
            originals[stored] = data
            entries.append(FileEntry(rel, "whole", sha256(data), sha256(new), stored=stored))
            reports.append(FileReport(rel, "docx", pieces, "".join(p.original for p in pieces),
                                      "".join(p.diluted for p in pieces)))
        elif item.handling in ("markdown", "jsonl"):
            text, enc = _decode(data)
            if item.handling == "markdown":
                res = dilute_markdown(text, level, picker, rel or path.name, item.hint)
                pieces, new_text = res.pieces, res.text
            else:
                pieces = dilute_jsonl(text, level, picker, rel)
                new_text = "".join(p.diluted for p in pieces)
            new = _encode(new_text, enc)
            entry = text_entry(rel, data, new, enc, [(p.original, p.diluted, p.category,
                                                      p.action) for p in pieces])
            if entry.mode == "whole":
                entry.stored = f"originals/{rel or path.name}"
                originals[entry.stored] = data
            entries.append(entry)
            reports.append(FileReport(rel, item.handling, pieces, text, new_text))
        else:
            new = data
            entries.append(FileEntry(rel, "copy", sha256(data), sha256(data)))
            reports.append(FileReport(rel, "copy"))
        outputs[dest] = new
    report = Report(level, seed, reports)
    for dest, new in outputs.items():
        write_atomic(dest, new, _mode_of(path, dest, out, single))
    meta = {"level": level, "seed": seed, "input": path.name, "single_file": single,
            "layout": layout(path) if not single else "file"}
    write_backup(backup, meta, entries, originals,
                 removed_markdown(reports, path.name, level))
    return DiluteResult(target_root, backup, str(meta["layout"]), report)


def _known_names(path: Path) -> frozenset[str]:
    """People named anywhere in the input: the subject in meta.json and everyone detected in
    the text files, so a name is masked even where nothing around it says it is a name."""
    names: set[str] = set()
    for item in list_inputs(path):
        if item.handling in ("markdown", "jsonl"):
            names |= person_names(_decode(item.path.read_bytes())[0])
        elif item.path.name == "meta.json":
            try:
                meta = json.loads(item.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            names |= _meta_names(meta)
    return frozenset(n for n in names if len(n) >= 2)


def _meta_names(meta: object) -> set[str]:
    out: set[str] = set()
    if isinstance(meta, dict):
        for k, v in meta.items():
            if isinstance(v, str) and k.lower() in ("name", "subject", "display_name",
                                                    "full_name", "nickname", "person"):
                if " " in v.strip() or not re.fullmatch(r"[a-z0-9-]+", v):
                    out.add(v.strip())
                    first = v.split()[0] if v.split() else ""
                    if len(first) >= 3 and first[:1].isupper():
                        out.add(first)
            elif isinstance(v, dict):
                out |= _meta_names(v)
    return out


def _mode_of(src_root: Path, dest: Path, out: Path, single: bool) -> int:
    src = src_root if single else src_root / dest.relative_to(out)
    try:
        return os.stat(src).st_mode & 0o777
    except OSError:
        return 0o644


def restore(diluted: Path, backup: Path, out: Path) -> list[Path]:
    """Rebuild the original from the diluted copy and the backup, byte for byte.

    Everything is checked before anything is written: each diluted file's sha256 must match the
    backup, and each rebuilt file's sha256 must match the original's."""
    diluted, backup, out = Path(diluted), Path(backup), Path(out)
    doc = load_backup(backup)
    root = backup if backup.is_dir() else backup.parent
    single = bool(doc.get("single_file"))
    if not diluted.exists():
        raise BackupError(f"{diluted}: no such file or folder")
    if single and diluted.is_dir():
        diluted = diluted / str(doc.get("input", ""))
    if single and out.is_dir():
        out = out / str(doc.get("input", diluted.name))
    if not single and out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"--out {out}: exists and is not empty; restore into a new folder")
    if single and out.exists():
        raise BackupError(f"--out {out}: already exists; restore to a new path")
    results: dict[Path, tuple[bytes, int]] = {}
    for raw in doc.get("files", []):
        entry = entry_from_json(raw)
        src = diluted if single else diluted / entry.path
        label = entry.path or diluted.name
        try:
            data = src.read_bytes()
        except OSError:
            raise BackupError(f"{label}: missing from the diluted copy {diluted}") from None
        if sha256(data) != entry.diluted_sha256:
            raise BackupError(f"{label}: the diluted copy does not match the backup (sha256 "
                              "differs) — it was edited after dilution, or this backup belongs "
                              "to another run")
        if entry.mode == "text":
            original = rebuild_text(entry, data)
        elif entry.mode == "whole":
            try:
                original = (root / entry.stored).read_bytes()
            except OSError:
                raise BackupError(f"{label}: the backup is missing {entry.stored}") from None
        else:
            original = data
        if sha256(original) != entry.original_sha256:
            raise BackupError(f"{label}: the backup is damaged — the rebuilt file does not match "
                              "the original's sha256")
        dest = out if single else out / entry.path
        results[dest] = (original, os.stat(src).st_mode & 0o777)
    for dest, (data, mode) in results.items():
        write_atomic(dest, data, mode)
    return list(results)
