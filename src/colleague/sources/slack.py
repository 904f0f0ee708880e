"""Slack workspace export, as a zip or an unpacked folder.

Layout: users.json, channels.json (and groups/dms/mpims.json in fuller exports), then one
folder per conversation holding YYYY-MM-DD.json arrays of messages. Message ids are the
`ts` strings, unique within a channel; thread replies point at their root's `thread_ts`.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from colleague.model import Conversation, Identity, Message, Record, Rejected
from colleague.sources._time import from_epoch
from colleague.sources.base import ReadContext, ReadError

PLATFORM = "slack"
_META_FILES = ("users.json", "org_users.json", "channels.json", "groups.json", "dms.json",
               "mpims.json")
_DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_LINK = re.compile(r"<([^<>]+)>")
# Posts that report an event rather than somebody's words.
_SYSTEM_SUBTYPES = {
    "channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name",
    "channel_archive", "channel_unarchive", "group_join", "group_leave", "group_topic",
    "group_purpose", "group_name", "group_archive", "group_unarchive", "pinned_item",
    "unpinned_item", "message_deleted", "tombstone", "joiner_notification",
    "reminder_add", "channel_convert_to_private", "huddle_thread", "sh_room_created",
    "bot_add", "bot_remove", "bot_enable", "bot_disable",
}
# 2015–16 exports wrap a file upload or a comment on a file in generated text; only the
# comment is the person's words.
_FILE_EVENT = re.compile(
    r"^<@[^>]+> (?:uploaded a file: <[^>]*>(?: and commented: (?P<upload>.*))?"
    r"|commented on .*?'s file <[^>]*>: (?P<comment>.*))$",
    re.DOTALL,
)


class _Tree:
    """Uniform read access to an export folder or zip (with or without a top folder)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        if path.is_dir():
            self.names = sorted(
                p.relative_to(path).as_posix() for p in path.rglob("*.json") if p.is_file()
            )
        else:
            try:
                self.zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise ReadError(path, "zip", f"a readable zip archive ({exc})") from exc
            names = [n for n in self.zip.namelist() if not n.endswith("/")]
            marker = min(
                (n for n in names if n.rsplit("/", 1)[-1] in ("channels.json", "users.json")),
                key=len,
                default="",
            )
            self.prefix = marker.rsplit("/", 1)[0] + "/" if "/" in marker else ""
            self.names = sorted(
                n[len(self.prefix) :] for n in names
                if n.startswith(self.prefix) and n.endswith(".json")
                and "__MACOSX" not in n
            )

    def load(self, name: str) -> Any:
        try:
            if self.zip is not None:
                data = self.zip.read(self.prefix + name)
            else:
                data = (self.path / name).read_bytes()
        except (OSError, zipfile.BadZipFile, KeyError) as exc:
            raise ReadError(self.path, name, f"a readable file ({exc})") from exc
        try:
            return json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReadError(self.path, name, f"valid UTF-8 JSON ({exc})") from exc

    def has(self, name: str) -> bool:
        return name in self.names


def _looks_like_export(names: list[str]) -> bool:
    top = {n for n in names if "/" not in n}
    has_meta = bool(top & {"channels.json", "users.json", "groups.json", "dms.json"})
    has_days = any(_DAY_FILE.match(n.rsplit("/", 1)[-1]) for n in names if "/" in n)
    return has_meta and has_days


class SlackReader:
    name = "slack"
    description = "Slack workspace export (zip or folder: users.json, channels.json, day files)"
    priority = 10

    def identify(self, path: Path) -> bool:
        if path.is_dir():
            if not ((path / "channels.json").is_file() or (path / "users.json").is_file()):
                return False
            return any(
                _DAY_FILE.match(f.name) for d in path.iterdir() if d.is_dir() for f in d.iterdir()
            )
        if path.suffix.lower() != ".zip" or not zipfile.is_zipfile(path):
            return False
        try:
            tree = _Tree(path)
        except ReadError:
            return False
        return _looks_like_export(tree.names)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        tree = _Tree(path)
        if not _looks_like_export(tree.names):
            raise ReadError(path, "layout", "users.json/channels.json and channel/YYYY-MM-DD.json files")
        users: dict[str, Identity] = {}
        zones: dict[str, ZoneInfo] = {}  # user id → their zone from users.json `tz`
        for meta in ("users.json", "org_users.json"):
            if tree.has(meta):
                for i, user in enumerate(_as_list(tree, meta)):
                    ident = _user(user)
                    if ident is None:
                        yield Rejected(f"{meta}[{i}]", "a user object with an id")
                        continue
                    users[ident.native_id] = ident
                    zone = _zone(user.get("tz"))
                    if zone is not None:
                        zones[ident.native_id] = zone
                    yield ident
        conversations = self._conversations(tree)
        days: dict[str, list[str]] = {}
        for n in tree.names:
            folder, _, base = n.rpartition("/")
            if folder and _DAY_FILE.match(base):
                days.setdefault(folder, []).append(n)
        for folder in sorted(days):
            conv = conversations.get(folder) or Conversation(PLATFORM, folder, folder, "channel")
            yield conv
            for name in sorted(days[folder]):
                day = tree.load(name)
                if not isinstance(day, list):
                    raise ReadError(path, name, "a JSON array of messages")
                for i, raw in enumerate(day):
                    record = _message(raw, conv, users, zones, f"{name}[{i}]")
                    yield record

    def _conversations(self, tree: _Tree) -> dict[str, Conversation]:
        out: dict[str, Conversation] = {}
        kinds = (("channels.json", "channel"), ("groups.json", "group"), ("dms.json", "dm"),
                 ("mpims.json", "group"))
        for meta, kind in kinds:
            if not tree.has(meta):
                continue
            for ch in _as_list(tree, meta):
                if not isinstance(ch, dict) or not ch.get("id"):
                    continue
                name = ch.get("name") or ch["id"]
                topic = (ch.get("topic") or {}).get("value") or (ch.get("purpose") or {}).get("value")
                conv = Conversation(PLATFORM, str(ch["id"]), str(name), kind, topic or None)  # type: ignore[arg-type]
                # Folders are named by channel name (public) or by id (DMs in full exports).
                out[str(name)] = conv
                out[str(ch["id"])] = conv
        return out


