"""`colleague distill` end to end on the demo team: consent, evidence, privacy, language,
determinism, versions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from colleague.privacy import journal
from colleague.skill.validate import validate_folder
from colleague.skill.verify import verify
from colleague.store import connect
from colleague.store.people import resolve

from conftest import ROOT, Runner

PLANTED = ["AKIAEXAMPLE0FAKE0001", "138 0013 8000", "13800138000", "138-0013-8000"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    run = Runner(tmp_path_factory.mktemp("distill") / "home")
    res = run("ingest", "--tz", "Asia/Shanghai", str(ROOT / "examples" / "data"))
    assert res.exit_code == 0, res.output
    return run


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_consent_is_required(demo: Runner) -> None:
    res = demo("distill", "刘洋")
    assert res.exit_code == 2
    assert "consent grant" in res.stderr


def test_distill_demo_person(demo: Runner, tmp_path: Path) -> None:
    assert demo("consent", "grant", "王芳", "--scope", "distill", "--expires", "2099-12-31",
                "--by", "test").exit_code == 0
    res = demo.json("distill", "王芳")
    folder = Path(res["path"])
    assert folder.name == res["slug"] == "wang-fang" and res["language"] == "zh"
    assert validate_folder(folder) == []
    assert sum(res["claims"].values()) >= 15 and res["evidence"] >= 15
    db = connect(demo.home / "corpus.db")
    pid = resolve(db, "王芳")
    verdict = verify(folder, db, pid)
    assert verdict.ok, verdict.problems[:5]
    assert verdict.fabricated == 0 and verdict.citations >= res["evidence"]
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["consent"].startswith("c-") and meta["language"] == "zh"
    assert meta["subject"]["id"].startswith("person-") and "王芳" not in json.dumps(meta)
    assert {s["reader"] for s in meta["sources"]} == {"feishu", "mbox", "slack"}
    assert all(len(s["sha256"]) == 64 and s["first"] <= s["last"] for s in meta["sources"])
    work = (folder / "work.md").read_text(encoding="utf-8")
    assert "## 规则与标准" in work and re.search(r"\[E\d+\]", work)
    assert journal.read(demo.home)[-1].operation == "distill"


def test_deterministic(demo: Runner, tmp_path: Path) -> None:
    demo("consent", "grant", "陈静", "--scope", "distill", "--expires", "2099-12-31")
    a = Path(demo.json("distill", "陈静", "--out", str(tmp_path / "a"))["path"])
    b = Path(demo.json("distill", "陈静", "--out", str(tmp_path / "b"))["path"])
    fa, fb = _files(a), _files(b)
    assert fa.keys() == fb.keys()
    for name in fa:
        if name.endswith("meta.json"):
            ma, mb = json.loads(fa[name]), json.loads(fb[name])
            ma.pop("generated_at"), mb.pop("generated_at")
            assert ma == mb
        else:
            assert fa[name] == fb[name], name
    # Re-running into the same folder keeps the version; the snapshot is immutable.
    again = demo.json("distill", "陈静", "--out", str(tmp_path / "a"))
    assert again["version"] == 1 and (a / "versions" / "v1" / "work.md").is_file()


def test_no_planted_secret_or_contact_reaches_any_skill(demo: Runner, tmp_path: Path) -> None:
    names = ["王芳", "李强", "陈静", "张伟", "刘洋", "赵敏"]
    for name in names:
        res = demo.json("distill", name, "--self", "--out", str(tmp_path / "skills"))
        assert Path(res["path"]).is_dir()
    blob = b"".join(b for p in sorted((tmp_path / "skills").rglob("*")) if p.is_file()
                    for b in [p.read_bytes()])
    for planted in PLANTED:
        assert planted.encode() not in blob, planted
    # Nobody's email address leaves the store (subjects' own are removed, others pseudonymised).
    assert b"@xinghe.example.com" not in blob


def test_english_output_on_request(demo: Runner, tmp_path: Path) -> None:
    res = demo.json("distill", "赵敏", "--self", "--lang", "en", "--out", str(tmp_path))
    work = (Path(res["path"]) / "work.md").read_text(encoding="utf-8")
    assert "## Rules and standards" in work and res["language"] == "en"


def test_revoked_consent_refuses(demo: Runner) -> None:
    assert demo("consent", "grant", "张伟", "--scope", "distill", "--expires", "2099-12-31").exit_code == 0
    assert demo("distill", "张伟").exit_code == 0
    assert demo("consent", "revoke", "张伟", "--scope", "distill").exit_code == 0
    res = demo("distill", "张伟")
    assert res.exit_code == 2 and "revoked" in res.stderr
