#!/usr/bin/env python3
"""Generate the synthetic demo data in examples/data (stdlib only, fully deterministic).

Six fictional engineers at a fictional payments company, 星河云科技 (xinghe.example.com),
talk for seven weeks in a Feishu group export (Chinese), a Slack workspace export (English)
and one mbox of mail. Everything is invented; see examples/README.md.

    python examples/generate.py            # (re)write examples/data
    python examples/generate.py --out DIR  # write somewhere else
    python examples/generate.py --check    # exit 1 if examples/data differs from a fresh run

Determinism: one seeded random.Random drives every choice, no clock is read, and every
file is written from sorted data with fixed JSON formatting, so two runs are byte-identical.
"""

from __future__ import annotations

import argparse
import base64
import filecmp
import json
import random
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from email.header import Header
from email.utils import format_datetime, formataddr
from pathlib import Path

SEED = 20240304
CST = timezone(timedelta(hours=8))
START = date(2024, 3, 4)  # a Monday
WEEKS = 7
HOLIDAYS = {date(2024, 4, 4), date(2024, 4, 5)}  # 清明节
DOMAIN = "xinghe.example.com"
COMPANY = "星河云科技"
TEAM_LIST = f"pay-team@{DOMAIN}"
DIRECTOR = ("孙浩", f"sun.hao@{DOMAIN}")  # appears only as a mail recipient
INCIDENT_DAY = date(2024, 3, 26)
FRIDAY_DEBATE_DAY = date(2024, 3, 29)
KAFKA_DAY = date(2024, 3, 12)
IDEMPOTENCY_DAY = date(2024, 4, 9)
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data"

# The two planted fake secrets the privacy layer is tested against (listed in README.md).
FAKE_CREDENTIAL = "aws_access_key_id = AKIAEXAMPLE0FAKE0001"
FAKE_PHONE = "+86 138 0013 8000"


# --------------------------------------------------------------------------------------
# People


@dataclass(frozen=True)
class Person:
    key: str
    zh: str  # display name in Feishu and in mail From headers
    en: str  # Slack real_name
    local: str  # mailbox local part
    slack_id: str
    open_id: str
    title: str
    hours: tuple[int, int]  # minutes after local midnight; the end may pass 24:00
    latency: tuple[float, float]  # reply delay range in minutes

    @property
    def email(self) -> str:
        return f"{self.local}@{DOMAIN}"

    @property
    def handle(self) -> str:
        return self.local.replace(".", "")


PEOPLE: dict[str, Person] = {
    p.key: p
    for p in (
        # Tech lead: terse, early bird, answers within minutes.
        Person("wangfang", "王芳", "Wang Fang", "wang.fang", "U05WANGF01",
               "ou_7a1f0c2e9b4d4e51a0f3c6b2d8e90a11", "Tech Lead, Payments",
               (6 * 60 + 35, 18 * 60 + 30), (0.5, 6)),
        # SRE: verbose, emoji, night owl.
        Person("liqiang", "李强", "Li Qiang", "li.qiang", "U05LIQIA02",
               "ou_2b8e4d6f1a3c4b7e9d0f2a4c6e8b1d22", "SRE",
               (11 * 60, 26 * 60 + 40), (2, 25)),
        # DBA: formal, signs off with a fixed phrase.
        Person("chenjing", "陈静", "Chen Jing", "chen.jing", "U05CHENJ03",
               "ou_9c3d5e7f2b4a4c6d8e0f1a3b5c7d9e33", "DBA",
               (9 * 60 + 30, 19 * 60), (4, 35)),
        # Backend engineer: mixes English into Chinese, slow to answer when chased.
        Person("zhangwei", "张伟", "Zhang Wei", "zhang.wei", "U05ZHANG04",
               "ou_4d5e6f7a8b9c4d0e1f2a3b4c5d6e7f44", "Backend Engineer",
               (10 * 60 + 15, 21 * 60 + 30), (8, 95)),
        # Product manager: chases progress, tildes and 麻烦.
        Person("liuyang", "刘洋", "Liu Yang", "liu.yang", "U05LIUYA05",
               "ou_5e6f7a8b9c0d4e1f2a3b4c5d6e7f8a55", "Product Manager",
               (9 * 60, 20 * 60), (1, 12)),
        # QA lead: numbered lists, 辛苦了.
        Person("zhaomin", "赵敏", "Zhao Min", "zhao.min", "U05ZHAOM06",
               "ou_6f7a8b9c0d1e4f2a3b4c5d6e7f8a9b66", "QA Lead",
               (8 * 60 + 50, 18 * 60 + 20), (3, 20)),
    )
}
KEYS = list(PEOPLE)
ENGINEERS = ["wangfang", "liqiang", "chenjing", "zhangwei", "zhaomin"]
BOT_USER = {"id": "U06DEPLOYB7", "name": "deploybot", "real_name": "Deploy Bot", "bot_id": "B06DEPLOY01"}
ALERT_BOT = {"bot_id": "B06ALERTM02", "username": "Alertmanager"}

# Who owns what: questions go to the owner; the wrong person redirects.
OWNS = {
    "wangfang": "payment-gateway",
    "liqiang": "monitoring / k8s / Kafka",
    "chenjing": "MySQL",
    "zhangwei": "refund-service",
    "liuyang": "PRD",
    "zhaomin": "staging",
}

# --------------------------------------------------------------------------------------
# Slots

SERVICES = ["payment-gateway", "refund-service", "settlement-job", "notify-service",
            "ledger-service", "risk-engine", "merchant-portal", "order-service"]
TABLES = ["payment_order", "refund_record", "settle_batch", "ledger_entry", "merchant_account",
          "callback_log", "channel_config"]
COLUMNS = ["merchant_id", "created_at", "status", "out_trade_no", "channel_code", "settle_date",
           "refund_no", "updated_at"]
FEATURES = [("退款对账", "refund reconciliation"), ("分账结算", "split settlement"),
            ("商户后台导出", "merchant CSV export"), ("风控规则热更新", "risk rule hot reload"),
            ("支付回调重试", "callback retry"), ("账单下载", "statement download"),
            ("多币种支持", "multi-currency"), ("渠道路由降级", "channel failover")]
FUNCS = ["handleCallback", "calcFee", "submitRefund", "buildSettleBatch", "verifySign",
         "routeChannel", "reconcileDaily", "retryNotify", "lockOrder", "parseNotify"]
RENAMES = [("tmp", "pendingRefunds"), ("data2", "settleBatch"), ("flag", "isRetryable"),
           ("doIt", "submitRefund"), ("res", "channelResp"), ("list1", "expiredOrders"),
           ("cnt", "retryCount"), ("obj", "notifyPayload"), ("m", "merchantByID"),
           ("check", "verifySignature")]
CHANNELS_PAY = ["微信", "支付宝", "银联", "云闪付"]
CHANNELS_PAY_EN = ["WeChat Pay", "Alipay", "UnionPay", "card"]
METRICS = [("p99", "p99 latency"), ("错误率", "error rate"), ("CPU", "CPU"),
           ("连接数", "connection count"), ("GC 时间", "GC pause"), ("消费延迟", "consumer lag")]
ROOMS = ["3F-银河", "3F-仙女座", "5F-猎户座", "5F-天鹅座"]
# Releases of payment-gateway, one a week; v2.14.0 is the one rolled back on 0326.
VERSIONS = ["v2.11.0", "v2.12.0", "v2.13.0", "v2.14.0", "v2.14.1", "v2.15.0", "v2.15.1"]


def workday(d: date) -> bool:
    return d.weekday() < 5 and d not in HOLIDAYS


DAYS = [START + timedelta(days=i) for i in range(WEEKS * 7)]
WORKDAYS = [d for d in DAYS if workday(d)]


def at(d: date, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hh, mm, ss, tzinfo=CST)


# --------------------------------------------------------------------------------------
# Scenes: who says what, in order; timing comes from each person's hours and latency.


@dataclass
class Turn:
    who: str  # person key, "deploybot" or "alertmanager"
    text: str  # "@@key" marks a mention
    reply: int | None = None  # index of the turn this one answers (thread root / quoted)
    gap: float | None = None  # fixed minutes after the previous turn
    edit: bool = False  # Slack: edited a little later


@dataclass
class Scene:
    where: str  # "feishu:<chat>" | "slack:<channel>"
    start: datetime
    turns: list[Turn]
    urgent: bool = False  # ignore working hours (incidents)
    thread: bool = False  # Slack: replies go in a thread under turn 0


@dataclass
class Mail:
    who: str
    to: list[tuple[str, str]]
    cc: list[tuple[str, str]]
    when: datetime
    subject: str
    body: str
    lang: str  # "zh" | "en"
    parent: Mail | None = None
    msgid: str = ""
    charset: str = "utf-8"


@dataclass
class World:
    rng: random.Random
    scenes: list[Scene] = field(default_factory=list)
    mails: list[Mail] = field(default_factory=list)

    def pick(self, seq: list | tuple):  # type: ignore[type-arg]
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def others(self, *exclude: str) -> list[str]:
        return [k for k in KEYS if k not in exclude]


def window(p: Person, d: date) -> tuple[datetime, datetime]:
    base = at(d, 0)
    return base + timedelta(minutes=p.hours[0]), base + timedelta(minutes=p.hours[1])


def on_duty(p: Person, t: datetime) -> bool:
    for back in (0, 1):
        d = t.date() - timedelta(days=back)
        if workday(d):
            s, e = window(p, d)
            if s <= t < e:
                return True
    return False


def next_on_duty(w: World, p: Person, t: datetime) -> datetime:
    if on_duty(p, t):
        return t
    d = t.date() - timedelta(days=1)
    while True:
        if workday(d):
            s, e = window(p, d)
            if s > t:
                return s + timedelta(minutes=3 + 40 * w.rng.random() ** 2)
        d += timedelta(days=1)


def time_in_hours(w: World, who: str, d: date, lo: float = 0.05, hi: float = 0.9) -> datetime:
    s, e = window(PEOPLE[who], d)
    span = (e - s).total_seconds()
    return s + timedelta(seconds=span * (lo + (hi - lo) * w.rng.random()))


def schedule(w: World, scene: Scene) -> list[datetime]:
    times: list[datetime] = []
    t = scene.start
    for i, turn in enumerate(scene.turns):
        if i > 0:
            prev = scene.turns[i - 1].who
            if turn.gap is not None:
                delay = turn.gap
            elif turn.who == prev:
                delay = 0.3 + 1.5 * w.rng.random()
            elif turn.who in PEOPLE:
                lo, hi = PEOPLE[turn.who].latency
                delay = lo + (hi - lo) * w.rng.random() ** 2
            else:
                delay = 0.2
            t = t + timedelta(minutes=delay, seconds=w.rng.randrange(0, 50))
            if not scene.urgent and turn.who in PEOPLE:
                t = next_on_duty(w, PEOPLE[turn.who], t)
        times.append(t.replace(microsecond=0))
    return times


def say(w: World, where: str, start: datetime, *turns: Turn, urgent: bool = False,
        thread: bool = False) -> None:
    w.scenes.append(Scene(where, start, list(turns), urgent, thread))


T = Turn
FS_MAIN = "feishu:星河支付·后端研发群"
FS_RELEASE = "feishu:发布与值班"
FS_WAR = "feishu:【P0】支付网关超时-0326"
SL_GENERAL = "slack:general"
SL_REVIEW = "slack:code-review"
SL_RELEASES = "slack:releases"
SL_INCIDENTS = "slack:incidents"
SL_RANDOM = "slack:random"


# --------------------------------------------------------------------------------------
# Voices: each person's habits, applied on top of what they say.

EMOJI_ZH = ["😂", "🙏", "🚀", "👀", "😅", "🔥", "💪", "🤣", "✅", "😵"]
EMOJI_EN = [":joy:", ":pray:", ":rocket:", ":eyes:", ":sweat_smile:", ":fire:", ":muscle:", "😂",
            "🙏", ":white_check_mark:"]
ZHANG_SWAPS = [("确认", "confirm "), ("问题", "issue"), ("测试", "test "), ("合并", "merge"), ("看下", "check 一下"),
               ("明天", "tomorrow "), ("方案", "proposal"), ("没问题", "no problem"), ("好的", "ok"), ("进度", "progress"),
               ("截止", "deadline"), ("上线", "release"), ("收到", "got it")]
CHEN_SIGNOFF_ZH = "以上，谢谢。"
CHEN_SIGNOFF_EN = "That's all, thanks."


def voice(w: World, who: str, text: str, lang: str) -> str:
    """Per-person surface habits: emoji, sign-offs, tildes, punctuation."""
    r = w.rng
    if who == "liqiang":
        pool = EMOJI_ZH if lang == "zh" else EMOJI_EN
        if r.random() < 0.75:
            text = text.rstrip("。.") + " " + w.pick(pool)
        if r.random() < 0.3:
            text += " " + w.pick(pool)
    elif who == "chenjing":
        if len(text) > 14 and text.rstrip()[-1:] not in "？?" and r.random() < 0.85:
            if "\n" in text:
                text += "\n"
            elif lang == "zh":
                text = text.rstrip() + ("" if text.rstrip()[-1:] in "。！？" else "。")
            else:
                text = text.rstrip() + ("" if text.rstrip()[-1:] in ".!?" else ".") + " "
            text += CHEN_SIGNOFF_ZH if lang == "zh" else CHEN_SIGNOFF_EN
    elif who == "liuyang":
        if lang == "zh" and r.random() < 0.5 and text[-1:] not in "？?～":
            text = text.rstrip("。") + "～"
        elif lang == "en" and r.random() < 0.4 and text[-1:] not in "?~":
            text = text.rstrip(".") + " ~"
    elif who == "wangfang":
        # Terse: drops trailing politeness, never emoji.
        text = text.replace("！", "。").replace("!", ".")
    elif who == "zhangwei":
        if lang == "zh":
            for zh, en in ZHANG_SWAPS:
                if zh in text and r.random() < 0.6:
                    text = text.replace(zh, en, 1)
        elif r.random() < 0.35 and not re.search(r"[\u4e00-\u9fff]", text):
            text = w.pick(["好的，", "嗯 ", "ok 哈，"]) + text if r.random() < 0.5 else text + w.pick([" 哈", "，谢啦", " 了解"])
    elif who == "zhaomin" and r.random() < 0.25:
        text += " 辛苦了！" if lang == "zh" else " Thanks for the hard work!"
    return text


ACKS = {
    "wangfang": {"zh": ["收到", "收到。", "OK", "好", "可以", "嗯", "知道了", "行", "OK，按这个来", "收到，我看下"],
                 "en": ["ok", "ack", "ok.", "noted", "fine", "ack, thx", "k", "ok, go ahead"]},
    "liqiang": {"zh": ["收到收到", "好嘞", "稳！", "没问题哈", "哈哈哈好的", "OK 我来搞", "安排上了", "明白明白"],
                "en": ["got it!!", "on it", "sure thing", "haha ok", "will do!", "yep yep", "noted, thx!!"]},
    "chenjing": {"zh": ["好的，收到。", "明白，我这边跟进。", "收到，稍后回复。", "好的。", "收到，已记录。", "明白。",
                        "好的，我来处理。", "了解，谢谢提醒。"],
                 "en": ["Noted.", "Understood, I'll follow up.", "Got it, will reply later.", "OK, noted.",
                        "Thanks, noted.", "Understood."]},
    "zhangwei": {"zh": ["ok 收到", "got it，我看下", "好的好的", "make sense", "ok，晚点 fix", "收到，in progress"],
                 "en": ["ok 收到", "got it", "make sense", "ok will fix later", "sure, 我看下", "noted 👌"]},
    "liuyang": {"zh": ["好的～", "收到～辛苦啦", "好嘞", "ok～我同步一下", "明白～", "感谢！"],
                "en": ["ok~", "thanks!", "got it, thx~", "great, thanks!!", "cool, noted~"]},
    "zhaomin": {"zh": ["好的👌", "收到，我记一下", "好的，辛苦了", "明白，我这边安排", "OK👌"],
                "en": ["OK 👌", "Noted, thanks!", "Got it, I'll schedule it.", "Sure, thanks!"]},
}

