#!/usr/bin/env python3
"""Write a synthetic Slack workspace export for benchmarking `colleague ingest` and search.

    python bench/gen_slack.py OUT_DIR --messages 1000000 --users 200 [--seed 7]

The export has the layout of a real one (users.json, channels.json, CHANNEL/YYYY-MM-DD.json)
and text shaped like real chat: English words drawn from a Zipf distribution over a
~20,000-word vocabulary (a real head of common and workplace words, a synthetic tail), about
5% Chinese sentences, @-mentions, threads, edits, reactions, joins and bot posts. The same
seed always gives byte-identical files. Memory stays small: only one channel-day of messages
is held at a time. A JSON summary (message count, files, bytes) goes to stdout.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Frequent English and workplace words, roughly in descending frequency: the head of the Zipf curve.
_HEAD_TEXT = """
the to and a i of is it that in you for we this on be have with not but so can do just
are was if at will what think about should they my or me as from like there one get all
would your know need yes no it's up out i'm then when now don't also maybe could more make
see time good how some any which because thanks ok sure going work still today tomorrow
team let check look try new use issue fix test build deploy release review change update
code merge branch main prod staging server service api client data query database table
index cache memory cpu disk latency error bug crash log logs alert monitor metric dashboard
config flag feature rollout rollback incident outage ticket sprint meeting call sync notes
doc spec design plan roadmap estimate deadline priority blocker customer user request
response timeout retry queue worker job cron script pipeline ci tests coverage lint
migration schema backup restore replica shard cluster node pod container docker kubernetes
terraform aws region bucket permission token auth login password secret key certificate
dns network proxy load balancer traffic spike slow fast week monday friday morning
afternoon tonight yesterday later earlier soon quick small big issue pr commit hotfix
patch version tag changelog ship landed merged reverted approved comment comments
question answer idea agree disagree sounds great nice cool thank please sorry help
anyone someone everyone here there again first last next before after since until
"""
HEAD_WORDS = list(dict.fromkeys(_HEAD_TEXT.split()))

# A pool of Chinese workplace sentences; messages draw one to three of them.
ZH_SENTENCES = [
    "今天下午三点开会讨论发布计划",
    "数据库迁移脚本已经合并到主分支",
    "线上服务出现告警，请值班同学看一下",
    "这个需求的优先级需要和产品经理确认",
    "回滚之后错误率恢复正常了",
    "代码评审意见我已经修改完了",
    "明天上午发布新版本，请大家提前准备",
    "测试环境的配置文件有问题",
    "接口超时主要是因为缓存没有命中",
    "我们需要补充单元测试和集成测试",
    "监控面板上延迟明显升高",
    "请把事故复盘文档发到群里",
    "这个问题在预发布环境可以复现",
    "性能优化后查询速度提升了一倍",
    "周报已经更新，请各位补充本周进展",
    "客户反馈登录页面加载很慢",
    "先灰度百分之十的流量再观察一下",
    "依赖库升级导致构建失败",
    "日志里没有找到相关的错误信息",
    "权限配置需要运维同学帮忙处理",
    "上线前务必跑一遍回归测试",
    "这个方案的风险是数据不一致",
    "备份和恢复流程已经演练过了",
    "请确认一下接口文档是否最新",
    "服务器磁盘空间快满了",
    "新同事下周一入职，请安排导师",
    "这次故障的根本原因是配置错误",
    "我建议把这个任务拆成两个小任务",
    "消息队列积压了大量任务",
    "证书下周过期，需要尽快更新",
]

# Chinese two-word queries for the search benchmark (all occur in the sentences above).
ZH_QUERIES = ["发布 计划", "数据库 迁移", "回滚 错误", "代码 评审", "接口 超时", "监控 延迟",
              "事故 复盘", "灰度 流量", "证书 过期", "配置 错误", "单元测试", "消息队列"]

REACTIONS = ["+1", "eyes", "white_check_mark", "tada", "thinking_face", "rocket", "pray"]
FIRST = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery",
         "Quinn", "Wei", "Li", "Chen", "Priya", "Arjun", "Maria", "Jose", "Anna", "Omar", "Yuki"]
LAST = ["Smith", "Lee", "Garcia", "Wang", "Zhang", "Patel", "Kim", "Nguyen", "Brown", "Lopez",
        "Müller", "Rossi", "Liu", "Khan", "Silva"]
CHANNEL_STEMS = ["general", "random", "dev", "ops", "incidents", "releases", "design", "data",
                 "frontend", "backend", "infra", "security", "support", "sales", "hiring",
                 "announcements", "oncall", "qa", "mobile", "platform"]

START = datetime(2022, 1, 1, tzinfo=UTC).timestamp()
TAIL_WORDS = 20_000
ZIPF_S = 1.07


def vocabulary(seed: int = 7) -> list[str]:
    """Every English word the generator uses, most frequent first (rank order = Zipf order)."""
    rng = random.Random(f"vocab-{seed}")
    onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
              "br", "cl", "dr", "fl", "gr", "pl", "st", "tr", "sh", "ch", "th", "qu", "z"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y"]
    codas = ["", "", "", "", "n", "r", "s", "t", "l", "m", "x", "nd", "st", "ck", "ng"]
    seen = set(HEAD_WORDS)
    words = list(dict.fromkeys(HEAD_WORDS))
    while len(words) < len(HEAD_WORDS) + TAIL_WORDS:
        w = "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                    for _ in range(rng.choice((2, 2, 2, 3))))
        if w not in seen and len(w) >= 4:
            seen.add(w)
            words.append(w)
    return words


def zipf_cum_weights(n: int, s: float = ZIPF_S) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


def _allot(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainders), deterministically."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    counts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


class Generator:
    def __init__(self, out: Path, messages: int, users: int, channels: int, days: int,
                 seed: int) -> None:
        self.out, self.messages, self.days = out, messages, days
        self.rng = random.Random(seed)
        self.words = vocabulary(seed)
        self.word_cw = zipf_cum_weights(len(self.words))
        self.users = self._users(users)
        self.humans = [u for u in self.users if not u["is_bot"]]
        self.user_cw = zipf_cum_weights(len(self.humans), 0.8)
        self.channels = self._channels(channels)
        self.files = 0
        self.bytes = 0
        self.written = 0

    # -- roster --------------------------------------------------------------------------
    def _users(self, n: int) -> list[dict[str, Any]]:
        out = []
        bots = max(1, n // 100)
        for i in range(n):
            first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
            handle = f"{first.lower()}.{last.lower()}{i // (len(FIRST) * len(LAST)) or ''}"
            is_bot = i >= n - bots
            real = f"deploybot{i}" if is_bot else f"{first} {last}"
            out.append({
                "id": f"U{i:08X}", "team_id": "TBENCH0001", "name": handle if not is_bot else real,
                "deleted": False, "real_name": real, "is_bot": is_bot, "tz": "America/Chicago",
                "profile": {"real_name": real, "display_name": handle,
                            "email": None if is_bot else f"{handle}@example.com"},
            })
        return out

    def _channels(self, n: int) -> list[dict[str, Any]]:
        out = []
        for i in range(n):
            stem = CHANNEL_STEMS[i % len(CHANNEL_STEMS)]
            name = stem if i < len(CHANNEL_STEMS) else f"{stem}-{i // len(CHANNEL_STEMS)}"
            out.append({"id": f"C{i:08X}", "name": name, "created": int(START),
                        "creator": self.users[0]["id"], "is_archived": False,
                        "members": [u["id"] for u in self.users],
                        "topic": {"value": f"{name} talk", "creator": "", "last_set": 0},
                        "purpose": {"value": "", "creator": "", "last_set": 0}})
        return out

    # -- text ----------------------------------------------------------------------------
    def _english(self) -> str:
        rng = self.rng
        n = 3 + int(rng.expovariate(1 / 9))
        if rng.random() < 0.01:
            n += rng.randint(60, 250)
        words = rng.choices(self.words, cum_weights=self.word_cw, k=min(n, 300))
        words[0] = words[0].capitalize()
        text = " ".join(words)
        return text + rng.choice((".", ".", "", "?", "!"))

    def _text(self, author: dict[str, Any]) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.04:
            text = "，".join(rng.sample(ZH_SENTENCES, rng.randint(1, 3))) + "。"
        elif r < 0.05:
            text = rng.choice(ZH_SENTENCES) + " " + self._english()
        else:
            text = self._english()
        if rng.random() < 0.06:
            other = rng.choice(self.humans)
            text = f"<@{other['id']}> {text}"
        if rng.random() < 0.01:
            text += " see <https://example.com/t/" + str(rng.randint(1, 99999)) + "|the ticket>"
        return text

    # -- messages ------------------------------------------------------------------------
    def _message(self, ts: str, day: list[dict[str, Any]]) -> dict[str, Any]:
        rng = self.rng
        if rng.random() < 0.01:
            bot = self.users[-1]
            return {"type": "message", "subtype": "bot_message", "bot_id": "BBENCH01",
                    "username": bot["real_name"], "text": "Deploy finished: " + self._english(),
                    "ts": ts}
        author = rng.choices(self.humans, cum_weights=self.user_cw)[0]
        msg: dict[str, Any] = {"type": "message", "user": author["id"], "text": self._text(author),
                               "ts": ts}
        if day and rng.random() < 0.12:
            # A reply in a thread whose root was posted earlier the same day.
            root = day[rng.randrange(max(0, len(day) - 30), len(day))]
            if "subtype" not in root:
                root_ts = root.get("thread_ts", root["ts"])
                msg["thread_ts"] = root_ts
                if root_ts == root["ts"]:
                    root["thread_ts"] = root_ts
                    root["reply_count"] = root.get("reply_count", 0) + 1
        if rng.random() < 0.02:
            msg["edited"] = {"user": author["id"], "ts": ts.split(".")[0] + ".999999"}
        if rng.random() < 0.05:
            name = rng.choice(REACTIONS)
            voters = [u["id"] for u in rng.sample(self.humans, rng.randint(1, 4))]
            msg["reactions"] = [{"name": name, "users": voters, "count": len(voters)}]
        return msg

    def _timestamps(self, n: int) -> Iterator[tuple[str, str]]:
        """n strictly increasing (ts string, YYYY-MM-DD) pairs spread over the period."""
        span = self.days * 86400
        gap = span / max(n, 1)
        t_us = int(START * 1_000_000)
        for _ in range(n):
            # Exponential gaps (a Poisson process); +1 µs keeps ts strictly increasing.
            t_us += 1 + int(self.rng.expovariate(1 / gap) * 1_000_000)
            sec, usec = divmod(t_us, 1_000_000)
            day = datetime.fromtimestamp(sec, UTC).strftime("%Y-%m-%d")
            yield f"{sec}.{usec:06d}", day

    def _write_day(self, folder: Path, day: str, messages: list[dict[str, Any]]) -> None:
        data = json.dumps(messages, ensure_ascii=False, indent=1).encode("utf-8")
        (folder / f"{day}.json").write_bytes(data)
        self.files += 1
        self.bytes += len(data)
        self.written += len(messages)

    def run(self) -> dict[str, Any]:
        self.out.mkdir(parents=True, exist_ok=True)
        for name, data in (("users.json", self.users), ("channels.json", self.channels)):
            raw = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
            (self.out / name).write_bytes(raw)
            self.bytes += len(raw)
        weights = [1.0 / (i + 1) ** 0.9 for i in range(len(self.channels))]
        for ch, count in zip(self.channels, _allot(self.messages, weights), strict=True):
            folder = self.out / ch["name"]
            folder.mkdir(exist_ok=True)
            current, buf = None, []
            for i, (ts, day) in enumerate(self._timestamps(count)):
                if day != current:
                    if buf:
                        self._write_day(folder, current or day, buf)
                    current, buf = day, []
                if i < 3:
                    # The first posts of a channel are people joining it (system messages).
                    u = self.humans[i % len(self.humans)]
                    buf.append({"type": "message", "subtype": "channel_join", "user": u["id"],
                                "text": f"<@{u['id']}|{u['name']}> has joined the channel",
                                "ts": ts})
                    continue
                buf.append(self._message(ts, buf))
            if buf:
                self._write_day(folder, current or "", buf)
        return {"messages": self.written, "users": len(self.users),
                "channels": len(self.channels), "files": self.files, "bytes": self.bytes}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="folder to write the export into (created)")
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--channels", type=int, default=40)
    ap.add_argument("--days", type=int, default=730, help="length of the period covered")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        ap.error(f"{args.out} exists and is not empty")
    t0 = time.perf_counter()
    summary = Generator(args.out, args.messages, args.users, args.channels, args.days,
                        args.seed).run()
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    json.dump(summary, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