def _as_list(tree: _Tree, name: str) -> list[Any]:
    data = tree.load(name)
    if not isinstance(data, list):
        raise ReadError(tree.path, name, "a JSON array")
    return data


def _zone(name: Any) -> ZoneInfo | None:
    if not isinstance(name, str) or not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _user(user: Any) -> Identity | None:
    if not isinstance(user, dict) or not user.get("id"):
        return None
    profile = user.get("profile") or {}
    name = (
        profile.get("real_name") or user.get("real_name") or profile.get("display_name")
        or user.get("name")
    )
    return Identity(
        PLATFORM,
        str(user["id"]),
        name=name or None,
        email=profile.get("email") or None,
        handle=user.get("name") or None,
        is_bot=bool(user.get("is_bot") or user.get("id") == "USLACKBOT"),
    )


def _render(text: str, users: dict[str, Identity], mentioned: list[Identity]) -> str:
    """Slack markup → plain text: mentions become @Name, links their label (url)."""

    def repl(m: re.Match[str]) -> str:
        inner = m.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            uid = target[1:]
            ident = users.get(uid) or Identity(PLATFORM, uid, name=label or None)
            mentioned.append(ident)
            return "@" + (ident.name or ident.handle or label or uid)
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            word = target[1:].split("^", 1)[0]
            return "@" + (label or word)
        if target.startswith("mailto:"):
            return label or target[7:]
        return f"{label} ({target})" if label and label != target else target

    return html.unescape(_LINK.sub(repl, text))


def _message(
    raw: Any,
    conv: Conversation,
    users: dict[str, Identity],
    zones: dict[str, ZoneInfo],
    where: str,
) -> Message | Rejected:
    if not isinstance(raw, dict):
        return Rejected(where, "a message object")
    ts = raw.get("ts")
    try:
        when = from_epoch(ts)
    except (TypeError, ValueError):
        return Rejected(where, f"a numeric 'ts' string, got {ts!r}")
    zone = zones.get(str(raw.get("user")))
    if zone is not None:
        when = when.astimezone(zone)  # the author's own clock, from users.json
    subtype = raw.get("subtype")
    uid = raw.get("user")
    kind = "message"
    if subtype in _SYSTEM_SUBTYPES:
        kind = "system"
    author: Identity | None
    if uid:
        author = users.get(uid)
        if author is None:
            prof = raw.get("user_profile") or {}
            author = Identity(
                PLATFORM, uid, name=prof.get("real_name") or prof.get("display_name") or None,
                handle=prof.get("name") or None,
            )
        if author.is_bot:
            kind = "bot" if kind == "message" else kind
    elif raw.get("bot_id") or subtype == "bot_message":
        bot = str(raw.get("bot_id") or raw.get("username") or "bot")
        author = Identity(PLATFORM, f"bot:{bot}", name=raw.get("username") or bot, is_bot=True)
        kind = "bot" if kind == "message" else kind
    else:
        author = None
        kind = "system"
    if subtype == "bot_message":
        kind = "bot"
    raw_text = str(raw.get("text") or "")
    if subtype in ("file_share", "file_comment") and (m := _FILE_EVENT.match(raw_text)):
        said = m.group("upload") or m.group("comment")
        raw_text = said or raw_text
        if not said:
            kind = "system"  # an upload with no words
    mentioned: list[Identity] = []
    text = _render(raw_text, users, mentioned)
    if not text.strip():
        # Attachments and files still say something (a shared file's name, a link's title).
        bits = [a.get("fallback") or a.get("text") or "" for a in raw.get("attachments") or []
                if isinstance(a, dict)]
        bits += [f.get("title") or f.get("name") or "" for f in raw.get("files") or []
                 if isinstance(f, dict)]
        text = _render("\n".join(b for b in bits if b), users, mentioned)
    thread_ts = raw.get("thread_ts")
    reply_to = thread_ts if thread_ts and thread_ts != ts else None
    edited = None
    if isinstance(raw.get("edited"), dict) and raw["edited"].get("ts"):
        try:
            edited = from_epoch(raw["edited"]["ts"])
        except (TypeError, ValueError):
            edited = None
    extra: dict[str, Any] = {}
    if subtype:
        extra["subtype"] = subtype
    if raw.get("reactions"):
        extra["reactions"] = {
            r.get("name"): r.get("count", len(r.get("users") or []))
            for r in raw["reactions"] if isinstance(r, dict)
        }
    if raw.get("files"):
        extra["files"] = [f.get("name") for f in raw["files"] if isinstance(f, dict) and f.get("name")]
    return Message(
        platform=PLATFORM,
        conversation=conv,
        native_id=str(ts),
        author=author,
        timestamp=when,
        text=text,
        kind=kind,  # type: ignore[arg-type]
        reply_to=reply_to,
        thread=str(thread_ts) if thread_ts else None,
        edited=edited,
        mentions=tuple(dict.fromkeys(mentioned)),
        extra=extra,
    )


READERS = [SlackReader()]
