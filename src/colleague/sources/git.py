"""Git history: the commit messages of a work tree or a bare repository.

We run `git log --no-merges` on HEAD (only the checked-out branch: other branches are often
stale experiments or other people's forks; ingest a clone with that branch checked out to
read it) and stream its output. Names and addresses come from %aN/%aE, so a `.mailmap` in
the repository (or `mailmap.file` in the user's git config) maps a person's several names
and addresses to one before we see them. Merge commits are skipped: their text is usually
generated ("Merge pull request #…") and their diffs repeat the merged commits.

One message per commit: native id = the sha (unique across all of git), author = the
lower-cased author email, time = the author date with the author's own offset, text = the
full message as written (subject, blank line, body, trailers), and the touched paths with
line counts in `extra` (they show which parts of the code a person owns).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from colleague.model import Conversation, Identity, Message, Record, Rejected
from colleague.sources._text import decode_bytes
from colleague.sources.base import ReadContext, ReadError

PLATFORM = "git"
# Fields of one commit, NUL-separated; each commit starts with a record separator so the
# --numstat lines that git prints after the format can be told from the next commit.
_FIELDS = ("%H", "%aN", "%aE", "%aI", "%cI", "%s", "%B")
_FORMAT = "%x1e" + "%x00".join(_FIELDS) + "%x00"
_RS = b"\x1e"
_SHA = re.compile(rb"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")
# A vendoring or formatting commit can touch thousands of files; keep the list readable.
MAX_PATHS = 200
_BOT_NAMES = {
    "dependabot", "dependabot-preview", "github-actions", "renovate", "renovate-bot",
    "greenkeeper", "pre-commit-ci", "snyk-bot", "imgbot", "allcontributors",
    "semantic-release-bot", "weblate",
}
_BOT_EMAILS = {"action@github.com", "noreply@github.com", "bot@renovateapp.com"}
_NOREPLY = re.compile(r"^(?:\d+\+)?([^@+]+)@users\.noreply\.github\.com$")
_GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "LC_ALL": "C",  # git's own messages in English, so errors read the same everywhere
    "LANGUAGE": "C",
}


def _git_env(path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(_GIT_ENV)
    # Never climb out of the folder we were given into an enclosing repository.
    env["GIT_CEILING_DIRECTORIES"] = str(path.resolve().parent)
    # A GIT_DIR set by a calling hook would make every command read the wrong repository.
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        env.pop(var, None)
    return env


def _is_bare(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def _run(path: Path, *args: str) -> str:
    """Run a short git command in `path`; its stdout, or ReadError with what git said."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(path), *args],
            capture_output=True,
            env=_git_env(path),
            timeout=120,
            check=False,
        )
    except FileNotFoundError as exc:
        raise ReadError(path, "git", "the git program on PATH (git is not installed)") from exc
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ReadError(path, "git " + " ".join(args), f"git to run ({exc})") from exc
    if proc.returncode != 0:
        said = decode_bytes(proc.stderr).strip() or f"exit status {proc.returncode}"
        raise ReadError(path, "git " + args[0], f"a readable git repository (git said: {said})")
    return decode_bytes(proc.stdout).strip()


def _repo_name(path: Path) -> str:
    """The origin remote's basename, else the folder's name (without .git)."""
    try:
        url = _run(path, "config", "--get", "remote.origin.url")
    except ReadError:
        url = ""  # no origin configured: git exits 1
    base = url.rstrip("/").replace(":", "/").rsplit("/", 1)[-1] if url else ""
    folder = path.resolve()
    if folder.name == ".git":
        folder = folder.parent
    name = base or folder.name
    return name[:-4] if name.endswith(".git") and len(name) > 4 else name


