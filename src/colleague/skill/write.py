"""Write a Skill folder atomically and keep immutable version snapshots (versions/vN/).

A re-run that renders the same content keeps the version number; any change makes vN+1.
Only `generated_at` in meta.json may differ between two renders of the same content.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

CONTENT_FILES = ("SKILL.md", "work.md", "persona.md", "evidence.jsonl", "meta.json")
VOLATILE_META = ("generated_at",)


def latest_version(folder: Path) -> int:
    versions = folder / "versions"
    if not versions.is_dir():
        return 0
    nums = [int(p.name[1:]) for p in versions.iterdir() if p.name[:1] == "v" and p.name[1:].isdigit()]
    return max(nums, default=0)


def _comparable(name: str, text: str) -> str:
    if name != "meta.json":
        return text
    data = json.loads(text)
    for key in VOLATILE_META:
        data.pop(key, None)
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def same_content(files: dict[str, str], snapshot: Path) -> bool:
    for name, text in files.items():
        path = snapshot / name
        if not path.is_file():
            return False
        if _comparable(name, path.read_text(encoding="utf-8")) != _comparable(name, text):
            return False
    return True


def _write_files(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8", newline="\n")


def write_skill(parent: Path, slug: str, render: Callable[[int], dict[str, str]]) -> tuple[Path, int]:
    """Render with the right version number and swap the folder in atomically."""
    target = parent / slug
    latest = latest_version(target)
    files = render(max(latest, 1))
    version = latest
    if not latest or not same_content(files, target / "versions" / f"v{latest}"):
        version = latest + 1
        files = render(version)
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{slug}.tmp-", dir=parent))
    try:
        _write_files(tmp, files)
        if (target / "versions").is_dir():
            shutil.copytree(target / "versions", tmp / "versions")
        snap = tmp / "versions" / f"v{version}"
        if not snap.exists():
            _write_files(snap, files)
        for p in tmp.rglob("*"):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        os.chmod(tmp, 0o755)
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{slug}.old-", dir=parent))
            os.rmdir(old)
            os.rename(target, old)
        os.rename(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target, version
