"""Feishu / Lark messages as JSON: Open API responses, event callbacks and ad-hoc exports.

One reader ("feishu") takes any JSON or JSON Lines file whose records are Feishu messages,
deciding per record:

* Open API message items (`GET /open-apis/im/v1/messages`, `…/messages/:id`,
  `merge_forward`): a list-response page `{"code":0,"data":{"items":[…],"has_more":…}}`, a
  get/merge_forward response (`data.message`), a bare list of items, or JSONL of items or
  pages. `body.content` is a JSON string per `msg_type` (text, post in its three shapes,
  interactive cards, media placeholders such as "[图片]", system templates). Message ids
  `om_…` are unique across Feishu (`global_id=True`); `root_id` is the thread, `parent_id`
  the message replied to; `merge_forward` children carry `upper_message_id`. Recalled
  (`deleted: true`) items are skipped: their content is gone.
* Event callbacks (schema 2.0, `im.message.receive_v1`): same message, `message_type`, and
  sender/mention ids as objects `{open_id, union_id, user_id}` (open_id is used). Other
  event types (recalls, reactions) carry no words and are skipped.
* Ad-hoc exports people already have: a list of messages or an object holding it under
  `messages`/`records`/`data`; sender under `sender_name|sender|from|user_name`, text under
  `content|text|message|body`, time under `timestamp|create_time|time`. Senders there have
  only a display name, which becomes the identity's native id (as in the text exports).

The API gives sender ids but no sender names; names come from mentions elsewhere in the
data (the store fills in a name an earlier record of the same account lacked).

Feishu text exports are read by the "chat-text" / "feishu-text" readers (see _chatlines).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from colleague.model import Conversation, Identity, Message, Record, Rejected
from colleague.sources._chatlines import ChatTextReader, head, parse_time_value
from colleague.sources._jsonstream import iter_json_records, join_where
from colleague.sources._time import from_epoch
from colleague.sources.base import ReadContext, ReadError

PLATFORM = "feishu"

_PLACEHOLDERS = {
    "image": "[图片]",
    "sticker": "[表情]",
    "audio": "[语音]",
    "media": "[视频]",
    "video": "[视频]",
    "file": "[文件]",
    "folder": "[文件夹]",
    "share_chat": "[群名片]",
    "share_user": "[个人名片]",
    "merge_forward": "[合并转发]",
    "location": "[位置]",
    "video_chat": "[视频通话]",
    "calendar": "[日程]",
    "share_calendar_event": "[日程]",
    "general_calendar": "[日程]",
    "todo": "[任务]",
    "vote": "[投票]",
    "hongbao": "[红包]",
}
# Card elements whose text is a control label, not something anybody wrote.
_CARD_SKIP_TAGS = {
    "button", "select_static", "select_person", "multi_select_static", "multi_select_person",
    "overflow", "date_picker", "picker_time", "picker_datetime", "input", "img", "hr",
    "img_combination", "checker",
}
_CARD_SKIP_KEYS = {"href", "url", "multi_url", "image_key", "img_key", "value", "options",
                   "placeholder", "behaviors", "confirm", "i18n", "i18n_elements", "style",
                   "config", "card_link", "fallback", "icon"}
_CHAT_KINDS = {"p2p": "dm", "group": "group", "topic_group": "group"}
_ADHOC_SENDER = ("sender_name", "sender", "from", "user_name")
_ADHOC_TEXT = ("content", "text", "message", "body")
_ADHOC_TIME = ("timestamp", "create_time", "time")
_ADHOC_LISTS = ("messages", "records", "data")

# identify(): head patterns.
_API_HEAD = re.compile(r'"(?:msg_type|message_type)"\s*:')
_API_ID = re.compile(r'"message_id"\s*:\s*"om_|"event_type"\s*:\s*"im\.message\.')
_ADHOC_KEYS = (
    re.compile(r'"(?:sender_name|sender|from|user_name)"\s*:'),
    re.compile(r'"(?:content|text|message|body)"\s*:'),
    re.compile(r'"(?:timestamp|create_time|time)"\s*:'),
)
# Keys of other formats whose messages also have sender/text/time-like keys.
_FOREIGN_KEYS = re.compile(
    r'"(?:guild|author|from_id|date_unixtime|msgid|msgtype|msgtime|chatInfo|conversationId|'
    r'StrContent|talker|is_sender|create_at|createdDateTime|ts|user|senderNick|uin)"\s*:'
    r"|QQChatExporter"
)


class FeishuReader:
    name = "feishu"
    description = "Feishu/Lark message JSON: Open API pages/items, event callbacks, ad-hoc exports"
    priority = 30

    def identify(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() not in (".json", ".jsonl", ".ndjson"):
            return False
        text = head(path)
        if _API_ID.search(text) and (_API_HEAD.search(text) or '"event_type"' in text):
            return True
        if _FOREIGN_KEYS.search(text) or '"message_id"' in text and _API_HEAD.search(text):
            return False
        stripped = text.lstrip()
        if not stripped.startswith(("[", "{")):
            return False
        return all(p.search(text) for p in _ADHOC_KEYS)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        state = _State(path, ctx)
        # API items name their senders only by id; mentions elsewhere in the file give the
        # names. A first pass collects them (the file is streamed twice, not held).
        for _, value in iter_json_records(path):
            state.learn_names(value)
        produced = False
        for where, value in iter_json_records(path):
            for record in state.dispatch(value, where):
                produced = True
                yield record
        if not produced and not state.skipped:
            raise ReadError(path, "document", "Feishu messages (API items, events or a message list)")


@dataclass
class _State:
    path: Path
    ctx: ReadContext
    conversations: dict[str, Conversation] = field(default_factory=dict)
    announced: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)  # open_id etc. → display name
    skipped: int = 0  # recalled messages and word-less events

    def learn_names(self, value: Any) -> None:
        """Collect id → name from every mention list (and named senders) in `value`."""
        stack = [value]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
                continue
            if not isinstance(node, dict):
                continue
            mentions = node.get("mentions")
            for m in mentions if isinstance(mentions, list) else []:
                if isinstance(m, dict) and m.get("name"):
                    native, _ = _pick_id(m.get("id"))
                    if native:
                        self.names.setdefault(native, str(m["name"]))
            stack.extend(v for v in node.values() if isinstance(v, dict | list))

    # -- structure --------------------------------------------------------------------------
    def dispatch(self, value: Any, where: str, chat: Conversation | None = None) -> Iterator[Record]:
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from self.dispatch(item, join_where(where, f"[{i}]"), chat)
            return
        if not isinstance(value, dict):
            yield Rejected(where or "document", "a message object")
            return
        if isinstance(value.get("event"), dict) and ("header" in value or "schema" in value):
            yield from self._event(value, where)
        elif "code" in value and ("data" in value or "msg" in value):
            yield from self._response(value, where)
        elif isinstance(value.get("items"), list):
            yield from self.dispatch(value["items"], join_where(where, ".items"), chat)
        elif _is_api_item(value):
            yield from self._api(value, where)
        elif any(isinstance(value.get(k), list | dict) and _holds_messages(value[k]) for k in _ADHOC_LISTS):
            yield from self._adhoc_container(value, where)
        elif any(k in value for k in _ADHOC_SENDER) or any(k in value for k in _ADHOC_TEXT):
            yield from self._adhoc(value, where, chat or self._file_chat(None))
        else:
            yield Rejected(where or "document", "a Feishu message object")

    def _response(self, page: dict[str, Any], where: str) -> Iterator[Record]:
        code = page.get("code")
        if code not in (0, "0", None):
            raise ReadError(
                self.path, where or "document",
                f"a successful API response, got code {code} ({page.get('msg', '')})",
            )
        data = page.get("data")
        if isinstance(data, dict):
            if isinstance(data.get("items"), list):
                yield from self.dispatch(data["items"], join_where(where, ".data.items"))
            if isinstance(data.get("message"), dict):
                yield from self.dispatch(data["message"], join_where(where, ".data.message"))
            if _is_api_item(data):
                yield from self._api(data, join_where(where, ".data"))
        elif isinstance(data, list):
            yield from self.dispatch(data, join_where(where, ".data"))

    def _event(self, envelope: dict[str, Any], where: str) -> Iterator[Record]:
        header = envelope.get("header") or {}
        event = envelope["event"]
        event_type = header.get("event_type") if isinstance(header, dict) else None
        message = event.get("message")
        if event_type not in (None, "im.message.receive_v1") or not isinstance(message, dict):
            self.skipped += 1
            return
        item = dict(message)
        item["sender"] = event.get("sender") or {}
        yield from self._api(item, join_where(where, ".event.message"))

    # -- conversations ----------------------------------------------------------------------
    def _chat(self, chat_id: str, chat_type: str | None, name: str | None = None) -> Conversation:
        conv = self.conversations.get(chat_id)
        if conv is None:
            kind = _CHAT_KINDS.get(chat_type or "", "chat")
            conv = Conversation(PLATFORM, chat_id, name or chat_id, kind)  # type: ignore[arg-type]
            self.conversations[chat_id] = conv
        return conv

    def _file_chat(self, name: str | None) -> Conversation:
        return self._chat(name or self.path.stem, None, name or self.path.stem)

    def _announce(self, conv: Conversation) -> Iterator[Conversation]:
        if conv.native_id not in self.announced:
            self.announced.add(conv.native_id)
            yield conv

    # -- API items ----------------------------------------------------------------------------
    def _api(self, item: dict[str, Any], where: str) -> Iterator[Record]:
        if item.get("deleted") is True:
            self.skipped += 1
            return
        created = item.get("create_time")
        try:
            when = from_epoch(created, "ms")  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError, OSError):
            yield Rejected(where, f"a millisecond 'create_time', got {created!r}")
            return
        chat_id = item.get("chat_id")
        conv = (
            self._chat(chat_id, item.get("chat_type"), item.get("chat_name"))
            if isinstance(chat_id, str) and chat_id
            else self._file_chat(None)
        )
        yield from self._announce(conv)
        msg_type = str(item.get("msg_type") or item.get("message_type") or "text")
        body = item.get("body")
        raw = body.get("content") if isinstance(body, dict) else item.get("content")
        mentions = _Mentions.from_api(item.get("mentions"))
        author, sender_kind = _api_sender(item, self.names)
        text, kind, extra = _render(msg_type, _decode_content(raw), mentions)
        if sender_kind != "message" and kind == "message":
            kind = sender_kind
        mid = item.get("message_id")
        root = item.get("root_id") or None
        parent = item.get("parent_id") or None
        for key in ("thread_id", "upper_message_id", "chat_type"):
            if item.get(key):
                extra[key] = item[key]
        if msg_type != "text":
            extra["msg_type"] = msg_type
        yield Message(
            platform=PLATFORM,
            conversation=conv,
            native_id=str(mid) if mid else None,
            author=author,
            timestamp=when,
            text=text,
            kind=kind,  # type: ignore[arg-type]
            reply_to=str(parent) if parent and parent != mid else None,
            thread=str(root) if root and root != mid else None,
            edited=_edited(item),
            mentions=mentions.identities(),
            extra=extra,
            global_id=bool(mid) and str(mid).startswith("om_"),
        )

    # -- ad-hoc exports ------------------------------------------------------------------------
    def _adhoc_container(self, obj: dict[str, Any], where: str) -> Iterator[Record]:
        name = next((str(obj[k]) for k in ("chat_name", "group_name", "name", "title", "chat")
                     if isinstance(obj.get(k), str) and obj[k].strip()), None)
        chat_id = obj.get("chat_id") if isinstance(obj.get("chat_id"), str) else None
        conv = self._chat(chat_id, obj.get("chat_type"), name) if chat_id else self._file_chat(name)
        yield from self._announce(conv)
        for key in _ADHOC_LISTS:
            inner = obj.get(key)
            if isinstance(inner, list | dict) and _holds_messages(inner):
                yield from self.dispatch(inner, join_where(where, f".{key}"), conv)
                return

    def _adhoc(self, item: dict[str, Any], where: str, conv: Conversation) -> Iterator[Record]:
        if isinstance(item.get("chat_id"), str) and item["chat_id"].strip():
            name = item.get("chat_name") if isinstance(item.get("chat_name"), str) else None
            conv = self._chat(item["chat_id"], item.get("chat_type"), name)
        yield from self._announce(conv)
        author = _adhoc_sender(item)
        text_value = next((item[k] for k in _ADHOC_TEXT if k in item), None)
        text = _adhoc_text(text_value)
        if author is None and text is None:
            yield Rejected(where, "a message with a sender or text")
            return
        when: datetime | None = None
        time_key = next((k for k in _ADHOC_TIME if item.get(k) not in (None, "")), None)
        if time_key is not None:
            when = parse_time_value(item[time_key], self.ctx.tz)
            if when is None:
                yield Rejected(where, f"a time in '{time_key}', got {item[time_key]!r}")
                return
        mid = item.get("message_id") or item.get("msg_id")
        if not mid and isinstance(item.get("id"), str) and item["id"].startswith("om_"):
            mid = item["id"]
        kind = "system" if str(item.get("type") or item.get("msg_type") or "") == "system" else "message"
        if author is not None and author.is_bot and kind == "message":
            kind = "bot"
        extra = {k: item[k] for k in ("msg_type", "type") if isinstance(item.get(k), str)}
        yield Message(
            platform=PLATFORM,
            conversation=conv,
            native_id=str(mid) if mid else None,
            author=author,
            timestamp=when,
            text=text or "",
            kind=kind,  # type: ignore[arg-type]
            reply_to=_str_or_none(item.get("parent_id") or item.get("reply_to")),
            thread=_str_or_none(item.get("root_id")),
            extra=extra,
            global_id=bool(mid) and str(mid).startswith("om_"),
        )


def _str_or_none(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and value != "" else None


def _is_api_item(value: dict[str, Any]) -> bool:
    # Ad-hoc exports often copy msg_type, but only they name the sender as a string.
    if any(isinstance(value.get(k), str) for k in _ADHOC_SENDER):
        return False
    if "msg_type" in value or "message_type" in value:
        return True
    body = value.get("body")
    return "message_id" in value and isinstance(body, dict) and "content" in body


def _holds_messages(value: Any) -> bool:
    if isinstance(value, dict):
        return isinstance(value.get("items"), list) or _is_api_item(value)
    return isinstance(value, list) and (not value or isinstance(value[0], dict))


def _decode_content(raw: Any) -> Any:
    """body.content is a JSON string, except where the API gives plain text (merge_forward)."""
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith(("{", "[")):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                return raw
    return raw


# -- identities ------------------------------------------------------------------------------

def _pick_id(value: Any) -> tuple[str | None, str | None]:
    """(id, id_type) from an id string or an event's {open_id, union_id, user_id} object."""
    if isinstance(value, dict):
        for key in ("open_id", "user_id", "union_id", "app_id", "id"):
            if isinstance(value.get(key), str) and value[key]:
                return value[key], key
        return None, None
    if isinstance(value, str) and value:
        return value, None
    return None, None


