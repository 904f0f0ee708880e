"""The bundled demo data (examples/data): reproducible from examples/generate.py, and shaped
the way the demo and the later distillation/evaluation features need it."""

from __future__ import annotations

import importlib.util
import json
import mailbox
import re
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta, timezone
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "examples" / "data"
CST = timezone(timedelta(hours=8))
PEOPLE = {"王芳": "Wang Fang", "李强": "Li Qiang", "陈静": "Chen Jing", "张伟": "Zhang Wei",
          "刘洋": "Liu Yang", "赵敏": "Zhao Min"}
EN_TO_ZH = {v: k for k, v in PEOPLE.items()}


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("examples_generate", ROOT / "examples" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve string annotations through it
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return _load_generator()


@pytest.fixture(scope="module")
def data(gen: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("examples") / "data"
    gen.generate(out)
    return out


# --- loading the three sources --------------------------------------------------------


def feishu_messages(root: Path) -> list[dict]:
    out = []
    for f in sorted((root / "feishu").glob("*.json")):
        doc = json.loads(f.read_text(encoding="utf-8"))
        assert isinstance(doc["messages"], list) and doc["chat_name"]
        out += doc["messages"]
    return out


def slack_users(root: Path) -> dict[str, dict]:
    return {u["id"]: u for u in json.loads((root / "slack" / "users.json").read_text(encoding="utf-8"))}


def slack_messages(root: Path) -> list[tuple[str, str, dict]]:
    out = []
    for f in sorted((root / "slack").glob("*/*.json")):
        for m in json.loads(f.read_text(encoding="utf-8")):
            out.append((f.parent.name, f.stem, m))
    return out


def mails(root: Path) -> list[Message]:
    return list(mailbox.mbox(str(root / "mail" / "pay-team.mbox")))


def header(msg: Message, name: str) -> str:
    return str(make_header(decode_header(msg[name] or "")))


def body(msg: Message) -> str:
    raw = msg.get_payload(decode=True)
    assert isinstance(raw, bytes)
    return raw.decode(msg.get_content_charset() or "ascii")


def by_person(root: Path) -> dict[str, dict[str, list[tuple[datetime, str]]]]:
    """{zh name: {source: [(local time, text)]}} for human-written messages."""
    out: dict[str, dict[str, list[tuple[datetime, str]]]] = defaultdict(lambda: defaultdict(list))
    for m in feishu_messages(root):
        t = datetime.fromtimestamp(m["create_time"] / 1000, CST)
        out[m["sender_name"]]["feishu"].append((t, m["content"]))
    users = slack_users(root)
    for _, _, m in slack_messages(root):
        if m.get("subtype") or m.get("bot_id"):
            continue
        t = datetime.fromtimestamp(float(m["ts"]), CST)
        out[EN_TO_ZH[users[m["user"]]["real_name"]]]["slack"].append((t, m["text"]))
    for msg in mails(root):
        name, _ = parseaddr(header(msg, "From"))
        t = datetime.strptime(msg["Date"], "%a, %d %b %Y %H:%M:%S %z").astimezone(CST)
        out[name]["mail"].append((t, body(msg)))
    return out


# --- reproducibility ------------------------------------------------------------------


def test_shipped_data_is_byte_identical_to_a_fresh_run(gen: ModuleType, data: Path) -> None:
    assert SHIPPED.is_dir(), "run: python examples/generate.py"
    assert gen.same_tree(SHIPPED, data) == []
    files = sorted(p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(SHIPPED).as_posix() for p in SHIPPED.rglob("*") if p.is_file())


def test_check_mode_detects_drift(gen: ModuleType, data: Path, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    gen.generate(copy)
    assert gen.main(["--check", "--out", str(copy)]) == 0
    day = sorted((copy / "slack" / "general").glob("*.json"))[3]
    day.write_text(day.read_text(encoding="utf-8").replace("ack", "ACK", 1), encoding="utf-8")
    (copy / "feishu" / "extra.json").write_text("[]", encoding="utf-8")
    assert gen.main(["--check", "--out", str(copy)]) == 1


def test_small(data: Path) -> None:
    total = sum(p.stat().st_size for p in data.rglob("*") if p.is_file())
    assert 500_000 < total < 1_600_000


# --- team shape -----------------------------------------------------------------------


def test_every_person_writes_300_plus_in_all_three_sources_over_six_weeks(data: Path) -> None:
    people = by_person(data)
    assert set(people) == set(PEOPLE)
    for name, sources in people.items():
        counts = {s: len(v) for s, v in sources.items()}
        assert counts["feishu"] >= 120 and counts["slack"] >= 120 and counts["mail"] >= 10, (name, counts)
        assert sum(counts.values()) >= 300, (name, counts)
        times = sorted(t for v in sources.values() for t, _ in v)
        assert times[-1] - times[0] >= timedelta(weeks=6), name


def test_identities_join_across_sources(data: Path) -> None:
    users = slack_users(data)
    humans = {u["real_name"]: u["profile"]["email"] for u in users.values() if not u["is_bot"]}
    assert set(humans) == set(PEOPLE.values())
    senders: dict[str, set[str]] = defaultdict(set)
    for msg in mails(data):
        name, address = parseaddr(header(msg, "From"))
        senders[name].add(address)
    # The Chinese display name of the mail From header is the Feishu sender_name …
    assert set(senders) == {m["sender_name"] for m in feishu_messages(data)} == set(PEOPLE)
    # … and the mail address is the Slack profile email.
    for zh, en in PEOPLE.items():
        assert senders[zh] == {humans[en]}
        assert humans[en].endswith("@xinghe.example.com")


def test_feishu_is_an_adhoc_json_export(data: Path) -> None:
    msgs = feishu_messages(data)
    assert len(msgs) > 1000
    ids = [m["message_id"] for m in msgs]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"om_[0-9a-f]{32}", i) for i in ids)
    for m in msgs:
        assert isinstance(m["sender_name"], str) and isinstance(m["content"], str) and m["content"]
        assert isinstance(m["create_time"], int) and 1_709_000_000_000 < m["create_time"] < 1_714_000_000_000
    known = set(ids)
    replies = [m for m in msgs if "parent_id" in m]
    assert len(replies) > 100 and all(m["parent_id"] in known and m["root_id"] in known for m in replies)
    chats = {m["chat_name"] for m in msgs}
    assert chats == {"星河支付·后端研发群", "发布与值班", "【P0】支付网关超时-0326"}


def test_slack_export_shape(data: Path) -> None:
    users = slack_users(data)
    bots = [u for u in users.values() if u["is_bot"]]
    assert len(bots) == 1 and bots[0]["profile"]["bot_id"]
    channels = json.loads((data / "slack" / "channels.json").read_text(encoding="utf-8"))
    assert {c["name"] for c in channels} == {"general", "code-review", "releases", "incidents", "random"}
    msgs = slack_messages(data)
    by_ts: dict[tuple[str, str], dict] = {}
    for channel, day, m in msgs:
        assert isinstance(m["ts"], str) and re.fullmatch(r"\d{10}\.\d{6}", m["ts"])
        assert datetime.fromtimestamp(float(m["ts"]), UTC).strftime("%Y-%m-%d") == day
        assert (channel, m["ts"]) not in by_ts
        by_ts[(channel, m["ts"])] = m
    subtypes = Counter(m.get("subtype") for _, _, m in msgs)
    assert subtypes["channel_join"] >= 30 and subtypes["bot_message"] >= 10
    parents = [m for m in by_ts.values() if m.get("reply_count")]
    assert len(parents) > 100
    for p in parents:
        assert p["thread_ts"] == p["ts"] and p["reply_count"] == len(p["replies"])
        assert p["latest_reply"] == p["replies"][-1]["ts"]
    replies = [(c, m) for (c, _), m in by_ts.items() if m.get("thread_ts") and m["thread_ts"] != m["ts"]]
    assert len(replies) > 300
    for channel, r in replies:
        parent = by_ts[(channel, r["thread_ts"])]
        assert r.get("parent_user_id", parent.get("user")) == parent.get("user")
    assert sum(1 for r in replies if "parent_user_id" in r[1]) > 300
    assert sum("edited" in m for m in by_ts.values()) >= 10
    mentioned = {u for m in by_ts.values() for u in re.findall(r"<@(U\w+)>", m.get("text", ""))}
    assert mentioned and mentioned <= set(users)
    assert any(m.get("user") == bots[0]["id"] and m.get("bot_id") for m in by_ts.values())


def test_mbox_threads_quotes_signatures_and_encoded_headers(data: Path) -> None:
    raw = (data / "mail" / "pay-team.mbox").read_bytes().decode("ascii")
    assert "=?utf-8?b?" in raw and "=?gb18030?b?" in raw  # RFC 2047, two charsets
    msgs = mails(data)
    ids = {m["Message-ID"] for m in msgs}
    assert len(ids) == len(msgs) > 80
    replies = [m for m in msgs if m["In-Reply-To"]]
    assert len(replies) > 30
    for m in replies:
        refs = m["References"].split()
        assert m["In-Reply-To"] in ids and refs[-1] == m["In-Reply-To"] and set(refs) <= ids
        assert header(m, "Subject").startswith("Re: ")
    bodies = [body(m) for m in msgs]
    assert all("\n-- \n" in b for b in bodies)
    quoted = [b for b in bodies if re.search(r"^> ", b, re.M)]
    assert len(quoted) == len(replies)
    assert sum(bool(re.search(r"^On .+ wrote:$", b, re.M)) for b in bodies) >= 15
    assert sum(bool(re.search(r"^在 .+ 写道：$", b, re.M)) for b in bodies) >= 5
    assert any(getaddresses([m["Cc"] or ""]) for m in msgs)
    subjects = [header(m, "Subject") for m in msgs]
    assert any("复盘" in s for s in subjects) and any(s.startswith("[RFC]") for s in subjects)


# --- habits later features look for ---------------------------------------------------


def test_working_hours_differ(data: Path) -> None:
    people = by_person(data)
    late = [t for t, _ in people["李强"]["feishu"] + people["李强"]["slack"] if t.hour < 3]
    assert len(late) >= 15
    early = [t for t, _ in people["王芳"]["feishu"] + people["王芳"]["slack"] if t.hour < 7 or (t.hour == 7 and t.minute < 30)]
    assert len(early) >= 20
    # The early bird is never around late, except on the night of the incident.
    evening = [t for t, _ in people["王芳"]["feishu"] + people["王芳"]["slack"]
               if t.hour >= 19 and t.date().isoformat() != "2024-03-26"]
    assert evening == []


def test_voices_are_distinct(data: Path) -> None:
    people = by_person(data)
    chat = {n: [txt for _, txt in s["feishu"] + s["slack"]] for n, s in people.items()}
    avg = {n: sum(map(len, v)) / len(v) for n, v in chat.items()}
    assert avg["王芳"] < 0.6 * avg["李强"]  # terse vs verbose
    signoff = sum(t.endswith(("以上，谢谢。", "That's all, thanks.")) for t in chat["陈静"])
    assert signoff >= 80
    emoji = re.compile(r"[\U0001F300-\U0001FAFF]|:[a-z_]+:")
    assert sum(bool(emoji.search(t)) for t in chat["李强"]) > 0.6 * len(chat["李强"])
    assert sum(bool(emoji.search(t)) for t in chat["王芳"]) == 0
    mixed = re.compile(r"[\u4e00-\u9fff].*[A-Za-z]{3,}|[A-Za-z]{3,}.*[\u4e00-\u9fff]")
    assert sum(bool(mixed.search(t)) for t in chat["张伟"]) > 0.5 * len(chat["张伟"])
    assert sum("～" in t or "~" in t for t in chat["刘洋"]) > 0.3 * len(chat["刘洋"])


def test_text_is_varied(data: Path) -> None:
    for name, sources in by_person(data).items():
        for source, items in sources.items():
            texts = [t for _, t in items]
            top, n = Counter(texts).most_common(1)[0]
            assert n <= max(3, 0.05 * len(texts)), (name, source, top, n)
            assert len(set(texts)) >= 0.5 * len(texts), (name, source)


RULE_HOLDERS = {"wangfang": "王芳", "liqiang": "李强", "chenjing": "陈静", "zhangwei": "张伟", "liuyang": "刘洋",
                "zhaomin": "赵敏"}


@pytest.mark.parametrize(("key", "rule"), [
    ("wangfang", "staging"), ("wangfang", "friday"), ("chenjing", "reversible"), ("chenjing", "explain"),
    ("zhangwei", "reviewer"), ("liqiang", "rollback"), ("zhaomin", "repro"),
])
def test_rules_recur_in_several_phrasings(gen: ModuleType, data: Path, key: str, rule: str) -> None:
    phrasings = [p.rstrip("。.!！") for lang in ("zh", "en") for p in gen.RULES[key][rule][lang]]
    assert len(phrasings) >= 5
    texts = [t for s in by_person(data)[RULE_HOLDERS[key]].values() for _, t in s]
    used = {p: sum(p.lower() in t.lower() for t in texts) for p in phrasings}
    assert sum(used.values()) >= 5, used
    assert sum(1 for n in used.values() if n) >= 3, used  # the same rule, in different words


def test_story_beats_present(data: Path) -> None:
    people = by_person(data)
    every = [t for s in people.values() for v in s.values() for _, t in v]
    joined = "\n".join(every)
    for needle in ["我们选 Kafka 而不是 RabbitMQ，因为", "这个不归我", "回滚到 v2.13.0", "Action items",
                   "故障", "值班交接", "发布检查清单", "复现步骤", "幂等"]:
        assert needle in joined, needle
    war = [m for m in feishu_messages(data) if m["chat_name"] == "【P0】支付网关超时-0326"]
    assert len(war) >= 20
    subjects = [header(m, "Subject") for m in mails(data)]
    assert any(s.startswith("【P0 故障通报】") for s in subjects)


def test_exactly_one_fake_credential_and_one_phone(data: Path) -> None:
    texts = [m["content"] for m in feishu_messages(data)]
    texts += [m.get("text", "") for _, _, m in slack_messages(data)]
    texts += [body(m) for m in mails(data)]
    texts += [json.dumps(slack_users(data), ensure_ascii=False)]
    blob = "\n".join(texts)
    assert re.findall(r"AKIA[0-9A-Z]{16}", blob) == ["AKIAEXAMPLE0FAKE0001"]
    assert re.findall(r"\+86[ -]?1[3-9]\d[ -]?\d{4}[ -]?\d{4}", blob) == ["+86 138 0013 8000"]
    assert re.findall(r"(?<!\d)1[3-9]\d{9}(?!\d)", blob) == []
    assert not re.search(r"(?i)(password|passwd|secret_key|private key)\s*[:=]", blob)


# --- the demo ingests it --------------------------------------------------------------


def test_demo_data_ingests(run) -> None:  # type: ignore[no-untyped-def]
    result = run.json("ingest", str(SHIPPED))
    assert result["failed"] == 0
    readers = Counter(s["reader"] for s in result["sources"])
    assert readers["slack"] == 1 and readers["feishu"] == 3 and sum(readers.values()) == 5
    assert all(s["status"] == "ok" and s["rejected"] == 0 for s in result["sources"])
    assert sum(s["added"] for s in result["sources"]) > 2300
    people = run.json("people")
    humans = [p for p in people if p["messages"] >= 300]
    assert len(humans) == 6
