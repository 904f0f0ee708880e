"""The private backup: what dilution removed, readable (removed.md) and machine-readable
(map.json), from which `restore` rebuilds the original byte for byte.

The map stores, for every segment of every diluted file, the segment's length in the diluted
copy and — when it changed — the original segment's exact text. Restoring walks the diluted
copy by those lengths and splices the originals back; sha256 of the diluted copy is checked
before and sha256 of the original after, so a wrong pairing or a damaged backup is refused.
Files that cannot be rebuilt that way (a .docx container) are stored whole under originals/.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "colleague-dilute-backup"
VERSION = 1
WARNING_EN = ("PRIVATE BACKUP — never submit, share or upload this folder. It holds everything "
              "dilution removed from your document.")
WARNING_ZH = "私人备份——切勿提交、分享或上传此文件夹。它保存了稀释时删除的全部内容。"


class BackupError(Exception):
    """A backup that cannot be used with this diluted copy (message says why)."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write to a temp file in the same folder, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@dataclass
class FileEntry:
    path: str  # relative to the diluted root ("" = the single diluted file itself)
    mode: str  # "text" (segments), "copy" (unchanged), "whole" (original stored under originals/)
    original_sha256: str
    diluted_sha256: str
    encoding: str = "utf-8"
    segments: list[list[Any]] = field(default_factory=list)  # [diluted_len, original|None, cat, action]
    stored: str = ""  # for "whole": path inside the backup

    def as_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"path": self.path, "mode": self.mode,
                             "original_sha256": self.original_sha256,
                             "diluted_sha256": self.diluted_sha256}
        if self.mode == "text":
            d["encoding"] = self.encoding
            d["segments"] = self.segments
        if self.mode == "whole":
            d["stored"] = self.stored
        return d


def text_entry(path: str, original: bytes, diluted: bytes, encoding: str,
               pieces: list[tuple[str, str, str, str]]) -> FileEntry:
    """pieces: (original_text, diluted_text, category, action) tiling both texts."""
    segs = [[len(d), (o if o != d else None), c, a] for o, d, c, a in pieces]
    entry = FileEntry(path, "text", sha256(original), sha256(diluted), encoding, segs)
    try:
        ok = rebuild_text(entry, diluted) == original
    except (BackupError, UnicodeError):
        ok = False
    if not ok:  # an encoding that does not round-trip: keep the original whole instead
        entry.mode, entry.segments = "whole", []
    return entry


def rebuild_text(entry: FileEntry, diluted: bytes) -> bytes:
    text = diluted.decode(entry.encoding)
    out: list[str] = []
    pos = 0
    for seg in entry.segments:
        n, orig = int(seg[0]), seg[1]
        if pos + n > len(text):
            raise BackupError(f"{entry.path or 'file'}: the backup's segment map runs past the "
                              "end of the diluted copy")
        out.append(text[pos:pos + n] if orig is None else orig)
        pos += n
    if pos != len(text):
        raise BackupError(f"{entry.path or 'file'}: the diluted copy is longer than the backup's "
                          "segment map")
    return "".join(out).encode(entry.encoding)


def write_backup(root: Path, meta: dict[str, Any], entries: list[FileEntry],
                 originals: dict[str, bytes], removed_md: str) -> None:
    """Write map.json, removed.md, README and stored originals, all 0600, in a 0700 folder."""
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    for rel, data in originals.items():
        write_atomic(root / rel, data, 0o600)
        os.chmod((root / rel).parent, 0o700)
    doc = {"format": FORMAT, "version": VERSION, "warning": WARNING_EN, **meta,
           "files": [e.as_json() for e in entries]}
    write_atomic(root / "map.json",
                 (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8"), 0o600)
    write_atomic(root / "removed.md", removed_md.encode("utf-8"), 0o600)
    readme = f"# {WARNING_EN}\n\n{WARNING_ZH}\n\n- removed.md: what was removed, by category\n" \
             "- map.json: the machine-readable map `colleague restore` uses\n"
    write_atomic(root / "README-DO-NOT-SUBMIT.md", readme.encode("utf-8"), 0o600)


def load_backup(root: Path) -> dict[str, Any]:
    path = root / "map.json" if root.is_dir() else root
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{root}: not a dilute backup (no map.json)") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path}: unreadable backup map ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BackupError(f"{path}: not a colleague dilute backup")
    if doc.get("version") != VERSION:
        raise BackupError(f"{path}: backup version {doc.get('version')} is not supported")
    return doc


def entry_from_json(d: dict[str, Any]) -> FileEntry:
    try:
        return FileEntry(d["path"], d["mode"], d["original_sha256"], d["diluted_sha256"],
                         d.get("encoding", "utf-8"), d.get("segments", []), d.get("stored", ""))
    except (KeyError, TypeError) as exc:
        raise BackupError(f"backup map entry is malformed ({exc})") from None