def _api_sender(item: dict[str, Any], names: dict[str, str]) -> tuple[Identity | None, str]:
    """(author, message kind implied by the sender)."""
    sender = item.get("sender")
    if not isinstance(sender, dict):
        return None, "message"
    sender_type = str(sender.get("sender_type") or "user")
    native, _ = _pick_id(sender.get("sender_id") or sender.get("id"))
    name = (sender.get("name") or sender.get("sender_name") or item.get("sender_name")
            or names.get(native or "") or None)
    if sender_type == "system":
        return None, "system"
    if not native:
        return None, "message"  # anonymous senders carry no id
    is_bot = sender_type == "app"
    return Identity(PLATFORM, native, name=name, is_bot=is_bot), "bot" if is_bot else "message"


def _adhoc_sender(item: dict[str, Any]) -> Identity | None:
    value = next((item[k] for k in _ADHOC_SENDER if item.get(k) not in (None, "")), None)
    if isinstance(value, dict):
        name = next((str(value[k]) for k in ("name", "sender_name", "user_name", "display_name",
                                             "nickname") if value.get(k)), None)
        native, _ = _pick_id(value.get("sender_id") or value)
        is_bot = value.get("sender_type") == "app" or bool(value.get("is_bot"))
        if native is None and name is None:
            return None
        return Identity(PLATFORM, native or name or "", name=name, is_bot=is_bot)
    if isinstance(value, str | int):
        name = str(value).strip()
        return Identity(PLATFORM, name, name=name) if name else None
    return None


