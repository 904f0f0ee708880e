"""Documents reader: Markdown, text, HTML, PDF, DOCX; encodings; broken files; real Chinese docs."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from colleague.model import Document, Identity, Rejected
from colleague.sources import registry
from colleague.sources.base import ReadContext, ReadError
from colleague.sources.docs import DocsReader, front_matter

from conftest import FIXTURES, Runner, shared_path

READER = DocsReader()
DOCS = FIXTURES / "docs"
SHANGHAI = ZoneInfo("Asia/Shanghai")

_spec = importlib.util.spec_from_file_location("pdfmaker", DOCS / "pdfmaker.py")
assert _spec is not None and _spec.loader is not None
pdfmaker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pdfmaker)
make_pdf = pdfmaker.make_pdf


def read_one(path: Path, ctx: ReadContext) -> Document | Rejected:
    records = list(READER.read(path, ctx))
    assert len(records) == 1, records
    rec = records[0]
    assert isinstance(rec, Document | Rejected)
    return rec


def doc(path: Path, ctx: ReadContext) -> Document:
    rec = read_one(path, ctx)
    assert isinstance(rec, Document), rec
    return rec


def counts(home: Path) -> tuple[int, int]:
    db = sqlite3.connect(home / "corpus.db")
    try:
        return (db.execute("SELECT count(*) FROM documents").fetchone()[0],
                db.execute("SELECT count(*) FROM sources").fetchone()[0])
    finally:
        db.close()


# -- identify ---------------------------------------------------------------------------------
def test_identify_by_extension_only(tmp_path: Path) -> None:
    for name in ("a.md", "b.MARKDOWN", "c.txt", "d.html", "e.HTM", "f.pdf", "g.docx"):
        (tmp_path / name).write_bytes(b"")  # content is not looked at
        assert READER.identify(tmp_path / name), name
    for name in ("h.log", "i.json", "j.doc", "k.csv"):
        (tmp_path / name).write_text("# heading\n")
        assert not READER.identify(tmp_path / name), name
    (tmp_path / "folder.md").mkdir()
    assert not READER.identify(tmp_path / "folder.md")
    assert not READER.identify(tmp_path)


def test_docs_is_tried_last() -> None:
    readers = registry.readers()
    assert READER.priority == 90
    assert all(r.priority <= READER.priority for r in readers)
    assert readers[-1].name == "docs"


# -- Markdown and text ------------------------------------------------------------------------
def test_markdown_front_matter_bom(ctx: ReadContext) -> None:
    path = DOCS / "runbook-bom.md"
    d = doc(path, ctx)
    assert d.platform == "docs" and d.kind == "md"
    assert d.title == "部署手册"  # front matter beats the first heading
    assert d.text == "# 第一章\n\n正文：先灰度再全量。"
    assert d.author == Identity("email", "wangwu@example.com", name="王五", email="wangwu@example.com")
    assert d.created == datetime(2023, 10, 16, tzinfo=SHANGHAI)  # a bare date takes ctx.tz
    assert d.native_id == hashlib.sha256(path.read_bytes()).hexdigest()
    assert d.extra["file"] == "runbook-bom.md"


def test_markdown_titles_from_headings(tmp_path: Path, ctx: ReadContext) -> None:
    fenced = tmp_path / "notes.md"
    fenced.write_text("Intro line\n\n```sh\n# not a heading\n```\n\n## Deploy **steps** [v2](http://x)\n",
                      encoding="utf-8")
    assert doc(fenced, ctx).title == "Deploy steps v2"
    setext = tmp_path / "setext.markdown"
    setext.write_text("Quarterly review\n================\n\ntext\n", encoding="utf-8")
    assert doc(setext, ctx).title == "Quarterly review"
    bare = tmp_path / "no-heading.md"
    bare.write_text("just words\n", encoding="utf-8")
    d = doc(bare, ctx)
    assert d.title == "no-heading" and d.author is None and d.created is None


def test_front_matter_shapes() -> None:
    meta, rest = front_matter(
        "---\ntitle: 'RFC: 调度'\nauthors:\n  - Ann Lee\n  - Bo Wu\ndate: 2024-05-01T10:00:00+08:00\n---\nbody\n")
    assert meta == {"title": "RFC: 调度", "authors": ["Ann Lee", "Bo Wu"],
                    "date": "2024-05-01T10:00:00+08:00"}
    assert rest == "body\n"
    meta, rest = front_matter('+++\ntitle = "Hugo page"\nauthor = "Kai"\n+++\ntext')
    assert meta == {"title": "Hugo page", "author": "Kai"} and rest == "text"
    assert front_matter("--- not front matter\n") == ({}, "--- not front matter\n")


def test_markdown_several_authors_and_iso_date(tmp_path: Path, ctx: ReadContext) -> None:
    p = tmp_path / "rfc.md"
    p.write_text("---\nauthors: [Ann Lee, Bo Wu]\ncreated: 2024-05-01T10:00:00+02:00\n---\n# RFC 7\nWe will.\n",
                 encoding="utf-8")
    d = doc(p, ctx)
    assert d.author == Identity("docs", "ann lee", name="Ann Lee")
    assert d.extra["authors"] == ["Ann Lee", "Bo Wu"]
    assert d.created is not None and d.created.isoformat() == "2024-05-01T10:00:00+02:00"
    assert d.title == "RFC 7"


def test_text_encodings(ctx: ReadContext) -> None:
    gbk = doc(DOCS / "report-gbk.txt", ctx)
    assert gbk.kind == "txt" and gbk.title == "report-gbk"
    assert gbk.text == "周报：本周完成了调度器的重试逻辑。\n下周计划：压测与灰度发布。"
    utf16 = doc(DOCS / "minutes-utf16.md", ctx)
    assert utf16.title == "会议纪要"
    assert utf16.text == "# 会议纪要\n\n- 参会人：张三、李四\n- 结论：采用方案 B"
    nobom = doc(DOCS / "release-utf16-nobom.txt", ctx)
    assert nobom.text == "Release notes\nFixed the retry bug in the scheduler."


def test_empty_document_is_rejected(ctx: ReadContext) -> None:
    rec = read_one(DOCS / "empty.md", ctx)
    assert isinstance(rec, Rejected) and "empty" in rec.reason


# -- HTML -------------------------------------------------------------------------------------
def test_html_gb2312(ctx: ReadContext) -> None:
    d = doc(DOCS / "oncall-gb2312.html", ctx)
    assert d.kind == "html" and d.title == "值班手册"
    assert d.author == Identity("docs", "赵六", name="赵六")
    assert d.created == datetime(2023, 11, 2, tzinfo=SHANGHAI)
    assert d.text == ("值班\n夜间告警 & 升级流程：先电话，后工单。\n一线：运维\n二线：开发\n"
                      "级别 | 响应\nP0 | 5 分钟")
    assert "不应出现" not in d.text and "color" not in d.text and "请启用脚本" not in d.text


def test_html_title_falls_back_to_h1(tmp_path: Path, ctx: ReadContext) -> None:
    p = tmp_path / "page.htm"
    p.write_text("<body><h1>Post&shy;mortem <b>42</b></h1><pre>a  b\n  c</pre></body>", encoding="utf-8")
    d = doc(p, ctx)
    assert d.title == "Postmortem 42"  # the soft hyphen would split the word for search
    assert d.text == "Postmortem 42\na  b\n  c"


# -- PDF --------------------------------------------------------------------------------------
def test_pdf_text_layer_and_metadata(tmp_path: Path, ctx: ReadContext) -> None:
    p = tmp_path / "design.pdf"
    p.write_bytes(make_pdf(
        [["Scheduler design (v2)", "We retry failed jobs three times."], ["Rollout: canary first."]],
        {"Title": "Microsoft Word - Scheduler design", "Author": "Jane Doe",
         "CreationDate": "D:20240301091500+01'00'"},
    ))
    d = doc(p, ctx)
    assert d.kind == "pdf" and d.title == "Scheduler design"
    assert d.text == "Scheduler design (v2)\nWe retry failed jobs three times.\n\nRollout: canary first."
    assert d.author == Identity("docs", "jane doe", name="Jane Doe")
    assert d.created is not None and d.created.isoformat() == "2024-03-01T09:15:00+01:00"
    assert d.extra["pages"] == 2


def test_pdf_generic_author_ignored_and_naive_date_takes_ctx_tz(tmp_path: Path, ctx: ReadContext) -> None:
    p = tmp_path / "memo.pdf"
    p.write_bytes(make_pdf([["memo"]], {"Author": "Administrator", "CreationDate": "D:20200102030405"}))
    d = doc(p, ctx)
    assert d.author is None and d.title == "memo"
    assert d.created == datetime(2020, 1, 2, 3, 4, 5, tzinfo=SHANGHAI)


def test_scanned_pdf_is_rejected(tmp_path: Path, ctx: ReadContext) -> None:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)  # a page with no text: what a scan without OCR looks like
    p = tmp_path / "scan.pdf"
    with p.open("wb") as fh:
        writer.write(fh)
    rec = read_one(p, ctx)
    assert isinstance(rec, Rejected) and "no text layer" in rec.reason


def test_truncated_pdf_is_a_read_error(ctx: ReadContext) -> None:
    with pytest.raises(ReadError) as info:
        list(READER.read(DOCS / "truncated.pdf", ctx))
    assert info.value.path == str(DOCS / "truncated.pdf")
    assert info.value.where == "document" and "a readable PDF" in info.value.expected


# -- DOCX -------------------------------------------------------------------------------------
def make_docx(path: Path, *, title: str | None, author: str | None, created: datetime | None) -> None:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_heading("调度器设计", level=1)
    d.add_paragraph("我们对失败任务重试三次。")
    para = d.add_paragraph("Owner:")
    para.add_run("\tJane")
    table = d.add_table(rows=2, cols=2)
    for r, row in enumerate((("阶段", "时间"), ("灰度", "周一"))):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("Rollout after review.")
    props = d.core_properties
    props.title = title or ""
    props.author = author or ""
    if created is not None:
        props.created = created
    d.save(str(path))


def test_docx_paragraphs_tables_and_core_properties(tmp_path: Path, ctx: ReadContext) -> None:
    p = tmp_path / "design.docx"
    make_docx(p, title="Scheduler design", author="Jane Doe <jane@work.example>",
              created=datetime(2024, 3, 1, 8, 15))
    d = doc(p, ctx)
    assert d.kind == "docx" and d.title == "Scheduler design"
    assert d.text == ("调度器设计\n我们对失败任务重试三次。\nOwner:\tJane\n阶段 | 时间\n灰度 | 周一\n\n"
                      "Rollout after review.")
    assert d.author == Identity("email", "jane@work.example", name="Jane Doe", email="jane@work.example")
    # core.xml stores W3CDTF in UTC ("2024-03-01T08:15:00Z").
    assert d.created == datetime(2024, 3, 1, 8, 15, tzinfo=UTC)


def test_docx_without_metadata_uses_heading_and_operator_author(tmp_path: Path) -> None:
    p = tmp_path / "untitled.docx"
    make_docx(p, title=None, author="python-docx", created=None)
    me = Identity("email", "me@example.org", name="Me", email="me@example.org")
    d = doc(p, ReadContext(tz=SHANGHAI, author=me))
    assert d.title == "调度器设计" and d.author == me
    d2 = doc(p, ReadContext(tz=SHANGHAI))
    assert d2.author is None  # "python-docx" is what the tool writes, not a person


@pytest.mark.parametrize(
    ("name", "where", "expected"),
    [
        ("not-a-zip.docx", "document", "a DOCX file (a zip archive)"),
        ("bad-xml.docx", "word/document.xml", "well-formed XML"),
        ("no-body.docx", "word/document.xml", "a DOCX main document part"),
    ],
)
def test_broken_docx_is_a_read_error(name: str, where: str, expected: str, ctx: ReadContext) -> None:
    with pytest.raises(ReadError) as info:
        list(READER.read(DOCS / name, ctx))
    assert info.value.path == str(DOCS / name)
    assert info.value.where == where and expected in info.value.expected


# -- through the CLI --------------------------------------------------------------------------
@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Good documents of every kind, two of them the same file under two names."""
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    for name in ("runbook-bom.md", "report-gbk.txt", "minutes-utf16.md", "oncall-gb2312.html"):
        shutil.copy(DOCS / name, root / name)
    shutil.copy(DOCS / "runbook-bom.md", root / "sub" / "copy-of-runbook.md")
    (root / "design.pdf").write_bytes(make_pdf([["Scheduler design"]], {"Author": "Jane Doe"}))
    make_docx(root / "plan.docx", title="Plan", author="Jane Doe", created=None)
    return root


