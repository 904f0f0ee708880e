"""Build small Slack export folders for tests (the real format, written by hand)."""

from __future__ import annotations

import json
from pathlib import Path

USERS = [
    {"id": "U01", "name": "liwei", "real_name": "Li Wei",
     "profile": {"real_name": "Li Wei", "email": "li.wei@example.com"}},
    {"id": "U02", "name": "amy", "real_name": "Amy Chen",
     "profile": {"real_name": "Amy Chen", "email": "amy.chen@example.com"}},
    {"id": "B01", "name": "deploybot", "is_bot": True, "profile": {"real_name": "Deploy Bot"}},
]


def write_export(root: Path, days: dict[str, dict[str, list[dict]]],
                 users: list[dict] | None = None) -> Path:
    """days: {channel: {"2024-03-01": [message, …]}}"""
    root.mkdir(parents=True, exist_ok=True)
    (root / "users.json").write_text(json.dumps(users or USERS), encoding="utf-8")
    channels = [{"id": f"C{i:02d}", "name": name, "created": 1700000000, "members": []}
                for i, name in enumerate(sorted(days))]
    (root / "channels.json").write_text(json.dumps(channels), encoding="utf-8")
    for channel, per_day in days.items():
        (root / channel).mkdir(exist_ok=True)
        for day, messages in per_day.items():
            (root / channel / f"{day}.json").write_text(
                json.dumps(messages, ensure_ascii=False), encoding="utf-8")
    return root


def msg(user: str, ts: float, text: str, **extra: object) -> dict:
    return {"type": "message", "user": user, "ts": f"{ts:.6f}", "text": text, **extra}


def many(n: int, start: float = 1709251200.0, users: tuple[str, ...] = ("U01", "U02")) -> list[dict]:
    words = ["deploy", "rollback", "review", "migration", "发布", "回滚", "预发环境", "index"]
    return [msg(users[i % len(users)], start + i * 7.0,
                f"message {i} about {words[i % len(words)]} and {words[(i * 3) % len(words)]}")
            for i in range(n)]
