"""DingTalk (钉钉) robot message callbacks and Stream-mode frames, as JSON or JSON Lines.

DingTalk has no message-history API for standard editions, so the JSON people have is what
their robot received: the HTTP "outgoing" callback body or the Stream-mode frame whose
`data` is that same callback JSON *as a string*. A file may hold one callback, a list of
them, or one per line (a bot's log). Fields used: `msgId`, `msgtype` (text, richText,
picture, file, audio, video, markdown), `createAt` (ms), `conversationId`,
`conversationType` ("1" single chat, "2" group — a string), `conversationTitle`,
`senderNick`, `senderStaffId` (the corp user id, preferred as native id because it is the
same for every robot) or `senderId`, and `atUsers[{dingtalkId, staffId}]`.

DingTalk chat *text* exports look like Feishu's and are read by "chat-text" (platform
guessed from the path) or "dingtalk-text" (forced); see _chatlines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from colleague.model import Conversation, Identity, Message, Record, Rejected
from colleague.sources._chatlines import ChatTextReader, head
from colleague.sources._jsonstream import iter_json_records, join_where
from colleague.sources._time import from_epoch
from colleague.sources.base import ReadContext, ReadError

PLATFORM = "dingtalk"
_BOT_TOPIC = "/v1.0/im/bot/messages/get"
_PLACEHOLDERS = {"picture": "[图片]", "audio": "[语音]", "video": "[视频]", "file": "[文件]"}
_HEAD_KEYS = (
    re.compile(r"\bconversationId\b"),
    re.compile(r"\bmsgtype\b"),
    re.compile(r"\bsender(?:Nick|StaffId|Id)\b"),
)


class DingTalkReader:
    name = "dingtalk"
    description = "DingTalk robot callbacks / Stream frames (JSON, a list, or one per line)"
    priority = 30

    def identify(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() not in (".json", ".jsonl", ".ndjson"):
            return False
        text = head(path)
        if not text.lstrip().startswith(("{", "[")):
            return False
        if _BOT_TOPIC in text and '"specVersion"' in text:
            return True  # a Stream frame, even one whose data string is damaged
        return all(p.search(text) for p in _HEAD_KEYS)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        conversations: set[str] = set()
        produced = False
        for where, value in iter_json_records(path):
            for record in _records(path, value, where, conversations):
                produced = True
                yield record
        if not produced:
            raise ReadError(path, "document", "DingTalk robot callbacks (msgId, msgtype, createAt)")


def _records(path: Path, value: Any, where: str, conversations: set[str]) -> Iterator[Record]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _records(path, item, join_where(where, f"[{i}]"), conversations)
        return
    if not isinstance(value, dict):
        yield Rejected(where or "document", "a callback object")
        return
    if "specVersion" in value or ("headers" in value and "data" in value):
        yield from _frame(path, value, where, conversations)
        return
    yield from _callback(value, where or "document", conversations)


def _frame(path: Path, frame: dict[str, Any], where: str, conversations: set[str]) -> Iterator[Record]:
    headers = frame.get("headers") if isinstance(frame.get("headers"), dict) else {}
    topic = headers.get("topic")
    if frame.get("type") not in (None, "CALLBACK") or topic not in (None, _BOT_TOPIC):
        return  # system pings and event frames carry no messages
    data = frame.get("data")
    at = join_where(where, ".data")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            yield Rejected(at or "data", f"the callback JSON as a string ({exc.msg})")
            return
    if not isinstance(data, dict):
        yield Rejected(at or "data", "the callback JSON")
        return
    yield from _callback(data, at or "data", conversations)


def _callback(cb: dict[str, Any], where: str, conversations: set[str]) -> Iterator[Record]:
    created = cb.get("createAt")
    try:
        when = from_epoch(created, "ms")  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError, OSError):
        yield Rejected(where, f"a millisecond 'createAt', got {created!r}")
        return
    conv_id = cb.get("conversationId")
    if not conv_id:
        yield Rejected(where, "a 'conversationId'")
        return
    group = str(cb.get("conversationType")) == "2"
    nick = _str(cb.get("senderNick"))
    title = _str(cb.get("conversationTitle")) or (nick if not group else None) or str(conv_id)
    conv = Conversation(PLATFORM, str(conv_id), title, "group" if group else "dm")
    if conv.native_id not in conversations:
        conversations.add(conv.native_id)
        yield conv
    native = _str(cb.get("senderStaffId")) or _str(cb.get("senderId"))
    author = Identity(PLATFORM, native, name=nick) if native else None
    msgtype = str(cb.get("msgtype") or "text")
    text, extra = _content(msgtype, cb)
    if msgtype != "text":
        extra["msgtype"] = msgtype
    for key in ("senderPlatform", "isAdmin"):
        if key in cb:
            extra[key] = cb[key]
    bot = _str(cb.get("chatbotUserId"))
    mentions = tuple(
        Identity(PLATFORM, uid)
        for u in cb.get("atUsers") or []
        if isinstance(u, dict)
        for uid in [_str(u.get("staffId")) or _str(u.get("dingtalkId"))]
        if uid and u.get("dingtalkId") != bot
    )
    msg_id = _str(cb.get("msgId"))
    yield Message(
        platform=PLATFORM,
        conversation=conv,
        native_id=msg_id,
        author=author,
        timestamp=when,
        text=text,
        mentions=mentions,
        extra=extra,
    )


def _content(msgtype: str, cb: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    extra: dict[str, Any] = {}
    content = cb.get("content") if isinstance(cb.get("content"), dict) else {}
    if msgtype == "text":
        text = cb.get("text")
        body = text.get("content") if isinstance(text, dict) else text
        # Group messages to a robot start with the space left by the removed '@robot'.
        return str(body or "").strip(), extra
    if msgtype == "richText":
        parts = []
        for piece in content.get("richText") or []:
            if not isinstance(piece, dict):
                continue
            if isinstance(piece.get("text"), str):
                parts.append(piece["text"])
            elif piece.get("type") == "picture":
                parts.append("[图片]")
        return "".join(parts).strip(), extra
    if msgtype == "markdown":
        md = cb.get("markdown") if isinstance(cb.get("markdown"), dict) else content
        return str(md.get("text") or md.get("title") or ""), extra
    if msgtype == "audio" and content.get("recognition"):
        return str(content["recognition"]), extra
    label = _PLACEHOLDERS.get(msgtype, f"[{msgtype}]")
    if content.get("fileName"):
        extra["files"] = [content["fileName"]]
        return f"{label} {content['fileName']}", extra
    return label, extra


def _str(value: Any) -> str | None:
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    return None


READERS = [DingTalkReader(), ChatTextReader("dingtalk-text", "dingtalk", priority=76)]