def test_cli_ingest_folder_reingest_and_search(folder: Path, home: Path, run: Runner) -> None:
    res = run.json("ingest", str(folder))
    assert isinstance(res, dict) and res["failed"] == 0
    by_name = {Path(s["path"]).name: s for s in res["sources"]}
    assert set(by_name) == {"runbook-bom.md", "report-gbk.txt", "minutes-utf16.md",
                            "oncall-gb2312.html", "copy-of-runbook.md", "design.pdf", "plan.docx"}
    assert all(s["reader"] == "docs" for s in res["sources"])
    # The copy is the same document: one row, whatever its path.
    assert counts(home)[0] == 6
    again = run.json("ingest", str(folder))
    assert isinstance(again, dict) and sum(s["documents"] for s in again["sources"]) == 0
    assert counts(home)[0] == 6
    hits = run.json("search", "灰度")
    assert isinstance(hits, list)
    assert {h["where"] for h in hits} >= {"部署手册", "report-gbk"}
    people = {p["name"]: p for p in run.json("people")}
    assert people["Jane Doe"]["documents"] == 2  # PDF and DOCX metadata name the same person
    assert people["王五"]["documents"] == 1


def test_cli_author_option_overrides_metadata(folder: Path, run: Runner) -> None:
    res = run.json("ingest", str(folder / "design.pdf"), "--author", "Li Lei <lilei@example.org>")
    assert isinstance(res, dict) and res["sources"][0]["documents"] == 1
    people = run.json("people")
    assert isinstance(people, list)
    assert [(p["name"], p["documents"]) for p in people] == [("Li Lei", 1)]