def _adhoc_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        decoded = _decode_content(value)
        if isinstance(decoded, dict):
            return _adhoc_text(decoded)
        return value
    if isinstance(value, dict):
        if "title" in value and isinstance(value.get("content"), list) or any(
            k in value for k in ("zh_cn", "en_us", "post")
        ):
            return _render("post", value, _Mentions())[0]
        for key in ("text", "content"):
            if key in value:
                return _adhoc_text(value[key])
        return None
    if isinstance(value, list):
        parts = []
        for piece in value:
            if isinstance(piece, str):
                parts.append(piece)
            elif isinstance(piece, dict) and isinstance(piece.get("text"), str):
                parts.append(piece["text"])
            elif isinstance(piece, list):
                parts.append(_adhoc_text(piece) or "")
        return "".join(parts)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


@dataclass
class _Mentions:
    """`@_user_N` keys of one message → identities."""

    by_key: dict[str, Identity] = field(default_factory=dict)
    used: list[Identity] = field(default_factory=list)

    @classmethod
    def from_api(cls, raw: Any) -> _Mentions:
        out = cls()
        for m in raw if isinstance(raw, list) else []:
            if not isinstance(m, dict) or not m.get("key"):
                continue
            native, _ = _pick_id(m.get("id"))
            name = m.get("name") or None
            if native or name:
                out.by_key[str(m["key"])] = Identity(PLATFORM, native or str(name), name=name)
        return out

    def name(self, key: str, fallback: str | None = None) -> str:
        """'@Name' for a mention key, recording who was mentioned."""
        if key in ("@_all", "all"):
            return "@所有人"
        ident = self.by_key.get(key)
        if ident is not None:
            self._use(ident)
            return "@" + (ident.name or fallback or ident.native_id)
        return "@" + (fallback or key.lstrip("@"))

    def _use(self, ident: Identity) -> None:
        if ident not in self.used:
            self.used.append(ident)

    def substitute(self, text: str) -> str:
        if "@_" not in text:
            return text
        for key in sorted(self.by_key, key=len, reverse=True):
            if key in text:
                text = text.replace(key, self.name(key))
        return text.replace("@_all", "@所有人")

    def identities(self) -> tuple[Identity, ...]:
        # Every listed mention counts, even if the text no longer shows its key.
        for ident in self.by_key.values():
            self._use(ident)
        return tuple(self.used)


