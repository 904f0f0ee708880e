"""bench/distill_bench.py at a tiny scale, so the distill benchmark cannot rot between runs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import Runner

BENCH = Path(__file__).resolve().parents[1] / "bench"
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import distill_bench  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo team's corpus, ingested once for this module."""
    from click.testing import CliRunner

    from colleague.cli import cli

    home = tmp_path_factory.mktemp("distill-bench") / "home"
    res = CliRunner().invoke(cli, ["--home", str(home), "ingest", "--tz", "Asia/Shanghai",
                                   str(ROOT / "examples" / "data")])
    assert res.exit_code == 0, res.output
    return home / "corpus.db"


def test_busiest_is_the_person_with_most_messages(corpus: Path, run: Runner) -> None:
    person, n = distill_bench.busiest(corpus)
    run.home = corpus.parent
    top = run.json("people")[0]
    assert (person, n) == (top["id"], top["messages"])


def test_bench_distills_a_copy_and_reports_targets(corpus: Path, tmp_path: Path) -> None:
    before = corpus.read_bytes()
    report = distill_bench.bench(corpus, tmp_path / "work", runs=2, with_stages=True)
    assert corpus.read_bytes() == before  # the source workspace is not touched
    assert len(report["runs_s"]) == 2 and report["best"]["wall_s"] == min(report["runs_s"])
    assert 10 < report["peak_rss_mb"] < 1024
    assert report["pass_rss"] is True
    assert report["pass_time"] == (report["best"]["wall_s"] <= 10.0)
    result = report["best"]["result"]
    assert result["slug"] and sum(result["claims"].values()) > 0
    stages = report["stages"]
    assert stages["own"] == report["person_messages"] > 0
    assert set(stages) >= {"load_person_s", *(f"{a}_s" for a in distill_bench.ANALYZERS)}
    md = distill_bench.markdown(report)
    assert "| distill wall time ≤ 10 s |" in md and "| peak RSS ≤ 1 GB |" in md
    assert "| load_person |" in md
    json.dumps(report)  # the report is plain JSON
