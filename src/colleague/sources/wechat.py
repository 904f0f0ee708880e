"""WeChat (personal) chat exports: WeChatMsg/MemoTrace CSV and TXT, PyWxDump CSV.

We read files that decryption tools already produced; we never decrypt anything.

* WeChatMsg / MemoTrace CSV (`<remark>_utf8.csv`, UTF-8 with BOM): one row per message with
  numeric `Type`/`SubType`, `IsSender`, epoch `CreateTime` and the sender's
  `Remark`/`NickName`/`Sender` (wxid) in the last three columns.
* WeChatMsg TXT (`<remark>.txt`): blocks "{StrTime} {display name}\\n{content}\\n\\n"; system
  messages are a single "{StrTime} {content}" line.
* PyWxDump CSV, two layouts: `id, MsgSvrID, type_name, is_sender, talker, room_name, msg, src,
  CreateTime` and the older one with a JSON `content` ({"src", "msg"}) and talker "我" on your
  own messages.

The exporting user ("IsSender"/"is_sender" = 1) becomes one identity: its native id is the
user's own wxid when the file states it (WeChatMsg `Sender`, newer PyWxDump `talker`), else
"me:<--me name>" when the operator gave `--me`, else plain "me". Its name is the `--me` name,
else the nickname the file gives. Keying "me" on the `--me` name keeps two colleagues' exports,
ingested with different `--me`, from collapsing into one person.

Direct chats use the contact's wxid as conversation id in both CSV formats, so a WeChatMsg and
a PyWxDump export of the same chat land in one conversation.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from colleague.model import Conversation, Identity, Message, MessageKind, Record, Rejected
from colleague.sources._csv import CsvRow, csv_header, csv_rows
from colleague.sources._lines import head_lines, iter_lines
from colleague.sources._time import epoch_auto, localize
from colleague.sources.base import ReadContext, ReadError

PLATFORM = "wechat"
_PRESCAN_ROWS = 2000  # rows looked at to tell a group chat from a direct chat

# -- shared helpers ---------------------------------------------------------------------------

_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",  # Excel resaves "2024/10/4 11:42" (no padding, often no seconds)
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
)
_TAG = re.compile(r"<[^<>]+>")
_ANCHOR = re.compile(r'<a\s+href="([^"]*)"[^>]*>[^<]*</a>')
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
# Official accounts (公众号) post automated content.
_BOT_PREFIXES = ("gh_",)


def parse_time(value: str, tz: tzinfo) -> datetime | None:
    """Epoch seconds/milliseconds or a local date-time string → aware datetime; None if neither."""
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return epoch_auto(text)
    for fmt in _TIME_FORMATS:
        try:
            return localize(datetime.strptime(text, fmt), tz)
        except ValueError:
            continue
    return None


def clean_markup(text: str) -> str:
    """System/revoke text → plain words: CDATA unwrapped, links kept as URLs, tags dropped."""
    text = _CDATA.sub(lambda m: m.group(1), text)
    text = text.replace('<a href="weixin://revoke_edit_click">重新编辑</a>', "")
    text = _ANCHOR.sub(lambda m: m.group(1) if not m.group(1).startswith("weixin:") else "", text)
    return html.unescape(_TAG.sub("", text)).strip()


def self_identity(ctx: ReadContext, wxid: str | None, nickname: str | None) -> Identity:
    """The exporting user (see the module docstring for how the id is chosen)."""
    if wxid:
        native = wxid
    elif ctx.self_name:
        native = f"me:{ctx.self_name}"
    else:
        native = "me"
    return Identity(PLATFORM, native, name=ctx.self_name or nickname or None)


def contact(wxid: str, name: str | None = None) -> Identity:
    return Identity(PLATFORM, wxid, name=name or None, is_bot=wxid.startswith(_BOT_PREFIXES))


def _xml(text: str) -> ET.Element | None:
    """Parse WeChat's XML payloads; group messages may carry a "wxid:\\n" prefix before it."""
    start = text.find("<")
    if start < 0:
        return None
    try:
        return ET.fromstring(text[start:].strip())
    except (ET.ParseError, ValueError):  # malformed, or expat refusing entity amplification
        return None


def _child_text(node: ET.Element | None, path: str) -> str:
    if node is None:
        return ""
    found = node.find(path)
    return (found.text or "").strip() if found is not None else ""