# -- rendering content -------------------------------------------------------------------------

def _render(msg_type: str, content: Any, mentions: _Mentions) -> tuple[str, str, dict[str, Any]]:
    """(text, kind, extra) for one message body."""
    extra: dict[str, Any] = {}
    if not isinstance(content, dict):
        if msg_type in _PLACEHOLDERS and msg_type != "text":
            return _PLACEHOLDERS[msg_type], "message", extra
        return mentions.substitute(str(content or "")), "message", extra
    if msg_type == "text" or (msg_type == "interactive" and isinstance(content.get("text"), str)):
        return mentions.substitute(str(content.get("text") or "")), "message", extra
    if msg_type == "post":
        title, text = _post(content, mentions)
        if title:
            extra["title"] = title
        return "\n".join(t for t in (title, text) if t), "message", extra
    if msg_type == "interactive":
        return _card(content, mentions), "message", extra
    if msg_type == "system":
        return _system(content), "system", extra
    return _media(msg_type, content, mentions, extra), "message", extra


def _post_body(content: dict[str, Any]) -> dict[str, Any]:
    """The {title, content} of a post in any of its three shapes."""
    if isinstance(content.get("post"), dict):
        content = content["post"]
    if isinstance(content.get("content"), list):
        return content
    for locale in ("zh_cn", "en_us", "ja_jp"):
        if isinstance(content.get(locale), dict):
            return content[locale]
    return next((v for v in content.values() if isinstance(v, dict) and "content" in v), {})


