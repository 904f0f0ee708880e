"""Microsoft Teams messages as Graph `chatMessage` JSON.

Accepted shapes: a Graph page `{"@odata.context": …, "value": [chatMessage, …]}`, a bare array
of messages (what export tools built on the Graph SDK/PowerShell write), a single message, or
several such documents one after another. SDK/PowerShell output uses PascalCase keys (`Id`,
`Body.Content`) and `\\u003C`-escaped HTML, so keys are matched case-insensitively. The file is
parsed element by element, never loaded whole.

Message ids are Graph's (millisecond timestamps, unique within one chat or channel). Channel
replies carry `replyToId` = their thread root; chat replies quote their target as a
`messageReference` attachment. When the export folder has them, `channels_<team>.json` beside the
messages file names the channels and `users/usersList.json` gives people's e-mail addresses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from colleague.model import Conversation, Identity, Message, Record, Rejected
from colleague.sources._html import HtmlText
from colleague.sources._jsonstream import JsonStream, load_json, open_json
from colleague.sources._text import head_text
from colleague.sources._time import parse_offset
from colleague.sources.base import ReadContext, ReadError

PLATFORM = "teams"
_HEAD = 32768
_SIDE_FILE_LIMIT = 32 * 1024 * 1024
_TIME = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})[T ]?(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*"
    r"(Z|[+-]\d{2}:?\d{2})?\s*$",
    re.IGNORECASE,
)
_CONTEXT = re.compile(r"(chats|channels)\('([^']+)'\)", re.IGNORECASE)


class TeamsReader:
    name = "teams"
    description = "Microsoft Teams messages (Graph chatMessage JSON, camelCase or PascalCase)"
    priority = 20

    def identify(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() != ".json":
            return False
        head = head_text(path, _HEAD).lstrip()
        if not head.startswith(("{", "[")):
            return False
        low = head.lower()
        # A chatMessage always says when it was created, what type it is and carries a body;
        # the page form adds an OData context pointing at /messages.
        has_message_keys = '"createddatetime"' in low and (
            '"messagetype"' in low or '"replytoid"' in low
        ) and '"body"' in low
        return has_message_keys or ('"@odata.context"' in low and "/messages" in low
                                    and '"value"' in low)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        side = _SideFiles(path)
        seen: set[str] = set()
        for where, raw, context in _elements(path):
            if not isinstance(raw, dict):
                yield Rejected(where, "a chatMessage object")
                continue
            msg = _message(_lower(raw), where, context, side, path)
            if isinstance(msg, Message) and msg.conversation.native_id not in seen:
                seen.add(msg.conversation.native_id)
                yield msg.conversation
            yield msg


# -- streaming JSON ----------------------------------------------------------------------------
def _elements(path: Path) -> Iterator[tuple[str, Any, str]]:
    """(where, message, odata context) for every message in every document of the file."""
    # PowerShell 5 writes UTF-16 with a BOM; JSON from anywhere else is UTF-8.
    fh, stream = open_json(path, errors="replace")
    with fh:
        doc = 0
        while (char := stream.peek("")) != "":
            prefix = f"document {doc + 1} " if doc else ""
            if char == "[":
                yield from _array(stream, prefix.strip(), "")
            elif char == "{":
                yield from _object(stream, prefix)
            else:
                raise ReadError(path, stream.at(f"{prefix}start".strip()), "a JSON array or object"
                                f" of Teams messages, found {char!r}")
            doc += 1


def _array(stream: JsonStream, label: str, context: str) -> Iterator[tuple[str, Any, str]]:
    for i in stream.iter_array(label):
        where = f"{label}[{i}]"
        yield where, stream.value(where), context


def _object(stream: JsonStream, prefix: str) -> Iterator[tuple[str, Any, str]]:
    """A page {"@odata.context", "value": [...]} streams its array; else one message object."""
    top: dict[str, Any] = {}
    streamed = False
    context = ""
    for key in stream.iter_object(prefix.strip()):
        where = f"{prefix}{key}"
        if key.lower() in ("value", "messages") and stream.peek(where) == "[":
            context = str(top.get("@odata.context") or "")
            yield from _array(stream, where, context)
            streamed = True
        else:
            top[key] = stream.value(where)
    if not streamed and any(k.lower() in ("id", "body") for k in top):
        yield f"{prefix}message".strip(), top, ""


def _lower(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k).lower(): _lower(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_lower(v) for v in obj]
    return obj


# -- side files ---------------------------------------------------------------------------------
class _SideFiles:
    """Channel names and users' e-mail from the export folder, when it has them."""

    def __init__(self, path: Path) -> None:
        self.channels: dict[str, str] = {}
        self.users: dict[str, tuple[str | None, str | None]] = {}
        team = path.stem.split("_", 1)[1] if path.stem.startswith("messages_") else None
        if team:
            for ch in _load_list(path.parent / f"channels_{team}.json"):
                if ch.get("id") and ch.get("displayname"):
                    self.channels[str(ch["id"])] = str(ch["displayname"])
        for folder in (path.parent, path.parent.parent, path.parent.parent.parent):
            for cand in (folder / "usersList.json", folder / "users" / "usersList.json"):
                for u in _load_list(cand):
                    if u.get("id"):
                        # Only Mail: a UserPrincipalName looks like an address but need not be one.
                        mail = u.get("mail")
                        self.users[str(u["id"])] = (
                            u.get("displayname") or None,
                            str(mail).strip().lower() if mail and "@" in str(mail) else None,
                        )
                if self.users:
                    return


