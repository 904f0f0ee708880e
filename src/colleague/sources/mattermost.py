"""Mattermost bulk export (`mattermost export bulk` / `mmctl export`): one JSON object a line.

Every line is `{"type": T, T: {...}}` with T in version, team, channel, user, post,
direct_channel, direct_post, emoji (newer servers add more; unknown types are skipped).
Posts name their team, channel and user by *name*; thread replies are nested inside the root
post's `replies[]` and may even be older than it. 2019 exports carry no post ids and no
edit state, so a post's id is derived from what never changes for it — its author and its
`create_at` in milliseconds — which also keeps ids stable when a later export edits the text.

The file is streamed line by line. A line that is not JSON is a truncated or corrupt export:
the whole file fails (`ReadError` naming the line) so half an export never lands in the store.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from colleague.model import Conversation, Identity, Message, Record, Rejected
from colleague.sources._lines import iter_lines
from colleague.sources._text import head_text
from colleague.sources._time import from_epoch
from colleague.sources.base import ReadContext, ReadError

PLATFORM = "mattermost"
_KNOWN_TYPES = {
    "version", "team", "channel", "user", "bot", "post", "direct_channel", "direct_post",
    "emoji", "scheme", "role",
}
_SUFFIXES = {".jsonl", ".json", ".ndjson", ".txt", ""}
_MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9._-]*[a-z0-9_]|[a-z0-9])", re.IGNORECASE)
# Old exports have no post `type`; membership notices are recognisable by their fixed wording.
_SYSTEM_TEXT = re.compile(
    r"^(?:\S+ (?:joined|left) the (?:channel|team)"
    r"|\S+ (?:added to|removed from) the (?:channel|team)(?: by \S+)?"
    r"|\S+ updated the channel (?:header|purpose|display name).*"
    r"|\S+ archived the channel)\.?$",
    re.DOTALL,
)
_FIRST_LINE = re.compile(r'^\s*\{\s*"type"\s*:\s*"([a-z_]+)"')


class MattermostReader:
    name = "mattermost"
    description = "Mattermost bulk export (JSONL: version, team, channel, user, post, direct_post)"
    priority = 20

    def identify(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() not in _SUFFIXES:
            return False
        head = head_text(path, 4096).lstrip()
        first = head.split("\n", 1)[0]
        m = _FIRST_LINE.match(first)
        # The exporter always writes the version line first; accept any known type so a
        # hand-trimmed file still reads, but insist on the {"type": T, T: {...}} shape.
        return bool(m and m.group(1) in _KNOWN_TYPES and f'"{m.group(1)}"' in first[m.end():])

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        state = _State()
        # JSON is UTF-8 by definition, but a re-saved export may be GB18030: each line tries both.
        for lineno, line in iter_lines(path, "per-line-strict", 4096):
            if not line.strip():
                continue
            where = f"line {lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ReadError(
                    path, where, f"one JSON object per line ({exc.msg} at column {exc.colno});"
                    " the export looks truncated or corrupt"
                ) from exc
            if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
                if lineno == 1:
                    raise ReadError(path, where, 'a Mattermost bulk export line {"type": ..., ...}')
                yield Rejected(where, 'an object with a "type" key')
                continue
            kind = obj["type"]
            payload = obj.get(kind)
            if kind not in _KNOWN_TYPES and payload is None:
                continue  # a line type from a newer server that we do not use
            if not isinstance(payload, dict):
                if kind in ("version", "emoji", "scheme", "role"):
                    continue
                yield Rejected(where, f'a "{kind}" object')
                continue
            yield from state.handle(kind, payload, where)


class _State:
    """What earlier lines told us: users, channels, DM rosters (the export lists them first)."""

    def __init__(self) -> None:
        self.users: dict[str, Identity] = {}
        self.channels: dict[tuple[str, str], Conversation] = {}
        self.teams: dict[str, str] = {}
        self.yielded: set[str] = set()
        self.ids: dict[str, int] = {}

    def handle(self, kind: str, obj: dict[str, Any], where: str) -> Iterator[Record]:
        if kind == "team":
            if obj.get("name"):
                self.teams[str(obj["name"])] = str(obj.get("display_name") or obj["name"])
        elif kind == "channel":
            conv = self._channel(obj)
            if conv is None:
                yield Rejected(where, "a channel with team and name")
            else:
                yield from self._emit(conv)
        elif kind in ("user", "bot"):
            ident = self._user(obj, is_bot=kind == "bot")
            if ident is None:
                yield Rejected(where, f"a {kind} with a username")
            else:
                yield ident
        elif kind == "direct_channel":
            members = _members(obj, "members")
            if len(members) < 1:
                yield Rejected(where, "a direct channel with members")
            else:
                yield from self._emit(self._dm(members))
        elif kind == "post":
            team, channel = obj.get("team"), obj.get("channel")
            if not team or not channel:
                yield Rejected(where, "a post naming its team and channel")
                return
            conv = self.channels.get((str(team), str(channel)))
            if conv is None:
                conv = Conversation(PLATFORM, f"{team}/{channel}", str(channel), "channel")
                self.channels[(str(team), str(channel))] = conv
            yield from self._emit(conv)
            yield from self._thread(obj, conv, where)
        elif kind == "direct_post":
            members = _members(obj, "channel_members")
            if not members:
                yield Rejected(where, "a direct post with channel_members")
                return
            conv = self._dm(members)
            yield from self._emit(conv)
            yield from self._thread(obj, conv, where)

    # -- roster ---------------------------------------------------------------------------
    def _channel(self, obj: dict[str, Any]) -> Conversation | None:
        team, name = obj.get("team"), obj.get("name")
        if not team or not name:
            return None
        topic = obj.get("purpose") or obj.get("header") or None
        conv = Conversation(
            PLATFORM, f"{team}/{name}", str(obj.get("display_name") or name), "channel",
            str(topic) if topic else None,
        )
        self.channels[(str(team), str(name))] = conv
        return conv

    def _dm(self, members: list[str]) -> Conversation:
        names = sorted(set(members))
        kind = "dm" if len(names) <= 2 else "group"
        return Conversation(PLATFORM, "dm:" + ",".join(names), ", ".join(names), kind)

    def _emit(self, conv: Conversation) -> Iterator[Conversation]:
        if conv.native_id not in self.yielded:
            self.yielded.add(conv.native_id)
            yield conv

    def _user(self, obj: dict[str, Any], is_bot: bool) -> Identity | None:
        username = obj.get("username")
        if not username:
            return None
        full = " ".join(str(p) for p in (obj.get("first_name"), obj.get("last_name")) if p).strip()
        name = full or obj.get("nickname") or obj.get("display_name") or None
        email = str(obj["email"]).strip().lower() if obj.get("email") else None
        ident = Identity(
            PLATFORM, str(username).lower(), name=name, email=email or None,
            handle=str(username), is_bot=is_bot or bool(obj.get("is_bot")),
        )
        self.users[ident.native_id] = ident
        return ident

    def _author(self, username: Any) -> Identity | None:
        if not username:
            return None
        key = str(username).lower()
        ident = self.users.get(key)
        if ident is None:
            # Posts may name users the export does not list (deactivated, other teams).
            ident = Identity(PLATFORM, key, handle=str(username))
            self.users[key] = ident
        return ident

    # -- posts ----------------------------------------------------------------------------
    def _thread(self, post: dict[str, Any], conv: Conversation, where: str) -> Iterator[Record]:
        root = self._post(post, conv, where, None)
        if isinstance(root, Rejected):
            yield root
            return
        replies = post.get("replies") or []
        if not isinstance(replies, list):
            replies = []
        if replies:
            root.thread = root.native_id
        yield root
        for i, reply in enumerate(replies):
            yield self._post(reply, conv, f"{where} replies[{i}]", root.native_id)

    def _post(
        self, raw: Any, conv: Conversation, where: str, root: str | None
    ) -> Message | Rejected:
        if not isinstance(raw, dict):
            return Rejected(where, "a post object")
        created = raw.get("create_at")
        if isinstance(created, bool) or not isinstance(created, int | float | str):
            return Rejected(where, f"a numeric create_at (ms), got {created!r}")
        try:
            when = from_epoch(created, "ms")
        except (ValueError, OverflowError, OSError):
            return Rejected(where, f"a numeric create_at (ms), got {created!r}")
        author = self._author(raw.get("user"))
        if author is None:
            return Rejected(where, "a post naming its user")
        text = str(raw.get("message") or "")
        kind = "message"
        ptype = str(raw.get("type") or "")
        if ptype.startswith("system_") or (not ptype and _SYSTEM_TEXT.match(text.strip())):
            kind = "system"
        elif author.is_bot or (raw.get("props") or {}).get("from_bot") == "true":
            kind = "bot"
        native = self._native_id(author.native_id, int(float(created)))
        mentions = tuple(
            dict.fromkeys(
                self.users[m.group(1).lower()] for m in _MENTION.finditer(text)
                if m.group(1).lower() in self.users and m.group(1).lower() != author.native_id
            )
        )
        extra = _extra(raw, ptype)
        return Message(
            platform=PLATFORM,
            conversation=conv,
            native_id=native,
            author=author,
            timestamp=when,
            text=text,
            kind=kind,  # type: ignore[arg-type]
            reply_to=root,
            thread=root,
            edited=_edited(raw.get("edit_at")),
            mentions=mentions,
            extra=extra,
        )

    def _native_id(self, user: str, created_ms: int) -> str:
        # Author + creation millisecond identifies a post (Mattermost's own importer matches
        # posts on channel + create_at); a counter separates the rare same-ms duplicates.
        base = f"{user}@{created_ms}"
        n = self.ids.get(base, 0)
        self.ids[base] = n + 1
        return base if n == 0 else f"{base}.{n}"


def _members(obj: dict[str, Any], key: str) -> list[str]:
    raw = obj.get(key)
    if not raw:
        raw = obj.get("participants") or obj.get("channel_participants") or []
    out: list[str] = []
    if isinstance(raw, list):
        for m in raw:
            name = m.get("username") if isinstance(m, dict) else m
            if name:
                out.append(str(name).lower())
    return out


def _edited(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    try:
        return from_epoch(value, "ms")
    except (ValueError, OverflowError, OSError):
        return None


def _extra(raw: dict[str, Any], ptype: str) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if ptype:
        extra["type"] = ptype
    reactions: dict[str, int] = {}
    for r in raw.get("reactions") or []:
        if isinstance(r, dict) and r.get("emoji_name"):
            reactions[str(r["emoji_name"])] = reactions.get(str(r["emoji_name"]), 0) + 1
    if reactions:
        extra["reactions"] = reactions
    files = [
        str(a["path"]).rsplit("/", 1)[-1] for a in raw.get("attachments") or []
        if isinstance(a, dict) and a.get("path")
    ]
    if files:
        extra["files"] = files
    if raw.get("is_pinned"):
        extra["pinned"] = True
    return extra


READERS = [MattermostReader()]