def _has_commits(path: Path) -> bool:
    try:
        _run(path, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except ReadError:
        return False
    return True


def _decode(raw: bytes) -> str:
    """git re-encodes commits that declare an encoding; old ones that do not may be GBK
    (Chinese projects) or Latin-1/cp1252 (most others) - accept GBK only when it decodes
    cleanly, since almost any byte pair is valid GB18030."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _unquote_path(path: str) -> str:
    """git C-quotes paths with tabs, newlines or quotes even with core.quotepath=false."""
    if not (path.startswith('"') and path.endswith('"')):
        return path
    body = path[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
    return body.encode("latin-1", "replace").decode("utf-8", "replace")


def is_bot(name: str, email: str) -> bool:
    """Dependabot, GitHub Actions, "[bot]" accounts and the like."""
    n, e = name.strip().casefold(), email.strip().casefold()
    if n.endswith("[bot]") or "[bot]@" in e or e in _BOT_EMAILS:
        return True
    return n in _BOT_NAMES or n.removesuffix("-bot") in _BOT_NAMES


def author_identity(name: str, email: str) -> Identity:
    """One git author; the address (lower-cased) is the id, or the name when there is none."""
    addr = email.strip().strip("<>").casefold()
    nm = name.strip() or None
    handle = None
    m = _NOREPLY.match(addr)
    if m:
        # GitHub's no-reply address carries the login: it can join the person's chat nicks.
        handle = m.group(1).removesuffix("[bot]")
    native = addr if "@" in addr else (addr or (nm or "unknown").casefold())
    return Identity(
        PLATFORM,
        native,
        name=nm,
        email=addr if "@" in addr else None,
        handle=handle,
        is_bot=is_bot(name, addr),
    )


def _numstat(lines: str) -> tuple[list[str], int, int]:
    paths: list[str] = []
    added = deleted = 0
    for line in lines.splitlines():
        parts = line.split("\t", 2)
        if len(parts) != 3:
            continue
        a, d, p = parts
        # Binary files show "-" for both counts.
        added += int(a) if a.isdigit() else 0
        deleted += int(d) if d.isdigit() else 0
        paths.append(_unquote_path(p))
    return paths, added, deleted


def _commit(chunk: bytes, conv: Conversation, where: str) -> Message | Rejected:
    parts = chunk.split(b"\x00", len(_FIELDS))
    if len(parts) != len(_FIELDS) + 1:
        return Rejected(where, f"{len(_FIELDS)} NUL-separated fields from git log")
    sha, name, email, adate, cdate, subject, body, rest = (_decode(p) for p in parts)
    sha = sha.strip()
    try:
        when = datetime.fromisoformat(adate.strip())
    except ValueError:
        return Rejected(f"commit {sha}", f"an ISO author date, got {adate!r}")
    author = author_identity(name, email)
    paths, added, deleted = _numstat(rest)
    extra: dict[str, Any] = {
        "subject": subject,
        "paths": paths[:MAX_PATHS],
        "added": added,
        "deleted": deleted,
    }
    if len(paths) > MAX_PATHS:
        extra["paths_total"] = len(paths)
    if cdate.strip() and cdate.strip() != adate.strip():
        extra["committed"] = cdate.strip()
    return Message(
        platform=PLATFORM,
        conversation=conv,
        native_id=sha,
        author=author,
        timestamp=when,
        text=body.strip() or subject,
        kind="bot" if author.is_bot else "message",
        extra=extra,
        global_id=True,
    )


def _starts_commit(piece: bytes) -> bool:
    nul = piece.find(b"\x00")
    return nul > 0 and _SHA.match(piece[:nul]) is not None


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """Split git's output into commits, holding no more than one commit in memory.

    A commit message containing the record separator itself would split a commit in two:
    a piece that does not start with a sha is glued back onto the previous one."""
    pending: bytes | None = None
    current = bytearray()

    def complete(piece: bytes) -> Iterator[bytes]:
        nonlocal pending
        if pending is None:
            pending = piece or None
        elif _starts_commit(piece):
            yield pending
            pending = piece
        else:
            pending += _RS + piece

    while block := stream.read(1 << 16):
        start = 0
        # Only the new block is searched, so a huge commit costs linear time.
        while (i := block.find(_RS, start)) >= 0:
            current += block[start:i]
            yield from complete(bytes(current))
            current = bytearray()
            start = i + 1
        current += block[start:]
    if current:
        yield from complete(bytes(current))
    if pending:
        yield pending


class GitReader:
    name = "git"
    description = "Git repository (work tree or bare): commit messages and touched paths of HEAD"
    priority = 20

    def identify(self, path: Path) -> bool:
        if not path.is_dir():
            return False
        # A work tree has a .git folder (or, for worktrees and submodules, a .git file).
        return (path / ".git").exists() or _is_bare(path)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        if not path.is_dir():
            raise ReadError(path, "repository", "a git work tree or bare repository folder")
        _run(path, "rev-parse", "--git-dir")  # fails with git's own words outside a repository
        if not _has_commits(path):
            return  # a fresh repository: nothing written yet
        conv = Conversation(PLATFORM, self._repo_id(path), _repo_name(path), "repo")
        yield conv
        yield from self._log(path, conv)

    def fingerprint(self, path: Path) -> str:
        """What identifies this input's content: the commit HEAD points at (hashing the
        whole work tree and object store would read gigabytes for nothing)."""
        try:
            head = _run(path, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").strip()
        except ReadError:
            head = "empty"
        return f"git:{head}"

    def _repo_id(self, path: Path) -> str:
        """The first root commit: the same for every clone, fork or bare mirror."""
        roots = _run(path, "rev-list", "--max-parents=0", "HEAD").split()
        return "root:" + (sorted(roots)[0] if roots else "unknown")

    def _log(self, path: Path, conv: Conversation) -> Iterator[Record]:
        cmd = [
            "git", "-C", str(path),
            "-c", "core.quotepath=false", "-c", "log.showSignature=false",
            "-c", "diff.renames=false",
            "log", "HEAD", "--no-merges", "--no-color", "--no-ext-diff", "--no-textconv",
            "--no-renames", "--numstat", "--encoding=UTF-8", f"--format={_FORMAT}",
        ]
        # stderr goes to a file: a pipe nobody reads would stall git on a noisy repository.
        with tempfile.TemporaryFile() as errfile:
            try:
                proc = subprocess.Popen(
                    cmd, stdout=subprocess.PIPE, stderr=errfile, env=_git_env(path)
                )
            except FileNotFoundError as exc:
                raise ReadError(path, "git", "the git program on PATH (git is not installed)") from exc
            except OSError as exc:
                raise ReadError(path, "git log", f"git to run ({exc})") from exc
            assert proc.stdout is not None
            n = 0
            try:
                for chunk in _chunks(proc.stdout):
                    n += 1
                    yield _commit(chunk, conv, f"commit #{n}")
                code = proc.wait()
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                proc.stdout.close()
            if code != 0:
                errfile.seek(0)
                said = decode_bytes(errfile.read()).strip() or f"exit status {code}"
                where = f"git log (after {n} commits)"
                raise ReadError(path, where, f"a readable git history (git said: {said})")


READERS = [GitReader()]
