"""The benchmark scripts at a tiny scale, so they cannot rot between full runs."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import gen_slack  # noqa: E402
import ingest_bench  # noqa: E402
import search_bench  # noqa: E402
import search_recall  # noqa: E402

MESSAGES = 2000


def _generate(out: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    args = [str(out), "--messages", str(MESSAGES), "--users", "20", "--channels", "5",
            "--days", "60"]
    assert gen_slack.main(args) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "export"
    gen_slack.Generator(out, MESSAGES, 20, 5, 60, seed=7).run()
    return out


def test_generator_is_deterministic_and_counts_right(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    summary = _generate(a, capsys)
    _generate(b, capsys)
    assert summary["messages"] == MESSAGES
    assert summary["users"] == 20 and summary["channels"] == 5
    files_a = sorted(p.relative_to(a) for p in a.rglob("*.json"))
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*.json"))
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files_a)
    assert len(files_a) == summary["files"] + 2  # + users.json, channels.json

    users = json.loads((a / "users.json").read_text())
    assert len(users) == 20 and len({u["id"] for u in users}) == 20
    seen: Counter[tuple[str, str]] = Counter()
    texts = []
    for day in a.glob("*/*.json"):
        for m in json.loads(day.read_text()):
            seen[(day.parent.name, m["ts"])] += 1
            texts.append(m["text"])
            if "thread_ts" in m:
                assert float(m["thread_ts"]) <= float(m["ts"])
    assert sum(seen.values()) == MESSAGES
    assert max(seen.values()) == 1  # ts is unique within a channel: it is the message id
    assert any("<@U" in t for t in texts)
    assert any(search_recall.HAN_RUN.search(t) for t in texts)


def test_ingest_bench_measures_and_stores_every_message(export: Path, tmp_path: Path) -> None:
    result = ingest_bench.bench(export, tmp_path / "work")
    ing, floor = result["ingest"], result["floor"]
    assert floor["rows"] == MESSAGES
    assert ing["added"] == MESSAGES and ing["duplicates"] == 0 and ing["rejected"] == 0
    assert ing["rows"] == ing["distinct_ids"] == MESSAGES
    assert ing["kinds"]["system"] == 3 * 5  # three joins open every channel
    assert ing["people"] >= 20
    assert 10 < ing["peak_rss_mb"] < 500
    assert ing["wall_s"] > 0 and ing["db_bytes"] > 0
    assert result["ratio"] == pytest.approx(ing["wall_s"] / floor["wall_s"], rel=0.02)

    search = search_bench.bench(tmp_path / "work" / "home" / "corpus.db", 40)
    assert search["messages"] == MESSAGES
    assert search["english"]["n"] == 40
    assert 0 < search["english"]["p50_ms"] <= search["english"]["p95_ms"] <= search["english"]["max_ms"]
    # Query words are drawn from stored messages, so every query finds something.
    for mix, stats in search["by_mix"].items():
        assert stats["queries_with_hits"] == stats["n"], mix


def test_recall_schemes_on_a_toy_corpus(tmp_path: Path) -> None:
    docs = ["数据库迁移脚本已经合并", "发布计划在下午讨论", "we deploy 数据 tomorrow", "迁移完成"]
    queries = {"2 chars": ["迁移", "数据"], "3-4 chars": ["数据库", "发布计划"]}
    truth = {q: {i for i, d in enumerate(docs) if q in d} for qs in queries.values() for q in qs}
    by_name = {s.name: s for s in search_recall.schemes()}
    bigram = search_recall.evaluate(by_name["bigram"], docs, queries, tmp_path, truth)
    assert bigram["2 chars"]["recall_micro"] == 1.0
    assert bigram["3-4 chars"]["recall_micro"] == 1.0
    assert bigram["3-4 chars"]["precision"] == 1.0
    trigram = search_recall.evaluate(by_name["trigram"], docs, queries, tmp_path, truth)
    assert trigram["2 chars"]["recall_micro"] == 0.0  # trigram cannot match two characters
    assert trigram["3-4 chars"]["recall_micro"] == 1.0


def test_bench_run_writes_results(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run"), "--scale", "1500", "--work", str(tmp_path / "w"),
         "--results", str(results), "--queries", "24", "--skip-recall"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    text = results.read_text()
    assert "1,500 messages from 200 users" in text
    assert "| peak RSS of `colleague ingest` ≤ 500 MB |" in text
    assert "SQLite " in text and "cores" in text
    assert (tmp_path / "w" / "results-1500.json").exists()