# Rules each person repeats, several phrasings each, per language.
RULES: dict[str, dict[str, dict[str, list[str]]]] = {
    "wangfang": {
        "staging": {
            "zh": ["上线前必须先在预发环境跑一遍回归。", "预发回归没跑完，不上线。", "先上预发，回归过了再说。",
                   "规矩不变：预发跑完回归才能发生产。", "回归报告呢？没在预发跑过的不发。",
                   "预发没验过的东西不进生产。"],
            "en": ["Run the full regression on staging before prod. No exceptions.",
                   "staging regression first.", "not going to prod until staging regression is green.",
                   "same rule as always: staging, regression, then prod.",
                   "nothing ships that hasn't run the regression on staging."],
        },
        "friday": {
            "zh": ["不要在周五下午发版。", "周五下午不发版，下周一早上再说。", "周五下午别发，出了问题周末没人兜。",
                   "周五 14 点以后一律不上线。", "周五下午发版，不行。"],
            "en": ["no releases on Friday afternoon.", "not on a Friday afternoon. monday morning.",
                   "friday pm deploys: no.", "we don't ship after 2pm on Fridays."],
        },
    },
    "liqiang": {
        "rollback": {
            "zh": ["先回滚，再排查！！止血第一", "出问题别在线上 debug，先回滚", "原则：先止血后定位，回滚不丢人",
                   "能回滚就先回滚，根因明天白天慢慢查", "线上有问题第一反应是回滚，不是改代码！"],
            "en": ["rollback first, investigate later!!", "stop the bleeding first, root cause later",
                   "don't debug in prod, roll back first", "rolling back is not a failure, it's the plan!!"],
        },
        "runbook": {
            "zh": ["每个告警都要挂 runbook 链接，不然半夜被叫起来两眼一抹黑", "新加告警记得写 runbook！！",
                   "没有 runbook 的告警我会直接打回哈", "告警 = 指标 + 阈值 + runbook，缺一不可"],
            "en": ["every alert needs a runbook link", "no runbook, no alert. please!!",
                   "new alert? write the runbook in the same PR"],
        },
        "watch": {
            "zh": ["发完盯 15 分钟大盘再走人", "上线后先别急着下班，盯一下大盘", "灰度每一档都看一下成功率和 p99"],
            "en": ["watch the dashboard for 15 min after deploy before you leave",
                   "don't deploy and run, watch the graphs"],
        },
    },
    "chenjing": {
        "reversible": {
            "zh": ["所有 migration 必须可回滚，请附上 down 脚本。", "变更脚本请保证可逆，回滚 SQL 和正向 SQL 一起提交。",
                   "没有回滚脚本的 DDL 我不会审批。", "请确认这个 migration 可以安全回退。",
                   "DDL 请先写好回滚语句，再提变更单。"],
            "en": ["Make sure the migration is reversible.", "Please ship the down migration together with the up one.",
                   "No rollback script, no approval from me.", "Is this migration reversible? Please add the down step.",
                   "Every schema change needs a tested rollback."],
        },
        "explain": {
            "zh": ["新增查询请附 EXPLAIN，确认走了索引。", "请贴一下 EXPLAIN 结果，我看一下执行计划。",
                   "上线前请用预发的数据量跑一下 EXPLAIN。", "大表查询没有索引的话，不能上线。"],
            "en": ["Every new query needs an EXPLAIN in the PR.", "Please paste the EXPLAIN output.",
                   "Run EXPLAIN against staging-sized data before merging.", "No index, no merge on big tables."],
        },
    },
    "zhangwei": {
        "reviewer": {
            "zh": ["merge 之前一定要有第二个 reviewer，一个 approve 不够", "two approvals 才能 merge，这个是规矩哈",
                   "别自己 approve 自己 merge 啊，至少再找一个人 review", "second reviewer 还没看，先别 merge",
                   "这个 PR 只有一个 approve，再等一个 reviewer"],
            "en": ["never merge without a second reviewer", "need 2 approvals before merge, 这个是规矩",
                   "one approve isn't enough, 再找个 second reviewer", "pls don't merge yet, waiting for a second reviewer",
                   "rule of thumb: no second reviewer, no merge"],
        },
    },
    "zhaomin": {
        "repro": {
            "zh": ["提 bug 请带复现步骤、环境和期望结果，不然没法跟。", "bug 单没有复现步骤的我会打回哦。",
                   "麻烦补一下复现步骤：环境、账号、操作、期望 vs 实际。", "复现步骤写清楚，省得来回问。"],
            "en": ["Bug reports need repro steps, env and expected result.", "No repro steps, I'll send it back.",
                   "Please add: env, steps, expected vs actual."],
        },
        "signoff": {
            "zh": ["测试报告没出之前我不会签字放行。", "回归没全绿，我这边不签字。", "P1 缺陷没关，不能放行。"],
            "en": ["I won't sign off before the test report is out.", "Regression isn't green, no sign-off.",
                   "Open P1 bugs mean no sign-off."],
        },
    },
    "liuyang": {
        "acceptance": {
            "zh": ["需求改动请走评审，不要私下口头改。", "每个需求都要有验收标准，写在 PRD 里。",
                   "口头说的不算，改需求请更新文档并 @ 我。", "验收标准没写清楚的需求，先不排期。"],
            "en": ["Requirement changes go through review, not DMs.",
                   "Every requirement needs written acceptance criteria in the PRD.",
                   "If it's not in the PRD it's not agreed, please update the doc and ping me."],
        },
    },
}


def rule(w: World, who: str, name: str, lang: str) -> str:
    return w.pick(RULES[who][name][lang])


def ack(w: World, who: str, lang: str) -> str:
    return w.pick(ACKS[who][lang])


# --------------------------------------------------------------------------------------
# Questions to owners: (question templates, answer templates) per owner and language.

QA: dict[str, dict[str, list[tuple[list[str], list[str]]]]] = {
    "wangfang": {
        "zh": [
            (["{svc} 调 payment-gateway 的超时配多少合适？", "{svc} 到网关的超时现在是多少？"],
             ["3 秒。重试最多 2 次。", "下游 3s，网关侧 5s。wiki 上有。", "别超过 5 秒。", "3s，别自己加重试，网关有。"]),
            (["{chan}渠道的路由权重现在怎么配的？", "{chan}渠道能不能临时把流量切走？"],
             ["{chan} 70，备用 30。降级开关在 channel_config。", "按成功率动态调，最低 10%。",
              "能。channel_config 改 weight，找我审批。"]),
            (["{feature}这期要不要走网关的灰度开关？", "{feature}上线要按商户灰度吗？"],
             ["要。", "要，按商户白名单。", "不用，纯后台功能。", "要，先 5 家商户。"]),
            (["签名校验失败的回调，网关是直接拒还是记录后放行？", "验签失败的请求要不要重试？"],
             ["直接拒，记 callback_log。", "拒。不允许放行。", "不重试。拒绝并告警。"]),
        ],
        "en": [
            (["what's the right timeout for calls from {svc} into payment-gateway?",
              "what timeout do we use between {svc} and the gateway?"],
             ["3s, max 2 retries.", "3s downstream, 5s at the gateway. it's on the wiki.",
              "3s. don't add your own retries, the gateway retries."]),
            (["do we put {feature_en} behind the gateway feature flag?",
              "should {feature_en} roll out per merchant?"],
             ["yes.", "yes, merchant allowlist.", "no, backend only.", "yes, 5 merchants first."]),
            (["who approves the {version} release?", "is {version} still on for Tuesday?"],
             ["me.", "me, after zhao min signs off.", "yes. tuesday 10:00."]),
        ],
    },
    "liqiang": {
        "zh": [
            (["网关的限流阈值在哪里配？", "{svc} 的限流能临时调高一点吗？"],
             ["在配置中心 gateway.ratelimit 命名空间里，改完要点发布，不然不生效哈，之前好几个人踩过坑",
              "配置中心 → gateway.ratelimit，按商户维度配的，默认 2000 QPS，大商户单独调",
              "可以，我先给你调到 3000，明天看下大盘再决定要不要长期调"]),
            (["{svc} 的 pod 一直在重启，能帮忙看下吗？", "{svc} 是不是挂了？接口一直 502"],
             ["看了下是 OOMKilled，limit 给的 1G 太小了，我先调到 2G，你们回头查查是不是哪里在攒大对象",
              "liveness probe 超时了，启动太慢，我把 initialDelaySeconds 调到 60 了，再观察下",
              "没挂！是 ingress 的一个节点抖了，已经摘掉了，现在应该好了，你再试试"]),
            (["Kafka 的 {topic} 消费延迟有点高，正常吗？", "{topic} 这个 topic 的 lag 一直在涨，谁能看下？"],
             ["刚看了，lag 在慢慢降，是早上对账任务批量写入导致的，正常现象",
              "有个 consumer 实例卡住了，我重启了一下，lag 已经在降了，回头加个告警",
              "分区不均，我把 partition 从 6 扩到 12 了，明天观察一下"]),
            (["{svc} 的日志保留多久？", "上周的 {svc} 日志还能查到吗？"],
             ["ES 里保留 14 天，更早的在对象存储里，要捞的话找我", "热数据 7 天，冷数据 90 天，能查到，我帮你捞"]),
        ],
        "en": [
            (["where is the gateway rate limit configured?", "can we bump the rate limit for {svc} for a day?"],
             ["config center, namespace gateway.ratelimit. remember to hit publish or it doesn't apply, bitten us twice already",
              "per merchant in gateway.ratelimit, default 2000 QPS, big merchants have overrides",
              "sure, bumped to 3000 for today, let's look at the graphs tomorrow"]),
            (["{svc} pods keep restarting, can you take a look?", "is {svc} down? getting 502s"],
             ["OOMKilled, the 1G limit is too small. bumped to 2G for now, please check what's holding big objects",
              "liveness probe timed out during startup, raised initialDelaySeconds to 60, let's watch it",
              "not down! one ingress node was flapping, I drained it, try again now"]),
            (["is the consumer lag on {topic} normal?", "lag on {topic} keeps growing, anyone?"],
             ["looked, it's draining. the morning reconciliation batch causes it, expected",
              "one consumer was stuck, restarted it, lag going down. will add an alert",
              "partitions were skewed, went from 6 to 12 partitions, watching it"]),
        ],
    },
    "chenjing": {
        "zh": [
            (["{table} 表的归档策略是怎样的？", "{table} 的历史数据保留多久？"],
             ["{table} 在线保留 180 天，更早的数据每月 1 号归档到历史库。查询历史数据请走只读实例。",
              "{table} 按月分区，保留 6 个分区，过期分区由归档任务迁移到冷库。",
              "在线 180 天。需要更早的数据请提工单，我从历史库导出。"]),
            (["能帮我在 {table} 上加个 {col} 的索引吗？", "{table} 按 {col} 查很慢，能加索引吗？"],
             ["请提变更单，附上查询语句和 EXPLAIN。{table} 数据量较大，需要走 online DDL，在低峰期执行。",
              "可以，但请先确认查询的过滤度。{col} 区分度不高，建议和 created_at 建组合索引。",
              "请先把完整 SQL 发我。单列索引不一定有用，我看一下执行计划再定。"]),
            (["预发库能给我开个只读账号吗？", "生产只读实例的权限怎么申请？"],
             ["请走权限申请流程，审批后我来开通。账号默认只读，有效期 30 天。",
              "已开通，账号信息已单独发你，请不要在群里贴连接串。", "在权限平台提申请，选「生产只读」，抄送王芳审批。"]),
            (["慢查询日志在哪里看？", "怎么看 {table} 最近的慢查询？"],
             ["数据库管理平台 → 慢查询 → 选择实例，阈值是 500ms。", "我导了一份最近 7 天 {table} 的慢查询 TOP 20，发你了。"]),
        ],
        "en": [
            (["what's the retention for {table}?", "how long do we keep {table} online?"],
             ["{table} keeps 180 days online; older rows are archived to the history DB on the 1st of each month.",
              "{table} is partitioned by month, 6 partitions kept, older ones moved to cold storage."]),
            (["could you add an index on {table}.{col}?", "queries on {table} by {col} are slow, index?"],
             ["Please file a change request with the query and its EXPLAIN. {table} is large, so it goes through online DDL off-peak.",
              "{col} alone has poor selectivity; a composite index with created_at is better. Send me the full SQL first."]),
            (["how do I get read access to the staging DB?", "who grants read-only on the prod replica?"],
             ["File a permission request; I'll grant read-only for 30 days after approval.",
              "Request it on the permission platform, choose prod read-only, with Wang Fang as approver."]),
        ],
    },
    "zhangwei": {
        "zh": [
            (["退款失败的订单会自动重试吗？", "退款失败之后是怎么处理的？"],
             ["会的，retry 3 次，间隔 1m/5m/30m，还失败就进人工处理队列",
              "会 retry，but 渠道返回明确失败的不重试，直接标记 FAILED", "自动重试 3 次，之后进 manual queue，运营那边每天看"]),
            (["settlement-job 每天几点跑？", "结算任务跑完大概要多久？"],
             ["凌晨 2 点 start，跑完大概 40min，结果写 settle_batch", "02:00 开始，有 alert 会发到值班群，一般 3 点前搞定"]),
            (["部分退款的金额校验逻辑在哪？", "重复退款是怎么防的？"],
             ["refund-service 里的 RefundValidator，check 累计退款不超过原单金额",
              "refund_no 上有 unique key，再加上 Redis 锁，double protection"]),
        ],
        "en": [
            (["do failed refunds retry automatically?", "what happens after a refund fails?"],
             ["yes, 3 retries at 1m/5m/30m, then manual queue", "retry yes, but hard failures from the channel 不重试, marked FAILED"]),
            (["when does settlement-job run?", "how long does the settlement job take?"],
             ["02:00 every night, ~40min, writes settle_batch", "starts 2am, alerts go to on-call if it's late"]),
            (["where is partial refund validation?", "how do we stop duplicate refunds?"],
             ["RefundValidator in refund-service, checks total refunded <= order amount",
              "unique key on refund_no + redis lock, double protection"]),
        ],
    },
    "liuyang": {
        "zh": [
            (["{feature}的验收标准能再明确一下吗？", "{feature}的 PRD 最新版在哪？"],
             ["好的～我今天下班前把 PRD 更新一下，验收标准会写到每个场景", "已经补充在 PRD 第 3 节了，麻烦看下",
              "PRD 链接在群公告里，最新的是 v1.3"]),
            (["{feature}和{feature2}哪个优先？", "这周{feature}还排得进来吗？"],
             ["{feature}优先！商户那边催得紧，{feature2}可以往后排一周", "这周排不进了，下周一评审后再定"]),
            (["商户后台导出要哪些字段？", "导出的时间范围最长多久？"],
             ["订单号、商户订单号、金额、状态、支付时间、渠道，PRD 里有完整列表", "最长 31 天，超过的走异步导出"]),
        ],
        "en": [
            (["can you clarify the acceptance criteria for {feature_en}?", "where's the latest PRD for {feature_en}?"],
             ["sure! I'll update the PRD before EOD with criteria per scenario", "it's in section 3 of the PRD now, pls take a look"]),
            (["{feature_en} or {feature2_en}, which first?", "does {feature_en} still fit this sprint?"],
             ["{feature_en} first! merchants are pushing, {feature2_en} can wait a week", "not this sprint, we'll decide after Monday's review"]),
        ],
    },
    "zhaomin": {
        "zh": [
            (["预发环境今天能用吗？", "预发的 {svc} 是最新版本吗？"],
             ["可以用的，不过下午 3 点到 4 点我要跑全量回归，这段时间请不要部署", "预发的 {svc} 还是旧版本，我先帮你部署一下",
              "能用，刚部署了最新的 {svc}"]),
            (["回归用例有多少条？跑一遍要多久？", "冒烟测试跑一遍多久？"],
             ["目前 {n} 条，全量跑一遍大约 {m} 分钟，核心链路冒烟 15 分钟", "冒烟 15 分钟左右，全量 {m} 分钟"]),
            (["有测试用的商户号吗？", "测试账号在哪里找？"],
             ["有的，在测试 wiki 的「测试数据」页，商户号以 T 开头的都是测试商户", "测试 wiki 里有，记得用完把订单状态还原"]),
        ],
        "en": [
            (["is staging usable today?", "is {svc} on staging up to date?"],
             ["Yes, but I'm running the full regression 3–4pm, please don't deploy then.",
              "{svc} on staging is still the old build, I'll deploy the latest for you."]),
            (["how many regression cases do we have?", "how long does the smoke test take?"],
             ["{n} cases now, the full run takes about {m} minutes; smoke is 15 minutes.",
              "Smoke is ~15 minutes, full regression ~{m} minutes."]),
        ],
    },
}

ASK_OPENERS = {
    "wangfang": {"zh": ["", "", "问下，"], "en": ["", "q: "]},
    "liqiang": {"zh": ["请教一下 🙏 ", "弱弱问一句 ", "", "打扰一下哈 "], "en": ["quick q :pray: ", "hey! ", ""]},
    "chenjing": {"zh": ["请问", "想确认一下：", ""], "en": ["Quick question: ", "Could you confirm: ", ""]},
    "zhangwei": {"zh": ["quick question，", "问个问题，", "hi，"], "en": ["quick question, ", "hi, ", "btw "]},
    "liuyang": {"zh": ["麻烦问下～", "请教一下～", "打扰啦，"], "en": ["hi~ ", "sorry to bother, ", "quick one: "]},
    "zhaomin": {"zh": ["你好，", "想问一下，", ""], "en": ["Hi, ", "Quick question: ", ""]},
}

