"""Telegram Desktop JSON export (`result.json`), single chat or whole account.

* Single chat ("Export chat history"): `{name, type, id, messages[]}`.
* Whole account ("Export Telegram data"): `{about, personal_information, …, chats: {about,
  list: [chat…]}, left_chats: {…}}` — every chat has the single-chat shape.

Read incrementally (a whole-account export can be hundreds of MB). Message ids are per chat
(global_id=False). Times: `date_unixtime` (epoch string, 2021+) is preferred and shown in
ctx.tz; otherwise the zone-less local `date` takes ctx.tz. 2020-era files have integer
`from_id` (normalised to "user<id>" like later files), no `text_entities`, and
`"edited": "1970-01-01T…"` meaning never edited.

Bots: a message is "bot" when it was sent `via_bot`, or when the author is the other side of a
`bot_chat` (that chat's id is the bot's user id). Display names ending in "bot" are not used:
the export gives the contact's display name, not the @username that Telegram requires to end
in "bot", so the suffix says nothing reliable about the account.
Forwarded messages keep their forwarder as author but carry `extra["forwarded"] = True`
(not the sender's own words) and `forwarded_from`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from colleague.model import Conversation, ConversationKind, Identity, Message, Record, Rejected
from colleague.sources._jsonstream import JsonStream, json_head, open_json
from colleague.sources._time import from_epoch, parse_iso
from colleague.sources.base import ReadContext, ReadError

PLATFORM = "telegram"

_CHAT_KINDS: dict[str, ConversationKind] = {
    "personal_chat": "dm",
    "bot_chat": "dm",
    "saved_messages": "dm",
    "private_group": "group",
    "private_supergroup": "group",
    "public_supergroup": "group",
    "private_channel": "channel",
    "public_channel": "channel",
}
_SINGLE_HEAD = re.compile(
    r'^\{\s*(?:"name"\s*:\s*(?:"(?:[^"\\]|\\.)*"|null)\s*,\s*)?"type"\s*:\s*"(?P<type>[a-z_]+)"'
    r'\s*,\s*"id"\s*:\s*-?\d+\s*,\s*"messages"\s*:\s*\['
)
_ACCOUNT_HEAD = re.compile(r'^\{\s*"about"\s*:\s*"')
_ACCOUNT_KEY = re.compile(
    r'"(?:personal_information|profile_pictures|contacts|frequent_contacts|chats|left_chats)"'
    r"\s*:\s*[\{\[]"
)
_NOT_INCLUDED = "(File "  # "(File not included. …)", "(File unavailable, …)"
_MEDIA_WORDS = {
    "sticker": "sticker",
    "voice_message": "voice message",
    "video_message": "video message",
    "video_file": "video",
    "animation": "GIF",
    "audio_file": "audio",
}


# ---------------------------------------------------------------------------------------------
# small field readers


def _peer(peer_id: Any, name: Any, bot: bool = False) -> Identity | None:
    """`from_id`/`actor_id` ("user123", "channel123" or a 2020-era int) → Identity."""
    if peer_id is None or peer_id == "":
        if not name:
            return None
        return Identity(PLATFORM, f"name:{name}", name=str(name), is_bot=bot)
    native = f"user{peer_id}" if isinstance(peer_id, int) else str(peer_id)
    return Identity(PLATFORM, native, name=str(name) if name else None, is_bot=bot)


def _when(raw: dict[str, Any], key: str, ctx: ReadContext) -> datetime | None:
    """`<key>_unixtime` when present (the true instant), else the zone-less `<key>`."""
    unix = raw.get(f"{key}_unixtime")
    if unix not in (None, ""):
        return from_epoch(unix).astimezone(ctx.tz)
    local = raw.get(key)
    if local in (None, ""):
        return None
    return parse_iso(str(local), ctx.tz)


def _edited(raw: dict[str, Any], ctx: ReadContext) -> datetime | None:
    # 2020-era files write the epoch in local time ("1970-01-01T05:00:00") for "never".
    if str(raw.get("edited") or "").startswith("1970-01-01") or raw.get("edited_unixtime") == "0":
        return None
    try:
        return _when(raw, "edited", ctx)
    except (TypeError, ValueError, OverflowError):
        return None


def _render(text: Any, mentions: list[Identity]) -> str:
    """`text` as a string or a list of strings and {type, text} pieces → plain text."""
    if isinstance(text, str):
        return text
    if not isinstance(text, list):
        return ""
    out: list[str] = []
    for piece in text:
        if isinstance(piece, str):
            out.append(piece)
            continue
        if not isinstance(piece, dict):
            continue
        kind, t = piece.get("type"), str(piece.get("text") or "")
        if kind == "mention" and t.startswith("@") and len(t) > 1:
            # Usernames are case-insensitive; the export gives no user id for them.
            mentions.append(Identity(PLATFORM, "@" + t[1:].lower(), handle=t[1:]))
            out.append(t)
        elif kind == "mention_name":
            if piece.get("user_id") is not None:
                mentions.append(Identity(PLATFORM, f"user{piece['user_id']}", name=t or None))
            out.append(t if t.startswith("@") else "@" + t)
        elif kind == "text_link" and piece.get("href") and piece["href"] != t:
            out.append(f"{t} ({piece['href']})")
        else:
            out.append(t)
    return "".join(out)


def _file_name(raw: dict[str, Any]) -> str | None:
    if raw.get("file_name"):
        return str(raw["file_name"])
    path = str(raw.get("file") or "")
    if path and not path.startswith(_NOT_INCLUDED):
        return path.rsplit("/", 1)[-1]
    return None


def _media(raw: dict[str, Any], extra: dict[str, Any]) -> str:
    """A placeholder for what a message carries besides text; fills extra["media"]."""
    if "photo" in raw:
        extra["media"] = "photo"
        return "[photo]"
    media_type = raw.get("media_type")
    if media_type:
        extra["media"] = str(media_type)
        word = _MEDIA_WORDS.get(str(media_type), str(media_type).replace("_", " "))
        if media_type == "sticker" and raw.get("sticker_emoji"):
            return f"[sticker {raw['sticker_emoji']}]"
        if media_type == "audio_file" and (raw.get("performer") or raw.get("title")):
            label = " – ".join(str(raw[k]) for k in ("performer", "title") if raw.get(k))
            return f"[audio: {label}]"
        return f"[{word}]"
    if "file" in raw:
        extra["media"] = "file"
        name = _file_name(raw)
        if name:
            extra["files"] = [name]
        return f"[file: {name}]" if name else "[file]"
    if isinstance(raw.get("poll"), dict):
        poll = raw["poll"]
        extra["media"] = "poll"
        answers = [str(a.get("text")) for a in poll.get("answers") or [] if isinstance(a, dict)]
        return f"[poll] {poll.get('question') or ''}: " + " / ".join(answers)
    if isinstance(raw.get("todo_list"), dict):
        todo = raw["todo_list"]
        extra["media"] = "todo_list"
        items = [str(a.get("text")) for a in todo.get("answers") or [] if isinstance(a, dict)]
        return f"[todo list] {todo.get('title') or ''}: " + " / ".join(items)
    if isinstance(raw.get("contact_information"), dict):
        c = raw["contact_information"]
        extra["media"] = "contact"  # the phone number is deliberately not kept
        name = " ".join(str(c.get(k)) for k in ("first_name", "last_name") if c.get(k))
        return f"[contact: {name}]" if name else "[contact]"
    if "location_information" in raw:
        extra["media"] = "location"
        return f"[location: {raw['place_name']}]" if raw.get("place_name") else "[location]"
    for key, word in (("game_title", "game"), ("invoice_information", "invoice")):
        if raw.get(key):
            extra["media"] = word
            return f"[{word}]"
    return ""


def _service_text(raw: dict[str, Any]) -> str:
    """Service events have no text: say what happened ("invite members: Ann, Bob")."""
    action = str(raw.get("action") or "service").replace("_", " ")
    details: list[str] = []
    if raw.get("title"):
        details.append(str(raw["title"]))
    members = [str(m) for m in raw.get("members") or [] if m]
    if members:
        details.append(", ".join(members))
    if raw.get("message_id") is not None:
        details.append(f"message {raw['message_id']}")
    if raw.get("duration_seconds") is not None:
        details.append(f"{raw['duration_seconds']} s")
    if raw.get("discard_reason"):
        details.append(str(raw["discard_reason"]))
    return f"{action}: {'; '.join(details)}" if details else action


# ---------------------------------------------------------------------------------------------
# messages


class _Chat:
    """What a message needs to know about its chat."""

    def __init__(self, raw: dict[str, Any], where: str, path: Path) -> None:
        if raw.get("id") is None:
            raise ReadError(path, where, "a chat 'id' before its 'messages'")
        self.type = str(raw.get("type") or "")
        self.id = str(raw["id"])
        name = raw.get("name") or ("Saved Messages" if self.type == "saved_messages" else self.id)
        kind = _CHAT_KINDS.get(self.type, "chat")
        self.conv = Conversation(PLATFORM, self.id, str(name), kind)
        # In a bot chat the chat id is the bot's user id.
        self.bot_user = f"user{self.id}" if self.type == "bot_chat" else None


def _message(raw: Any, chat: _Chat, ctx: ReadContext, where: str) -> Message | Rejected:
    if not isinstance(raw, dict):
        return Rejected(where, "a message object")
    if raw.get("id") is None:
        return Rejected(where, "a message with an 'id'")
    mtype = raw.get("type")
    if mtype not in ("message", "service"):
        return Rejected(where, f"type 'message' or 'service', got {mtype!r}")
    try:
        when = _when(raw, "date", ctx)
    except (TypeError, ValueError, OverflowError):
        return Rejected(where, f"a 'date' or 'date_unixtime', got {raw.get('date')!r}")
    if when is None:
        return Rejected(where, "a 'date' or 'date_unixtime'")
    service = mtype == "service"
    id_key, name_key = ("actor_id", "actor") if service else ("from_id", "from")
    author = _peer(raw.get(id_key), raw.get(name_key))
    if author is not None and author.native_id == chat.bot_user:
        author = _peer(raw.get(id_key), raw.get(name_key), bot=True)
    mentions: list[Identity] = []
    extra: dict[str, Any] = {}
    if service:
        kind = "system"
        text = _service_text(raw)
        extra["action"] = raw.get("action")
    else:
        kind = "bot" if raw.get("via_bot") or (author is not None and author.is_bot) else "message"
        text = _render(raw.get("text"), mentions)
        if not isinstance(raw.get("text"), list) and isinstance(raw.get("text_entities"), list):
            _render(raw["text_entities"], mentions)  # only to collect mentions
        placeholder = _media(raw, extra)
        if not text.strip():
            text = placeholder
    if raw.get("via_bot"):
        extra["via_bot"] = str(raw["via_bot"])
    if raw.get("forwarded_from") is not None or raw.get("forwarded_from_id") is not None:
        extra["forwarded"] = True
        extra["forwarded_from"] = raw.get("forwarded_from")
        if raw.get("forwarded_from_id") is not None:
            extra["forwarded_from_id"] = str(raw["forwarded_from_id"])
    if raw.get("author"):
        extra["signature"] = str(raw["author"])  # channel post signed by an admin
    reply_to = None
    if raw.get("reply_to_message_id") is not None:
        if raw.get("reply_to_peer_id"):
            # A reply to a message in another chat: a different id namespace.
            extra["reply_to_peer"] = str(raw["reply_to_peer_id"])
            extra["reply_to_message"] = str(raw["reply_to_message_id"])
        else:
            reply_to = str(raw["reply_to_message_id"])
    return Message(
        platform=PLATFORM, conversation=chat.conv, native_id=str(raw["id"]), author=author,
        timestamp=when, text=text, kind=kind,  # type: ignore[arg-type]
        reply_to=reply_to, edited=_edited(raw, ctx),
        mentions=tuple(dict.fromkeys(mentions)), extra=extra,
    )


def _chat(stream: JsonStream, where: str, ctx: ReadContext, path: Path) -> Iterator[Record]:
    """Stream one chat object: its name/type/id come before its messages."""
    meta: dict[str, Any] = {}
    chat: _Chat | None = None
    for key in stream.iter_object(where):
        if key == "messages":
            chat = _Chat(meta, where, path)
            yield chat.conv
            for i in stream.iter_array(f"{where}.messages" if where else "messages"):
                loc = f"{where}.messages[{i}]" if where else f"messages[{i}]"
                yield _message(stream.value(loc), chat, ctx, loc)
        elif key in ("name", "type", "id"):
            meta[key] = stream.value(f"{where}.{key}" if where else key)
        else:
            stream.skip(f"{where}.{key}" if where else key)
    if chat is None:
        # A chat the export holds no messages for still names a conversation.
        yield _Chat(meta, where, path).conv


def _self_identity(info: Any) -> Identity | None:
    if not isinstance(info, dict) or info.get("user_id") in (None, 0):
        return None
    name = " ".join(str(info[k]) for k in ("first_name", "last_name") if info.get(k)) or None
    handle = str(info.get("username") or "").lstrip("@") or None
    return Identity(PLATFORM, f"user{info['user_id']}", name=name, handle=handle)


def _read(path: Path, ctx: ReadContext) -> Iterator[Record]:
    raw, stream = open_json(path)
    with raw:
        head = json_head(path)
        if _SINGLE_HEAD.match(head):
            yield from _chat(stream, "", ctx, path)
            stream.end()
            return
        if not _ACCOUNT_HEAD.match(head):
            raise ReadError(path, "line 1", "a Telegram export: {name, type, id, messages} or "
                            "{about, personal_information, chats, …}")
        for key in stream.iter_object(""):
            if key == "personal_information":
                ident = _self_identity(stream.value(key))
                if ident is not None:
                    yield ident
            elif key in ("chats", "left_chats"):
                yield from _chat_list(stream, key, ctx, path)
            else:
                stream.skip(key)
        stream.end()


def _chat_list(stream: JsonStream, key: str, ctx: ReadContext, path: Path) -> Iterator[Record]:
    for sub in stream.iter_object(key):
        if sub != "list":
            stream.skip(f"{key}.{sub}")
            continue
        for i in stream.iter_array(f"{key}.list"):
            yield from _chat(stream, f"{key}.list[{i}]", ctx, path)


def _kind(path: Path) -> str | None:
    if not path.is_file() or path.suffix.lower() != ".json":
        return None
    head = json_head(path, 8192)
    m = _SINGLE_HEAD.match(head)
    if m:
        return "chat" if m.group("type") in _CHAT_KINDS or m.group("type") in (
            "replies", "verify_codes") else None
    if _ACCOUNT_HEAD.match(head) and _ACCOUNT_KEY.search(head):
        return "account"
    return None


class TelegramReader:
    name = "telegram"
    description = "Telegram Desktop JSON export (result.json: one chat or the whole account)"
    priority = 20

    def identify(self, path: Path) -> bool:
        return _kind(path) is not None

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        yield from _read(path, ctx)


READERS = [TelegramReader()]
