"""Git history reader: repositories built in tmp_path from real commit data, plus small ones.

The shared data are commit *records* (JSONL), not repositories: we turn them into real
repositories with `git fast-import` (one process for thousands of commits), touching one
file per commit so --numstat has something to report.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from colleague.model import Conversation, Message
from colleague.sources import registry
from colleague.sources.base import ReadContext, ReadError
from colleague.sources.git import GitReader, _chunks, author_identity, is_bot

from conftest import FIXTURES, Runner
from realdata import (
    GIT_ENV,
    dataease_records,
    fast_import,
    git,
    ipython_records,
    message_of,
    touched_path,
)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")

READER = GitReader()
def messages(path: Path, ctx: ReadContext) -> list[Message]:
    return [r for r in READER.read(path, ctx) if isinstance(r, Message)]


@pytest.fixture(scope="module")
def ipython_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict], dict[str, str]]:
    records = ipython_records()
    repo = tmp_path_factory.mktemp("gitrepos") / "ipython"
    shas = fast_import(repo, records)
    git(repo, "remote", "add", "origin", "https://github.com/ipython/ipython.git")
    return repo, records, shas


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A small repository made with real `git commit`: two addresses of one person, a bot,
    a merge, a rename, a binary file, odd paths, an unmerged side branch."""
    repo = tmp_path / "tiny-project"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=GIT_ENV)

    def commit(msg: str, name: str, email: str, when: str, files: dict[str, bytes | None]) -> None:
        for rel, data in files.items():
            p = repo / rel
            if data is None:
                git(repo, "rm", "-q", rel)
                continue
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
            git(repo, "add", rel)
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": when,
               "GIT_COMMITTER_DATE": when}
        git(repo, "commit", "-q", "--allow-empty", "-m", msg, env=env)

    commit("Add scheduler\n\nFirst cut of the job scheduler.\n\nSigned-off-by: Jane Doe <jane@work.example>",
           "Jane Doe", "Jane@Work.Example", "2024-03-01T09:15:00+01:00",
           {"sched/core.py": b"a\nb\nc\n", "docs/plan.md": b"# plan\n"})
    commit("fix typo", "jdoe", "jane@home.example", "2024-03-02T23:40:00-05:00",
           {"sched/core.py": b"a\nB\nc\n"})
    commit("Bump requests from 2.31 to 2.32", "dependabot[bot]",
           "49699333+dependabot[bot]@users.noreply.github.com", "2024-03-03T10:00:00+00:00",
           {"requirements.txt": b"requests==2.32\n"})
    commit("Update lock file", "github-actions", "41898282+github-actions[bot]@users.noreply.github.com",
           "2024-03-03T11:00:00+00:00", {"lock.txt": b"x\n"})
    git(repo, "checkout", "-q", "-b", "feature")
    commit("Rename core to engine, add logo", "Bob Li", "12345+boblee@users.noreply.github.com",
           "2024-03-04T08:00:00+08:00",
           {"sched/core.py": None, "sched/engine.py": b"a\nB\nc\n", "logo.png": b"\x89PNG\x00\x01\x02",
            "notes/mit\ttab.txt": b"tab\n", "notes/中文 文件.md": b"x\ny\n"})
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge branch 'feature'", "feature",
        env={"GIT_AUTHOR_DATE": "2024-03-05T08:00:00+08:00", "GIT_COMMITTER_DATE": "2024-03-05T08:00:00+08:00"})
    git(repo, "checkout", "-q", "-b", "experiment")
    commit("Unmerged experiment", "Jane Doe", "jane@work.example", "2024-03-06T08:00:00+01:00",
           {"x.py": b"x\n"})
    git(repo, "checkout", "-q", "main")
    return repo


# -- identify -------------------------------------------------------------------------------
def test_identify_work_tree_bare_and_not_repos(tmp_path: Path, tiny: Path) -> None:
    bare = tmp_path / "mirror.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(tiny), str(bare)], check=True, env=GIT_ENV)
    linked = tmp_path / "linked"
    git(tiny, "worktree", "add", "-q", str(linked), "experiment")
    assert (linked / ".git").is_file()  # a linked work tree has a .git *file*
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "README.md").write_text("# hi\n")
    assert READER.identify(tiny) and READER.identify(bare) and READER.identify(linked)
    assert READER.identify(tiny / ".git")  # the git dir itself is a bare-shaped repository
    assert not READER.identify(plain)
    assert not READER.identify(plain / "README.md")
    assert not READER.identify(tiny / "sched")  # a subfolder of a work tree is not a repository
    assert getattr(registry.identify(tiny), "name", None) == "git"
    assert getattr(registry.identify(bare), "name", None) == "git"
    # The linked work tree reads its own branch.
    assert [m.text for m in messages(linked, ReadContext(tz=datetime.now().astimezone().tzinfo))][0] \
        == "Unmerged experiment"