REDIRECTS = {
    "wangfang": {"zh": ["不归我。找 @@{o}。", "问 @@{o}。", "这个找 @@{o}。"], "en": ["not mine. ask @@{o}.", "@@{o} owns that."]},
    "liqiang": {"zh": ["这个不归我哈，找 @@{o}，{topic}是 ta 负责的", "哈哈问错人了，{topic}找 @@{o}"],
                "en": ["not my area haha, @@{o} owns {topic}", "wrong person :joy: ask @@{o}"]},
    "chenjing": {"zh": ["这个不在我的职责范围内，请找 @@{o}。", "{topic}由 @@{o} 负责，请直接联系她/他。"],
                 "en": ["That's not mine; please ask @@{o}.", "{topic} is owned by @@{o}."]},
    "zhangwei": {"zh": ["not my area 哈，找 @@{o}", "这个不归我，找 @@{o}，ta 比较 familiar"],
                 "en": ["not my area, 找 @@{o}", "not me haha, @@{o} knows {topic}"]},
    "liuyang": {"zh": ["这个我不太清楚～找 @@{o} 问问？", "技术上的我不懂哈，找 @@{o}"], "en": ["no idea~ ask @@{o}?"]},
    "zhaomin": {"zh": ["这个不归我哦，找 @@{o} 吧", "这个要找 @@{o}，我这边只管测试环境"],
                "en": ["That's not mine, please ask @@{o}.", "@@{o} owns that, I only look after staging."]},
}
TOPIC_NAMES = {"wangfang": "网关", "liqiang": "监控和 k8s", "chenjing": "数据库", "zhangwei": "退款",
               "liuyang": "需求", "zhaomin": "测试环境"}
TOPIC_NAMES_EN = {"wangfang": "the gateway", "liqiang": "monitoring", "chenjing": "the DB",
                  "zhangwei": "refunds", "liuyang": "requirements", "zhaomin": "staging"}
TOPICS = ["payment.notify", "settle.events", "refund.result", "ledger.entries"]


def slots(w: World) -> dict[str, str]:
    f1, f2 = w.rng.sample(FEATURES, 2)
    ci = w.rng.randrange(len(CHANNELS_PAY))
    return {
        "svc": w.pick(SERVICES), "table": w.pick(TABLES), "col": w.pick(COLUMNS),
        "feature": f1[0], "feature_en": f1[1], "feature2": f2[0], "feature2_en": f2[1],
        "chan": CHANNELS_PAY[ci], "chan_en": CHANNELS_PAY_EN[ci], "topic": w.pick(TOPICS),
        "func": w.pick(FUNCS), "n": str(w.rng.randrange(420, 680)), "m": str(w.rng.randrange(35, 80)),
        "pr": str(w.rng.randrange(1200, 1990)), "ticket": f"PAY-{w.rng.randrange(2100, 2999)}",
        "room": w.pick(ROOMS), "version": "", "metric": w.pick(METRICS)[0],
        "metric_en": w.pick(METRICS)[1], "k": str(w.rng.randrange(2, 9)),
        "d": w.pick(["一", "二", "三", "四"]), "day_en": w.pick(["Monday", "Tuesday", "Wednesday", "Thursday"]),
    }


def fmt(text: str, s: dict[str, str]) -> str:
    return text.format(**s)


def qa_scene(w: World, where: str, lang: str, d: date, owner: str, asker: str | None = None) -> None:
    s = slots(w)
    s["version"] = version_for(d)
    if asker is None:
        asker = "liuyang" if owner != "liuyang" and w.chance(0.3) else w.pick(w.others(owner))
    qs, answers = w.pick(QA[owner][lang])
    q = w.pick(ASK_OPENERS[asker][lang]) + fmt(w.pick(qs), s)
    turns = [T(asker, voice(w, asker, f"@@{owner} {q}", lang)),
             T(owner, voice(w, owner, fmt(w.pick(answers), s), lang), reply=0)]
    if w.chance(0.55):
        turns.append(T(asker, voice(w, asker, ack(w, asker, lang), lang), reply=1))
    say(w, where, time_in_hours(w, asker, d), *turns, thread=where.startswith("slack") and w.chance(0.6))


def redirect_scene(w: World, where: str, lang: str, d: date) -> None:
    owner = w.pick(KEYS)
    wrong = w.pick(w.others(owner))
    asker = w.pick(w.others(owner, wrong))
    s = slots(w)
    s["version"] = version_for(d)
    qs, answers = w.pick(QA[owner][lang])
    topic = (TOPIC_NAMES if lang == "zh" else TOPIC_NAMES_EN)[owner]
    redirect = w.pick(REDIRECTS[wrong][lang]).format(o=owner, topic=topic)
    turns = [T(asker, voice(w, asker, f"@@{wrong} " + w.pick(ASK_OPENERS[asker][lang]) + fmt(w.pick(qs), s), lang)),
             T(wrong, voice(w, wrong, redirect, lang), reply=0),
             T(owner, voice(w, owner, fmt(w.pick(answers), s), lang), reply=0)]
    say(w, where, time_in_hours(w, asker, d), *turns)


def version_for(d: date) -> str:
    """The release of d's week; from Wednesday on, the next week's (the one people talk about)."""
    week = (d - START).days // 7 + (1 if d.weekday() >= 2 else 0)
    return VERSIONS[min(week, len(VERSIONS) - 1)]


# --------------------------------------------------------------------------------------
# Being chased for progress, and how each person answers.

CHASE = {
    "liuyang": {"zh": ["@@{x} {feature}进度怎么样了？今天能提测吗", "@@{x} 麻烦同步下{feature}的进度，商户在问了",
                       "@@{x} {feature}还能按时上吗？", "@@{x} 昨天说的{feature}，今天有更新吗？？",
                       "@@{x} {feature}大概什么时候能给到测试呀"],
                "en": ["@@{x} how's {feature_en} going? can QA start today?", "@@{x} any update on {feature_en}? merchants are asking",
                       "@@{x} are we still on track for {feature_en}??", "@@{x} gentle ping on {feature_en} :pray:"]},
    "wangfang": {"zh": ["@@{x} {feature}进度？", "@@{x} {feature}周几提测？", "@@{x} {ticket} 还卡着？"],
                 "en": ["@@{x} status of {feature_en}?", "@@{x} {ticket}, eta?"]},
}
CHASE_ANSWERS = {
    "zhangwei": {"zh": ["快了快了，还差 {k} 个 unit test，ETA 明天下午", "在搞了，blocked by @@chenjing 那边的 schema review，review 完马上提测",
                        "80% 了，今晚 push 上去，明早可以提测", "sorry 昨天被 {svc} 的 bug 打断了，ETA 周{d}",
                        "快了快了，主流程 done，还在处理 edge case", "今天一定！还在 fix 一个并发的 issue"],
                 "en": ["almost there, {k} unit tests left, ETA tomorrow afternoon", "blocked on @@chenjing's schema review, will hand to QA right after",
                        "80% done, pushing tonight, QA tomorrow morning", "sorry got pulled into a {svc} bug yesterday, ETA {day_en}",
                        "快了快了, main flow done, handling edge cases"]},
    "chenjing": {"zh": ["目前进度：\n1. 表结构评审已完成；\n2. 数据迁移脚本进行中，预计周{d}完成；\n3. 风险：{table} 数据量大，迁移需要在低峰期执行。",
                        "进度如下：\n1. 索引方案已确定；\n2. 预发已执行，耗时 {k} 分钟；\n3. 生产计划周{d}晚上执行。"],
                 "en": ["Status:\n1. Schema review done.\n2. Migration script in progress, done by {day_en}.\n3. Risk: {table} is large, must run off-peak.",
                        "Status:\n1. Index plan agreed.\n2. Ran on staging in {k} minutes.\n3. Prod scheduled for {day_en} evening."]},
    "wangfang": {"zh": ["周{d}。", "明天提测。", "在做，周{d}给你。", "今天。"], "en": ["{day_en}.", "tomorrow.", "today."]},
    "liqiang": {"zh": ["在弄了在弄了，今晚应该能搞定，明早给你看", "哈哈别催别催，{svc} 的监控大盘已经好了一半了，明天搞完",
                       "今晚通宵也给你搞出来（开玩笑的），明天中午前"],
                "en": ["on it on it, should be done tonight, you'll see it in the morning", "haha don't rush me, half the {svc} dashboard is done, tomorrow"]},
    "zhaomin": {"zh": ["测试用例写完了 {k}0/{n}，剩下的依赖预发环境，预计明天上午给结论", "回归跑完了，发现 {k} 个问题，已经提给 @@zhangwei 了",
                       "今天下午开始测，明天中午出测试报告"],
                "en": ["Test cases {k}0/{n} written, the rest need staging, conclusion tomorrow morning.",
                       "Regression done, found {k} issues, filed to @@zhangwei."]},
}
FOLLOWUPS = {"zh": [("有风险提前说哦", "收到，有 risk 我第一时间说"), ("那我先跟商户说周{d}，可以吗？", "ok 没问题"),
                    ("需要我帮忙去催一下吗？", "不用不用，我自己 follow up")],
             "en": [("ok, flag early if at risk pls", "sure, will flag"), ("can I tell the merchant {day_en}?", "ok 没问题"),
                    ("need me to chase anyone?", "no need, I'll follow up myself")]}


def chase_scene(w: World, where: str, lang: str, d: date) -> None:
    chaser = "liuyang" if w.chance(0.75) else "wangfang"
    target = w.pick(["zhangwei", "zhangwei", "zhangwei", "chenjing", "liqiang", "zhaomin", "wangfang"])
    if target == chaser:
        target = "zhangwei"
    s = slots(w)
    s["x"] = target
    turns = [T(chaser, voice(w, chaser, fmt(w.pick(CHASE[chaser][lang]), s), lang))]
    turns.append(T(target, voice(w, target, fmt(w.pick(CHASE_ANSWERS[target][lang]), s), lang), reply=0))
    if target == "zhangwei" and chaser == "liuyang" and w.chance(0.6):
        follow, answer = w.pick(FOLLOWUPS[lang])
        turns.append(T(chaser, voice(w, chaser, fmt(follow, s), lang), reply=1))
        turns.append(T(target, voice(w, target, answer, lang), reply=2))
    say(w, where, time_in_hours(w, chaser, d), *turns, thread=where.startswith("slack"))


# --------------------------------------------------------------------------------------
# Code review: what each reviewer flags, and how authors answer.

REVIEW_ASK = {
    "wangfang": {"zh": ["MR !{pr} {svc}：{desc}，@@{r} 看下。", "!{pr} {desc}，@@{r} review。"],
                 "en": ["{link} {svc}: {desc_en}. @@{r} pls review.", "{link} {desc_en}, @@{r}"]},
    "liqiang": {"zh": ["MR !{pr} 给 {svc} 加了{desc}，麻烦 @@{r} 帮忙 review 一下", "!{pr} 顺手把 {svc} 的{desc}也搞了，@@{r} 有空看看哈"],
                "en": ["{link} adds {desc_en} to {svc}, @@{r} could you review when you have a sec?", "{link} {desc_en} for {svc}!! @@{r} take a look pls"]},
    "chenjing": {"zh": ["MR !{pr}：{svc} {desc}。请 @@{r} 帮忙审核。", "提交了 !{pr}（{desc}），@@{r} 请帮忙 review。"],
                 "en": ["{link}: {desc_en} in {svc}. @@{r}, could you review please?"]},
    "zhangwei": {"zh": ["MR !{pr} ready for review 了，{desc}，@@{r} PTAL", "!{pr} {svc} 的{desc}，@@{r} 帮忙看下，有点 urgent"],
                 "en": ["{link} ready for review, {desc_en}, @@{r} PTAL", "{link} {svc} {desc_en}, @@{r} 有点 urgent pls"]},
    "zhaomin": {"zh": ["MR !{pr} 补了 {svc} 的自动化用例（{desc}），@@{r} 有空帮忙看下", "!{pr} 回归脚本更新，@@{r} 麻烦看一下"],
                "en": ["{link} adds automated cases for {svc} ({desc_en}), @@{r} when you have time.", "{link} regression script update, @@{r} please take a look."]},
}
DESCS = [("{feature}接口", "{feature_en} API"), ("{func} 的重构", "refactor of {func}"),
         ("{table} 的查询优化", "query tuning on {table}"), ("回调验签逻辑", "callback signature check"),
         ("下游调用的超时和重试", "timeouts and retries for downstream calls"), ("对账任务分片", "sharding the reconciliation job"),
         ("{table} 加字段的 migration", "a migration adding a column to {table}"), ("{feature}的灰度开关", "a feature flag for {feature_en}")]
FLAGS = {
    "wangfang": {"zh": ["测试呢？", "失败分支没覆盖，补个用例。", "{func} 的异常路径要有单测。", "没测试不 approve。",
                        "补测试再合。", "超时分支没测。", "这个改动影响 {svc}，回归用例要加。"],
                 "en": ["where's the test for the failure path?", "needs a unit test for {func}.", "no tests, no approve.",
                        "add a case for the timeout branch.", "tests first, then merge.", "what covers the retry path?",
                        "{func}: error path untested.", "test for {func} returning an error?"]},
    "chenjing": {"zh": ["`{table}` 按 `{col}` 查询没有索引，数据量上来会全表扫描，请补索引并附 EXPLAIN。",
                        "这条 SQL 请贴一下 EXPLAIN 结果。", "migration 没有 down 脚本，回滚怎么办？请保证可逆。",
                        "大表加列请走 online DDL，先评估锁表时间。", "`SELECT *` 请改成具体字段。",
                        "循环里逐条查询 `{table}`，请改成批量查询。", "事务范围太大，远程调用请移到事务外。"],
                 "en": ["`{table}` is queried by `{col}` with no index; please add one and paste the EXPLAIN.",
                        "This migration has no down step. Make sure the migration is reversible.",
                        "Please avoid `SELECT *` here, list the columns.", "Adding a column to `{table}` locks it; use online DDL.",
                        "N+1 queries on `{table}` inside the loop; please batch them.", "The transaction wraps a remote call; move the call out."]},
    "liqiang": {"zh": ["这里 err 直接吞掉了 至少打个日志带上 trace_id 吧", "调下游没设超时！！默认无限等，挂一个就全挂",
                       "重试要加退避和上限，不然下游一抖就雪崩", "panic 了没 recover，整个 worker 会挂",
                       "错误码全返回 500 不太好，调用方没法区分能不能重试", "这个新接口没加监控指标，出了事我两眼一抹黑"],
                "en": ["the error is swallowed here, at least log it with the trace_id", "no timeout on the downstream call!! it'll hang forever",
                       "retries need backoff and a cap, otherwise we DDoS ourselves", "no recover around this goroutine, one panic kills the worker",
                       "everything returns 500, callers can't tell what's retryable", "no metrics on the new endpoint, I'll be blind at 3am"]},
    "zhangwei": {"zh": ["变量名 `{bad}` 有点 confusing，建议改成 `{good}`", "这个 function 名字和行为不一致，rename 一下？",
                        "nit: 命名 style 统一下，camelCase 和 snake_case 混用了", "`{bad}` 看不出是什么，`{good}` 会 clear 很多",
                        "nit: magic number 提成常量吧"],
                 "en": ["nit: `{bad}` → `{good}`? naming 有点 confusing", "function name doesn't match what it does, rename?",
                        "nit: mixed camelCase and snake_case here", "`{bad}` says nothing, `{good}` is way clearer", "nit: magic number → const pls"]},
    "zhaomin": {"zh": ["边界情况：金额为 0、负数、超大金额都测过吗？", "并发退款同一笔订单的场景要覆盖。",
                       "请在 PR 描述里写清楚测试步骤，方便我回归。", "这个改动需要更新回归用例吗？我这边要同步一下。"],
                "en": ["Edge cases: zero, negative and very large amounts — tested?", "Please cover two concurrent refunds on the same order.",
                       "Please write test steps in the PR description so I can run the regression.", "Does this need new regression cases?"]},
}
FIXED = {
    "wangfang": {"zh": ["改了。", "OK，已补。", "补了，再看。", "已改。", "加了。"],
                 "en": ["fixed.", "done.", "added, ptal.", "updated.", "ok, changed."]},
    "liqiang": {"zh": ["哈哈被你抓到了 已修", "好眼力！改好了", "确实确实，已经补上了，再帮忙看看"],
                "en": ["haha good catch, fixed", "sharp eyes!! fixed", "yep yep, updated, another look pls"]},
    "chenjing": {"zh": ["已按意见修改，请再看一下。", "已修改，测试已补充。", "已调整，请再审核一次。", "感谢指出，已修正。", "已更新，麻烦再看一下。"],
                 "en": ["Updated per your comments, please take another look.", "Fixed, thank you for pointing it out.",
                        "Adjusted, please review again.", "Updated `{func}` as suggested, please re-review.",
                        "Pushed a fix to #{pr}."]},
    "zhangwei": {"zh": ["good catch，我 fix 一下", "done，PTAL", "make sense，已改", "ok 下个 PR 补，这个先合？"],
                 "en": ["good catch, fixing", "done, PTAL", "make sense, updated", "ok will do in a follow-up, merge this first?"]},
    "zhaomin": {"zh": ["已补充，麻烦再看下", "好的，已修改", "改好啦，再帮忙看一眼", "已按建议调整"],
                "en": ["Updated, please have another look.", "Done, thanks!", "Adjusted as suggested."]},
}
APPROVE = {
    "wangfang": {"zh": ["LGTM", "可以。", "approve。", "可以，合。", "OK，approve。", "没问题。"],
                 "en": ["LGTM", "lgtm.", "approved.", "ok, approve.", "fine. approved.", "lgtm, merge after ci.",
                        "ok.", "approve. thx."]},
    "liqiang": {"zh": ["LGTM！", "没问题了，approve", "稳，approve 了", "可以可以，approve", "这下放心了，approve"],
                "en": ["LGTM!!", "approved, ship it", "looks good to me!", "nice work, approved", "all good now, approved"]},
    "chenjing": {"zh": ["SQL 部分没有问题了，approve。", "已审核通过。", "索引和执行计划都确认过了，通过。", "数据库相关改动没有问题，approve。",
                        "EXPLAIN 已确认走索引，可以合并。", "回滚脚本已确认，通过。"],
                 "en": ["The SQL part looks fine now. Approved.", "Index and plan confirmed. Approved.",
                        "DB changes look good, approving.", "Rollback script verified. Approved.",
                        "The `{table}` queries look fine now. Approved.", "#{pr} is fine from the DB side.",
                        "Checked the plan for `{table}`, approved."]},
    "zhangwei": {"zh": ["LGTM 👍", "approve 了", "looks good，approve", "nice，approve", "没啥问题了 LGTM"],
                 "en": ["LGTM 👍", "approved", "looks good", "nice, approved", "LGTM, 辛苦"]},
    "zhaomin": {"zh": ["测试这边没问题了👌", "可以，approve", "用例都过了，approve👌", "测试视角没问题了", "OK，approve，合完我回归一下"],
                "en": ["Looks good from the QA side 👌", "Approved.", "Cases pass locally, approved 👌", "LGTM from QA.",
                       "{svc} regression cases pass, approved.", "Approved, I'll add #{pr} to the regression run."]},
}


