"""Shared fixtures: a fresh workspace per test, the CLI runner, and where real data lives."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from colleague.cli import cli
from colleague.sources.base import ReadContext
from colleague.store import connect

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
SAMPLES = SHARED / "formats" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_path(*parts: str) -> Path:
    """A path in ../shared; the test is skipped cleanly when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def db(home: Path) -> Iterator[sqlite3.Connection]:
    conn = connect(home / "corpus.db")
    yield conn
    conn.close()


@pytest.fixture
def ctx() -> ReadContext:
    return ReadContext(tz=ZoneInfo("Asia/Shanghai"))


class Runner:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(cli, ["--home", str(self.home), *args], input=input,
                                  catch_exceptions=False)

    def json(self, *args: str) -> object:
        res = self(*args, "--json")
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)


@pytest.fixture
def run(home: Path) -> Runner:
    return Runner(home)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    """The demo team ingested once per test run (read-only for the tests that use it)."""
    run = Runner(tmp_path_factory.mktemp("demo") / "home")
    res = run("ingest", "--tz", "Asia/Shanghai", str(ROOT / "examples" / "data"))
    assert res.exit_code == 0, res.output
    conn = connect(run.home / "corpus.db")
    yield conn
    conn.close()