def _load_list(path: Path) -> list[dict[str, Any]]:
    try:
        if not path.is_file() or path.stat().st_size > _SIDE_FILE_LIMIT:
            return []
        data = load_json(path)
    except (OSError, ReadError):
        return []  # a side file is only a help: without it ids stand in for names
    if isinstance(data, dict):
        data = data.get("value") or data.get("Value") or []
    return [_lower(x) for x in data if isinstance(x, dict)] if isinstance(data, list) else []


# -- messages ---------------------------------------------------------------------------------
def parse_time(value: Any) -> datetime | None:
    """Graph/.NET timestamps: 'Z' or offsets, 0–7 fractional digits, tolerant of a lost 'T'."""
    if not isinstance(value, str):
        return None
    m = _TIME.match(value)
    if not m:
        return None
    year, month, day, hour, minute = (int(m.group(i)) for i in range(1, 6))
    second = int(m.group(6) or 0)
    micro = int((m.group(7) or "0")[:6].ljust(6, "0"))
    tz = parse_offset(m.group(8)) or UTC
    try:
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    except ValueError:
        return None


def _who(obj: Any, side: _SideFiles) -> Identity | None:
    """A Graph identitySet {user|application|device} → Identity."""
    if not isinstance(obj, dict):
        return None
    user = obj.get("user")
    if isinstance(user, dict) and user.get("id"):
        uid = str(user["id"])
        listed_name, email = side.users.get(uid, (None, None))
        return Identity(PLATFORM, uid, name=user.get("displayname") or listed_name, email=email)
    app = obj.get("application")
    if isinstance(app, dict) and app.get("id"):
        return Identity(PLATFORM, f"app:{app['id']}", name=app.get("displayname") or None,
                        is_bot=True)
    return None


def _conversation(raw: dict[str, Any], context: str, side: _SideFiles, path: Path) -> Conversation:
    chan = raw.get("channelidentity")
    if isinstance(chan, dict) and chan.get("channelid"):
        cid = str(chan["channelid"])
        return Conversation(PLATFORM, cid, side.channels.get(cid, cid), "channel")
    if raw.get("chatid"):
        chat = str(raw["chatid"])
        return Conversation(PLATFORM, chat, chat, "chat")
    m = _CONTEXT.findall(unquote(context))
    if m:
        kind, ident = m[-1]
        if kind.lower() == "channels":
            return Conversation(PLATFORM, ident, side.channels.get(ident, ident), "channel")
        return Conversation(PLATFORM, ident, ident, "chat")
    return Conversation(PLATFORM, f"file:{path.stem}", path.stem, "chat")