def _conversation_kind(room: str) -> str:
    return "group" if room.endswith("@chatroom") else "dm"


# -- WeChatMsg / MemoTrace CSV ------------------------------------------------------------------

_WCM_REQUIRED = ("localId", "Type", "SubType", "IsSender", "CreateTime", "StrContent", "StrTime")
_WCM_COLUMNS = (
    "localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status", "StrContent",
    "StrTime", "Remark", "NickName", "Sender",
)
_MEDIA = {
    3: ("[图片]", "image"),
    34: ("[语音]", "voice"),
    43: ("[视频]", "video"),
    47: ("[表情包]", "sticker"),
    48: ("[位置]", "location"),
    42: ("[名片]", "card"),
    50: ("[通话]", "call"),
}
_SYSTEM_TYPES = {10000, 10002, 37}  # system notice, sysmsg XML (recalls), friend request


def _remark_from_name(path: Path) -> str:
    stem = path.stem
    return stem[: -len("_utf8")] if stem.endswith("_utf8") else stem


class WeChatMsgCsvReader:
    name = "wechatmsg"
    description = "WeChatMsg / MemoTrace CSV export (<remark>_utf8.csv: localId, TalkerId, Type, …)"
    priority = 20

    def identify(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() != ".csv":
            return False
        return set(_WCM_REQUIRED) <= set(csv_header(path))

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        header = csv_header(path)
        missing = [c for c in _WCM_REQUIRED if c not in header]
        if missing:
            raise ReadError(path, "line 1", f"a WeChatMsg CSV header with {', '.join(missing)}")
        col = {name: header.index(name) for name in _WCM_COLUMNS if name in header}
        conv = self._conversation(path, col, len(header))
        yield conv
        for row in csv_rows(path, len(header)):
            yield self._message(row, col, conv, ctx)

    def _conversation(self, path: Path, col: dict[str, int], width: int) -> Conversation:
        """Direct chat (keyed by the contact's wxid) or group, judged from the first rows."""
        remark = _remark_from_name(path)
        others: dict[str, str] = {}
        try:
            for n, row in enumerate(csv_rows(path, width)):
                if n >= _PRESCAN_ROWS or len(others) > 1:
                    break
                cells = row.cells
                if cells is None or _cell(cells, col, "IsSender") == "1":
                    continue
                sender = _cell(cells, col, "Sender")
                if sender:
                    others.setdefault(sender, _cell(cells, col, "Remark") or _cell(cells, col, "NickName"))
        except ReadError:
            pass  # the main pass reports it with its line
        if len(others) == 1:
            wxid, name = next(iter(others.items()))
            if not wxid.endswith("@chatroom"):
                return Conversation(PLATFORM, wxid, remark or name or wxid, "dm")
        kind = "group" if len(others) > 1 else "dm"
        return Conversation(PLATFORM, f"remark:{remark}", remark, kind)  # type: ignore[arg-type]

    def _message(
        self, row: CsvRow, col: dict[str, int], conv: Conversation, ctx: ReadContext
    ) -> Message | Rejected:
        where = f"line {row.line}"
        cells = row.cells
        if cells is None:
            return Rejected(where, row.error or "unparsable CSV record")
        needed = max(col[c] for c in _WCM_REQUIRED) + 1
        if len(cells) < needed:
            return Rejected(where, f"a row of at least {needed} fields, got {len(cells)}")
        try:
            mtype = int(_cell(cells, col, "Type") or "0")
            subtype = int(_cell(cells, col, "SubType") or "0")
        except ValueError:
            return Rejected(where, f"numeric Type/SubType, got {_cell(cells, col, 'Type')!r}")
        when = parse_time(_cell(cells, col, "CreateTime"), ctx.tz) or parse_time(
            _cell(cells, col, "StrTime"), ctx.tz
        )
        if when is None:
            return Rejected(where, f"a CreateTime (epoch seconds), got {_cell(cells, col, 'CreateTime')!r}")
        is_self = _cell(cells, col, "IsSender") == "1"
        sender = _cell(cells, col, "Sender")
        nick = _cell(cells, col, "Remark") or _cell(cells, col, "NickName")
        author: Identity | None
        if is_self:
            author = self_identity(ctx, sender or None, _cell(cells, col, "NickName"))
        else:
            author = contact(sender, nick) if sender else None
        text, kind, extra = _wcm_content(mtype, subtype, _cell(cells, col, "StrContent"))
        if kind == "message" and author is not None and author.is_bot:
            kind = "bot"
        if kind == "system" and not extra.get("recall"):
            author = None  # "you added X", "X joined": nobody wrote these words
        return Message(
            platform=PLATFORM,
            conversation=conv,
            # localId is a row number in the user's local database, not a message id: let
            # the content decide, so re-exports of overlapping ranges dedupe.
            native_id=None,
            author=author,
            timestamp=when,
            text=text,
            kind=kind,
            extra=extra,
        )


def _cell(cells: list[str], col: dict[str, int], name: str) -> str:
    i = col.get(name)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _wcm_content(mtype: int, subtype: int, raw: str) -> tuple[str, MessageKind, dict[str, Any]]:
    """(text, kind, extra) of a WeChatMsg row from its numeric type and raw StrContent."""
    extra: dict[str, Any] = {}
    if mtype == 1:
        return raw, "message", extra
    extra["type"] = mtype if not subtype else f"{mtype}/{subtype}"
    if mtype in _SYSTEM_TYPES:
        text = _sysmsg_text(raw)
        if "撤回" in text or "revokemsg" in raw:
            extra["recall"] = True
        return text, "system", extra
    if mtype in _MEDIA:
        label, media = _MEDIA[mtype]
        extra["media"] = media
        if mtype == 48:
            loc = _xml(raw)
            place = loc.find("location") if loc is not None else None
            if place is not None:
                words = " ".join(x for x in (place.get("poiname"), place.get("label")) if x)
                return f"{label} {words}".strip(), "message", extra
        return label, "message", extra
    if mtype == 49:
        return _appmsg(subtype, raw, extra)
    return clean_markup(raw) if "<" in raw else raw, "message", extra


def _sysmsg_text(raw: str) -> str:
    root = _xml(raw) if raw.lstrip().startswith("<sysmsg") else None
    if root is not None:
        replace = root.find(".//replacemsg")
        if replace is not None and replace.text:
            return clean_markup(replace.text)
        return clean_markup("".join(root.itertext()))
    return clean_markup(raw)


def _appmsg(subtype: int, raw: str, extra: dict[str, Any]) -> tuple[str, MessageKind, dict[str, Any]]:
    """Type 49 app messages: quote replies, files, links, forwarded chat records, transfers."""
    root = _xml(raw)
    app = root.find("appmsg") if root is not None and root.tag != "appmsg" else root
    title = _child_text(app, "title")
    if app is not None and not subtype:
        try:
            subtype = int(_child_text(app, "type") or "0")
        except ValueError:
            subtype = 0
        extra["type"] = f"49/{subtype}"
    if subtype == 57:
        ref = app.find("refermsg") if app is not None else None
        if ref is not None:
            quoted = _child_text(ref, "content")
            inner = _xml(quoted) if quoted.startswith("<") else None
            if inner is not None:
                # A quoted image or card is XML itself: keep its title, or say it was an image.
                is_image = inner.find(".//img") is not None
                quoted = _child_text(inner, ".//title") or ("[图片]" if is_image else "")
            extra["quote"] = {
                k: v for k, v in (
                    ("name", _child_text(ref, "displayname")),
                    ("text", quoted),
                    ("svrid", _child_text(ref, "svrid")),
                    ("time", _child_text(ref, "createtime")),
                ) if v
            }
        return title, "message", extra
    if subtype == 6:
        extra["media"] = "file"
        if title:
            extra["files"] = [title]
        return f"[文件] {title}".strip(), "message", extra
    if subtype in (4, 5):
        url = _child_text(app, "url")
        if url:
            extra["url"] = url
        desc = _child_text(app, "des")
        return "\n".join(x for x in (title or "[链接]", desc, url) if x), "message", extra
    if subtype == 19:
        # A forwarded chat record is other people's words: title only, items not claimed.
        extra["forwarded"] = _child_text(app, "des")
        return f"[聊天记录] {title}".strip(), "message", extra
    if subtype == 2000:
        return f"[转账] {_child_text(app, 'wcpayinfo/feedesc')}".strip(), "message", extra
    if subtype == 3:
        return f"[音乐分享] {title}".strip(), "message", extra
    if title:
        return title, "message", extra
    return ("[链接]" if not raw.strip() else clean_markup(raw) or "[链接]"), "message", extra


# -- WeChatMsg TXT ----------------------------------------------------------------------------

_TXT_HEAD = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (\S.*)$")
# Shapes of other chat-log formats that share the "time name" line (QQ, Feishu one-liners).
_QQ_SENDER = re.compile(r"(\(\d{5,}\)|<[^<>@\s]+@[^<>\s]+>)$")
_TXT_MARKERS = ("[表情包]", "[音乐分享]", "[链接]:title:")
_TXT_QUOTE = "引用:"
_TXT_PLACEHOLDERS = {
    "[图片]": "image", "[语音]": "voice", "[视频]": "video", "[表情包]": "sticker",
    "[文件]": "file", "[音乐分享]": "music",
}


class WeChatMsgTxtReader:
    name = "wechatmsg-txt"
    description = "WeChatMsg TXT export (<remark>.txt: '{time} {name}' line, content, blank line)"
    priority = 40  # after formats with unmistakable headers (QQ's header, JSON, CSV)

    def identify(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() != ".txt":
            return False
        lines = head_lines(path, 80)
        body = [ln for ln in lines if ln.strip()]
        if not body or not _TXT_HEAD.match(body[0]):
            return False
        if any(ln.startswith(("消息记录", "消息对象:", "消息分组:", "====")) for ln in lines):
            return False  # QQ's export header
        heads = [m for m in map(_TXT_HEAD.match, _block_heads(lines)) if m]
        if not heads or any(_QQ_SENDER.search(m.group(2)) for m in heads):
            return False
        # The time+name line alone is shared with QQ and Feishu logs: also want WeChatMsg's own
        # markers, or its output layout 聊天记录/<remark>/<remark>.txt.
        layout = path.parent.name == path.stem or "聊天记录" in path.parts
        marked = any(m in ln for ln in lines for m in _TXT_MARKERS) or any(
            ln.startswith(_TXT_QUOTE) for ln in lines
        )
        return layout or marked

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        lines = head_lines(path, 50)
        first = next(((i, ln) for i, ln in enumerate(lines, 1) if ln.strip()), (1, ""))
        if not _TXT_HEAD.match(first[1]):
            raise ReadError(
                path, f"line {first[0]}",
                f"a '{{YYYY-MM-DD HH:MM:SS}} {{name}}' line, got {first[1][:40]!r}",
            )
        conv = self._conversation(path)
        yield conv
        for block in _txt_blocks(path):
            yield _txt_message(block, conv, ctx)

    def _conversation(self, path: Path) -> Conversation:
        names: set[str] = set()
        try:
            for n, block in enumerate(_txt_blocks(path)):
                if n >= _PRESCAN_ROWS or len(names) > 2:
                    break
                if any(ln.strip() for ln in block.content):
                    names.add(block.name)
        except ReadError:
            pass
        kind = "group" if len(names) > 2 else "dm"
        return Conversation(PLATFORM, f"remark:{path.stem}", path.stem, kind)  # type: ignore[arg-type]


def _block_heads(lines: list[str]) -> list[str]:
    """Lines that start a block: a time+name line at the top or after a blank line."""
    out = []
    prev_blank = True
    for ln in lines:
        if prev_blank and _TXT_HEAD.match(ln):
            out.append(ln)
        prev_blank = not ln.strip()
    return out


class _Block:
    __slots__ = ("line", "time", "name", "content")

    def __init__(self, line: int, time: str, name: str) -> None:
        self.line = line
        self.time = time
        self.name = name
        self.content: list[str] = []


def _txt_blocks(path: Path) -> Iterator[_Block]:
    current: _Block | None = None
    prev_blank = True
    for number, line in iter_lines(path):
        head = _TXT_HEAD.match(line) if prev_blank else None
        if head:
            if current is not None:
                yield current
            current = _Block(number, head.group(1), head.group(2).strip())
        elif current is not None:
            current.content.append(line)
        prev_blank = not line.strip()
    if current is not None:
        yield current


def _txt_message(block: _Block, conv: Conversation, ctx: ReadContext) -> Message | Rejected:
    where = f"line {block.line}"
    try:
        when = localize(datetime.strptime(block.time, "%Y-%m-%d %H:%M:%S"), ctx.tz)
    except ValueError:
        return Rejected(where, f"a valid date-time, got {block.time!r}")
    content = list(block.content)
    while content and not content[-1].strip():
        content.pop()
    extra: dict[str, Any] = {}
    if not content:
        # "{time} {content}" with no name: a system message (recall, join, pat).
        text = clean_markup(block.name)
        if "撤回" in text:
            extra["recall"] = True
        return Message(PLATFORM, conv, None, None, when, text, kind="system", extra=extra)
    text = _txt_text(content, extra)
    author = _txt_author(block.name, ctx)
    kind: MessageKind = "bot" if author.is_bot else "message"
    return Message(PLATFORM, conv, None, author, when, text, kind=kind, extra=extra)


def _txt_author(name: str, ctx: ReadContext) -> Identity:
    if ctx.self_name and name == ctx.self_name:
        return self_identity(ctx, None, name)
    # The TXT export names people only by display name: key them by it.
    return Identity(PLATFORM, f"name:{name}", name=name)


def _txt_text(content: list[str], extra: dict[str, Any]) -> str:
    stripped = [ln.strip() for ln in content]
    if stripped and stripped[0].startswith("[链接]:title:"):
        # Link cards: "[链接]:title:..", "description:..", "url:..", "name:.." (indented).
        fields: dict[str, str] = {}
        for ln in stripped:
            key, _, value = ln.removeprefix("[链接]:").partition(":")
            if value and value != "None":
                fields[key] = value
        if fields.get("url"):
            extra["url"] = fields["url"]
        extra["media"] = "link"
        return "\n".join(x for x in (fields.get("title") or "[链接]", fields.get("description"),
                                      fields.get("url")) if x)
    if len(stripped) >= 2 and stripped[-1].startswith(_TXT_QUOTE):
        quoted = stripped[-1][len(_TXT_QUOTE) :]
        name, sep, said = quoted.partition(":")
        extra["quote"] = {"name": name, "text": said} if sep else {"text": quoted}
        return "\n".join(content[:-1]).strip()
    text = "\n".join(content).strip()
    if text in _TXT_PLACEHOLDERS:
        extra["media"] = _TXT_PLACEHOLDERS[text]
    return text


# -- PyWxDump CSV -----------------------------------------------------------------------------

_PWD_REQUIRED = ("MsgSvrID", "type_name", "is_sender", "talker", "CreateTime")
_PWD_SELF_TALKERS = {"我", "", "未知"}
_PWD_SYSTEM_TALKERS = {"系统"}
_PWD_MEDIA = {
    "图片": ("[图片]", "image"),
    "视频": ("[视频]", "video"),
    "动画表情": ("[表情包]", "sticker"),
    "语音": ("[语音]", "voice"),
    "文件": ("[文件]", "file"),
    "位置": ("[位置]", "location"),
}
_PWD_SYSTEM_TYPES = ("系统通知", "拍一拍", "邀请加群", "添加好友", "消息撤回")
_PWD_QUOTE = re.compile(r"^(.*?)\n\n\[引用\]\(([^)]*)\)(.*)$", re.S)
_FILE_PAGE = re.compile(r"_\d+_\d+$")  # PyWxDump names pages "<wxid>_<from>_<to>.csv"


class PyWxDumpCsvReader:
    name = "pywxdump"
    description = "PyWxDump CSV export (id, MsgSvrID, type_name, is_sender, talker, room_name, msg|content, …)"
    priority = 20

    def identify(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() != ".csv":
            return False
        header = set(csv_header(path))
        return set(_PWD_REQUIRED) <= header and bool(header & {"msg", "content"})

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        header = csv_header(path)
        missing = [c for c in _PWD_REQUIRED if c not in header]
        if "msg" not in header and "content" not in header:
            missing.append("msg (or content)")
        if missing:
            raise ReadError(path, "line 1", f"a PyWxDump CSV header with {', '.join(missing)}")
        col = {name: i for i, name in enumerate(header)}
        fallback_room = _FILE_PAGE.sub("", path.stem)
        seen: dict[str, Conversation] = {}
        for row in csv_rows(path, len(header)):
            cells = row.cells
            where = f"line {row.line}"
            if cells is None:
                yield Rejected(where, row.error or "unparsable CSV record")
                continue
            if len(cells) != len(header):
                yield Rejected(where, f"a row of {len(header)} fields, got {len(cells)}")
                continue
            room = _cell(cells, col, "room_name") or fallback_room
            conv = seen.get(room)
            if conv is None:
                conv = Conversation(PLATFORM, room, room, _conversation_kind(room))  # type: ignore[arg-type]
                seen[room] = conv
                yield conv
            yield _pwd_message(cells, col, conv, ctx, where)


def _pwd_message(
    cells: list[str], col: dict[str, int], conv: Conversation, ctx: ReadContext, where: str
) -> Message | Rejected:
    sender_flag = _cell(cells, col, "is_sender")
    if sender_flag not in ("0", "1"):
        return Rejected(where, f"is_sender 0 or 1, got {sender_flag!r}")
    when = parse_time(_cell(cells, col, "CreateTime"), ctx.tz)
    if when is None:
        return Rejected(where, f"a CreateTime date or epoch, got {_cell(cells, col, 'CreateTime')!r}")
    if "msg" in col:
        msg, src = cells[col["msg"]], _cell(cells, col, "src")
    else:
        parsed = _pwd_content(cells[col["content"]])
        if parsed is None:
            return Rejected(where, 'content: a JSON object {"src": …, "msg": …}')
        msg, src = parsed
    type_name = _cell(cells, col, "type_name")
    talker = _cell(cells, col, "talker")
    text, kind, extra = _pwd_content_text(type_name, msg, src)
    author: Identity | None
    if sender_flag == "1":
        author = self_identity(ctx, None if talker in _PWD_SELF_TALKERS else talker, None)
    elif conv.kind == "dm":
        # In a direct chat the other side is the chat itself; `talker` is unreliable here
        # (anonymisers and some versions put the owner's id on received rows).
        author = contact(conv.native_id)
    elif talker in _PWD_SYSTEM_TALKERS:
        author, kind = None, "system"
    elif talker in _PWD_SELF_TALKERS:
        author = None
    else:
        author = contact(talker)
    if kind == "system" and not extra.get("recall"):
        author = None
    if kind == "message" and author is not None and author.is_bot:
        kind = "bot"
    svrid = _cell(cells, col, "MsgSvrID")
    return Message(
        platform=PLATFORM,
        conversation=conv,
        native_id=svrid if svrid and svrid != "0" else None,
        author=author,
        timestamp=when,
        text=text,
        kind=kind,
        extra=extra,
    )


def _pwd_content(raw: str) -> tuple[str, str] | None:
    """The older layout's `content` cell: a JSON object {"src", "msg"} (or a bare JSON string)."""
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return None
    if isinstance(value, str):
        return value, ""
    if not isinstance(value, dict):
        return None
    return str(value.get("msg") or ""), str(value.get("src") or "")


def _pwd_content_text(type_name: str, msg: str, src: str) -> tuple[str, MessageKind, dict[str, Any]]:
    extra: dict[str, Any] = {}
    if type_name and type_name != "文本":
        extra["type"] = type_name
    if "<revokemsg>" in msg or type_name.startswith("消息撤回"):
        extra["recall"] = True
        return clean_markup(msg), "system", extra
    if type_name.startswith(_PWD_SYSTEM_TYPES) or msg.lstrip().startswith("<sysmsg"):
        return _sysmsg_text(msg), "system", extra
    if type_name == "引用回复" or "\n\n[引用](" in msg:
        match = _PWD_QUOTE.match(msg)
        if match:
            reply, when, rest = match.groups()
            name, sep, said = rest.partition(":")
            extra["quote"] = {"time": when, "name": name, "text": said} if sep else {
                "time": when, "text": rest}
            return reply.strip(), "message", extra
    if type_name in _PWD_MEDIA:
        label, media = _PWD_MEDIA[type_name]
        extra["media"] = media
        if src and media == "file":
            extra["files"] = [src.replace("\\", "/").rsplit("/", 1)[-1]]
        # Bare "图片"/"表情" stand-ins become the same placeholders as WeChatMsg's.
        if msg.strip() in ("", "图片", "视频", "表情", "语音", type_name):
            return label, "message", extra
        if media == "file":
            return f"{label} {msg.strip()}", "message", extra
        return msg, "message", extra
    if "<a href=" in msg:
        url = _ANCHOR.search(msg)
        if url:
            extra["url"] = url.group(1)
        return clean_markup(msg), "message", extra
    return msg, "message", extra


READERS = [WeChatMsgCsvReader(), WeChatMsgTxtReader(), PyWxDumpCsvReader()]