def _post(content: dict[str, Any], mentions: _Mentions) -> tuple[str, str]:
    body = _post_body(content)
    rows = body.get("content") if isinstance(body.get("content"), list) else []
    lines = []
    for row in rows:
        pieces = row if isinstance(row, list) else [row]
        lines.append("".join(_post_element(e, mentions) for e in pieces if isinstance(e, dict)))
    return str(body.get("title") or "").strip(), "\n".join(lines).strip()


def _post_element(el: dict[str, Any], mentions: _Mentions) -> str:
    tag = el.get("tag")
    text = str(el.get("text") or "")
    if tag == "at":
        uid = str(el.get("user_id") or el.get("open_id") or "")
        name = el.get("user_name") or el.get("name") or None
        if uid.startswith("@_") or uid in ("all", "@_all"):
            return mentions.name(uid, name)
        if uid:
            ident = Identity(PLATFORM, uid, name=name)
            mentions._use(ident)
        return "@" + (name or uid)
    if tag == "a":
        href = str(el.get("href") or "")
        return f"{text} ({href})" if href and text and text != href else (text or href)
    if tag == "img":
        return "[图片]"
    if tag == "media":
        return "[视频]"
    if tag == "emotion":
        return f"[{el.get('emoji_type') or '表情'}]"
    if tag == "hr":
        return "---"
    if tag == "code_block":
        return text
    return mentions.substitute(text)