@pytest.mark.parametrize("name", ["truncated.pdf", "not-a-zip.docx", "bad-xml.docx"])
def test_cli_broken_file_exit_1_store_unchanged(name: str, folder: Path, tmp_path: Path,
                                               home: Path, run: Runner) -> None:
    assert run.json("ingest", str(folder / "runbook-bom.md"))
    before = counts(home)
    broken = tmp_path / name
    shutil.copy(DOCS / name, broken)
    res = run("ingest", str(broken))
    assert res.exit_code == 1
    err = " ".join(res.stderr.split())
    assert f"{broken}: document:" in err or f"{broken}: word/document.xml:" in err
    assert counts(home) == before


def test_cli_empty_and_scanned_are_rejected_not_failed(tmp_path: Path, run: Runner) -> None:
    shutil.copy(DOCS / "empty.md", tmp_path / "empty.md")
    res = run("ingest", str(tmp_path / "empty.md"), "--json")
    assert res.exit_code == 0
    src = json.loads(res.stdout)["sources"][0]
    assert (src["documents"], src["rejected"]) == (0, 1)
    assert src["rejections"][0]["reason"] == "an empty document: no text"


# -- real data: Chinese workplace Markdown ----------------------------------------------------
def test_zh_meetup_minutes(run: Runner, home: Path, ctx: ReadContext) -> None:
    meetup = shared_path("data", "zh-workplace-text", "pfcc-camp", "Meetup")
    files = sorted(meetup.rglob("*.md"))
    assert len(files) == 11
    minutes = meetup / "20231016_飞桨护航计划集训营开营仪式会议纪要.md"
    d = doc(minutes, ctx)
    assert d.title == "飞桨护航计划集训营开营仪式会议纪要"
    assert d.text.startswith("# 飞桨护航计划集训营开营仪式会议纪要\n\n## 会议概况")
    assert "本次会议共有32名成员参会" in d.text
    assert d.author is None and d.created is None  # no metadata; mtime is deliberately unused

    res = run.json("ingest", str(meetup))
    assert isinstance(res, dict) and res["failed"] == 0
    assert len(res["sources"]) == 11 and all(s["reader"] == "docs" for s in res["sources"])
    assert sum(s["documents"] for s in res["sources"]) == 11 == counts(home)[0]
    hits = run.json("search", "开营仪式")
    assert isinstance(hits, list) and hits[0]["kind"] == "document"
    assert hits[0]["where"] == "飞桨护航计划集训营开营仪式会议纪要"