def review_scene(w: World, where: str, lang: str, d: date) -> None:
    author = w.pick(ENGINEERS)
    r1, r2 = w.rng.sample([k for k in ENGINEERS if k != author], 2)
    s = slots(w)
    s["bad"], s["good"] = w.pick(RENAMES)
    svc = s["svc"]
    s["link"] = f"<https://git.{DOMAIN}/pay/{svc}/pull/{s['pr']}|#{s['pr']}>"
    dz, de = w.pick(DESCS)
    s["desc"], s["desc_en"] = fmt(dz, s), fmt(de, s)
    s["r"] = r1
    turns = [T(author, voice(w, author, fmt(w.pick(REVIEW_ASK[author][lang]), s), lang))]
    turns.append(T(r1, voice(w, r1, fmt(w.pick(FLAGS[r1][lang]), s), lang), reply=0))
    if r1 == "chenjing" and ("查询" in dz or w.chance(0.3)):
        turns.append(T("chenjing", voice(w, "chenjing", rule(w, "chenjing", "explain", lang), lang), reply=0))
    if "migration" in de and r1 != "chenjing" and w.chance(0.7):
        turns.append(T("chenjing", voice(w, "chenjing", rule(w, "chenjing", "reversible", lang), lang), reply=0))
    turns.append(T(author, voice(w, author, fmt(w.pick(FIXED[author][lang]), s), lang), reply=0, edit=w.chance(0.08)))
    if w.chance(0.25):
        # Author wants to merge on one approval; the second-reviewer rule comes up.
        early = w.pick({"zh": ["有一个 approve 了，我先 merge？", "CI 过了，我先合了？", "一个 approve 够了吧，先合？"],
                        "en": ["got one approve, merging?", "CI is green, ok to merge now?", "one approval is enough here right? merging"]}[lang])
        turns.append(T(author, voice(w, author, early, lang), reply=0))
        turns.append(T("zhangwei" if author != "zhangwei" else "wangfang",
                       voice(w, "zhangwei", rule(w, "zhangwei", "reviewer", lang), lang)
                       if author != "zhangwei" else
                       voice(w, "wangfang", {"zh": "不行，等第二个 reviewer。", "en": "no. wait for the second reviewer."}[lang], lang),
                       reply=0))
    if w.chance(0.3) and r2 == "wangfang":
        turns.append(T(r2, voice(w, r2, fmt(w.pick(FLAGS[r2][lang]), s), lang), reply=0))
        turns.append(T(author, voice(w, author, fmt(w.pick(FIXED[author][lang]), s), lang), reply=0))
    turns.append(T(r1, voice(w, r1, fmt(w.pick(APPROVE[r1][lang]), s), lang), reply=0))
    turns.append(T(r2, voice(w, r2, fmt(w.pick(APPROVE[r2][lang]), s), lang), reply=0))
    say(w, where, time_in_hours(w, author, d), *turns, thread=where.startswith("slack"))


# --------------------------------------------------------------------------------------
# Daily routine: stand-ups, greetings, late nights, lunch, reminders.

TASKS = {
    "wangfang": ["评审{feature}方案", "看 {svc} 的容量评估", "过一遍 {version} 的发布内容", "和渠道对{chan}的接口变更",
                 "review !{pr}", "整理 Q2 规划", "面试一个后端候选人", "跟进 {ticket}"],
    "liqiang": ["给 {svc} 加告警规则", "升级 k8s 节点", "处理 {topic} 的消费延迟", "整理值班手册", "压测环境扩容",
                "清理过期的 Grafana 大盘", "给 Kafka 集群扩分区", "写 {svc} 的 runbook"],
    "chenjing": ["{table} 索引优化", "审核 {k} 个 DDL 变更单", "{table} 历史数据归档", "慢查询周报", "备份恢复演练",
                 "只读实例扩容评估", "{table} 的 online DDL 预发演练"],
    "zhangwei": ["{feature} coding", "fix {ticket}", "{svc} 的 unit test", "review !{pr}", "和 @@liuyang 对{feature}的 corner case",
                 "{func} refactor", "排查 {svc} 的 flaky test"],
    "liuyang": ["{feature} PRD 评审", "和商户开会对{feature}", "整理客服反馈", "{feature2}竞品调研", "排下个迭代的优先级",
                "验收{feature}"],
    "zhaomin": ["{feature}测试用例设计", "预发回归（{n} 条）", "{svc} 接口自动化", "跟进 {k} 个未关闭缺陷", "{version} 发布验收",
                "压测脚本准备"],
}
STANDUP = {
    "wangfang": ["今日：{a}；{b}。", "今天：{a}，{b}。", "{a}，{b}。下午不在。"],
    "liqiang": ["早（虽然已经中午了）今天：1. {a} 2. {b} 3. 顺便看下 {svc} 的{metric}", "今天的活儿：{a}，然后{b}，晚上继续盯大盘",
                "中午好各位～ 今天{a}，{b}，有事随时找我"],
    "chenjing": ["今日计划：\n1. {a}\n2. {b}", "今日工作：\n1. {a}\n2. {b}\n3. 值守 DDL 变更窗口"],
    "zhangwei": ["today: {a}，然后继续{b}", "今天 focus 在{a}，顺便{b}", "{a} in progress，{b} 下午搞"],
    "liuyang": ["今天主要：{a}，下午有空的同学可以找我对一下{feature}", "今日：1. {a} 2. {b} 有问题随时找我", "今天{a}和{b}，会比较多，消息回复可能慢一点"],
    "zhaomin": ["今日测试安排：\n1. {a}\n2. {b}", "今天：\n1. {a}\n2. {b}\n预发 15:00–16:00 跑回归，请勿部署"],
}


def standup_scene(w: World, d: date) -> None:
    for who in KEYS:
        if not w.chance(0.55):
            continue
        s = slots(w)
        s["version"] = version_for(d)
        a, b = w.rng.sample(TASKS[who], 2)
        s["a"], s["b"] = fmt(a, s), fmt(b, s)
        start = window(PEOPLE[who], d)[0] + timedelta(minutes=10 + 50 * w.rng.random())
        say(w, FS_MAIN, start, T(who, voice(w, who, fmt(w.pick(STANDUP[who]), s), "zh")))


MORNING = ["早。今天 10 点评审{feature}。", "早。{svc} 昨晚的告警我看了，是{chan}渠道抖动，不用处理。",
           "早。今天下午我在外面开会，有事飞书留言。", "早。{version} 发布计划不变，周二上午。", "早。{ticket} 今天要有结论。",
           "早，{svc} 的{metric}昨晚有毛刺，@@liqiang 白天看下。", "早。今天谁值班？"]
LATE = ["还有人在吗 {svc} 的{metric}有点抖，我先盯着", "{svc} 的告警又响了，看了下是{chan}渠道回调慢，先记一下明天跟",
        "刚把 {topic} 的 consumer 扩到 6 个，lag 降下来了，睡了睡了", "半夜巡检：{svc} 一切正常，{metric}平稳，晚安各位",
        "{svc} 凌晨的定时任务跑完了，耗时比昨天多 {k} 分钟，明天看看是不是数据量涨了"]
LATE_REPLY = ["看了。{chan}渠道那边的问题，不用处理。", "看到了，白天再说。", "谢谢。这个加到周会。", "好。以后这种直接开单子。",
              "收到。你白天补个结论。"]
LUNCH_Q = ["中午吃啥", "今天楼下新开了一家{food}，有人一起吗", "下午茶有人拼单吗", "{food}还是{food2}？", "外面下雨了，有人带伞吗"]
FOODS = ["兰州拉面", "麻辣烫", "黄焖鸡", "沙县小吃", "螺蛳粉", "湘菜", "酸菜鱼", "轻食沙拉"]
LUNCH_A = {
    "wangfang": ["带饭了。", "不去了。", "我吃过了。"],
    "liqiang": ["去去去！！等我两分钟", "我刚起床哈哈，你们先吃", "螺蛳粉冲冲冲"],
    "chenjing": ["我就不去了，谢谢。", "好的，一起吧。"],
    "zhangwei": ["+1，12 点楼下见", "我要先把这个 bug fix 了，you guys go first", "ok 算我一个"],
    "liuyang": ["我我我～", "+1～等我开完这个会", "好呀好呀"],
    "zhaomin": ["+1👌", "我今天带饭啦", "好的，一起"],
}
REMIND = ["{time} {feature}需求评审，会议室 {room}，大家准时哦", "提醒一下：{time} 迭代周会，{room}，线上的同学用飞书会议",
          "{time} 和商户的{feature}对齐会，@@wangfang @@zhangwei 麻烦参加一下", "明天 {time} 复盘{feature}上线情况，{room}"]


def routine_scenes(w: World, d: date) -> None:
    s = slots(w)
    s["version"] = version_for(d)
    s["food"], s["food2"] = w.rng.sample(FOODS, 2)
    if w.chance(0.55):
        t = at(d, 6, 40) + timedelta(minutes=40 * w.rng.random())
        turns = [T("wangfang", fmt(w.pick(MORNING), s))]
        if w.chance(0.6):
            who = w.pick(["zhaomin", "liuyang", "chenjing"])
            turns.append(T(who, voice(w, who, ack(w, who, "zh"), "zh"), reply=0))
        say(w, FS_MAIN, t, *turns)
    if w.chance(0.6) and workday(d + timedelta(days=1)):
        t = at(d, 23, 20) + timedelta(minutes=130 * w.rng.random())
        turns = [T("liqiang", voice(w, "liqiang", fmt(w.pick(LATE), s), "zh")),
                 T("wangfang", fmt(w.pick(LATE_REPLY), s), reply=0)]
        if w.chance(0.5):
            turns.append(T("liqiang", voice(w, "liqiang", ack(w, "liqiang", "zh"), "zh"), reply=1))
        say(w, FS_MAIN, t, *turns)
    if w.chance(0.5):
        who = w.pick(["zhangwei", "liqiang", "liuyang", "zhaomin"])
        t = at(d, 11, 20) + timedelta(minutes=30 * w.rng.random())
        turns = [T(who, voice(w, who, fmt(w.pick(LUNCH_Q), s), "zh"))]
        for other in w.rng.sample(w.others(who), 2):
            turns.append(T(other, voice(w, other, w.pick(LUNCH_A[other]), "zh"), gap=0.5 + 4 * w.rng.random()))
        say(w, FS_MAIN, t, *turns)
    if w.chance(0.3):
        s["time"] = w.pick(["10:00", "14:00", "15:30", "16:00"])
        turns = [T("liuyang", voice(w, "liuyang", fmt(w.pick(REMIND), s), "zh"))]
        for other in w.rng.sample(w.others("liuyang"), 2):
            turns.append(T(other, voice(w, other, ack(w, other, "zh"), "zh")))
        say(w, FS_MAIN, at(d, 9, 10) + timedelta(minutes=40 * w.rng.random()), *turns)


RANDOM_EN = [
    ("liqiang", "anyone watching the game tonight? :soccer:", ["zhangwei", "liuyang"]),
    ("zhangwei", "the coffee machine on 3F is broken again 😭", ["liqiang", "zhaomin"]),
    ("liuyang", "who left a cake in the pantry?? thank you whoever you are!!", ["zhaomin", "liqiang"]),
    ("zhaomin", "Reminder: team dinner Thursday 18:30, please reply if you can come.", ["wangfang", "chenjing", "zhangwei"]),
    ("liqiang", "TIL `kubectl debug` can attach an ephemeral container, life changing :exploding_head:", ["zhangwei", "wangfang"]),
    ("zhangwei", "anyone has a USB-C to HDMI adapter? meeting room 5F 的不见了", ["zhaomin"]),
    ("chenjing", "Sharing a good read on MySQL online DDL internals, recommended for anyone writing migrations.", ["liqiang", "zhangwei"]),
    ("liuyang", "it's raining super hard outside, bring umbrellas!", ["zhaomin", "zhangwei"]),
    ("liqiang", "new mechanical keyboard arrived, sorry in advance to my desk neighbours :joy:", ["zhangwei", "liuyang", "chenjing"]),
]
RANDOM_REPLIES = {
    "wangfang": ["no.", "ok", "thx"], "liqiang": ["haha yes!!", "count me in :raised_hands:", "lol"],
    "chenjing": ["Thanks for sharing.", "I'll join, thanks."], "zhangwei": ["+1", "haha same", "我也要"],
    "liuyang": ["omg yes~", "+1!!", "haha"], "zhaomin": ["+1 👌", "Thanks!", "Noted!"],
}


TASKS_EN = {
    "wangfang": ["{feature_en} design review", "capacity review for {svc}", "{version} release scope", "{ticket}",
                 "interviews", "Q2 planning"],
    "liqiang": ["alert rules for {svc}", "k8s node upgrade", "{topic} consumer lag", "on-call handbook",
                "Kafka partitions", "runbook for {svc}"],
    "chenjing": ["index tuning on {table}", "{k} DDL reviews", "archiving {table}", "slow query report",
                 "backup restore drill"],
    "zhangwei": ["{feature_en} coding", "fixing {ticket}", "unit tests for {svc}", "{func} refactor",
                 "flaky test in {svc}"],
    "zhaomin": ["{feature_en} test design", "staging regression ({n} cases)", "API automation for {svc}",
                "{k} open bugs", "{version} acceptance"],
}
SYNC_ASK = ["daily async standup thread for {day} :thread: reply with yesterday / today / blockers~",
            "standup thread for {day}! what are you on, anything blocked?",
            "morning~ async sync for {day} here pls :sunny:", "{day} daily sync :thread: (short is fine!)",
            "{day} standup :thread: blockers first pls~"]
SYNC_REPLY = {
    "wangfang": ["{a}. {b}.", "{a}; {b}. no blockers.", "{a}."],
    "liqiang": ["y: {a} / t: {b} :muscle: blockers: none, unless the pager says otherwise :joy:",
                "yesterday {a}, today {b}, also watching {svc} graphs :eyes:"],
    "chenjing": ["Yesterday: {a}. Today: {b}. Blockers: none.", "Yesterday: {a}.\nToday: {b}.\nBlockers: waiting for change requests."],
    "zhangwei": ["y: {a}, t: {b}, blocker: 等 review", "{a} 还在搞, today {b}", "today {a}, 顺便 {b}"],
    "zhaomin": ["1. Yesterday: {a}\n2. Today: {b}\n3. Blockers: none", "1. {a}\n2. {b}\nStaging is busy 15:00-16:00."],
}
BUGS = [("refund-service 部分退款好像有 bug，金额不对", "环境：预发；账号：T 开头测试商户；步骤：下单 → 部分退款 → 再全额退款；期望：拒绝；实际：成功"),
        ("商户后台账单页面点导出没反应", "环境：预发；步骤：商户后台 → 账单 → 选 31 天 → 导出；期望：下载文件；实际：按钮无响应"),
        ("{chan}渠道回调偶尔报签名错误", "环境：生产；{chan}渠道；订单号见 {ticket}；出现频率大约每小时 {k} 次"),
        ("{chan}渠道退款一直是处理中", "环境：预发；{chan}渠道；步骤：全额退款后等 10 分钟；期望：退款成功；实际：一直处理中")]