# -- the tiny repository --------------------------------------------------------------------
def test_tiny_repo_messages(tiny: Path, ctx: ReadContext) -> None:
    records = list(READER.read(tiny, ctx))
    conv = records[0]
    assert isinstance(conv, Conversation)
    assert (conv.kind, conv.name, conv.platform) == ("repo", "tiny-project", "git")
    root = git(tiny, "rev-list", "--max-parents=0", "HEAD").strip()
    assert conv.native_id == f"root:{root}"
    msgs = [r for r in records if isinstance(r, Message)]
    # HEAD only, no merge commit, no unmerged branch: 4 on main + 1 from the merged feature.
    assert [m.extra["subject"] for m in msgs] == [
        "Rename core to engine, add logo", "Update lock file",
        "Bump requests from 2.31 to 2.32", "fix typo", "Add scheduler",
    ]
    assert all(m.global_id and m.conversation == conv for m in msgs)
    assert {m.native_id for m in msgs} == set(git(tiny, "rev-list", "--no-merges", "HEAD").split())
    first = msgs[-1]
    assert first.text == ("Add scheduler\n\nFirst cut of the job scheduler.\n\n"
                          "Signed-off-by: Jane Doe <jane@work.example>")
    assert first.author is not None
    assert (first.author.native_id, first.author.email, first.author.name) == (
        "jane@work.example", "jane@work.example", "Jane Doe")
    assert first.timestamp is not None and first.timestamp.isoformat() == "2024-03-01T09:15:00+01:00"
    assert first.extra["paths"] == ["docs/plan.md", "sched/core.py"]
    assert (first.extra["added"], first.extra["deleted"]) == (4, 0)
    typo = msgs[-2]
    assert typo.timestamp is not None and typo.timestamp.utcoffset() == timedelta(hours=-5)
    assert (typo.extra["added"], typo.extra["deleted"]) == (1, 1)
    bot, actions = msgs[2], msgs[1]
    assert bot.kind == "bot" and bot.author is not None and bot.author.is_bot
    assert actions.kind == "bot" and actions.author is not None and actions.author.is_bot
    rename = msgs[0]
    # Renames are read as delete + add; binary files count no lines; odd paths come unquoted.
    assert sorted(rename.extra["paths"]) == [
        "logo.png", "notes/mit\ttab.txt", "notes/中文 文件.md", "sched/core.py", "sched/engine.py"]
    assert (rename.extra["added"], rename.extra["deleted"]) == (3 + 1 + 2, 3)
    assert rename.author is not None and rename.author.handle == "boblee"
    assert rename.timestamp is not None and rename.timestamp.utcoffset() == timedelta(hours=8)
    assert all(m.kind == "message" for m in (first, typo, rename))


def test_mailmap_merges_one_persons_addresses(tiny: Path, home: Path, run: Runner) -> None:
    # Without a .mailmap: "Jane Doe" and "jdoe" at two addresses are two people.
    res = run("ingest", str(tiny), "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["sources"][0]["added"] == 5
    people = {p["name"]: p for p in run.json("people")}
    assert set(people) == {"Jane Doe", "jdoe", "Bob Li"}  # bots are not people who wrote
    assert people["Jane Doe"]["messages"] == 1 and people["jdoe"]["messages"] == 1
    # With one: git maps the home address to the work one before we see it.
    (tiny / ".mailmap").write_text("Jane Doe <jane@work.example> <jane@home.example>\n")
    other = Runner(home.parent / "home-mailmap")
    res = other("ingest", str(tiny), "--json")
    assert res.exit_code == 0, res.output
    people = {p["name"]: p for p in other.json("people")}
    assert set(people) == {"Jane Doe", "Bob Li"}
    assert people["Jane Doe"]["messages"] == 2
    assert people["Jane Doe"]["sources"] == ["git"]
    everyone = {p["name"]: p for p in other.json("people", "--all")}
    assert everyone["dependabot[bot]"]["is_bot"] is True


def test_reingest_adds_nothing_and_bare_clone_is_the_same_history(
    tiny: Path, tmp_path: Path, run: Runner
) -> None:
    first = run.json("ingest", str(tiny))
    assert first["sources"][0]["reader"] == "git" and first["sources"][0]["added"] == 5
    again = run.json("ingest", str(tiny))
    assert again["sources"][0]["added"] == 0 and again["sources"][0]["skipped"] == 5
    bare = tmp_path / "tiny.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(tiny), str(bare)], check=True, env=GIT_ENV)
    clone = run.json("ingest", str(bare))
    assert clone["sources"][0]["added"] == 0 and clone["sources"][0]["skipped"] == 5


def test_empty_repository_reads_nothing(tmp_path: Path, ctx: ReadContext, run: Runner) -> None:
    repo = tmp_path / "empty"
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=GIT_ENV)
    assert list(READER.read(repo, ctx)) == []
    res = run.json("ingest", str(repo))
    assert res["failed"] == 0 and res["sources"][0]["added"] == 0


