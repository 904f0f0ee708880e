"""Inputs: our Skill layout (with evidence.jsonl), the colleague-skill layout, .txt and .docx —
the copy keeps the layout and file names; docx keeps every other package part unchanged."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from colleague.dilute.api import DiluteError, dilute_path, restore
from colleague.dilute.segment import segment

DOCS = Path(__file__).resolve().parents[1] / "fixtures" / "documents"
OWN = Path(__file__).resolve().parents[1] / "fixtures" / "dilute"


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_our_skill_layout(tmp_path: Path) -> None:
    src = OWN / "skill-ours"
    res = dilute_path(src, "medium", tmp_path / "out", tmp_path / "bk", seed=1)
    assert res.layout == "colleague"
    assert _files(res.out) == _files(src)
    skill = (res.out / "SKILL.md").read_text(encoding="utf-8")
    assert skill.startswith("---\nname: skill-ours\n")  # the slug stays the folder name
    assert "Chen Jing" not in skill and "陈静" not in skill
    assert (res.out / "meta.json").read_bytes() == (src / "meta.json").read_bytes()
    lines = (res.out / "evidence.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(ln) for ln in lines]
    originals = [json.loads(ln) for ln in (src / "evidence.jsonl").read_text(
        encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [o["id"] for o in originals]
    assert all(r["excerpt"] != o["excerpt"] for r, o in zip(records, originals, strict=True))
    assert not any("李航" in r["excerpt"] or "40 分钟" in r["excerpt"] for r in records)
    assert all(not r["channel"].startswith("#") for r in records)
    report = res.report.as_json()
    kinds = {f["path"]: f["kind"] for f in report["files"]}
    assert kinds == {"SKILL.md": "markdown", "evidence.jsonl": "jsonl", "meta.json": "copy",
                     "persona.md": "markdown", "work.md": "markdown"}


def test_colleague_skill_layout(tmp_path: Path) -> None:
    src = DOCS / "en-skill-platform-lead"
    res = dilute_path(src, "heavy", tmp_path / "out", tmp_path / "bk", seed=1)
    assert res.layout == "colleague-skill"
    assert _files(res.out) == _files(src)
    skill = (res.out / "SKILL.md").read_text(encoding="utf-8")
    for marker in ("PART A", "PART B"):
        assert marker in skill
    persona = (res.out / "persona.md").read_text(encoding="utf-8")
    for layer in ("Layer 0", "Layer 2", "Layer 3", "Layer 4"):
        assert layer in persona
    assert "Maya" not in skill + persona  # the subject's name (from meta.json) is masked
    restore(res.out, res.backup, tmp_path / "back")
    assert all((tmp_path / "back" / f).read_bytes() == (src / f).read_bytes()
               for f in _files(src))


def test_txt_input(tmp_path: Path) -> None:
    src = OWN / "en-review-guide.txt"
    res = dilute_path(src, "medium", tmp_path / "out", tmp_path / "bk")
    assert res.out == tmp_path / "out" / "en-review-guide.txt"
    text = res.out.read_text(encoding="utf-8")
    assert "Tom Becker" not in text and "invoice-engine" not in text
    assert "must never be logged" in text


def test_unsupported_input(tmp_path: Path) -> None:
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.4")
    with pytest.raises(DiluteError, match="expected a Skill folder"):
        dilute_path(bad, "light")


def _make_docx(path: Path) -> None:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_heading("订单服务发布笔记", level=1)
    d.add_paragraph("维护人：@周凯。新人第一次发布前请读完。")
    d.add_heading("坑", level=2)
    p = d.add_paragraph("坑：")
    p.add_run("`order-sync` 重启后要等 2 分钟").bold = True
    p.add_run("才会重新拉取配置，期间不要重复发布。")
    d.add_paragraph("去年 11 月那次大促，因为没提前扩容 stock-db 从库，查询超时 20 分钟。")
    d.add_heading("安全", level=2)
    d.add_paragraph("生产数据导出必须加密，并经安全组审批。")
    d.save(str(path))


@pytest.mark.parametrize("level", ["light", "heavy"])
def test_docx(tmp_path: Path, level: str) -> None:
    src = tmp_path / "notes.docx"
    _make_docx(src)
    res = dilute_path(src, level, tmp_path / "out", tmp_path / "bk", seed=2)  # type: ignore[arg-type]
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(res.out) as b:
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        for info in a.infolist():
            if info.filename != "word/document.xml":
                assert a.read(info.filename) == b.read(info.filename), info.filename
        assert b.infolist()[0].compress_type == a.infolist()[0].compress_type
    import docx

    texts = [p.text for p in docx.Document(str(res.out)).paragraphs]
    assert texts[0] == "订单服务发布笔记" and texts[2] == "坑"
    assert not any("order-sync" in t or "20 分钟" in t for t in texts)
    assert any("必须加密" in t for t in texts)
    if level == "heavy":
        assert "@周凯" not in texts[1]
    restore(res.out, res.backup, tmp_path / "back.docx")
    assert (tmp_path / "back.docx").read_bytes() == src.read_bytes()
    assert (res.backup / "originals" / "notes.docx").stat().st_mode & 0o777 == 0o600
    removed = (res.backup / "removed.md").read_text(encoding="utf-8")
    assert "order-sync" in removed


def test_markdown_stays_valid(tmp_path: Path) -> None:
    """Block structure (kinds in order) is unchanged at every level on every document."""
    for path in [*DOCS.glob("*.md"), OWN / "zh-deploy-notes.md"]:
        for level in ("light", "medium", "heavy"):
            res = dilute_path(path, level, tmp_path / level / path.stem,  # type: ignore[arg-type]
                              tmp_path / f"bk-{level}-{path.stem}")
            a = [s.kind for s in segment(path.read_text(encoding="utf-8")) if s.kind != "blank"]
            b = [s.kind for s in segment(res.out.read_text(encoding="utf-8")) if s.kind != "blank"]
            assert a == b, (path.name, level)
