"""Distill real people from ../shared/data (read in place or converted in tmp_path): every
citation resolves to the subject's stored words; Chinese corpora give Chinese Skills and
English ones English Skills. Skipped where the data is absent."""

from __future__ import annotations

import json
from pathlib import Path

from colleague.skill.verify import verify
from colleague.store import connect

from conftest import Runner, shared_path
from realdata import dataease_records, enron_to_eml, fast_import, ipython_records


def _distill_top(run: Runner, tmp_path: Path, expect_lang: str) -> dict:
    top = run.json("people")[0]
    res = run.json("distill", str(top["id"]), "--self", "--out", str(tmp_path / "skills"))
    assert res["language"] == expect_lang
    folder = Path(res["path"])
    db = connect(run.home / "corpus.db")
    try:
        verdict = verify(folder, db, top["id"])
    finally:
        db.close()
    assert verdict.ok, verdict.problems[:5]
    assert verdict.fabricated == 0 and verdict.evidence > 0
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["counts"]["messages"] == top["messages"]
    return res


def test_fluid_irc(run: Runner, tmp_path: Path) -> None:
    channel = shared_path("data", "irc-fluid-project", "fluid-tech")
    assert run("ingest", "--tz", "UTC", str(channel)).exit_code == 0
    res = _distill_top(run, tmp_path, "en")
    assert sum(res["claims"].values()) >= 10


def test_linux_mips_mail(run: Runner, tmp_path: Path) -> None:
    folder = shared_path("data", "mailing-list-linux-mips", "by_author")
    files = [folder / n for n in ("ddaney.cavm_gmail.com.mbox", "ddaney_caviumnetworks.com.mbox",
                                  "arnd_arndb.de.mbox")]
    assert run("ingest", *map(str, files)).exit_code == 0
    res = _distill_top(run, tmp_path, "en")
    assert res["slug"] == "david-daney"


def test_enron_sent_mail(run: Runner, tmp_path: Path) -> None:
    shared_path("data", "enron-aeslc", "sent_by_user")
    enron_to_eml(tmp_path / "mail", "kaminski-v")
    assert run("ingest", str(tmp_path / "mail")).exit_code == 0
    _distill_top(run, tmp_path, "en")


def test_dataease_chinese_commits(run: Runner, tmp_path: Path) -> None:
    records = dataease_records()[:3000]
    fast_import(tmp_path / "repo", records)
    assert run("ingest", str(tmp_path / "repo")).exit_code == 0
    res = _distill_top(run, tmp_path, "zh")
    work = (Path(res["path"]) / "work.md").read_text(encoding="utf-8")
    assert "## 职责与负责的系统" in work


def test_chinese_work_reports(run: Runner, tmp_path: Path) -> None:
    reports = shared_path("data", "zh-workplace-text", "pfcc-camp", "WeeklyReports")
    author = sorted(p for p in reports.iterdir() if p.is_dir())[0]
    res = run.json("ingest", "--author", "实习生甲 <intern.a@example.cn>", str(author))
    assert res["failed"] == 0
    people = run.json("people")
    assert people[0]["documents"] > 0
    res = run.json("distill", str(people[0]["id"]), "--self", "--out", str(tmp_path / "s"))
    assert res["language"] == "zh"


def test_ipython_commits(run: Runner, tmp_path: Path) -> None:
    fast_import(tmp_path / "ipython", ipython_records())
    assert run("ingest", str(tmp_path / "ipython")).exit_code == 0
    res = _distill_top(run, tmp_path, "en")
    assert res["claims"]["work.duties"] > 0