# -- real data: ipython -----------------------------------------------------------------------
def test_ipython_history(ipython_repo: tuple[Path, list[dict], dict[str, str]], ctx: ReadContext) -> None:
    repo, records, shas = ipython_repo
    records_iter = READER.read(repo, ctx)
    conv = next(records_iter)
    assert isinstance(conv, Conversation) and conv.name == "ipython"  # from the origin remote
    msgs = [r for r in records_iter if isinstance(r, Message)]
    assert len(msgs) == len(records) > 2700
    by_sha = {m.native_id: m for m in msgs}
    first = records[0]
    m = by_sha[shas[first["sha"]]]
    assert m.text == ("Reorganized the directory for ipython/ to have its own dir, which is a bit"
                      "\n\nmore consistent with the SVN book recommended layout.")
    assert m.author is not None and m.author.name == "Fernando Perez"
    assert m.author.native_id == "fernando.perez@berkeley.edu"
    assert m.timestamp is not None and m.timestamp.isoformat() == "2005-07-06T17:52:32+00:00"
    assert m.extra["paths"] == [touched_path(first)]
    # Every commit keeps its author's own offset and its message exactly.
    for rec in records[::97]:
        got = by_sha[shas[rec["sha"]]]
        assert got.timestamp == datetime.fromisoformat(rec["author_date"])
        assert got.timestamp is not None
        assert got.timestamp.utcoffset() == datetime.fromisoformat(rec["author_date"]).utcoffset()
        assert got.text == message_of(rec).strip()
    kinds = Counter(m.author.name for m in msgs if m.kind == "bot" and m.author)
    # (meeseeksdev[bot] only made merge commits, which are skipped.)
    assert kinds == Counter({"dependabot[bot]": 6, "pre-commit-ci[bot]": 2,
                             "copilot-swe-agent[bot]": 4})
    # "nottaanibot" is a person who named themselves so; Claude's commits stay messages
    # (the data set keeps them as a non-human control for the analysis, not for the reader).
    assert all(m.kind == "message" for m in msgs if m.author and m.author.name in ("nottaanibot", "Claude"))


def test_ipython_people_without_and_with_mailmap(
    ipython_repo: tuple[Path, list[dict], dict[str, str]], home: Path, run: Runner
) -> None:
    repo, records, _ = ipython_repo
    res = run.json("ingest", str(repo))
    assert res["failed"] == 0 and res["sources"][0]["added"] == len(records)
    people = run.json("people")
    assert isinstance(people, list)

    def who(rows: list[dict], part: str) -> list[dict]:
        return [p for p in rows if part in p["name"] or any(part in a for a in p["aliases"])]

    n_matthias = sum(1 for r in records if "ussonnier" in r["author_name"])
    n_grout = sum(1 for r in records if r["author_name"] == "Jason Grout")
    # The data were exported through ipython's own .mailmap: Matthias Bussonnier and
    # "M Bussonnier" already share one address, so they are one account and one person.
    bussonnier = who(people, "Bussonnier")
    assert len(bussonnier) == 1 and bussonnier[0]["messages"] == n_matthias == 400
    # Jason Grout used three addresses: three accounts, joined on his two-word name.
    grout = who(people, "Grout")
    assert len(grout) == 1 and grout[0]["messages"] == n_grout == 205
    assert {"jgrout6@bloomberg.net", "jason@jasongrout.org",
            "jasongrout@users.noreply.github.com"} <= set(grout[0]["aliases"])
    krassowski = who(people, "rassowski")
    assert len(krassowski) == 1 and krassowski[0]["messages"] == 30

    # A .mailmap in the work tree: one address for Jason Grout, one spelling for Matthias.
    (repo / ".mailmap").write_text(
        "Matthias Bussonnier <bussonniermatthias@gmail.com>\n"
        "Jason Grout <jason@jasongrout.org> <jgrout6@bloomberg.net>\n"
        "Jason Grout <jason@jasongrout.org> <jasongrout@users.noreply.github.com>\n",
        encoding="utf-8",
    )
    try:
        other = Runner(home.parent / "home-mailmap")
        assert other.json("ingest", str(repo))["sources"][0]["added"] == len(records)
        people2 = other.json("people")
        assert isinstance(people2, list)
        grout2 = who(people2, "Grout")
        assert len(grout2) == 1 and grout2[0]["messages"] == 205
        assert grout2[0]["aliases"] == ["jason@jasongrout.org"]
        matthias = who(people2, "Bussonnier")
        assert [p["name"] for p in matthias] == ["Matthias Bussonnier"]
        assert matthias[0]["messages"] == 400
        # Same number of people either way: the mailmap changed accounts, not persons.
        assert len(people2) == len(people)
    finally:
        (repo / ".mailmap").unlink()