def test_zh_pfcc_meetings_2022(run: Runner, home: Path) -> None:
    year = shared_path("data", "zh-workplace-text", "paddle-community", "pfcc", "meetings", "2022")
    n = len(list(year.glob("*.md")))
    assert n == 30
    res = run.json("ingest", str(year))
    assert isinstance(res, dict) and res["failed"] == 0
    assert counts(home)[0] == n
    hits = run.json("search", "会议纪要", "--limit", "50")
    assert isinstance(hits, list) and len(hits) >= 10
    assert all(h["kind"] == "document" for h in hits)


def test_created_never_from_mtime(tmp_path: Path, ctx: ReadContext) -> None:
    import os

    p = tmp_path / "x.txt"
    p.write_text("hello\n")
    a = doc(p, ctx)
    os.utime(p, (0, 0))
    b = doc(p, ctx)
    assert a.created is None and b.created is None and a.native_id == b.native_id


@pytest.mark.parametrize(("user_password", "readable"), [("secret", False), ("", True)])
def test_encrypted_pdf(user_password: str, readable: bool, tmp_path: Path, ctx: ReadContext) -> None:
    pypdf = pytest.importorskip("pypdf")
    import io

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf([["Locked text"]]))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    p = tmp_path / "locked.pdf"
    with p.open("wb") as fh:
        writer.write(fh)
    if readable:  # only an owner password: anyone may read it
        assert doc(p, ctx).text == "Locked text"
    else:
        with pytest.raises(ReadError, match="needs a password"):
            list(READER.read(p, ctx))
