"""QQ chat history: the desktop client's TXT export and QQChatExporter (QQNT) JSON / TXT.

* **Desktop TXT** ("导出消息记录"): a header `消息记录（此消息记录为文本格式，不支持重新导入）`,
  then per conversation a block of `====` lines with `消息分组:<group>` and
  `消息对象:<contact or group>`, then messages: a line `YYYY-MM-DD HH:MM:SS <sender>` (or the
  12-hour `2019-09-23 8:43:38 PM <sender>`), the body on the following lines, a blank line.
  In groups the sender is `Nick(QQ number)` or `Nick<email>`; private chats show a bare nick;
  `系统消息(10000)` is the system. Files come as UTF-8 (often with BOM), UTF-16 or GBK, CRLF.
  Identities: the QQ number is the native id; an e-mail sender is keyed by its address; a
  bare nick by the nick. A file may hold many conversations; one without the header block
  is named after the file. Identified by the header, or by senders with `(QQ号)`/`<email>`;
  a header-less private chat looks like any chat text and needs `--format qq`.
* **QQChatExporter V5 JSON** (`metadata`, `chatInfo`, `messages[]` with `sender{uid, uin,
  name, nickname}`, `timestamp` ms, `content{text, elements, mentions}`, `recalled`,
  `system`) and its TXT (`Name:` / `时间: …` / `内容: …` blocks). Recalled messages are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from colleague.model import Conversation, Identity, Message, Record, Rejected
from colleague.sources._chatlines import (
    Aside,
    Entry,
    head,
    line_stats,
    parse_chat,
    parse_time_value,
)
from colleague.sources._jsonstream import load_json
from colleague.sources._lines import iter_lines
from colleague.sources._time import from_epoch
from colleague.sources.base import ReadContext, ReadError

PLATFORM = "qq"
_HEADER = "消息记录（此消息记录为文本格式"
_ASIDE = re.compile(r"^\s*(?:={10,}|消息分组\s*[:：].*|消息对象\s*[:：].*|消息记录（.*）?)\s*$")
_TARGET = re.compile(r"^\s*消息对象\s*[:：]\s*(?P<name>.*?)\s*$")
_GROUP = re.compile(r"^\s*消息分组\s*[:：]\s*(?P<name>.*?)\s*$")
_SENDER = re.compile(
    r"^(?P<nick>.*?)\s*(?:[(（](?P<qq>\d{4,12})[)）]|<(?P<email>[^<>\s]+@[^<>\s]+)>)$"
)
_TARGET_LINE = re.compile(r"^消息对象:", re.M)
_GROUP_LINE = re.compile(r"^消息分组:", re.M)
_SYSTEM_IDS = {"10000", "1000000"}
_QCE_MARKERS = ("QQChatExporter", "QQ聊天记录导出文件")
_QCE_BLOCK_TIME = re.compile(r"^时间:\s*(?P<time>\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2})\s*$")
_QCE_META = re.compile(r"^(?:资源|提及|回复):\s|^  - ")
_QCE_REPLY = re.compile(r"^\[回复 (?P<who>[^:\]]*): (?P<quote>.*?)\]\n?", re.S)


class QQReader:
    name = "qq"
    description = "QQ desktop TXT export (消息记录) and QQChatExporter JSON/TXT"
    priority = 35

    def identify(self, path: Path) -> bool:
        if not path.is_file():
            return False
        suffix = path.suffix.lower()
        text = head(path)
        if suffix == ".json":
            return "QQChatExporter" in text or ('"chatInfo"' in text and '"messages"' in text)
        if suffix not in (".txt", ".text", ""):
            return False
        if _is_qce_text(text):
            return True
        top = "\n".join(text.split("\n", 8)[:8])
        if _HEADER in top or (_TARGET_LINE.search(text) and _GROUP_LINE.search(text)):
            return True
        stats = line_stats(text, UTC)
        return stats.qq_senders >= 2 and stats.inline * 2 < stats.stamped and not stats.foreign

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        if path.suffix.lower() == ".json":
            yield from _read_qce_json(path, load_json(path))
            return
        if _is_qce_text(head(path, 4096)):
            yield from _read_qce_text(path, ctx)
            return
        yield from _read_pc_text(path, ctx)


def _is_qce_text(text: str) -> bool:
    """QQChatExporter TXT: its banner on the first line or its title in the first lines."""
    lines = [line.strip() for line in text.split("\n", 12)[:12]]
    return bool(lines) and (
        lines[0].startswith("[QQChatExporter") or "QQ聊天记录导出文件" in lines
    )


# -- desktop TXT export -----------------------------------------------------------------------

@dataclass
class _Block:
    """The conversation a run of messages belongs to."""

    group: str | None = None  # 消息分组
    target: str | None = None  # 消息对象
    conversation: Conversation | None = None


def _read_pc_text(path: Path, ctx: ReadContext) -> Iterator[Record]:
    block = _Block()
    count = 0
    seen: set[str] = set()
    for item in parse_chat(iter_lines(path), ctx.tz, inline=False, is_aside=_ASIDE.match):
        if isinstance(item, Aside):
            target, group = _TARGET.match(item.text), _GROUP.match(item.text)
            if group:
                block = _Block(group=group.group("name") or None)
            elif target:
                block = _Block(group=block.group, target=target.group("name") or None)
            continue
        count += 1
        author, system = _sender(item.sender)
        if block.conversation is None:
            block.conversation = _conversation(path, block, author)
            if block.conversation.native_id not in seen:
                seen.add(block.conversation.native_id)
                yield block.conversation
        yield _pc_message(item, block.conversation, author, system)
    if count == 0:
        raise ReadError(path, "line 1", "QQ messages: a 'YYYY-MM-DD HH:MM:SS Nickname(QQ号)' line then the text")


def _sender(raw: str) -> tuple[Identity | None, bool]:
    """(identity, is the system) from 'Nick(12345)', 'Nick<a@b.c>' or 'Nick'."""
    m = _SENDER.match(raw)
    if m and m.group("qq"):
        nick, qq = m.group("nick").strip(), m.group("qq")
        if qq in _SYSTEM_IDS or nick == "系统消息":
            return None, True
        return Identity(PLATFORM, qq, name=nick or None), False
    if m and m.group("email"):
        email = m.group("email").lower()
        nick = m.group("nick").strip()
        return Identity(PLATFORM, email, name=nick or None, email=email), False
    if raw.strip() == "系统消息":
        return None, True
    return Identity(PLATFORM, raw.strip(), name=raw.strip()), False


def _conversation(path: Path, block: _Block, first_author: Identity | None) -> Conversation:
    name = block.target or path.stem
    if block.group and "群" in block.group:
        kind = "group"
    elif first_author is None or first_author.native_id.isdigit() or first_author.email:
        kind = "group"  # only group members are shown with a number or address
    else:
        kind = "dm"
    return Conversation(PLATFORM, name, name, kind)  # type: ignore[arg-type]


def _pc_message(
    entry: Entry, conv: Conversation, author: Identity | None, system: bool
) -> Message:
    extra: dict[str, Any] = {"line": entry.line}
    if system:
        extra["sender"] = entry.sender
    return Message(
        platform=PLATFORM,
        conversation=conv,
        native_id=None,
        author=author,
        timestamp=entry.when,
        text=entry.text,
        kind="system" if system else "message",
        extra=extra,
    )


# -- QQChatExporter JSON ----------------------------------------------------------------------

def _read_qce_json(path: Path, data: Any) -> Iterator[Record]:
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise ReadError(path, "document", "a QQChatExporter object with a 'messages' list")
    info = data.get("chatInfo") if isinstance(data.get("chatInfo"), dict) else {}
    name = str(info.get("name") or path.stem)
    native = str(info.get("peerUid") or info.get("uid") or info.get("id") or name)
    kind = "group" if info.get("type") == "group" else "dm" if info.get("type") else "chat"
    conv = Conversation(PLATFORM, native, name, kind)  # type: ignore[arg-type]
    yield conv
    messages = data["messages"]
    # uid → QQ number, so mentions (which give only uid) join the sender's identity.
    uins = {
        str(m["sender"].get("uid")): str(m["sender"]["uin"])
        for m in messages
        if isinstance(m, dict) and isinstance(m.get("sender"), dict)
        and m["sender"].get("uid") and m["sender"].get("uin")
    }
    by_id = any(isinstance(m, dict) and m.get("id") for m in messages)
    for i, raw in enumerate(messages):
        record = _qce_message(raw, f"messages[{i}]", conv, uins, by_id)
        if record is not None:
            yield record


def _qce_identity(sender: Any, uins: dict[str, str]) -> Identity | None:
    if not isinstance(sender, dict):
        return None
    uid = str(sender.get("uid") or "")
    native = str(sender.get("uin") or uins.get(uid) or uid)
    if not native:
        return None
    name = sender.get("name") or sender.get("groupCard") or sender.get("nickname") or None
    nick = sender.get("nickname") or None
    return Identity(PLATFORM, native, name=name, handle=nick if nick != name else None)


def _qce_message(
    raw: Any, where: str, conv: Conversation, uins: dict[str, str], by_id: bool
) -> Message | Rejected | None:
    if not isinstance(raw, dict):
        return Rejected(where, "a message object")
    if raw.get("recalled") is True:
        return None
    try:
        when: datetime | None = from_epoch(raw["timestamp"], "ms")
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        when = parse_time_value(raw.get("time"), UTC)
        if when is None:
            return Rejected(where, f"a millisecond 'timestamp', got {raw.get('timestamp')!r}")
    content = raw.get("content") if isinstance(raw.get("content"), dict) else {}
    text = str(content.get("text") or "")
    extra: dict[str, Any] = {}
    reply_to = None
    for el in content.get("elements") or []:
        if not isinstance(el, dict) or not isinstance(el.get("data"), dict):
            continue
        data = el["data"]
        if el.get("type") == "reply":
            m = _QCE_REPLY.match(text)
            if m:
                text = text[m.end():]
            extra["quote"] = {"sender": data.get("senderName"), "text": data.get("content")}
            ref = data.get("referencedMessageId") or data.get("messageId")
            reply_to = str(ref) if by_id and ref else None
        elif el.get("type") in ("file", "image", "audio", "video") and data.get("filename"):
            extra.setdefault("files", []).append(data["filename"])
    mentions = tuple(
        Identity(PLATFORM, uins.get(str(m.get("uid")), str(m.get("uid"))), name=m.get("name") or None)
        for m in content.get("mentions") or []
        if isinstance(m, dict) and m.get("uid")
    )
    native = raw.get("id") if by_id else raw.get("seq")
    system = raw.get("system") is True
    return Message(
        platform=PLATFORM,
        conversation=conv,
        native_id=str(native) if native not in (None, "") else None,
        author=None if system else _qce_identity(raw.get("sender"), uins),
        timestamp=when,
        text=text,
        kind="system" if system else "message",
        reply_to=reply_to,
        mentions=mentions,
        extra=extra,
    )


# -- QQChatExporter TXT -----------------------------------------------------------------------

def _read_qce_text(path: Path, ctx: ReadContext) -> Iterator[Record]:
    conv: Conversation | None = None
    title = path.stem
    kind = "chat"
    pending: str | None = None  # a 'Name:' line waiting for its '时间:' line
    current: dict[str, Any] | None = None
    count = 0

    def finish(msg: dict[str, Any]) -> Message:
        lines = list(msg["lines"])
        while lines and (not lines[-1].strip() or _QCE_META.match(lines[-1])):
            lines.pop()
        text = "\n".join(lines)
        m = _QCE_REPLY.match(text)
        extra: dict[str, Any] = {"line": msg["line"]}
        if m:
            text = text[m.end():]
            extra["quote"] = {"sender": m.group("who"), "text": m.group("quote")}
        author = Identity(PLATFORM, msg["name"], name=msg["name"])
        assert conv is not None
        return Message(PLATFORM, conv, None, author, msg["when"], text.strip("\n"), extra=extra)

    for number, line in iter_lines(path):
        if conv is None:
            if line.startswith("聊天名称:"):
                title = line.split(":", 1)[1].strip() or title
            elif line.startswith("聊天类型:"):
                kind = "group" if "群" in line else "dm"
        t = _QCE_BLOCK_TIME.match(line)
        if pending is not None and t:
            if current is not None:
                yield finish(current)
            if conv is None:
                conv = Conversation(PLATFORM, title, title, kind)  # type: ignore[arg-type]
                yield conv
            when = parse_time_value(t.group("time"), ctx.tz)
            current = {"name": pending, "when": when, "line": number - 1, "lines": []}
            count += 1
            pending = None
            continue
        if pending is not None and current is not None:
            current["lines"].append(pending)
        pending = line[:-1].strip() if line.endswith(":") and not line.startswith(" ") else None
        if pending is not None:
            continue
        if current is None:
            continue
        if line.startswith("====="):
            yield finish(current)
            current = None
            continue
        if not current["lines"] and line.startswith("内容:"):
            line = line[len("内容:"):].lstrip()
        current["lines"].append(line)
    if current is not None:
        yield finish(current)
    if count == 0:
        raise ReadError(path, "line 1", "QQChatExporter text blocks 'Name:' / '时间: …' / '内容: …'")


READERS = [QQReader()]