# -- real data: Chinese commit messages -------------------------------------------------------
def test_dataease_chinese_history(tmp_path: Path, run: Runner, ctx: ReadContext) -> None:
    records = dataease_records()
    repo = tmp_path / "dataease.git"
    shas = fast_import(repo, records, bare=True)
    msgs = messages(repo, ctx)
    assert len(msgs) == len(records) == 9374
    by_sha = {m.native_id: m for m in msgs}
    rec = next(r for r in records if r["subject"] == "feat(图表): 明细表显示图片 #10621")
    m = by_sha[shas[rec["sha"]]]
    assert m.text == "feat(图表): 明细表显示图片 #10621"
    assert m.timestamp is not None and m.timestamp.utcoffset() == timedelta(hours=8)
    # No addresses in this data set: the name is the account.
    assert m.author is not None and m.author.email is None
    assert m.author.native_id == rec["author_name"].casefold()
    authors = Counter(x.author.name for x in msgs if x.author)
    assert authors["wangjiahao"] == 2170 and authors["fit2cloud-chenyw"] == 2169
    assert Counter(x.kind for x in msgs)["bot"] == 7  # dependabot[bot]

    res = run.json("ingest", str(repo))
    assert res["sources"][0]["added"] == 9374
    hits = run.json("search", "明细表显示图片", "--limit", "5")
    assert isinstance(hits, list) and hits
    assert hits[0]["text"].startswith("feat(图表): 明细表显示图片") and hits[0]["where"] == "dataease"
    people = {p["name"]: p["messages"] for p in run.json("people")}
    # A rename without addresses cannot be mapped: junjie and junjun stay two people
    # (join them with `people merge`).
    assert people["junjie"] == 847 and people["junjun"] == 666


# -- odd messages -----------------------------------------------------------------------------
def test_record_separator_inside_a_message(tmp_path: Path, ctx: ReadContext) -> None:
    recs = [
        {"sha": "a" * 40, "author_name": "Ann Example", "author_email": "ann@example.org",
         "author_date": "2020-01-01T10:00:00+02:00", "subject": "odd\x1e subject",
         "body": "body with \x1e separator\x1e twice"},
        {"sha": "b" * 40, "author_name": "Ann Example", "author_email": "ann@example.org",
         "author_date": "2020-01-02T10:00:00+02:00", "subject": "normal", "body": ""},
    ]
    fast_import(tmp_path / "odd", recs)
    msgs = messages(tmp_path / "odd", ctx)
    assert [m.text for m in msgs] == ["normal", "odd\x1e subject\n\nbody with \x1e separator\x1e twice"]
    assert msgs[1].extra["paths"] == ["src/a/a.py"]


def test_chunks_splits_streams_at_any_block_boundary() -> None:
    import io

    sha1, sha2 = b"1" * 40, b"2" * 40
    data = b"\x1e" + sha1 + b"\x00x\x1ey\x00\n\n1\t0\tf\n" + b"\x1e" + sha2 + b"\x00z\x00"

    class Trickle(io.BytesIO):
        def read(self, n: int = -1) -> bytes:  # one byte at a time
            return super().read(1)

    assert list(_chunks(Trickle(data))) == [sha1 + b"\x00x\x1ey\x00\n\n1\t0\tf\n", sha2 + b"\x00z\x00"]
    assert list(_chunks(io.BytesIO(b""))) == []


