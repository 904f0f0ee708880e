"""The private backup and `restore`: byte-exact round trips on awkward inputs, 0600 files
outside the diluted copy, and clear refusals when the copy or the backup does not match."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from colleague.dilute.api import DiluteError, default_paths, dilute_path, restore
from colleague.dilute.backup import BackupError

OWN = Path(__file__).resolve().parents[1] / "fixtures" / "dilute"
DOC = OWN / "zh-deploy-notes.md"


def _roundtrip(tmp_path: Path, data: bytes, name: str, level: str = "heavy") -> tuple[Path, bytes]:
    src = tmp_path / name
    src.write_bytes(data)
    res = dilute_path(src, level, tmp_path / "out", tmp_path / "bk", seed=3)  # type: ignore[arg-type]
    back = tmp_path / f"restored-{name}"
    restore(res.out, res.backup, back)
    assert back.read_bytes() == data
    return res.out, res.out.read_bytes()


@pytest.mark.parametrize("variant", ["crlf", "bom", "no-final-newline", "unclosed-fence",
                                     "gb18030", "utf16", "empty", "tabs"])
def test_awkward_inputs_restore_exactly(tmp_path: Path, variant: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    data: bytes
    if variant == "crlf":
        data = text.replace("\n", "\r\n").encode()
    elif variant == "bom":
        data = b"\xef\xbb\xbf" + text.encode()
    elif variant == "no-final-newline":
        data = text.rstrip("\n").encode()
    elif variant == "unclosed-fence":
        data = (text + "\n```python\nprint('密钥不要提交')\n").encode()
    elif variant == "gb18030":
        data = text.encode("gb18030")
    elif variant == "utf16":
        data = text.encode("utf-16")
    elif variant == "empty":
        data = b""
    else:
        data = text.replace("- ", "-\t").encode()
    out, diluted = _roundtrip(tmp_path, data, f"doc-{variant}.md")
    if variant == "gb18030":
        diluted.decode("gb18030")  # the copy keeps the input's encoding
        with pytest.raises(UnicodeDecodeError):
            diluted.decode("utf-8")
    if variant == "crlf":
        assert b"\r\n" in diluted and b"\n" not in diluted.replace(b"\r\n", b"")
    if variant == "unclosed-fence":
        assert diluted.count(b"```") == data.count(b"```")


def test_backup_is_private_and_outside(tmp_path: Path) -> None:
    src = tmp_path / "notes.md"
    shutil.copy(DOC, src)
    res = dilute_path(src, "medium")
    out_default, backup_default = default_paths(src)
    assert res.out == out_default / "notes.md" and res.backup == backup_default
    assert not res.backup.is_relative_to(out_default)
    assert stat.S_IMODE(res.backup.stat().st_mode) == 0o700
    files = sorted(p.name for p in res.backup.iterdir())
    assert files == ["README-DO-NOT-SUBMIT.md", "map.json", "removed.md"]
    for p in res.backup.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    removed = (res.backup / "removed.md").read_text(encoding="utf-8")
    assert "never submit" in removed and "切勿提交" in removed
    assert "## pitfall" in removed and "`order-sync` 重启后要等 2 分钟" in removed
    assert "## incident" in removed and "去年 11 月那次大促" in removed
    doc = json.loads((res.backup / "map.json").read_text(encoding="utf-8"))
    assert doc["format"] == "colleague-dilute-backup" and doc["level"] == "medium"
    # the diluted copy itself carries none of the removed text
    assert "order-sync" not in res.out.read_text(encoding="utf-8")


def test_backup_inside_the_copy_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "notes.md"
    shutil.copy(DOC, src)
    with pytest.raises(DiluteError, match="outside the diluted copy"):
        dilute_path(src, "light", tmp_path / "out", tmp_path / "out" / "bk")
    folder = tmp_path / "skill"
    shutil.copytree(OWN / "skill-ours", folder)
    with pytest.raises(DiluteError, match="outside the input"):
        dilute_path(folder, "light", tmp_path / "o2", folder / "bk")
    with pytest.raises(DiluteError, match="overlap"):
        dilute_path(folder, "light", folder / "diluted")


def test_edited_copy_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "notes.md"
    shutil.copy(DOC, src)
    res = dilute_path(src, "medium", tmp_path / "out", tmp_path / "bk")
    res.out.write_text(res.out.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    with pytest.raises(BackupError, match="does not match the backup"):
        restore(res.out, res.backup, tmp_path / "r.md")
    assert not (tmp_path / "r.md").exists()


def test_damaged_backup_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "notes.md"
    shutil.copy(DOC, src)
    res = dilute_path(src, "medium", tmp_path / "out", tmp_path / "bk")
    mp = res.backup / "map.json"
    doc = json.loads(mp.read_text(encoding="utf-8"))
    seg = next(s for s in doc["files"][0]["segments"] if s[1])
    seg[1] = seg[1] + "x"
    mp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(BackupError, match="damaged"):
        restore(res.out, res.backup, tmp_path / "r.md")
    with pytest.raises(BackupError, match="not a dilute backup"):
        restore(res.out, tmp_path, tmp_path / "r.md")


def test_backup_of_another_run_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "notes.md"
    shutil.copy(DOC, src)
    a = dilute_path(src, "medium", tmp_path / "a", tmp_path / "bka", seed=1)
    b = dilute_path(src, "medium", tmp_path / "b", tmp_path / "bkb", seed=2)
    with pytest.raises(BackupError, match="does not match"):
        restore(a.out, b.backup, tmp_path / "r.md")


def test_restore_does_not_overwrite(tmp_path: Path) -> None:
    folder = tmp_path / "skill"
    shutil.copytree(OWN / "skill-ours", folder)
    res = dilute_path(folder, "heavy", tmp_path / "out", tmp_path / "bk")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x").write_text("x")
    with pytest.raises(BackupError, match="not empty"):
        restore(res.out, res.backup, busy)
    restore(res.out, res.backup, tmp_path / "fresh")
    for p in folder.rglob("*"):
        if p.is_file():
            assert (tmp_path / "fresh" / p.relative_to(folder)).read_bytes() == p.read_bytes()


def test_deterministic_for_a_seed(tmp_path: Path) -> None:
    folder = OWN / "skill-ours"
    runs = [dilute_path(folder, "heavy", tmp_path / f"o{i}", tmp_path / f"b{i}", seed=s)
            for i, s in enumerate((5, 5, 6))]
    files = sorted(p.relative_to(runs[0].out) for p in runs[0].out.rglob("*") if p.is_file())
    same = all((runs[0].out / f).read_bytes() == (runs[1].out / f).read_bytes() for f in files)
    differ = any((runs[0].out / f).read_bytes() != (runs[2].out / f).read_bytes() for f in files)
    assert same and differ
    assert (runs[0].backup / "map.json").read_bytes() == (runs[1].backup / "map.json").read_bytes()


def test_cli_dilute_and_restore(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "notes.md"
    shutil.copy(DOC, src)
    data = run.json("dilute", str(src), "--level", "heavy", "--out", str(tmp_path / "o"),
                    "--backup", str(tmp_path / "b"), "--seed", "4")
    assert data["level"] == "heavy" and data["seed"] == 4
    assert data["actionability"]["before"] > 3 * data["actionability"]["after"]
    assert data["actionability"]["source"] == "audit"
    assert data["segments"]["critical"] == {"generalise": 2}
    assert data["segments"]["pitfall"]["replace"] >= 1
    res = run("restore", str(tmp_path / "o" / "notes.md"), "--backup", str(tmp_path / "b"),
              "--out", str(tmp_path / "r.md"))
    assert res.exit_code == 0, res.output
    assert (tmp_path / "r.md").read_bytes() == DOC.read_bytes()
    (tmp_path / "o" / "notes.md").write_text("changed", encoding="utf-8")
    res = run("restore", str(tmp_path / "o" / "notes.md"), "--backup", str(tmp_path / "b"),
              "--out", str(tmp_path / "r2.md"))
    assert res.exit_code == 1 and "does not match the backup" in res.stderr
    res = run("dilute", str(tmp_path / "missing.md"))
    assert res.exit_code == 1 and "no such file" in res.stderr
    res = run("dilute", str(src), "--level", "extreme")
    assert res.exit_code == 2