BUGS_EN = [("partial refunds look broken, amounts are off", "env: staging; merchant: a T-prefixed test merchant; "
            "steps: pay → partial refund → full refund; expected: rejected; actual: succeeded"),
           ("export button does nothing on the statements page", "env: staging; steps: portal → statements → 31 days → export; "
            "expected: a file; actual: nothing happens"),
           ("{chan_en} callbacks sometimes fail the signature check", "env: prod; {chan_en}; orders listed in {ticket}; about {k} per hour")]


def bug_scene(w: World, where: str, lang: str, d: date) -> None:
    reporter = w.pick(["liuyang", "liuyang", "zhangwei", "wangfang", "liqiang"])
    owner = w.pick(["zhangwei", "wangfang", "liqiang"])
    if owner == reporter:
        owner = "zhangwei" if reporter != "zhangwei" else "wangfang"
    s = slots(w)
    s["o"] = owner
    bug, steps = w.pick(BUGS if lang == "zh" else BUGS_EN)
    turns = [T(reporter, voice(w, reporter, fmt(bug, s), lang)),
             T("zhaomin", voice(w, "zhaomin", rule(w, "zhaomin", "repro", lang), lang), reply=0),
             T(reporter, fmt(steps, s), reply=1),
             T("zhaomin", voice(w, "zhaomin", fmt({"zh": "复现了，已提 {ticket} 给 @@{o}", "en": "Reproduced, filed {ticket} for @@{o}."}[lang], s),
                                lang), reply=2),
             T(owner, voice(w, owner, ack(w, owner, lang), lang), reply=3)]
    say(w, where, time_in_hours(w, reporter, d), *turns, thread=where.startswith("slack"))


DDL_NOTICE = {
    "zh": ["今晚 {time} 执行 {table} 的变更（{what}），预计 {k}0 分钟，期间 {svc} 可能有短暂抖动，请知悉。",
           "通知：{table} {what}已在预发执行完成，耗时 {k} 分钟，生产计划 {time} 执行，回滚脚本已验证。",
           "{table} {what}已在生产执行完成，执行过程无锁表，回滚语句已归档到变更单。",
           "提醒：本周 DDL 变更窗口为周二、周四 {time}，请在前一天 17:00 前提交变更单，附 EXPLAIN 和回滚 SQL。"],
    "en": ["Heads-up: {table} change ({what_en}) runs today at {time}, ~{k}0 minutes; {svc} may see brief latency.",
           "{table} change ({what_en}) finished on prod, no table locks; rollback script archived with the ticket.",
           "Reminder: DDL windows are Tue/Thu {time}. Submit change requests by 17:00 the day before, with EXPLAIN and rollback SQL."],
}
DDL_WHAT = [("新增 {col} 索引", "new index on {col}"), ("历史数据归档", "archiving old rows"),
            ("新增字段", "new nullable column"), ("分区调整", "partition maintenance")]
DDL_REPLY = {"zh": ["好的，{svc} 这边我盯一下", "收到，那段时间不发版", "那段时间 {svc} 的告警我先静默一下"],
             "en": ["thanks for the heads-up!", "noted, will watch {svc}", "will silence {svc} alerts during the window"]}


def ddl_scene(w: World, where: str, lang: str, d: date) -> None:
    s = slots(w)
    wz, we = w.pick(DDL_WHAT)
    s["what"], s["what_en"] = fmt(wz, s), fmt(we, s)
    s["time"] = w.pick(["14:00", "14:30", "15:00", "16:00"])
    turns = [T("chenjing", voice(w, "chenjing", fmt(w.pick(DDL_NOTICE[lang]), s), lang))]
    for who in w.rng.sample(w.others("chenjing"), w.rng.randrange(1, 3)):
        text = fmt(w.pick(DDL_REPLY[lang]), s) if who in ("liqiang", "zhangwei") and w.chance(0.5) else ack(w, who, lang)
        turns.append(T(who, voice(w, who, text, lang), reply=0))
    if w.chance(0.35):
        asker = w.pick(["zhangwei", "liqiang", "wangfang"])
        turns.append(T(asker, voice(w, asker, {"zh": "这个变更可以回滚吗？", "en": "is it reversible?"}[lang], lang), reply=0))
        turns.append(T("chenjing", voice(w, "chenjing", rule(w, "chenjing", "reversible", lang), lang), reply=0))
    say(w, where, time_in_hours(w, "chenjing", d, 0.05, 0.5), *turns, thread=where.startswith("slack"))


FRIDAY_ASK = {"zh": ["{svc} 有个小 hotfix，今天下午能发吗？", "{feature}的开关今天下午能打开吗？商户在等",
                     "今天下午能把 {svc} 的配置改动发一下吗？改动很小"],
              "en": ["small hotfix for {svc}, ok to ship this afternoon?", "can we flip the {feature_en} flag this afternoon?",
                     "tiny config change on {svc}, deploy today?"]}
FRIDAY_END = {"zh": ["周一 10 点。", "周一早上发，预发先跑着。", "周一。今天先把回归跑完。"],
              "en": ["monday 10:00.", "monday morning. run staging today.", "monday."]}


def friday_scene(w: World, d: date, lang: str) -> None:
    asker = w.pick(["zhangwei", "liuyang", "liqiang", "zhaomin"])
    s = slots(w)
    where = FS_RELEASE if lang == "zh" else SL_RELEASES
    turns = [T(asker, voice(w, asker, fmt(w.pick(FRIDAY_ASK[lang]), s), lang)),
             T("wangfang", rule(w, "wangfang", "friday", lang), reply=0, gap=1 + 4 * w.rng.random()),
             T("wangfang", w.pick(FRIDAY_END[lang]), reply=0),
             T(asker, voice(w, asker, ack(w, asker, lang), lang), reply=0)]
    say(w, where, at(d, 14, 20) + timedelta(minutes=90 * w.rng.random()), *turns, thread=lang == "en")


HOTFIX_ASK = {"zh": ["线上 {svc} 有个小 bug，我直接 hotfix 一下？", "{svc} 刚发的版本有个 NPE，我改一行马上发？",
                     "{svc} 报错变多了，我在线上加个日志看看？"],
              "en": ["small bug in {svc} prod, can I just hotfix it?", "{svc} throwing NPEs since the deploy, one-line fix, ship it?",
                     "errors up on {svc}, let me add some logging in prod to see?"]}
HOTFIX_END = {"zh": ["先回滚。修好走正常流程。", "回滚。明天再发。", "同意回滚。"],
              "en": ["roll back. fix it through the normal flow.", "rollback. ship the fix tomorrow.", "agree, roll back."]}


def hotfix_scene(w: World, where: str, lang: str, d: date) -> None:
    asker = w.pick(["zhangwei", "zhangwei", "zhaomin", "chenjing"])
    s = slots(w)
    turns = [T(asker, voice(w, asker, fmt(w.pick(HOTFIX_ASK[lang]), s), lang)),
             T("liqiang", voice(w, "liqiang", rule(w, "liqiang", "rollback", lang), lang), reply=0),
             T("wangfang", w.pick(HOTFIX_END[lang]), reply=0),
             T(asker, voice(w, asker, ack(w, asker, lang), lang), reply=0)]
    start = max(time_in_hours(w, asker, d), window(PEOPLE["liqiang"], d)[0] + timedelta(minutes=10))
    say(w, where, start, *turns, thread=where.startswith("slack"))


def sync_scene(w: World, d: date) -> None:
    turns = [T("liuyang", w.pick(SYNC_ASK).format(day=f"{d:%a} {d.month}/{d.day}"))]
    for who in w.rng.sample([k for k in KEYS if k != "liuyang"], w.rng.randrange(3, 6)):
        s = slots(w)
        s["version"] = version_for(d)
        a, b = w.rng.sample(TASKS_EN[who], 2)
        s["a"], s["b"] = fmt(a, s), fmt(b, s)
        turns.append(T(who, voice(w, who, fmt(w.pick(SYNC_REPLY[who]), s), "en"), reply=0))
    if w.chance(0.5):
        turns.append(T("liuyang", w.pick(["thanks all~", "thx! :pray:", "great, thanks everyone!", "thank you~ :sparkles:",
                                          "noted all, thx~", "ty all! ping me if blocked~"]), reply=0))
    say(w, SL_GENERAL, at(d, 9, 5) + timedelta(minutes=25 * w.rng.random()), *turns, thread=True)


# --------------------------------------------------------------------------------------
# Releases, on-call handover, alerts.

ROTATION = ["liqiang", "zhangwei", "wangfang", "chenjing", "zhaomin", "liqiang", "zhangwei", "wangfang"]
DB_CHANGES = ["无", "{table} 新增 {col} 索引（已审批，回滚脚本已验证）", "{table} 新增 {col} 字段（nullable，向后兼容）"]
DB_CHANGES_EN = ["none", "new index on {table}.{col} (approved, rollback tested)", "new nullable column {table}.{col}"]


def checklist(w: World, version: str, prev: str, lang: str) -> str:
    # Facts of one release are the same wherever they are quoted (chat, Slack, mail).
    own = World(random.Random(version))
    s = slots(own)
    n = s["n"]
    change = own.rng.randrange(len(DB_CHANGES))
    if version == "v2.14.0":
        s["table"], s["col"], change = "payment_order", "recon_flag", 2
    if lang == "zh":
        db = fmt(DB_CHANGES[change], s)
        return (f"【{version} 发布检查清单】\n1. 代码冻结，tag {version} 已打\n"
                f"2. 预发全量回归：{n} 条，通过 {n}，失败 0\n3. DB 变更：{db}\n"
                f"4. 灰度：5% → 30% → 100%，每档观察 15 分钟\n5. 观察指标：支付成功率、p99、5xx、回调失败数\n"
                f"6. 回滚方案：回退到 {prev}，预计 10 分钟\n7. 发布完成后通知 + 更新 changelog")
    db = fmt(DB_CHANGES_EN[change], s)
    return (f"Release checklist for payment-gateway {version}:\n1. Code freeze, tag {version} created\n"
            f"2. Full regression on staging: {n}/{n} passed\n3. DB changes: {db}\n"
            f"4. Canary 5% → 30% → 100%, 15 minutes at each step\n5. Watch success rate, p99, 5xx, callback failures\n"
            f"6. Rollback: back to {prev}, ~10 minutes\n7. Announce + update the changelog")


def release(w: World, d: date, version: str, prev: str) -> None:
    eve = d - timedelta(days=1)
    while not workday(eve):
        eve -= timedelta(days=1)
    say(w, FS_RELEASE, at(eve, 16, 10 + w.rng.randrange(30)),
        T("zhaomin", checklist(w, version, prev, "zh")),
        T("wangfang", rule(w, "wangfang", "staging", "zh"), reply=0),
        T("zhaomin", voice(w, "zhaomin", "回归已经全部跑完了，报告在测试 wiki，全绿👌", "zh"), reply=1),
        T("wangfang", w.pick(["OK，明早 10 点。", "可以。明天 10 点发。", "收到。按计划。"]), reply=0))
    deployer = w.pick(["zhangwei", "liqiang"])
    say(w, FS_RELEASE, at(d, 9, 50 + w.rng.randrange(8)),
        T(deployer, voice(w, deployer, w.pick(["{v} 开始灰度 5%", "开始发 {v}，先 5%", "{v} canary 5% start"]).format(v=version), "zh")),
        T("liqiang" if deployer != "liqiang" else "wangfang",
          voice(w, "liqiang", rule(w, "liqiang", "watch", "zh"), "zh") if deployer != "liqiang" else "盯着。", gap=3),
        T(deployer, voice(w, deployer, "30%，指标正常", "zh"), gap=16),
        T(deployer, voice(w, deployer, "100% 完成", "zh"), gap=17),
        T("zhaomin", voice(w, "zhaomin", f"线上验证通过✅ {version} 发布完成，changelog 已更新", "zh"), gap=12),
        T("wangfang", ack(w, "wangfang", "zh")))
    # Slack: the English checklist and the deploy bot.
    say(w, SL_RELEASES, at(eve, 16, 45 + w.rng.randrange(10)),
        T("zhaomin", checklist(w, version, prev, "en")),
        T("wangfang", w.pick(["ship it tomorrow 10:00.", "ok. tomorrow 10am.", "approved."])))
    who = PEOPLE[deployer].en
    say(w, SL_RELEASES, at(d, 9, 52),
        T("deploybot", f"Deploying payment-gateway {version} to production (canary 5%) — triggered by {who}"),
        T("deploybot", f"payment-gateway {version}: canary 30%, success rate 99.{w.rng.randrange(55, 80)}%", gap=16),
        T("deploybot", f"payment-gateway {version}: 100% rolled out :white_check_mark:", gap=17))


HANDOVER = {
    "liqiang": "值班交接 🙏\n1. 本周告警 {n2} 条，P1 {k} 条，都已处理\n2. 未关闭：{ticket}，{svc} 偶发超时，已加日志\n"
               "3. 进行中的变更：{table} 索引（@@chenjing）\n4. 需要关注：{topic} 的 lag 周一早上会涨，正常现象\n"
               "5. 值班手机和权限已交接给 @@{nxt}，有事随时喊我哈",
    "wangfang": "交接：\n1. 告警 {n2} 条，P1 {k}。\n2. 未关闭：{ticket}。\n3. 变更：无。\n4. 关注：{svc}。\n5. 交给 @@{nxt}。",
    "chenjing": "本周值班交接如下：\n1. 告警共 {n2} 条，其中 P1 {k} 条，均已处理；\n2. 未关闭问题：{ticket}（{svc} 慢查询）；\n"
                "3. 进行中变更：{table} 归档任务；\n4. 需关注：周一凌晨的结算任务；\n5. 值班交接给 @@{nxt}。",
    "zhangwei": "on-call handover:\n1. alerts {n2} 条，P1 {k} 条，all handled\n2. open: {ticket}，{svc} 的 flaky timeout\n"
                "3. ongoing change: none\n4. watch out: {topic} lag on Monday morning\n5. handover to @@{nxt}，手机已转",
    "zhaomin": "值班交接：\n1. 本周告警 {n2} 条，P1 {k} 条，已全部处理\n2. 未关闭：{ticket}\n3. 进行中变更：无\n"
               "4. 需要关注：{svc} 的{metric}\n5. 交接给 @@{nxt}，辛苦了！",
}


def handover(w: World, week: int) -> None:
    d = START + timedelta(days=7 * week)
    while not workday(d):
        d += timedelta(days=1)
    out, nxt = ROTATION[week], ROTATION[week + 1]
    s = slots(w)
    s["n2"], s["nxt"] = str(w.rng.randrange(6, 30)), nxt
    t = max(at(d, 10, 30), window(PEOPLE[out], d)[0]) + timedelta(minutes=w.rng.randrange(20))
    say(w, FS_RELEASE, t, T(out, fmt(HANDOVER[out], s)),
        T(nxt, voice(w, nxt, ack(w, nxt, "zh"), "zh"), reply=0))


ALERTS = [("HighErrorRate", "5xx ratio above 1% for 5m"), ("PodCrashLooping", "pod restarted 5 times in 10m"),
          ("KafkaConsumerLag", "consumer lag above 50k"), ("SlowQueries", "slow queries above 30/min"),
          ("CallbackFailures", "callback failure rate above 2%")]
ALERT_REPLY = {
    "liqiang": ["looking :eyes:", "on it", "checking now!!"],
    "zhangwei": ["looking", "checking 一下"],
    "wangfang": ["looking.", "mine."],
    "chenjing": ["Looking into it.", "Checking the DB side."],
    "zhaomin": ["Looking, will escalate if needed."],
}
ALERT_CAUSE = {
    "liqiang": ["one node had a noisy neighbour, cordoned it, back to normal :white_check_mark:",
                "false alarm-ish, batch job spike, raising the threshold a bit. runbook updated!!",
                "a channel was slow for ~3 min, recovered by itself. adding a note to the runbook"],
    "zhangwei": ["settlement batch 慢了一点, recovered", "一个 consumer 卡住了, restarted, ok now"],
    "wangfang": ["channel blip. recovered.", "batch spike. fine."],
    "chenjing": ["A long-running report query on the replica; killed it. Will follow up with the owner."],
    "zhaomin": ["Staging traffic leaked into the alert filter, fixed the label. Sorry for the noise!"],
}


