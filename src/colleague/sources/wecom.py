"""WeCom (企业微信) message archive (会话内容存档 / msgaudit): decrypted messages.

Input is what GetChatData + DecryptData produce, one decrypted JSON object per message, as
JSON lines, a JSON array, or one object (possibly pretty-printed) per file. Envelope:
`msgid, action (send|recall|switch), from, tolist[], roomid, msgtime (ms), msgtype`, then one
payload key — normally named like `msgtype`, except docmsg→doc, markdown/news→info,
external_redpacket→redpacket. A recall is `msgtype "revoke"` with `revoke.pre_msgid`;
`action "switch"` records carry only `{msgid, action, time, user}`. chatrecord/mixed items hold
JSON *strings*, and chatrecord item times are in seconds.

Conversation: the `roomid` when there is one, else the sorted set of `from` + `tolist` as a
direct chat. Ids starting with "wb" are robots; "wm"/"wo" are external contacts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from colleague.model import Conversation, Identity, Message, MessageKind, Record, Rejected
from colleague.sources._jsonstream import json_records
from colleague.sources._lines import head_chars
from colleague.sources._time import from_epoch
from colleague.sources.base import ReadContext, ReadError

PLATFORM = "wecom"
_SUFFIXES = {".json", ".jsonl", ".ndjson", ".txt", ".log"}
_ACTIONS = {"send", "recall", "switch"}
_PAYLOAD_KEY = {"docmsg": "doc", "markdown": "info", "news": "info", "external_redpacket": "redpacket"}
_EXTERNAL = ("wm", "wo")
_BOT = "wb"
_HEAD_ACTION = re.compile(r'"action"\s*:\s*"(send|recall|switch)"')
_QUOTE_RULE = re.compile(r"^\s*(?:-\s*){6,}$")  # the "------" line between a quote and a reply
_SWITCH_CONV = Conversation(PLATFORM, "events:switch", "企业切换记录 (enterprise switches)", "chat")
# Consent events and similar records report something; nobody wrote them.
_SYSTEM_TYPES = {"revoke", "agree", "disagree"}


class WeComArchiveReader:
    name = "wecom"
    description = "WeCom (企业微信) message archive: decrypted msgaudit JSON (lines, array or object)"
    priority = 20

    def identify(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() not in _SUFFIXES:
            return False
        head = head_chars(path, 16384).lstrip("\ufeff \t\r\n")
        if not head.startswith(("{", "[")):
            return False
        if '"encrypt_chat_msg"' in head:
            return True  # the *encrypted* GetChatData response: read() explains what to do
        return '"msgid"' in head and bool(_HEAD_ACTION.search(head))

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        people: set[str] = set()
        conversations: set[str] = set()
        first = True
        for item in json_records(path):
            if item.error is not None:
                if first:
                    raise ReadError(path, item.where, f"a decrypted WeCom message ({item.error})")
                yield Rejected(item.where, item.error)
                continue
            raw = item.value
            if first:
                _check_layout(path, item.where, raw)
                first = False
            if isinstance(raw, dict) and isinstance(raw.get("chatdata"), list):
                raw = raw["chatdata"]
            for n, obj in enumerate(raw if isinstance(raw, list) else [raw]):
                where = item.where if not isinstance(raw, list) else f"{item.where}[{n}]"
                yield from _records(obj, where, people, conversations)
        if first:
            raise ReadError(path, "line 1", "decrypted WeCom messages (the file is empty)")


def _check_layout(path: Path, where: str, raw: Any) -> None:
    """Fail early, with a useful message, on files that are not decrypted archive messages."""
    sample = raw
    if isinstance(raw, dict) and isinstance(raw.get("chatdata"), list):
        sample = raw["chatdata"][0] if raw["chatdata"] else {}
    if isinstance(sample, dict) and "encrypt_chat_msg" in sample:
        raise ReadError(path, where, "decrypted messages; this is the encrypted GetChatData "
                        "response (decrypt it with the WeCom Finance SDK first)")
    if not isinstance(sample, dict) or "msgid" not in sample or "action" not in sample:
        keys = ", ".join(sorted(sample)[:6]) if isinstance(sample, dict) else type(sample).__name__
        raise ReadError(path, where, f"a WeCom archive message with msgid and action, got {keys}")


def _records(
    obj: Any, where: str, people: set[str], conversations: set[str]
) -> Iterator[Record]:
    if not isinstance(obj, dict):
        yield Rejected(where, f"a message object, got {type(obj).__name__}")
        return
    msgid = obj.get("msgid")
    action = obj.get("action")
    if not isinstance(msgid, str) or not msgid or action not in _ACTIONS:
        yield Rejected(where, f"msgid and action send|recall|switch, got action {action!r}")
        return
    if action == "switch":
        yield from _switch(obj, where, people, conversations)
        return
    sender = obj.get("from")
    tolist = obj.get("tolist") or []
    if not isinstance(sender, str) or not sender or not isinstance(tolist, list):
        yield Rejected(where, "a 'from' user id and a 'tolist' array")
        return
    try:
        when = _time(obj.get("msgtime"))
    except ValueError:
        yield Rejected(where, f"msgtime in epoch milliseconds, got {obj.get('msgtime')!r}")
        return
    recipients = [str(t) for t in tolist if t]
    for uid in (sender, *recipients):
        if uid not in people:
            people.add(uid)
            yield _person(uid)
    conv = _conversation(obj, sender, recipients)
    if conv.native_id not in conversations:
        conversations.add(conv.native_id)
        yield conv
    yield _message(obj, msgid, conv, _person(sender), when, recipients)


def _switch(obj: dict[str, Any], where: str, people: set[str], conversations: set[str]) -> Iterator[Record]:
    user = obj.get("user")
    try:
        when = _time(obj.get("time"))
    except ValueError:
        when = None
        user = None
    if not isinstance(user, str) or not user:
        yield Rejected(where, "a switch record with user and time (ms)")
        return
    if user not in people:
        people.add(user)
        yield _person(user)
    if _SWITCH_CONV.native_id not in conversations:
        conversations.add(_SWITCH_CONV.native_id)
        yield _SWITCH_CONV
    yield Message(PLATFORM, _SWITCH_CONV, str(obj["msgid"]), _person(user), when,
                  "切换企业", kind="system", extra={"action": "switch"}, global_id=True)


def _time(value: Any, unit: str = "ms") -> datetime | None:
    """Epoch time → datetime; None for 0/absent (the doc's own example has msgtime 0).

    Raises ValueError when the value is not a usable number.
    """
    if value in (None, 0, "0", ""):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        return from_epoch(value, unit)
    except (TypeError, OverflowError, OSError) as exc:
        raise ValueError(value) from exc


def _person(uid: str) -> Identity:
    # External contacts' ids are opaque; internal user ids are the account's login name.
    internal = not uid.startswith((*_EXTERNAL, _BOT)) and not uid.isdigit()
    return Identity(PLATFORM, uid, handle=uid if internal else None, is_bot=uid.startswith(_BOT))


def _conversation(obj: dict[str, Any], sender: str, recipients: list[str]) -> Conversation:
    roomid = obj.get("roomid")
    if isinstance(roomid, str) and roomid:
        name = roomid
        collect = obj.get("collect")
        if isinstance(collect, dict) and collect.get("room_name"):
            name = str(collect["room_name"])
        return Conversation(PLATFORM, roomid, name, "group")
    members = sorted({sender, *recipients})
    kind = "dm" if len(members) <= 2 else "group"
    return Conversation(PLATFORM, "dm:" + "|".join(members), " & ".join(members), kind)


def _message(
    obj: dict[str, Any],
    msgid: str,
    conv: Conversation,
    author: Identity,
    when: datetime | None,
    recipients: list[str],
) -> Message:
    msgtype = str(obj.get("msgtype") or "")
    payload = _payload(obj, msgtype)
    extra: dict[str, Any] = {"msgtype": msgtype} if msgtype != "text" else {}
    text = _render(msgtype, payload, extra)
    kind: MessageKind = "message"
    if obj.get("action") == "recall" or msgtype in _SYSTEM_TYPES:
        kind = "system"
    elif author.is_bot:
        kind = "bot"
    if conv.kind != "group" and len(recipients) > 1:
        extra["to"] = recipients
    for key in ("voiceid", "voipid"):
        if obj.get(key):
            extra[key] = obj[key]
    return Message(
        platform=PLATFORM,
        conversation=conv,
        native_id=msgid,
        author=author,
        timestamp=when,
        text=text,
        kind=kind,
        extra=extra,
        global_id=True,  # msgids are unique across the corp's whole archive
    )


def _payload(obj: dict[str, Any], msgtype: str) -> dict[str, Any]:
    key = _PAYLOAD_KEY.get(msgtype, msgtype)
    value = obj.get(key)
    if not isinstance(value, dict):
        value = obj.get(msgtype)
    return value if isinstance(value, dict) else {}


def _s(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key)
    return str(value).strip() if value not in (None, "") else ""


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p).strip()


def _render(msgtype: str, p: dict[str, Any], extra: dict[str, Any]) -> str:
    """Words of one message; structured facts go into `extra`."""
    if msgtype == "text":
        return _split_quote(_s(p, "content"), extra)
    if msgtype == "markdown":
        return _s(p, "content")
    if msgtype == "revoke":
        if p.get("pre_msgid"):
            extra["recalls"] = str(p["pre_msgid"])
        return "撤回了一条消息"
    if msgtype in ("agree", "disagree"):
        return "同意会话存档" if msgtype == "agree" else "不同意会话存档"
    if msgtype in ("image", "voice", "video", "emotion"):
        extra["media"] = msgtype
        if p.get("play_length"):
            extra["seconds"] = p["play_length"]
        return {"image": "[图片]", "voice": "[语音]", "video": "[视频]", "emotion": "[表情]"}[msgtype]
    if msgtype in ("file", "voip_doc_share"):
        name = _s(p, "filename")
        if name:
            extra["files"] = [name]
        return _join("[文件]", name)
    if msgtype in ("link", "weapp", "sphfeed", "location", "card", "docmsg", "calendar",
                   "meeting", "collect", "redpacket", "external_redpacket", "news"):
        return _render_card(msgtype, p, extra)
    if msgtype == "chatrecord":
        return _chatrecord(p, extra)
    if msgtype == "mixed":
        return _mixed(p, extra)
    if msgtype == "meeting_voice_call":
        return "[音频会议]"
    return f"[{msgtype or 'unknown'}]"


def _render_card(msgtype: str, p: dict[str, Any], extra: dict[str, Any]) -> str:
    if msgtype == "link":
        if p.get("link_url"):
            extra["url"] = p["link_url"]
        return "\n".join(x for x in (_s(p, "title"), _s(p, "description"), _s(p, "link_url")) if x)
    if msgtype == "weapp":
        return _join("[小程序]", _s(p, "displayname") + "：" if p.get("displayname") else "",
                     _s(p, "title"))
    if msgtype == "sphfeed":
        return _join("[视频号]", _s(p, "sph_name") + "：" if p.get("sph_name") else "",
                     _s(p, "feed_desc"))
    if msgtype == "location":
        return _join("[位置]", _s(p, "title"), _s(p, "address"))
    if msgtype == "card":
        return _join("[名片]", _s(p, "corpname"), _s(p, "userid"))
    if msgtype == "docmsg":
        if p.get("link_url"):
            extra["url"] = p["link_url"]
        return _join("[文档]", _s(p, "title"), _s(p, "link_url"))
    if msgtype == "calendar":
        return _join("[日程]", _s(p, "title"), _s(p, "place"))
    if msgtype == "meeting":
        return _join("[会议]", _s(p, "topic"))
    if msgtype == "collect":
        questions = [str(d.get("ques")) for d in p.get("details") or [] if isinstance(d, dict)]
        if questions:
            extra["questions"] = questions
        return _join("[填表]", _s(p, "title"))
    if msgtype in ("redpacket", "external_redpacket"):
        return _join("[红包]", _s(p, "wish"))
    # news: a list of article cards
    items = [i for i in p.get("item") or [] if isinstance(i, dict)]
    urls = [str(i["url"]) for i in items if i.get("url")]
    if urls:
        extra["urls"] = urls
    return "\n".join(_join(_s(i, "title"), _s(i, "description")) for i in items) or "[图文]"


def _split_quote(text: str, extra: dict[str, Any]) -> str:
    """A quote reply arrives as '<quoted>\\n------\\n<reply>': keep the reply, file the quote."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _QUOTE_RULE.match(line) and 0 < i < len(lines) - 1:
            extra["quote"] = {"text": "\n".join(lines[:i]).strip()}
            return "\n".join(lines[i + 1 :]).strip()
    return text


def _inner(content: Any) -> dict[str, Any]:
    """chatrecord/mixed item content: a JSON string (or, tolerated, an object)."""
    if isinstance(content, dict):
        return content
    if isinstance(content, str):
        try:
            value = json.loads(content)
        except json.JSONDecodeError:
            return {"content": content}
        return value if isinstance(value, dict) else {"content": str(value)}
    return {}


def _chatrecord(p: dict[str, Any], extra: dict[str, Any]) -> str:
    # Forwarded history is other people's words: the items go to extra, not to the text.
    items = []
    for item in p.get("item") or []:
        if not isinstance(item, dict):
            continue
        inner = _inner(item.get("content"))
        entry: dict[str, Any] = {"type": item.get("type")}
        try:
            when = _time(item.get("msgtime"), "s")  # seconds here, unlike the envelope
        except ValueError:
            when = None
        if when is not None:
            entry["time"] = when.isoformat()
        words = inner.get("content") or inner.get("title") or inner.get("filename")
        if words:
            entry["text"] = str(words).strip()
        items.append(entry)
    extra["chatrecord"] = items
    return _join("[聊天记录]", _s(p, "title"))


def _mixed(p: dict[str, Any], extra: dict[str, Any]) -> str:
    parts: list[str] = []
    media: list[str] = []
    for item in p.get("item") or []:
        if not isinstance(item, dict):
            continue
        kind = str(item.get("type") or "")
        inner = _inner(item.get("content"))
        if kind in ("text", "markdown"):
            parts.append(str(inner.get("content") or "").strip())
        elif kind:
            media.append(kind)
            parts.append({"image": "[图片]", "emotion": "[表情]", "file": "[文件]"}.get(kind, f"[{kind}]"))
    if media:
        extra["media"] = media
    return "\n".join(x for x in parts if x)


READERS = [WeComArchiveReader()]