def test_identity_rules() -> None:
    assert is_bot("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
    assert is_bot("github-actions", "41898282+github-actions[bot]@users.noreply.github.com")
    assert is_bot("Renovate Bot", "bot@renovateapp.com")
    assert not is_bot("nottaanibot", "nottaanibot@gmail.com")
    assert not is_bot("Abbot Jones", "abbot@example.org")
    ident = author_identity("Tzanko", "")
    assert (ident.native_id, ident.email, ident.name) == ("tzanko", None, "Tzanko")
    ident = author_identity("M Bussonnier", "BussonnierMatthias@Gmail.com")
    assert ident.native_id == ident.email == "bussonniermatthias@gmail.com"


# -- errors -----------------------------------------------------------------------------------
def _store_counts(home: Path) -> tuple[int, int]:
    db = sqlite3.connect(home / "corpus.db")
    try:
        return (db.execute("SELECT count(*) FROM messages").fetchone()[0],
                db.execute("SELECT count(*) FROM sources").fetchone()[0])
    finally:
        db.close()


def test_not_a_repository_is_a_named_error(tmp_path: Path, tiny: Path, home: Path, run: Runner) -> None:
    fake = tmp_path / "fake"
    (fake / ".git").mkdir(parents=True)  # looks like a work tree, is not one
    assert run.json("ingest", str(tiny))["sources"][0]["added"] == 5
    before = _store_counts(home)
    res = run("ingest", str(fake))
    assert res.exit_code == 1
    assert str(fake) in res.stderr and "not a git repository" in res.stderr
    assert _store_counts(home) == before
    with pytest.raises(ReadError, match="not a git repository"):
        list(READER.read(fake, ReadContext(tz=datetime.now().astimezone().tzinfo)))
    # Called on a folder inside a work tree, git must not climb up to the enclosing repo.
    with pytest.raises(ReadError, match="not a git repository"):
        list(READER.read(tiny / "sched", ReadContext(tz=datetime.now().astimezone().tzinfo)))


def _loose_repo(tmp_path: Path) -> tuple[Path, list[str]]:
    """Six commits all editing src/0/0.py, every object a loose file we can delete."""
    repo = tmp_path / "corrupt"
    recs = [
        {"sha": f"{i:040x}", "author_name": "Ann Example", "author_email": "ann@example.org",
         "author_date": f"2020-01-{i + 1:02d}T10:00:00+00:00", "subject": f"commit {i}", "body": ""}
        for i in range(6)
    ]
    shas = fast_import(repo, recs)
    # fast-import leaves fewer than fastimport.unpackLimit (100) objects loose already.
    assert not list((repo / ".git" / "objects" / "pack").glob("*.pack"))
    return repo, [shas[r["sha"]] for r in recs]


def _drop_object(repo: Path, sha: str) -> None:
    (repo / ".git" / "objects" / sha[:2] / sha[2:]).unlink()


def test_corrupt_repository_fails_whole_and_leaves_store_unchanged(
    tmp_path: Path, home: Path, run: Runner
) -> None:
    repo, commits = _loose_repo(tmp_path)
    # The file as the third commit left it: the diffs of commits 3 and 4 need it, so
    # git log fails part-way: commits 5 and 4 stream whole, commit 3's header is printed
    # before its diff fails.
    blob = git(repo, "rev-parse", f"{commits[2]}:src/0/0.py").strip()
    _drop_object(repo, blob)
    res = run("ingest", str(repo))
    assert res.exit_code == 1
    err = " ".join(res.stderr.split())
    assert str(repo) in err and "git log (after 3 commits)" in err
    assert blob in err  # what git said names the missing object
    assert _store_counts(home) == (0, 0)


def test_missing_commit_object_is_a_named_error(tmp_path: Path, ctx: ReadContext) -> None:
    repo, commits = _loose_repo(tmp_path)
    _drop_object(repo, commits[2])
    with pytest.raises(ReadError) as info:
        list(READER.read(repo, ctx))
    assert info.value.path == str(repo)
    assert f"Could not read {commits[2]}" in info.value.expected


def test_git_not_installed(tiny: Path, tmp_path: Path, ctx: ReadContext,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "nobin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(ReadError, match="git is not installed") as info:
        list(READER.read(tiny, ctx))
    assert info.value.path == str(tiny)


def test_message_encodings_from_a_fast_import_stream(tmp_path: Path, ctx: ReadContext) -> None:
    repo = tmp_path / "enc"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=GIT_ENV)
    stream = (FIXTURES / "git" / "odd-encodings.fi").read_bytes()
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"], input=stream, check=True,
                   env=GIT_ENV)
    msgs = messages(repo, ctx)
    assert [m.text for m in msgs] == [
        "Odd \x1e separator",
        "Café menu: naïve fix",  # undeclared Latin-1
        "修复：重试逻辑\n\n详见工单 #42",  # declared GBK, re-encoded by git
    ]
    assert msgs[2].extra["subject"] == "修复：重试逻辑"
    assert msgs[2].timestamp is not None and msgs[2].timestamp.isoformat() == "2023-11-15T06:13:20+08:00"
    assert all(m.extra["paths"] == ["notes.txt"] for m in msgs)