def minor_alert(w: World, d: date, week: int) -> None:
    name, desc = w.pick(ALERTS)
    svc = w.pick(SERVICES)
    who = ROTATION[week]
    start = time_in_hours(w, who, d, 0.1, 0.8)
    say(w, SL_INCIDENTS, start,
        T("alertmanager", f"[FIRING:1] {name} {svc} (severity=warning) {desc}"),
        T(who, voice(w, who, w.pick(ALERT_REPLY[who]), "en"), reply=0),
        T(who, voice(w, who, w.pick(ALERT_CAUSE[who]), "en"), reply=0),
        T("alertmanager", f"[RESOLVED] {name} {svc}", gap=4 + 10 * w.rng.random()),
        thread=True)


# --------------------------------------------------------------------------------------
# The story: decisions, a disagreement, the 0326 incident and its aftermath.


def story(w: World) -> None:
    d = START
    say(w, SL_GENERAL, at(d, 9, 40),
        T("wangfang", "welcome to the new workspace. english here (for the partner teams), feishu for daily chat."),
        T("liqiang", "finally!! :tada: :tada:"), T("zhangwei", "nice，终于有 threads 了"),
        T("liuyang", "yay~ hi everyone!"), T("chenjing", "Hello all."), T("zhaomin", "Hi team 👋"))

    # Kafka vs RabbitMQ: proposal, pushback, decision with reasons.
    d = KAFKA_DAY
    say(w, SL_GENERAL, at(d, 14, 5),
        T("liqiang", "proposal for settlement events: Kafka, not RabbitMQ. we already run a Kafka cluster for logs, "
                     "we need replay for reconciliation, and per-merchant ordering comes for free with partition keys. "
                     "RFC in your mailbox :pray: <@@wangfang> <@@chenjing> <@@zhangwei>"),
        T("zhangwei", "hmm RabbitMQ 更轻量 and the team knows it better, delayed retry 也是现成的. "
                      "Kafka 的 consumer rebalance 我们踩过坑", reply=0),
        T("liqiang", "fair, but delayed retry = a retry topic + a scheduler, I can write it. "
                     "replay is the killer feature, reconciliation needs to re-read a whole day :joy:", reply=0),
        T("chenjing", "From the data side, replay by offset would let me rebuild a day of ledger entries without "
                      "touching the payment DB. I support Kafka. " + CHEN_SIGNOFF_EN, reply=0),
        T("zhangwei", "ok make sense, replay 这个点我 buy", reply=0),
        T("wangfang", "decision: Kafka. replay for reconciliation, per-merchant ordering, one cluster to run. "
                      "li qiang owns the retry topic.", reply=0),
        thread=True)
    say(w, FS_MAIN, at(d, 15, 2),
        T("wangfang", "结论同步一下：结算事件我们选 Kafka 而不是 RabbitMQ，因为：1. 对账需要按 offset 重放；"
                      "2. 按商户分区保证顺序；3. 已有 Kafka 集群，不用再养一套。延迟重试用 retry topic + 定时任务替代，@@liqiang 负责。"),
        T("liqiang", voice(w, "liqiang", "收到！retry topic 这周出方案", "zh"), reply=0),
        T("zhangwei", "ok，那 refund-service 这边我下周切过去", reply=0))

    # 0321: the reconciliation query that later takes the gateway down.
    d = date(2024, 3, 21)
    say(w, SL_REVIEW, at(d, 15, 12),
        T("zhangwei", f"<https://git.{DOMAIN}/pay/payment-gateway/pull/1588|#1588> daily reconciliation query for "
                      "refund reconciliation, <@@chenjing> <@@liqiang> PTAL, 有点 urgent"),
        T("chenjing", "`payment_order` is filtered by `merchant_id, channel_code, created_at` and there is no index "
                      "covering it. At evening volume this will scan the table. Please add the composite index "
                      "before merging and paste the EXPLAIN. " + CHEN_SIGNOFF_EN, reply=0),
        T("zhangwei", "ok will do in a follow-up, merge this first? 对账 deadline 比较紧", reply=0),
        T("liqiang", "code looks fine to me, approved :thumbsup: (index part is chen jing's call)", reply=0),
        T("zhangwei", "merged, index PR 下周一", reply=0),
        thread=True)

    incident(w)

    # 0329 Friday afternoon: disagreement over releasing, and how it ends.
    d = FRIDAY_DEBATE_DAY
    say(w, FS_RELEASE, at(d, 14, 18),
        T("zhangwei", "v2.14.1 ready 了（索引已加 + 退款对账 fix），今天下午发一下？商户周一要用"),
        T("liuyang", "对对，商户那边说周一早上要开始对账，能今天发最好了～", gap=3),
        T("wangfang", rule(w, "wangfang", "friday", "zh"), gap=2),
        T("zhangwei", "but 这次改动很小，回归也跑过了，risk 不大", gap=6),
        T("liqiang", voice(w, "liqiang", "周末我可不想再来一次 0326 了，而且周末值班只有我一个人", "zh"), gap=4),
        T("wangfang", "改动小也不发。周一 10 点发，开灰度开关，先放 5 家商户。", gap=2),
        T("liuyang", "那商户周一早上 9 点对账会受影响吗？", gap=3),
        T("wangfang", "对账 11 点前跑完就行。@@liuyang 你跟商户确认一下，能接受就这么定。", gap=2),
        T("liuyang", "我问一下商户～", gap=1),
        T("liuyang", "商户说 11 点前可以！那就周一 10 点", gap=38),
        T("zhangwei", "ok，周一 10 点，我今天先把预发再跑一遍", gap=5),
        T("zhaomin", voice(w, "zhaomin", "好的，周一 9 点我再跑一遍冒烟，测试报告发群里", "zh"), gap=4))
    say(w, SL_RELEASES, at(d, 15, 20),
        T("wangfang", "v2.14.1 moves to monday 10:00. " + rule(w, "wangfang", "friday", "en")),
        T("zhangwei", "ok 收到 :ok_hand:"), T("liuyang", "merchant confirmed monday works~"))

    # Idempotency keys: Redis or MySQL.
    d = IDEMPOTENCY_DAY
    say(w, FS_MAIN, at(d, 15, 40),
        T("liqiang", voice(w, "liqiang", "幂等 key 我建议全放 Redis，SETNX 一把梭，性能好，过期自动清理", "zh")),
        T("chenjing", voice(w, "chenjing", "不同意。Redis 主从切换会丢数据，幂等是资金安全问题，必须以 MySQL 唯一索引为准。", "zh"), gap=7),
        T("liqiang", voice(w, "liqiang", "但是每笔请求都打一次 DB，高峰期 {svc} 扛不住啊".format(svc="payment_order"), "zh"), gap=4),
        T("chenjing", voice(w, "chenjing", "可以先查 Redis，未命中再走 MySQL 的唯一索引兜底，写入以数据库为准。", "zh"), gap=9),
        T("zhangwei", "这个 make sense，Redis 做 cache，DB 做 source of truth", gap=12),
        T("wangfang", "就这么定：MySQL 唯一索引是准，Redis 只做前置过滤。@@chenjing 出索引方案，@@liqiang 出 Redis 容量评估。", gap=3),
        T("liqiang", voice(w, "liqiang", "好吧被说服了 容量评估周四给", "zh"), gap=5),
        T("chenjing", voice(w, "chenjing", "好的，索引方案明天给出。", "zh"), gap=10))

    # 0411: a fake key pasted into the group, and the reaction.
    d = date(2024, 4, 11)
    say(w, FS_MAIN, at(d, 16, 22),
        T("zhangwei", "压测脚本连不上对象存储，这个 config 对吗？\nregion = cn-north-1\n" + FAKE_CREDENTIAL
          + "\nbucket = pay-loadtest"),
        T("wangfang", "别在群里贴 key。马上撤回，轮换。", gap=1.5),
        T("chenjing", voice(w, "chenjing", "凭证请走密钥管理平台，不要明文出现在聊天和代码里。", "zh"), gap=4),
        T("zhangwei", "my bad，这是压测环境的 test key，已经 rotate 了", gap=3),
        T("liqiang", voice(w, "liqiang", "我去扫一下 git 历史，看看有没有别的地方也提交过", "zh"), gap=6))


def incident(w: World) -> None:
    """0326: v2.14.0's reconciliation query scans payment_order at peak and the gateway times out."""
    d = INCIDENT_DAY
    war = FS_WAR
    say(w, SL_INCIDENTS, at(d, 21, 41, 12),
        T("alertmanager", "[FIRING:2] PaymentSuccessRateLow payment-gateway (severity=critical) success rate 91.2% < 99%"),
        T("liqiang", "looking :eyes: success rate dropping, p99 3.2s on payment-gateway", reply=0, gap=1.5),
        T("liqiang", "db connection pool exhausted on payment-gateway, paging <@@wangfang> <@@chenjing>", reply=0, gap=4),
        T("chenjing", "On it. Slow query log shows full scans on payment_order.", reply=0, gap=12),
        T("wangfang", "rolling back to v2.13.0. zhang wei executes.", reply=0, gap=5),
        T("zhangwei", "rollback started", reply=0, gap=3),
        T("zhangwei", "rollback done, all pods ready", reply=0, gap=9),
        T("liqiang", "success rate back to 99.2% and climbing :chart_with_upwards_trend:", reply=0, gap=4),
        T("alertmanager", "[RESOLVED] PaymentSuccessRateLow payment-gateway", gap=15),
        T("liqiang", "resolved :white_check_mark: timeline + postmortem tomorrow, details in the feishu war room", reply=0, gap=2),
        urgent=True, thread=True)
    say(w, war, at(d, 21, 49, 30),
        T("liqiang", "拉个应急群 支付成功率掉到 91%，p99 3.2s，网关数据库连接池打满了，主要是微信渠道回调超时 😱"),
        T("liqiang", f"我今晚值班，电话 {FAKE_PHONE}，飞书加急也行", gap=0.5),
        T("wangfang", "收到。影响面？", gap=2.5),
        T("liqiang", "所有渠道都受影响，微信最严重，估计每分钟失败 300 多笔 🙏", gap=1.5),
        T("wangfang", "今天上午发的 v2.14.0？", gap=0.8),
        T("chenjing", "慢查询日志里 payment_order 按 merchant_id、channel_code、created_at 的查询在全表扫描，单条 2.8 秒，"
                      "是 v2.14.0 新增的对账查询。就是 #1588 那条。", gap=6),
        T("liqiang", voice(w, "liqiang", rule(w, "liqiang", "rollback", "zh"), "zh"), gap=0.7),
        T("wangfang", "回滚到 v2.13.0。@@zhangwei 执行。索引今晚不加。", gap=1),
        T("zhangwei", "收到 rolling back now。migration 只是加了一个 nullable 列，向后兼容，schema 不用回退", gap=2),
        T("chenjing", "确认：新增列可为空，旧版本不受影响，schema 不回滚。", gap=1.5),
        T("zhangwei", "rollback done，pods 全部 ready", gap=9),
        T("liqiang", "成功率回升到 99.2% 📈 继续观察", gap=3),
        T("liqiang", "恢复到 99.6%，告警已 resolved ✅", gap=16),
        T("wangfang", "明天 10 点复盘。@@chenjing 索引变更明天走流程，低峰期执行。@@liqiang 故障通报发一下邮件。", gap=2),
        T("chenjing", "好的。", gap=3),
        T("liuyang", "刚看到！！商户那边有反馈吗？明早我让客服统计一下", gap=8),
        T("zhaomin", "我明天把大数据量的对账场景加进预发回归，今天这个我们的用例没覆盖到，抱歉", gap=5),
        urgent=True)
    d2 = d + timedelta(days=1)
    say(w, war, at(d2, 9, 12),
        T("liuyang", "客服统计：37 家商户反馈支付失败，已经逐一回复，需要技术给个统一口径～"),
        T("wangfang", "口径：21:40–22:20 支付网关数据库慢查询导致部分支付超时，已回滚恢复，未扣款订单不受影响，重复扣款为 0。", gap=3),
        T("liuyang", "好的，我按这个发给客服～", gap=2),
        T("wangfang", f"复盘 10 点，{ROOMS[0]}。", gap=1))
    say(w, war, at(d2, 11, 20),
        T("wangfang", "复盘结论，action items：\n1. @@chenjing 给 payment_order 加 (merchant_id, channel_code, created_at) 组合索引，"
                      "online DDL，周四完成\n2. @@zhangwei DBA 的 review 意见必须 resolve 才能合并，补上 #1588 的 EXPLAIN\n"
                      "3. @@zhaomin 预发回归加大数据量对账场景\n4. @@liqiang 加慢查询告警和 runbook\n"
                      "5. @@liuyang 整理商户沟通模板\n邮件稍后发。"),
        T("chenjing", voice(w, "chenjing", "收到，索引方案今天下午提交评审，回滚语句一并附上。", "zh"), reply=0),
        T("zhangwei", "收到，#1588 是我的锅，DBA 的意见当时应该先处理。以后 review comment 没 resolve 不 merge", reply=0),
        T("liqiang", voice(w, "liqiang", "慢查询告警今天上，runbook 一起写", "zh"), reply=0),
        T("zhaomin", voice(w, "zhaomin", "收到，周五前把场景加上", "zh"), reply=0),
        T("liuyang", "收到～模板今天发", reply=0))
    d3 = d + timedelta(days=2)
    say(w, FS_MAIN, at(d3, 14, 35),
        T("chenjing", "payment_order 组合索引已在生产执行完成，online DDL 耗时 23 分钟，无锁表。EXPLAIN 已确认走索引，"
                      "对账查询单条 12ms。回滚语句已归档到变更单。" + CHEN_SIGNOFF_ZH),
        T("wangfang", "好。", gap=2), T("zhangwei", "👍 nice，谢谢静姐", gap=20),
        T("liqiang", voice(w, "liqiang", "慢查询告警也上线了，阈值 30 条/分钟，runbook 链接在告警里", "zh"), gap=35))


# --------------------------------------------------------------------------------------
# Mail.

SIGS = {
    "wangfang": "王芳\n支付平台部 技术负责人\n星河云科技",
    "liqiang": "李强 | SRE\n星河云科技 基础架构组\n值班有事飞书加急 🚨",
    "chenjing": "陈静\nDBA · 数据平台组\n星河云科技",
    "zhangwei": "Zhang Wei 张伟\nBackend Engineer, Payments\n星河云科技",
    "liuyang": "刘洋 | 产品经理\n星河云科技 · 支付产品组",
    "zhaomin": "赵敏 | 质量保障\n星河云科技",
}
MAILERS = {"wangfang": "Thunderbird 115.8", "liqiang": "Apple Mail (2.3774)", "chenjing": "Lark Mail",
           "zhangwei": "Thunderbird 115.8", "liuyang": "Foxmail 7.2.25", "zhaomin": "Lark Mail"}
# Clients that write a Chinese attribution line instead of "On … wrote:".
ZH_ATTRIBUTION = {"chenjing", "liuyang", "zhaomin"}


def addr(key: str) -> tuple[str, str]:
    return PEOPLE[key].zh, PEOPLE[key].email


TEAM = ("支付研发组", TEAM_LIST)


def mail(w: World, who: str, to: list[tuple[str, str]], when: datetime, subject: str, body: str,
         lang: str = "zh", cc: list[tuple[str, str]] | None = None, parent: Mail | None = None) -> Mail:
    m = Mail(who, to, cc or [], when, subject, body, lang, parent)
    m.msgid = f"<{when:%Y%m%d%H%M%S}.{w.rng.getrandbits(40):010x}.{PEOPLE[who].handle}@{DOMAIN}>"
    m.charset = "gb18030" if who == "liuyang" else "utf-8"
    w.mails.append(m)
    return m


def reply(w: World, parent: Mail, who: str, when: datetime, body: str, lang: str | None = None,
          to: list[tuple[str, str]] | None = None, cc: list[tuple[str, str]] | None = None) -> Mail:
    subject = parent.subject if parent.subject.lower().startswith(("re:", "回复")) else "Re: " + parent.subject
    others = [a for a in [addr(parent.who), *parent.to] if a[1] != PEOPLE[who].email]
    return mail(w, who, to or others[:1] or [addr(parent.who)], when, subject, body, lang or parent.lang,
                cc=cc if cc is not None else [a for a in [*others[1:], *parent.cc] if a[1] != PEOPLE[who].email],
                parent=parent)


def mail_text(m: Mail) -> str:
    """Body as sent: own words, signature, then the quoted parent."""
    text = m.body.rstrip("\n") + "\n\n-- \n" + SIGS[m.who] + "\n"
    if m.parent is not None:
        p = m.parent
        if m.who in ZH_ATTRIBUTION:
            line = f"在 {p.when.year}年{p.when.month}月{p.when.day}日 {p.when:%H:%M}，{PEOPLE[p.who].zh} <{PEOPLE[p.who].email}> 写道："
        else:
            hour = p.when.hour % 12 or 12
            line = (f"On {p.when:%a, %b} {p.when.day}, {p.when.year} at {hour}:{p.when:%M} "
                    f"{'AM' if p.when.hour < 12 else 'PM'} {PEOPLE[p.who].zh} <{PEOPLE[p.who].email}> wrote:")
        quoted = (p.body.rstrip("\n") + "\n\n-- \n" + SIGS[p.who]).split("\n")
        text += "\n" + line + "\n" + "\n".join(("> " + q) if q else ">" for q in quoted) + "\n"
    return text