def _message(
    raw: dict[str, Any], where: str, context: str, side: _SideFiles, path: Path
) -> Message | Rejected:
    mid = raw.get("id")
    if mid is None or mid == "":
        return Rejected(where, "a message with an id")
    when = parse_time(raw.get("createddatetime"))
    if when is None:
        return Rejected(where, f"an ISO createdDateTime, got {raw.get('createddatetime')!r}")
    conv = _conversation(raw, context, side, path)
    mtype = str(raw.get("messagetype") or "message")
    author = _who(raw.get("from"), side)
    body = raw.get("body") if isinstance(raw.get("body"), dict) else {}
    mention_ids = _mentions(raw.get("mentions"), side)
    content = str(body.get("content") or "")
    mentioned: list[Identity] = []
    if str(body.get("contenttype") or "text").lower() == "html":
        text = html_to_text(content, mention_ids, mentioned)
    else:
        text = content.strip()
    extra: dict[str, Any] = {}
    kind = "message"
    if mtype.lower() != "message":
        kind = "system"
        extra["event"] = _event_name(raw.get("eventdetail")) or mtype
        text = text or extra["event"]
        initiator = _who((raw.get("eventdetail") or {}).get("initiator"), side)
        if initiator is not None:
            extra["initiator"] = initiator.native_id
        author = None  # an event is not somebody's words (initiator kept in extra)
    elif author is not None and author.is_bot:
        kind = "bot"
    elif author is None:
        kind = "system"
    if raw.get("deleteddatetime"):
        kind, text = "system", ""
        extra["deleted"] = raw["deleteddatetime"]
    reply_to = str(raw["replytoid"]) if raw.get("replytoid") else None
    files: list[str] = []
    for att in raw.get("attachments") or []:
        if not isinstance(att, dict):
            continue
        if str(att.get("contenttype") or "").lower() == "messagereference" and att.get("id"):
            reply_to = reply_to or str(att["id"])  # a chat reply quotes the message it answers
        elif att.get("name") or att.get("contenturl"):
            files.append(str(att.get("name") or att.get("contenturl")))
    if files:
        extra["files"] = files
    if raw.get("subject"):
        extra["subject"] = str(raw["subject"])
    if raw.get("importance") and raw["importance"] != "normal":
        extra["importance"] = raw["importance"]
    reactions = _reactions(raw.get("reactions"))
    if reactions:
        extra["reactions"] = reactions
    return Message(
        platform=PLATFORM,
        conversation=conv,
        native_id=str(mid),
        author=author,
        timestamp=when,
        text=text,
        kind=kind,  # type: ignore[arg-type]
        reply_to=reply_to,
        thread=str(raw["replytoid"]) if raw.get("replytoid") else None,
        # lastModifiedDateTime also moves on reactions; only lastEditedDateTime is an edit.
        edited=parse_time(raw.get("lastediteddatetime")),
        mentions=tuple(dict.fromkeys(mentioned)),
        extra=extra,
    )


def _mentions(raw: Any, side: _SideFiles) -> dict[str, tuple[str, Identity | None]]:
    """<at id="N"> → (mention text, identity of whoever is mentioned, if a user or bot)."""
    out: dict[str, tuple[str, Identity | None]] = {}
    for m in raw or []:
        if isinstance(m, dict) and m.get("id") is not None:
            out[str(m["id"])] = (str(m.get("mentiontext") or ""), _who(m.get("mentioned"), side))
    return out


def _reactions(raw: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in raw or []:
        if isinstance(r, dict) and r.get("reactiontype"):
            key = str(r.get("displayname") or r["reactiontype"])
            out[key] = out.get(key, 0) + 1
    return out


def _event_name(detail: Any) -> str | None:
    if not isinstance(detail, dict):
        return None
    odata = detail.get("@odata.type")
    if odata:
        name = str(odata).rsplit(".", 1)[-1].removesuffix("EventMessageDetail")
        subject = detail.get("chatdisplayname") or detail.get("channeldisplayname")
        return f"{name}: {subject}" if subject else name
    # PascalCase exports lose the discriminator: the one filled-in property names the event.
    for key, value in detail.items():
        if key not in ("eventtype", "initiator") and value not in (None, [], {}, ""):
            return key
    return None


# -- HTML ---------------------------------------------------------------------------------------
class _Html(HtmlText):
    """Teams message HTML: the shared parser plus <at> mentions."""

    def __init__(self, mentions: dict[str, tuple[str, Identity | None]], found: list[Identity]):
        super().__init__(rich=True, strip_lines=True)
        self.mentions = mentions
        self.found = found
        self.at: str | None = None  # id of the <at> we are inside
        self.at_text: list[str] = []
        self.last_at: tuple[int, Identity | None] | None = None  # (parts index, who)

    def start_other(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag == "at":
            self.at, self.at_text = attrs.get("id") or "", []

    def end_other(self, tag: str) -> None:
        if tag == "at" and self.at is not None:
            self._end_mention()

    def data_other(self, data: str) -> bool:
        if self.at is None:
            return False
        self.at_text.append(data)
        return True

    def _end_mention(self) -> None:
        name = "".join(self.at_text).strip()
        text, who = self.mentions.get(self.at or "", (name, None))
        name = name or text
        if who is not None:
            self.found.append(who)
        # Teams splits one person's name into several <at> tags ("Megan", "Bowen"): join them.
        if (self.last_at is not None and who is not None and self.last_at[1] == who
                and not "".join(self.parts[self.last_at[0] + 1 :]).strip()):
            idx = self.last_at[0]
            self.parts[idx] = f"{self.parts[idx]} {name}"
            del self.parts[idx + 1 :]
        else:
            self.parts.append("@" + name)
            self.last_at = (len(self.parts) - 1, who)
        self.at = None


def html_to_text(
    content: str, mentions: dict[str, tuple[str, Identity | None]], found: list[Identity]
) -> str:
    """Teams HTML → plain text: <at> → '@Name' (collected in `found`), emoji → its character."""
    parser = _Html(mentions, found)
    parser.feed(content)
    parser.close()
    if parser.at is not None:
        parser._end_mention()
    return parser.text()


READERS = [TeamsReader()]