def _card(content: dict[str, Any], mentions: _Mentions) -> str:
    lines: list[str] = []
    title = content.get("title")
    header = content.get("header")
    if isinstance(header, dict):
        title = title or header.get("title")
    title_text = _card_piece(title, mentions) if title else ""
    if title_text:
        lines.append(title_text)
    body = content.get("elements")
    if body is None and isinstance(content.get("body"), dict):
        body = content["body"].get("elements")
    for row in body if isinstance(body, list) else []:
        text = _card_piece(row, mentions)
        if text:
            lines.append(text)
    return "\n".join(lines)


def _card_piece(node: Any, mentions: _Mentions) -> str:
    """Words in a card fragment; rows (lists) join their pieces, blocks go on new lines."""
    if isinstance(node, str):
        return mentions.substitute(node)
    if isinstance(node, list):
        parts = [_card_piece(n, mentions) for n in node]
        joiner = "" if all(isinstance(n, dict) and n.get("tag") in ("text", "a", "at", "plain_text",
                                                                    "lark_md") for n in node) else "\n"
        return joiner.join(p for p in parts if p)
    if not isinstance(node, dict):
        return ""
    tag = node.get("tag")
    if tag in _CARD_SKIP_TAGS:
        return ""
    if tag == "at":
        return mentions.name(str(node.get("user_id") or ""), node.get("user_name") or None)
    parts = []
    for key, value in node.items():
        if key in _CARD_SKIP_KEYS or key == "tag":
            continue
        if key in ("text", "content", "title", "elements", "fields", "columns", "extra",
                   "header", "body", "subtitle", "actions") or isinstance(value, list | dict):
            piece = _card_piece(value, mentions)
            if piece:
                parts.append(piece)
    return "\n".join(parts)


def _system(content: dict[str, Any]) -> str:
    template = str(content.get("template") or "")

    def fill(m: re.Match[str]) -> str:
        value = content.get(m.group(1))
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        if isinstance(value, dict):
            return str(value.get("text") or "")
        return "" if value is None else str(value)

    text = re.sub(r"\{(\w+)\}", fill, template).strip()
    return text or "[系统消息]"


def _media(msg_type: str, content: dict[str, Any], mentions: _Mentions, extra: dict[str, Any]) -> str:
    label = _PLACEHOLDERS.get(msg_type, f"[{msg_type}]")
    detail = ""
    if content.get("file_name"):
        extra["files"] = [content["file_name"]]
        detail = str(content["file_name"])
    elif msg_type in ("calendar", "share_calendar_event", "general_calendar"):
        detail = str(content.get("summary") or "")
    elif msg_type in ("location", "video_chat"):
        detail = str(content.get("name") or content.get("topic") or "")
    elif msg_type == "vote":
        options = "、".join(str(o) for o in content.get("options") or [])
        detail = str(content.get("topic") or "") + (f"：{options}" if options else "")
    elif msg_type == "todo" and isinstance(content.get("summary"), dict):
        detail = " ".join(p for p in _post(content["summary"], mentions) if p)
    elif msg_type == "hongbao":
        return str(content.get("text") or label)
    return f"{label} {detail}".strip()


def _edited(item: dict[str, Any]) -> datetime | None:
    updated = item.get("updated")
    created, changed = item.get("create_time"), item.get("update_time")
    if not changed or changed == created or updated is False:
        return None
    try:
        if updated is not True and int(changed) <= int(created):
            return None
        return from_epoch(changed, "ms")
    except (TypeError, ValueError, OverflowError, OSError):
        return None


READERS = [
    FeishuReader(),
    ChatTextReader("chat-text", None, priority=75),
    ChatTextReader("feishu-text", "feishu", priority=76),
]