WEEKLY = {
    "wangfang": "孙总：\n\n本周：\n- {a}\n- {b}\n- {c}\n\n下周：\n- {d}\n\n风险：{risk}\n",
    "liqiang": "各位好～ 本周周报如下 😂\n\n【本周完成】\n1. {a}\n2. {b}\n3. {c}\n\n【下周计划】\n1. {d}\n\n【碎碎念】\n{grumble}\n",
    "chenjing": "王芳，你好：\n\n【本周进展】\n1. {a}\n2. {b}\n\n【下周计划】\n1. {c}\n2. {d}\n\n【需要协助】\n{help}\n\n以上，谢谢。\n",
    "zhangwei": "Hi 芳姐，\n\nThis week:\n- {a}\n- {b}\n\nNext week:\n- {c}\n- {d}\n\nBlockers: {blocker}\n\nThanks!\n",
    "liuyang": "Hi all～ 本周产品侧进展同步一下：\n\n1. {a}\n2. {b}\n3. {c}\n\n下周重点：{d}\n\n麻烦大家关注一下优先级，辛苦啦！\n",
    "zhaomin": "王芳你好，本周测试情况如下：\n\n1. 执行用例 {n} 条，通过 {passed} 条\n2. 新发现缺陷 {k} 个（P1 {p1} 个）\n3. {a}\n4. {b}\n\n下周计划：\n1. {c}\n\n辛苦大家！\n",
}
RISKS = ["无。", "{svc} 容量需要评估，已安排。", "{feature}排期偏紧，在盯。", "人手偏紧，{feature}可能延后一周。"]
GRUMBLES = ["这周半夜被叫起来 {k} 次，其中 {k2} 次是误报，阈值我已经调了，大家加告警的时候记得写 runbook 啊 🙏",
            "k8s 节点升级终于搞完了，感谢大家配合 🚀", "{topic} 的 lag 告警太吵了，下周重新梳理一下阈值",
            "值班手册更新了，新增了 {svc} 的排查步骤，欢迎补充 💪"]
HELPS = ["无。", "{feature}涉及 {table} 的表结构变更，请相关同学尽早提交变更单。", "请各位新增查询时附上 EXPLAIN 结果。"]
BLOCKERS = ["none", "等 @陈静 的 schema review", "{svc} 的 staging env 不稳定，跟 @赵敏 在看", "PRD 还有两个 corner case 没定"]
WANG_COMMENTS = ["收到。", "收到。{feature}下周要有结论。", "风险项周一站会过一下。", "好。", "收到，{svc} 的事周会说。",
                 "测试报告链接发我。", "OK。下周重点放在{feature}。"]


def weekly_reports(w: World) -> None:
    for week in range(WEEKS):
        friday = START + timedelta(days=7 * week + 4)
        while not workday(friday):
            friday -= timedelta(days=1)
        monday = START + timedelta(days=7 * week)
        span = f"{monday:%Y-%m-%d} ~ {friday:%Y-%m-%d}"
        sent: dict[str, Mail] = {}
        for who in KEYS:
            s = slots(w)
            s["version"] = version_for(friday)
            a, b, c, d4 = w.rng.sample(TASKS[who], 4)
            s.update(a=fmt(a, s), b=fmt(b, s), c=fmt(c, s), d=fmt(d4, s))
            if week == 3:  # the incident week
                s["a"] = {"wangfang": "0326 支付网关超时故障处理及复盘", "liqiang": "0326 故障应急 + 慢查询告警上线",
                          "chenjing": "payment_order 组合索引上线（0326 故障 action item）",
                          "zhangwei": "0326 incident rollback + #1588 EXPLAIN 补充", "liuyang": "0326 故障商户沟通（37 家）",
                          "zhaomin": "预发回归新增大数据量对账场景"}[who]
            s["k2"] = str(w.rng.randrange(1, 3))
            s["risk"] = fmt(w.pick(RISKS), s)
            s["grumble"] = fmt(w.pick(GRUMBLES), s)
            s["help"] = fmt(w.pick(HELPS), s)
            s["blocker"] = fmt(w.pick(BLOCKERS), s)
            s["passed"] = str(int(s["n"]) - w.rng.randrange(0, 6))
            s["p1"] = str(w.rng.randrange(0, 3))
            lo, hi = window(PEOPLE[who], friday)
            when = min(hi - timedelta(minutes=20), at(friday, 17, 0)) + timedelta(minutes=w.rng.randrange(60))
            if who == "liqiang":
                when = at(friday, 23, 5) + timedelta(minutes=w.rng.randrange(80))
            subject = (f"[周报] Zhang Wei {span}" if who == "zhangwei" else f"【周报】{PEOPLE[who].zh} {span}")
            to = [DIRECTOR] if who == "wangfang" else [addr("wangfang")]
            sent[who] = mail(w, who, to, when, subject, fmt(WEEKLY[who], s), "zh", cc=[TEAM])
        # The lead answers a few reports, briefly, the next morning.
        for who in w.rng.sample(w.others("wangfang"), 3):
            s = slots(w)
            nxt = sent[who].when + timedelta(days=1)
            when = at(nxt.date(), 7, 5) + timedelta(minutes=w.rng.randrange(70))
            reply(w, sent[who], "wangfang", when, fmt(w.pick(WANG_COMMENTS), s))


def story_mails(w: World) -> None:
    # Kafka RFC (English).
    d = KAFKA_DAY
    rfc = mail(w, "liqiang", [TEAM], at(d, 10, 32), "[RFC] Settlement events: Kafka vs RabbitMQ",
               "Hi all!\n\nWe need a queue for settlement events (ledger-service -> settlement-job -> notify-service). "
               "Two options:\n\n1. Kafka (we already run a 3-broker cluster for logs)\n2. RabbitMQ (new cluster)\n\n"
               "My recommendation is Kafka, because:\n- reconciliation needs to replay a whole day of events by offset\n"
               "- partition by merchant_id gives per-merchant ordering for free\n"
               "- one less cluster to operate and be on call for :)\n\n"
               "What RabbitMQ does better: delayed retries out of the box. I'd replace that with a retry topic plus "
               "a small scheduler (I can own it).\n\nComments by Wednesday please 🙏\n", "en",
               cc=[addr("wangfang")])
    r1 = reply(w, rfc, "zhangwei", at(d, 13, 48),
               "RabbitMQ 我们更熟, and the delayed queue is really convenient for refund retries.\n"
               "Kafka consumer rebalance 上次 caused a 10 min stall, that's my main concern.\nBut replay is a strong point.\n")
    r2 = reply(w, r1, "chenjing", at(d, 14, 20),
               "Hi all,\n\nReplay by offset lets me rebuild ledger entries for a day without reading the payment DB, "
               "which is what reconciliation needs. I support Kafka.\n\nOn rebalancing: please use static membership "
               "for the settlement consumers.\n\nThat's all, thanks.\n", to=[addr("liqiang")],
               cc=[addr("zhangwei"), TEAM])
    reply(w, r2, "wangfang", at(d, 15, 6),
          "Decision: Kafka.\nReasons: replay for reconciliation, per-merchant ordering, one cluster to run.\n"
          "Li Qiang owns the retry topic. Zhang Wei moves refund-service next sprint.\n",
          to=[TEAM], cc=[])

    # Chasing by mail, and the slow answers.
    d = date(2024, 3, 14)
    c1 = mail(w, "liuyang", [addr("zhangwei")], at(d, 10, 12), "退款对账功能进度确认",
              "张伟你好～\n\n商户那边在问退款对账功能的上线时间，麻烦同步一下目前进度和预计提测时间？\n"
              "如果有风险也请提前告诉我，我好跟商户沟通。\n\n谢谢！\n", cc=[addr("wangfang")])
    c2 = reply(w, c1, "zhangwei", at(d, 18, 40),
               "Hi 刘洋，\n\n快了快了，主流程 done，还差对账差异的 export 和 unit test。\nETA 下周二提测，有 risk 我第一时间说。\n")
    c3 = reply(w, c2, "liuyang", at(d + timedelta(days=5), 9, 20),
               "张伟你好～\n\n今天是周二啦，对账功能今天能提测吗？测试那边在等～\n")
    reply(w, c3, "zhangwei", at(d + timedelta(days=5), 15, 55),
          "Hi 刘洋，\n\nsorry 晚了，今天下午刚提测，已经 @赵敏 了。\n对账查询那个 PR (#1588) 还在 review，周四合。\n")
    d = date(2024, 4, 16)
    c5 = mail(w, "liuyang", [addr("zhangwei"), addr("chenjing")], at(d, 9, 35), "多币种支持 排期确认",
              "两位好～\n\n多币种支持下周要开始开发了，想确认一下：\n1. 表结构改动大概需要多久？\n2. 开发排期大概几天？\n"
              "麻烦周三前回复一下，谢谢！\n")
    c6 = reply(w, c5, "chenjing", at(d, 14, 10),
               "刘洋，你好：\n\n表结构改动评估如下：\n1. payment_order、refund_record 各新增 currency 字段，需 online DDL，预计各 30 分钟；\n"
               "2. 变更脚本和回滚脚本周四前提交评审；\n3. 建议在周二晚低峰期执行。\n\n以上，谢谢。\n",
               to=[addr("liuyang")], cc=[addr("zhangwei")])
    reply(w, c6, "zhangwei", at(d + timedelta(days=1), 16, 30),
          "Hi all，\n\ncoding 大概 5 个工作日，depends on 汇率接口的 spec。\n"
          "@刘洋 汇率用哪家的源还没定，this is the main blocker。\n", to=[addr("liuyang")], cc=[addr("chenjing")])

    # DB change reviews: every change ships with its rollback.
    d = date(2024, 3, 27)
    m1 = mail(w, "chenjing", [addr("wangfang")], at(d, 16, 5),
              "【DB 变更评审】payment_order 新增组合索引 idx_merchant_channel_created",
              "王芳，你好：\n\n变更说明：0326 故障 action item 1，为对账查询新增组合索引。\n\n正向 SQL：\n"
              "ALTER TABLE payment_order ADD INDEX idx_merchant_channel_created (merchant_id, channel_code, created_at);\n\n"
              "回滚 SQL：\nALTER TABLE payment_order DROP INDEX idx_merchant_channel_created;\n\n"
              "执行方式：online DDL，预发实测 19 分钟，无锁表。\n执行时间：3 月 28 日 14:00（业务低峰）。\n"
              "EXPLAIN：type=range，key=idx_merchant_channel_created，rows≈1200。\n\n请审批。\n\n以上，谢谢。\n",
              cc=[addr("zhangwei"), TEAM])
    reply(w, m1, "wangfang", at(d, 16, 11), "同意。执行完在群里说一声。\n")
    d = date(2024, 4, 10)
    m2 = mail(w, "chenjing", [addr("wangfang")], at(d, 11, 0),
              "【DB 变更评审】refund_record 新增幂等唯一索引 uk_idem_key",
              "王芳，你好：\n\n变更说明：按 4 月 9 日讨论结论，幂等以 MySQL 唯一索引为准，Redis 仅做前置过滤。\n\n"
              "正向 SQL：\nALTER TABLE refund_record ADD COLUMN idem_key VARCHAR(64) NULL, ADD UNIQUE INDEX uk_idem_key (idem_key);\n\n"
              "回滚 SQL：\nALTER TABLE refund_record DROP INDEX uk_idem_key, DROP COLUMN idem_key;\n\n"
              "说明：字段可为空，存量数据不受影响；回滚脚本已在预发验证。\n\n请审批。\n\n以上，谢谢。\n",
              cc=[addr("liqiang"), addr("zhangwei")])
    m3 = reply(w, m2, "liqiang", at(d, 15, 40),
               "👍 Redis 容量评估也出了：峰期幂等 key 大约 120 万个，TTL 24h，占用不到 300MB，现有集群够用 🚀\n"
               "回头在 runbook 里加一条：Redis 挂了降级直接走 DB 唯一索引。\n", to=[addr("chenjing")],
               cc=[addr("wangfang"), addr("zhangwei")])
    reply(w, m3, "wangfang", at(d, 16, 2), "同意变更。降级方案写进 runbook。\n", to=[addr("chenjing")],
          cc=[addr("liqiang"), addr("zhangwei")])

    # Release notices, approved by the lead.
    for week in range(WEEKS):
        d = START + timedelta(days=7 * week + (0 if week == 4 else 1))
        version = VERSIONS[week]
        prev = VERSIONS[week - 1] if week else "v2.10.3"
        eve = d - timedelta(days=1 if week != 4 else 3)
        n = mail(w, "zhaomin", [addr("wangfang")], at(eve, 17, 20 + w.rng.randrange(25)),
                 f"【发布通知】payment-gateway {version} 计划 {d.month} 月 {d.day} 日 10:00 上线",
                 f"王芳你好，\n\n{version} 预发验证已完成，计划 {d.month} 月 {d.day} 日 10:00 上线，请审批。\n\n"
                 + checklist(w, version, prev, "zh") + "\n\n测试报告见测试 wiki，未关闭缺陷 0 个。\n\n辛苦大家！\n",
                 cc=[TEAM])
        body = w.pick(["同意。\n", "同意发布。\n", "同意。灰度每档盯 15 分钟。\n",
                       "同意。" + rule(w, "wangfang", "staging", "zh") + "报告我看过了。\n"])
        reply(w, n, "wangfang", at(eve, 17, 50) + timedelta(minutes=w.rng.randrange(30)), body)


def incident_mails(w: World) -> None:
    d = INCIDENT_DAY
    n1 = mail(w, "liqiang", [TEAM], at(d, 21, 56), "【P0 故障通报】支付网关超时，支付成功率下降至 91%",
              "各位：\n\n21:40 起支付网关（payment-gateway）大量超时，支付成功率从 99.6% 下降到 91.2%，p99 3.2 秒。\n"
              "初步判断：数据库连接池打满，疑似 v2.14.0 新增的对账查询导致慢查询。\n"
              "当前处理：已拉应急群，王芳、陈静、张伟在线，准备回滚到 v2.13.0。\n\n"
              "后续进展会在本邮件更新 🙏\n", cc=[DIRECTOR])
    reply(w, n1, "liqiang", at(d, 22, 41),
               "更新：\n\n22:12 回滚到 v2.13.0 完成，22:31 支付成功率恢复到 99.6%，告警已恢复。\n"
               "影响时间约 50 分钟，所有渠道受影响，微信渠道最严重。\n明天 10:00 复盘，复盘报告由王芳发出。\n\n"
               "辛苦今晚在线的各位 🙏🙏\n", to=[TEAM], cc=[DIRECTOR])
    d2 = d + timedelta(days=1)
    pm = mail(w, "wangfang", [TEAM], at(d2, 15, 32), "【复盘】0326 支付网关超时故障复盘",
              "各位：\n\n一、时间线（3 月 26 日）\n10:00 v2.14.0 上线，包含 #1588 对账查询\n"
              "21:40 晚高峰，对账查询全表扫描 payment_order，数据库连接池打满\n21:41 告警：支付成功率低于 99%\n"
              "21:49 李强拉应急群\n21:58 陈静定位到慢查询\n22:01 决定回滚到 v2.13.0\n22:12 回滚完成\n"
              "22:31 恢复，告警解除\n\n二、影响\n约 50 分钟，支付成功率最低 91.2%，37 家商户反馈，无资金损失，无重复扣款。\n\n"
              "三、根因\n#1588 新增查询按 merchant_id、channel_code、created_at 过滤，无对应索引。"
              "DBA 在 review 中已指出，但未处理就合并了。预发数据量小，回归没有暴露。\n\n"
              "四、Action items\n1. 陈静：payment_order 组合索引，online DDL，3/28 前\n"
              "2. 张伟：DBA review 意见未 resolve 不允许合并；补 #1588 的 EXPLAIN\n"
              "3. 赵敏：预发回归增加大数据量对账场景，3/29 前\n4. 李强：慢查询告警 + runbook，3/28 前\n"
              "5. 刘洋：商户故障沟通模板\n\n五、规则重申\n上线前必须先在预发环境跑一遍回归；数据库变更必须可回滚；"
              "没有第二个 reviewer 不合并。\n", cc=[DIRECTOR])
    r1 = reply(w, pm, "chenjing", at(d2, 16, 40),
               "王芳，你好：\n\n收到。索引变更单已提交评审（另见邮件），回滚语句一并附上，计划 3 月 28 日 14:00 执行。\n"
               "另外建议：以后涉及大表的新增查询，PR 合并前需要 DBA approve。\n\n以上，谢谢。\n", to=[TEAM])
    reply(w, r1, "zhangwei", at(d2, 20, 15),
          "收到。#1588 是我的锅，DBA comment 当时应该先 resolve 再 merge。\n"
          "EXPLAIN 已经补在 PR 里了。+1 静姐的建议，大表查询 DBA approve 才能 merge。\n", to=[TEAM])
    reply(w, pm, "liqiang", at(d2, 23, 48),
          "收到！慢查询告警的 PR 已经提了，阈值 30 条/分钟，runbook 也写好了，明天上线 🚀\n"
          "顺便说一句：这次回滚 11 分钟，比演练时快，大家手速可以的 😂\n", to=[TEAM])
    reply(w, pm, "zhaomin", at(d2 + timedelta(days=1), 10, 5),
          "王芳你好，\n\n收到。大数据量对账场景的方案：\n1. 预发造 500 万条 payment_order 数据\n2. 对账查询加到全量回归\n"
          "3. 单条查询超过 200ms 判定失败\n周五前完成。\n\n辛苦大家！\n", to=[TEAM])
    reply(w, pm, "liuyang", at(d2 + timedelta(days=1), 11, 30),
          "各位好～\n\n商户沟通模板已经整理好了，放在产品 wiki「故障沟通」页，包含：\n1. 故障发生时的第一时间通知\n"
          "2. 恢复通知\n3. 复盘说明（对外版）\n\n客服那边已经培训过了，辛苦大家！\n", to=[TEAM])


# --------------------------------------------------------------------------------------
# Putting the weeks together.


def build() -> World:
    w = World(random.Random(SEED))
    story(w)
    for week in range(WEEKS):
        handover(w, week)
        d = START + timedelta(days=7 * week + (0 if week == 4 else 1))
        release(w, d, VERSIONS[week], VERSIONS[week - 1] if week else "v2.10.3")
    randoms = list(RANDOM_EN)
    w.rng.shuffle(randoms)
    for d in WORKDAYS:
        week = (d - START).days // 7
        standup_scene(w, d)
        routine_scenes(w, d)
        for _ in range(w.rng.randrange(3, 6)):
            qa_scene(w, FS_MAIN, "zh", d, w.pick(KEYS))
        if w.chance(0.8):
            chase_scene(w, FS_MAIN, "zh", d)
        if w.chance(0.7):
            review_scene(w, FS_MAIN, "zh", d)
        if w.chance(0.35):
            redirect_scene(w, FS_MAIN, "zh", d)
        for _ in range(w.rng.randrange(1, 4)):
            qa_scene(w, SL_GENERAL, "en", d, w.pick(KEYS))
        if w.chance(0.8):
            chase_scene(w, SL_GENERAL, "en", d)
        sync_scene(w, d)
        if w.chance(0.2):
            hotfix_scene(w, FS_MAIN, "zh", d)
        if w.chance(0.12):
            hotfix_scene(w, SL_INCIDENTS, "en", d)
        if d.weekday() == 4 and d != FRIDAY_DEBATE_DAY:
            friday_scene(w, d, w.pick(["zh", "en"]))
        if w.chance(0.45):
            ddl_scene(w, FS_MAIN, "zh", d)
        if w.chance(0.3):
            ddl_scene(w, SL_GENERAL, "en", d)
        if w.chance(0.4):
            bug_scene(w, FS_MAIN, "zh", d)
        if w.chance(0.25):
            bug_scene(w, SL_GENERAL, "en", d)
        if w.chance(0.25):
            redirect_scene(w, SL_GENERAL, "en", d)
        for _ in range(w.rng.randrange(2, 4)):
            review_scene(w, SL_REVIEW, "en", d)
        if w.chance(0.3) and d != INCIDENT_DAY:
            minor_alert(w, d, week)
        if randoms and w.chance(0.3):
            who, text, repliers = randoms.pop()
            turns = [T(who, text)] + [T(r, voice(w, r, w.pick(RANDOM_REPLIES[r]), "en"), reply=0) for r in repliers]
            say(w, SL_RANDOM, time_in_hours(w, who, d), *turns, thread=w.chance(0.5))
    weekly_reports(w)
    story_mails(w)
    incident_mails(w)
    return w


# --------------------------------------------------------------------------------------
# Writers.

MENTION = re.compile(r"<@@(\w+)>|@@(\w+)")
FEISHU_CHATS = {  # chat name -> (file name, chat id)
    "星河支付·后端研发群": ("pay-backend-group.json", "oc_3f9a2b7c1d5e4f60a8b9c0d1e2f3a4b5"),
    "发布与值班": ("release-oncall.json", "oc_8e7d6c5b4a394857a6b5c4d3e2f1a0b9"),
    "【P0】支付网关超时-0326": ("p0-gateway-timeout-0326.json", "oc_1a2b3c4d5e6f47089a0b1c2d3e4f5a6b"),
}
SLACK_CHANNELS = {  # name -> (id, topic, purpose)
    "general": ("C05GENERAL1", "Team-wide announcements", "English channel for the payments team and partner teams"),
    "code-review": ("C05CODEREV2", "PR links go here, threads for comments", "Code review requests"),
    "releases": ("C05RELEASE3", "payment-gateway release train: Tuesdays 10:00", "Release checklists and deploy bot"),
    "incidents": ("C05INCIDNT4", "Alerts and incident threads", "Alertmanager + on-call"),
    "random": ("C05RANDOM05", "", "Non-work banter"),
}


def placed(w: World) -> list[tuple[datetime, int, Scene, int, Turn]]:
    """Every turn with its time, in a stable order."""
    out = []
    for si, scene in enumerate(w.scenes):
        for ti, (t, turn) in enumerate(zip(schedule(w, scene), scene.turns, strict=True)):
            out.append((t, si, scene, ti, turn))
    out.sort(key=lambda x: (x[0], x[1], x[3]))
    return out


def write_json(path: Path, data: object, indent: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")


def write_feishu(w: World, turns: list[tuple[datetime, int, Scene, int, Turn]], out: Path) -> None:
    ids: dict[tuple[int, int], str] = {}
    roots: dict[tuple[int, int], str] = {}
    chats: dict[str, list[dict[str, object]]] = {name: [] for name in FEISHU_CHATS}
    for t, si, scene, ti, turn in turns:
        if not scene.where.startswith("feishu:"):
            continue
        chat = scene.where.split(":", 1)[1]
        mid = f"om_{w.rng.getrandbits(128):032x}"
        ids[(si, ti)] = mid
        p = PEOPLE[turn.who]
        text = MENTION.sub(lambda m: "@" + PEOPLE[m.group(1) or m.group(2)].zh, turn.text)
        msg: dict[str, object] = {
            "message_id": mid,
            "chat_name": chat,
            "sender_id": p.open_id,
            "sender_name": p.zh,
            "create_time": int(t.timestamp()) * 1000 + w.rng.randrange(1000),
            "content": text,
        }
        # Feishu quote-replies: not every answer quotes its question.
        if turn.reply is not None and (si, turn.reply) in ids and w.chance(0.45):
            parent = ids[(si, turn.reply)]
            msg["parent_id"] = parent
            msg["root_id"] = roots.get((si, turn.reply), parent)
            roots[(si, ti)] = str(msg["root_id"])
        chats[chat].append(msg)
    for chat, (fname, chat_id) in FEISHU_CHATS.items():
        write_json(out / "feishu" / fname,
                   {"chat_id": chat_id, "chat_name": chat, "exported_by": "lark-export-script 0.3",
                    "messages": chats[chat]}, 2)


def slack_user(p: Person) -> dict[str, object]:
    return {
        "id": p.slack_id, "team_id": "T05XINGHE0", "name": p.handle, "deleted": False, "color": "9f69e7",
        "real_name": p.en, "tz": "Asia/Shanghai", "tz_label": "China Standard Time", "tz_offset": 28800,
        "profile": {"title": p.title, "phone": "", "real_name": p.en, "real_name_normalized": p.en,
                    "display_name": p.handle, "display_name_normalized": p.handle,
                    "email": p.email, "first_name": p.en.split()[1], "last_name": p.en.split()[0],
                    "team": "T05XINGHE0"},
        "is_admin": p.key == "wangfang", "is_owner": p.key == "wangfang", "is_bot": False, "is_app_user": False,
        "updated": 1709516400,
    }


def write_slack(w: World, turns: list[tuple[datetime, int, Scene, int, Turn]], out: Path) -> None:
    root = out / "slack"
    users = [slack_user(PEOPLE[k]) for k in KEYS]
    users.append({
        "id": BOT_USER["id"], "team_id": "T05XINGHE0", "name": BOT_USER["name"], "deleted": False,
        "real_name": BOT_USER["real_name"], "is_bot": True, "is_app_user": False, "updated": 1709517000,
        "profile": {"real_name": BOT_USER["real_name"], "display_name": "", "bot_id": BOT_USER["bot_id"],
                    "always_active": True, "team": "T05XINGHE0"},
    })
    write_json(root / "users.json", sorted(users, key=lambda u: str(u["id"])), 4)
    created = int(at(START, 9, 30).timestamp())
    members = sorted(PEOPLE[k].slack_id for k in KEYS)
    channels = []
    for name, (cid, topic, purpose) in SLACK_CHANNELS.items():
        chan_members = members + ([BOT_USER["id"]] if name == "releases" else [])
        channels.append({"id": cid, "name": name, "created": created, "creator": PEOPLE["wangfang"].slack_id,
                         "is_archived": False, "is_general": name == "general", "members": chan_members,
                         "topic": {"value": topic, "creator": PEOPLE["wangfang"].slack_id, "last_set": created if topic else 0},
                         "purpose": {"value": purpose, "creator": PEOPLE["wangfang"].slack_id, "last_set": created}})
    write_json(root / "channels.json", channels, 4)

    per_channel: dict[str, list[dict[str, object]]] = {name: [] for name in SLACK_CHANNELS}
    used: set[str] = set()

    def new_ts(t: datetime) -> str:
        while True:
            ts = f"{int(t.timestamp())}.{w.rng.randrange(100, 999999):06d}"
            if ts not in used:
                used.add(ts)
                return ts

    # Everyone joins every channel on the first morning.
    for ci, name in enumerate(SLACK_CHANNELS):
        order = ["wangfang"] + [k for k in KEYS if k != "wangfang"]
        for i, k in enumerate(order):
            t = at(START, 9, 30 + ci, 5 + 8 * i)
            p = PEOPLE[k]
            per_channel[name].append({"type": "message", "subtype": "channel_join", "ts": new_ts(t), "user": p.slack_id,
                                      "text": f"<@{p.slack_id}> has joined the channel"})
        if name == "releases":
            per_channel[name].append({"type": "message", "subtype": "channel_join", "ts": new_ts(at(START, 9, 50)),
                                      "user": BOT_USER["id"], "text": f"<@{BOT_USER['id']}> has joined the channel",
                                      "inviter": PEOPLE["liqiang"].slack_id})

    made: dict[tuple[int, int], dict[str, object]] = {}
    for t, si, scene, ti, turn in turns:
        if not scene.where.startswith("slack:"):
            continue
        name = scene.where.split(":", 1)[1]
        ts = new_ts(t)
        text = MENTION.sub(lambda m: f"<@{PEOPLE[m.group(1) or m.group(2)].slack_id}>", turn.text)
        msg: dict[str, object]
        if turn.who == "alertmanager":
            msg = {"type": "message", "subtype": "bot_message", "text": text, "ts": ts,
                   "username": ALERT_BOT["username"], "bot_id": ALERT_BOT["bot_id"],
                   "icons": {"emoji": ":rotating_light:"}}
        elif turn.who == "deploybot":
            msg = {"type": "message", "text": text, "user": BOT_USER["id"], "ts": ts, "bot_id": BOT_USER["bot_id"],
                   "app_id": "A06DEPLOYAP", "team": "T05XINGHE0",
                   "bot_profile": {"id": BOT_USER["bot_id"], "name": BOT_USER["name"], "app_id": "A06DEPLOYAP",
                                   "deleted": False, "team_id": "T05XINGHE0"}}
        else:
            p = PEOPLE[turn.who]
            msg = {"client_msg_id": f"{w.rng.getrandbits(32):08x}-{w.rng.getrandbits(16):04x}-4{w.rng.getrandbits(12):03x}-"
                                    f"a{w.rng.getrandbits(12):03x}-{w.rng.getrandbits(48):012x}",
                   "type": "message", "text": text, "user": p.slack_id, "ts": ts, "team": "T05XINGHE0"}
            if turn.edit or w.chance(0.025):
                msg["edited"] = {"user": p.slack_id, "ts": f"{int(t.timestamp()) + w.rng.randrange(30, 600)}.000000"}
            if w.chance(0.08):
                fans = sorted(w.rng.sample([PEOPLE[k].slack_id for k in KEYS if k != turn.who], w.rng.randrange(1, 4)))
                msg["reactions"] = [{"name": w.pick(["+1", "eyes", "white_check_mark", "pray", "joy"]),
                                     "users": fans, "count": len(fans)}]
        if scene.thread and turn.reply is not None and (si, 0) in made:
            parent = made[(si, 0)]
            msg["thread_ts"] = parent["ts"]
            if "user" in parent:
                msg["parent_user_id"] = parent["user"]
            parent["thread_ts"] = parent["ts"]
            parent.setdefault("replies", [])
            parent["replies"].append({"user": msg.get("user", msg.get("bot_id")), "ts": ts})  # type: ignore[union-attr]
        made[(si, ti)] = msg
        per_channel[name].append(msg)
    for name, msgs in per_channel.items():
        days: dict[str, list[dict[str, object]]] = {}
        for msg in msgs:
            if "replies" in msg:
                replies = msg["replies"]
                assert isinstance(replies, list)
                msg["reply_count"] = len(replies)
                users_ = sorted({str(r["user"]) for r in replies})
                msg["reply_users_count"] = len(users_)
                msg["latest_reply"] = replies[-1]["ts"]
                msg["reply_users"] = users_
                msg["is_locked"] = False
                msg["subscribed"] = False
            day = datetime.fromtimestamp(float(str(msg["ts"])), UTC).strftime("%Y-%m-%d")
            days.setdefault(day, []).append(msg)
        for day, day_msgs in sorted(days.items()):
            day_msgs.sort(key=lambda m: float(str(m["ts"])))
            write_json(root / name / f"{day}.json", day_msgs, 4)


def encode_addr(a: tuple[str, str], charset: str) -> str:
    return formataddr(a, charset=charset)


def write_mbox(w: World, out: Path) -> None:
    lines: list[str] = []
    for m in sorted(w.mails, key=lambda m: (m.when, m.msgid)):
        p = PEOPLE[m.who]
        body = mail_text(m)
        refs: list[str] = []
        q = m.parent
        while q is not None:
            refs.insert(0, q.msgid)
            q = q.parent
        ascii_body = body.isascii()
        headers = [
            f"From {p.email} {m.when.astimezone(UTC):%a %b %d %H:%M:%S %Y}",
            f"From: {encode_addr((p.zh, p.email), m.charset)}",
            "To: " + ", ".join(encode_addr(a, m.charset) for a in m.to),
        ]
        if m.cc:
            headers.append("Cc: " + ", ".join(encode_addr(a, m.charset) for a in m.cc))
        subject = m.subject if m.subject.isascii() else Header(m.subject, m.charset).encode()
        headers += [f"Subject: {subject}", f"Date: {format_datetime(m.when)}", f"Message-ID: {m.msgid}"]
        if m.parent is not None:
            headers.append(f"In-Reply-To: {m.parent.msgid}")
            headers.append("References: " + " ".join(refs))
        headers += ["MIME-Version: 1.0", f"X-Mailer: {MAILERS[m.who]}",
                    f'Content-Type: text/plain; charset="{m.charset}"',
                    f"Content-Transfer-Encoding: {'7bit' if ascii_body else 'base64'}"]
        if ascii_body:
            payload = [(">" + ln if ln.startswith("From ") else ln) for ln in body.rstrip("\n").split("\n")]
        else:
            raw = base64.b64encode(body.encode(m.charset)).decode("ascii")
            payload = [raw[i:i + 76] for i in range(0, len(raw), 76)]
        lines += headers + [""] + payload + [""]
    path = out / "mail" / "pay-team.mbox"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode("ascii"))


def generate(out: Path) -> None:
    w = build()
    turns = placed(w)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    write_feishu(w, turns, out)
    write_slack(w, turns, out)
    write_mbox(w, out)


def same_tree(a: Path, b: Path) -> list[str]:
    """Relative paths that differ between two trees (missing on either side or different bytes)."""
    fa = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()} if a.exists() else set()
    fb = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    diff = sorted(fa ^ fb)
    diff += sorted(n for n in fa & fb if not filecmp.cmp(a / n, b / n, shallow=False))
    return diff


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write (default: examples/data)")
    ap.add_argument("--check", action="store_true", help="verify the shipped data matches a fresh run")
    args = ap.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "data"
            generate(fresh)
            diff = same_tree(args.out, fresh)
        if diff:
            print(f"{args.out} is out of date ({len(diff)} files differ, e.g. {diff[0]}); "
                  "run: python examples/generate.py", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    generate(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
