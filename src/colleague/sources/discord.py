"""DiscordChatExporter (Tyrrrz/DiscordChatExporter) exports: JSON, CSV and plain text.

* JSON: `{guild, channel, dateRange, exportedAt?, messages[], messageCount}`; snowflake ids are
  unique across Discord (global_id=True). Read incrementally: an export can be hundreds of MB.
* CSV: header `AuthorID,Author,Date,Content,Attachments,Reactions`. 2019-era files use `;`,
  quote every field, end rows with `;` and write locale dates (`06-Dec-19 12:26 AM`); current
  ones use `,` and ISO dates. No message ids: the store hashes the content.
* Plain text: a `====` banner (Guild/Channel/Topic), then `[date] Author#1234` blocks with
  `{Attachments}` / `{Reactions}` / `{Embed}` sections.
* A paginated archive channel (a folder of 1.csv, 2.csv, … as in gcharang/discord-archive-komodo)
  is read as one unit; its conversation is `<category folder>/<channel folder>`.

Authors. Pre-2023 accounts are `name#1234` (names alone were not unique: the full tag is the
handle); migrated accounts have no discriminator (DCE writes "0000" in JSON and drops the
`#` in CSV) and the name is the handle. A webhook posts under one id with a per-message name
(`#0000`, e.g. a Slack bridge relaying many people): such authors are keyed `<id>/<name>` so
the people behind a bridge stay apart. "Deleted User#0000" keeps its own id.
CSV and text carry no bot flag: an author counts as a bot when the name ends in "Bot", "-bot",
"_bot" or "<digit>bot" or carries "[BOT]" (true of every bot in the Komodo archive and of no
person there; "Abbot" or "tipbot" in lower case stay people).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from colleague.model import Conversation, ConversationKind, Identity, Message, Record, Rejected
from colleague.sources._csv import csv_rows
from colleague.sources._jsonstream import json_head, open_json
from colleague.sources._lines import numbered, open_text
from colleague.sources._text import head_text
from colleague.sources._time import hour24, month_number, parse_iso
from colleague.sources.base import ReadContext, ReadError

PLATFORM = "discord"

# Message types that carry somebody's words; every other DCE type (GuildMemberJoin, Call,
# ChannelPinnedMessage, ThreadCreated, RecipientAdd, …) reports an event. DCE writes enum
# values it has no name for as numbers: 20/23 are slash-command and context-menu replies.
_CONTENT_TYPES = {"Default", "Reply", "ChatInputCommand", "ContextMenuCommand", "0", "19", "20", "23"}
_CHANNEL_KINDS: dict[str, ConversationKind] = {
    "DirectTextChat": "dm",
    "DirectGroupTextChat": "group",
    "GuildPublicThread": "thread",
    "GuildPrivateThread": "thread",
    "GuildNewsThread": "thread",
}
_JSON_HEAD = re.compile(r'^\{\s*"guild"\s*:\s*\{')
_CSV_HEAD = re.compile(
    r'^"?AuthorID"?(?P<sep>[;,])"?Author"?[;,]"?Date"?[;,]"?Content"?(?:[;,]|\r?\n|$)'
)
_TXT_FIELD = re.compile(r"^(Guild|Channel|Topic|Messages|Range|After|Before): ?(.*)$")
_TXT_HEADER = re.compile(r"^\[(?P<date>[^\]]{6,40})\] (?P<author>.+?)(?P<pinned> \(pinned\))?$")
_SECTION = re.compile(r"^\{(Attachments|Embed|Reactions|Stickers)\}$")
_TAG = re.compile(r"^(?P<name>.*)#(?P<disc>\d{4})$")
_BOT_NAME = re.compile(r"(?:Bot|[-_ 0-9][Bb][Oo][Tt])$|\[BOT\]")
_REACTION = re.compile(r"\s*(?P<name>.+?) \((?P<count>\d+)\)\s*(?:,|$)")
# DCE file naming: "Guild - Category - Channel [channelId]" (+ " [part N]" when split).
_DCE_FILE = re.compile(r"^(?P<guild>.+?) - (?P<rest>.+) \[(?P<id>\d{5,})\](?: \[part \d+\])?$")
_PAGE = re.compile(r"^\d+\.(?:csv|txt)$", re.IGNORECASE)
_LOCALE_DATE = re.compile(
    r"^(?:(?P<d>\d{1,2})-(?P<mon>[A-Za-z]{3})-(?P<y>\d{2}|\d{4})"
    r"|(?P<m2>\d{1,2})/(?P<d2>\d{1,2})/(?P<y2>\d{4}))"
    r"[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?$"
)


# ---------------------------------------------------------------------------------------------
# shared helpers


def parse_dce_date(value: str, tz: tzinfo) -> datetime:
    """A DCE date: ISO 8601 (current), `06-Dec-19 12:26 AM` or `1/17/2023 7:33 PM` (locale).

    Raises ValueError when the text is none of these."""
    text = value.strip()
    m = _LOCALE_DATE.match(text)
    if m is None:
        return parse_iso(text, tz)
    if m.group("mon"):
        month = month_number(m.group("mon"))
        if month is None:
            raise ValueError(f"unknown month in {value!r}")
        day, year = int(m.group("d")), int(m.group("y"))
    else:
        month, day, year = int(m.group("m2")), int(m.group("d2")), int(m.group("y2"))
    if year < 100:
        year += 2000
    hour, minute, second = int(m.group("H")), int(m.group("M")), int(m.group("S") or 0)
    hour = hour24(hour, m.group("ampm"))
    return datetime(year, month, day, hour, minute, second, tzinfo=tz)


def tag_author(tag: str, author_id: str | None = None) -> Identity:
    """`name#1234` (or a bare new-style name) from CSV/text → an Identity (see module doc)."""
    tag = tag.strip()
    m = _TAG.match(tag)
    name, disc = (m.group("name"), m.group("disc")) if m else (tag, None)
    handle: str | None
    if disc is None:
        handle, native = name, author_id or name
    elif disc == "0000":
        if name == "Deleted User":
            handle, native = None, author_id or tag
        else:
            handle, native = name, f"{author_id}/{name}" if author_id else tag
    else:
        handle, native = tag, author_id or tag
    return Identity(PLATFORM, native, name=name or None, handle=handle or None,
                    is_bot=bool(_BOT_NAME.search(name)))


def _reactions(text: str) -> dict[str, int]:
    """`👍 (1),treasure (4)` → {"👍": 1, "treasure": 4}."""
    return {m.group("name"): int(m.group("count")) for m in _REACTION.finditer(text)}


def _attachment_name(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0] or url


def _placeholder(text: str, attachments: list[str], stickers: list[str]) -> str:
    """Empty content still says something: which files or stickers were posted."""
    if text.strip():
        return text
    bits = [f"[attachment: {a}]" for a in attachments] + [f"[sticker: {s}]" for s in stickers]
    return " ".join(bits)


def _path_conversation(path: Path, guild: str | None = None, channel: str | None = None,
                       topic: str | None = None) -> Conversation:
    """A CSV/text export's channel, from DCE's file name, the archive layout or the banner."""
    stem = path.stem
    m = _DCE_FILE.match(stem)
    if m:
        name = m.group("rest").rsplit(" - ", 1)[-1]
        return Conversation(PLATFORM, m.group("id"), name, "channel", topic)
    if stem.isdigit() and path.parent.name:
        # Paginated archive: <category>/<channel>/<page>.csv — every page is one channel.
        category = path.parent.parent.name
        native = f"{category}/{path.parent.name}" if category else path.parent.name
        return Conversation(PLATFORM, native, path.parent.name, "channel", topic)
    if channel:
        # Newer banners say "Channel: Category / name".
        name = channel.rsplit(" / ", 1)[-1]
        native = f"{guild}/{channel}" if guild else channel
        return Conversation(PLATFORM, native, name, "channel", topic)
    return Conversation(PLATFORM, stem, stem, "channel", topic)


# ---------------------------------------------------------------------------------------------
# JSON


def _json_author(raw: Any) -> Identity | None:
    if not isinstance(raw, dict) or raw.get("id") in (None, ""):
        return None
    uid = str(raw["id"])
    name = str(raw.get("name") or "") or None
    disc = str(raw.get("discriminator") or "0000")
    bot = bool(raw.get("isBot"))
    new_style = disc in ("0000", "0")
    handle = name if new_style else f"{name}#{disc}"
    if name == "Deleted User":
        handle = None  # shared by every deleted account: no handle to merge on
    # A webhook is a bot with no discriminator posting under varying names.
    native = f"{uid}/{name}" if bot and new_style and name else uid
    display = str(raw.get("nickname") or "") or name
    return Identity(PLATFORM, native, name=display, handle=handle, is_bot=bot)


def _json_conversation(channel: Any, path: Path) -> Conversation:
    if not isinstance(channel, dict) or channel.get("id") in (None, ""):
        raise ReadError(path, "channel", "a channel object with an id before the messages")
    kind = _CHANNEL_KINDS.get(str(channel.get("type") or ""), "channel")
    name = str(channel.get("name") or channel["id"])
    topic = channel.get("topic") or None
    return Conversation(PLATFORM, str(channel["id"]), name, kind, topic)


def _json_message(raw: Any, conv: Conversation, ctx: ReadContext, where: str,
                  guild: str | None) -> Message | Rejected:
    if not isinstance(raw, dict):
        return Rejected(where, "a message object")
    mid = raw.get("id")
    if mid in (None, ""):
        return Rejected(where, "a message with an 'id'")
    try:
        when = parse_iso(str(raw["timestamp"]), ctx.tz)
    except (KeyError, TypeError, ValueError):
        return Rejected(where, f"an ISO 'timestamp', got {raw.get('timestamp')!r}")
    edited = None
    if raw.get("timestampEdited"):
        try:
            edited = parse_iso(str(raw["timestampEdited"]), ctx.tz)
        except ValueError:
            edited = None
    mtype = str(raw.get("type") or "Default")
    author = _json_author(raw.get("author"))
    kind = "message" if mtype in _CONTENT_TYPES else "system"
    if kind == "message" and author is not None and author.is_bot:
        kind = "bot"
    attachments = [str(a.get("fileName") or _attachment_name(str(a.get("url") or "")))
                   for a in raw.get("attachments") or [] if isinstance(a, dict)]
    stickers = [str(s.get("name") or "sticker") for s in raw.get("stickers") or []
                if isinstance(s, dict)]
    text = str(raw.get("content") or "")
    embeds = [e for e in raw.get("embeds") or [] if isinstance(e, dict)]
    if not text.strip() and embeds:
        # Bots often say everything in embeds.
        text = "\n".join(str(e.get(k)) for e in embeds for k in ("title", "description")
                         if e.get(k))
    text = _placeholder(text, attachments, stickers)
    extra: dict[str, Any] = {}
    if mtype != "Default":
        extra["type"] = mtype
    if guild:
        extra["guild"] = guild
    if raw.get("isPinned"):
        extra["pinned"] = True
    if attachments:
        extra["files"] = attachments
    if stickers:
        extra["stickers"] = stickers
    if embeds:
        extra["embeds"] = [str(e.get("title") or e.get("url") or "embed") for e in embeds]
    reactions = {
        str((r.get("emoji") or {}).get("name") or "?"): int(r.get("count") or 0)
        for r in raw.get("reactions") or [] if isinstance(r, dict)
    }
    if reactions:
        extra["reactions"] = reactions
    reply_to = None
    ref = raw.get("reference")
    if isinstance(ref, dict) and ref.get("messageId"):
        if str(ref.get("type") or "Default") == "Forward" or raw.get("forwardedMessage"):
            extra["forwarded"] = True  # a forward is not the sender's own words
            fwd = raw.get("forwardedMessage")
            if not text.strip() and isinstance(fwd, dict) and isinstance(fwd.get("content"), str):
                text = fwd["content"]
        elif kind != "system":
            reply_to = str(ref["messageId"])
        else:
            extra["reference"] = str(ref["messageId"])
    mentions = tuple(dict.fromkeys(
        m for m in (_json_author(x) for x in raw.get("mentions") or []) if m is not None
    ))
    return Message(
        platform=PLATFORM, conversation=conv, native_id=str(mid), author=author,
        timestamp=when, text=text, kind=kind,  # type: ignore[arg-type]
        reply_to=reply_to, edited=edited, mentions=mentions, extra=extra, global_id=True,
    )


def _read_json(path: Path, ctx: ReadContext) -> Iterator[Record]:
    raw, stream = open_json(path)
    with raw:
        guild: Any = None
        conv: Conversation | None = None
        saw_messages = False
        for key in stream.iter_object(""):
            if key == "guild":
                guild = stream.value("guild")
            elif key == "channel":
                channel = stream.value("channel")
                conv = _json_conversation(channel, path)
                yield conv
            elif key == "messages":
                if conv is None:
                    raise ReadError(path, "messages", "'channel' before 'messages'")
                saw_messages = True
                gname = str(guild.get("name") or "") if isinstance(guild, dict) else ""
                gname_or_none = gname if gname and gname != "Direct Messages" else None
                for i in stream.iter_array("messages"):
                    where = f"messages[{i}]"
                    yield _json_message(stream.value(where), conv, ctx, where, gname_or_none)
            else:
                stream.skip(key)
        stream.end()
    if not saw_messages:
        raise ReadError(path, "messages", "a 'messages' array")


# ---------------------------------------------------------------------------------------------
# CSV


def _read_csv(path: Path, ctx: ReadContext) -> Iterator[Record]:
    with open_text(path, errors="strict") as fh:
        try:
            header_line = fh.readline()
        except UnicodeDecodeError as exc:
            raise ReadError(path, "line 1", f"text in {fh.encoding} ({exc.reason})") from exc
    m = _CSV_HEAD.match(header_line)
    if m is None:
        raise ReadError(path, "line 1", "the DCE header AuthorID,Author,Date,Content,…")
    sep = m.group("sep")
    header = next(csv.reader([header_line], delimiter=sep))
    cols = {name.strip(): i for i, name in enumerate(header) if name.strip()}
    conv = _path_conversation(path)
    yield conv
    authors: dict[tuple[str, str], Identity] = {}
    # width 0: DCE rows vary in length, so a short last row is no sign of truncation.
    for row in csv_rows(path, 0, delimiter=sep, errors="strict"):
        where = f"line {row.line}"
        if row.cells is None:
            yield Rejected(where, row.error or "a CSV record")
        else:
            yield _csv_message(row.cells, cols, conv, ctx, where, authors)


def _csv_message(row: list[str], cols: dict[str, int], conv: Conversation, ctx: ReadContext,
                 where: str, authors: dict[tuple[str, str], Identity]) -> Message | Rejected:
    def col(name: str) -> str:
        i = cols.get(name)
        return row[i] if i is not None and i < len(row) else ""

    if len(row) <= max(cols["AuthorID"], cols["Author"], cols["Date"], cols["Content"]):
        return Rejected(where, f"{len(cols)} columns, got {len(row)}")
    author_id, tag = col("AuthorID").strip(), col("Author")
    if not author_id.isdigit() or not tag.strip():
        return Rejected(where, f"a numeric AuthorID and an Author, got {author_id!r}, {tag!r}")
    try:
        when = parse_dce_date(col("Date"), ctx.tz)
    except ValueError:
        return Rejected(where, f"a DCE date (ISO or like 06-Dec-19 12:26 AM), got {col('Date')!r}")
    author = authors.get((author_id, tag))
    if author is None:
        author = authors[(author_id, tag)] = tag_author(tag, author_id)
    urls = [u for u in col("Attachments").split(",") if u.strip()]
    files = [_attachment_name(u.strip()) for u in urls]
    extra: dict[str, Any] = {}
    if files:
        extra["files"] = files
    reactions = _reactions(col("Reactions"))
    if reactions:
        extra["reactions"] = reactions
    if tag.endswith("#0000") and author.native_id.endswith("/" + (author.name or "")):
        extra["webhook"] = True
    return Message(
        platform=PLATFORM, conversation=conv, native_id=None, author=author, timestamp=when,
        text=_placeholder(col("Content"), files, []), kind="bot" if author.is_bot else "message",
        extra=extra,
    )


# ---------------------------------------------------------------------------------------------
# plain text


def _read_txt(path: Path, ctx: ReadContext) -> Iterator[Record]:
    fh = open_text(path, errors="strict")
    with fh:
        lines = numbered(fh, path)
        fields: dict[str, str] = {}
        first = next(lines, None)
        if first is None or not first[1].startswith("====="):
            raise ReadError(path, "line 1", "the DCE '=====' banner")
        for _, line in lines:
            if line.startswith("====="):
                break
            fm = _TXT_FIELD.match(line)
            if fm:
                fields[fm.group(1)] = fm.group(2).strip()
        else:
            raise ReadError(path, "banner", "a closing '=====' line")
        conv = _path_conversation(path, fields.get("Guild"), fields.get("Channel"),
                                  fields.get("Topic") or None)
        yield conv
        block: list[str] = []
        head: tuple[int, datetime, str, bool] | None = None
        for no, line in lines:
            hm = _TXT_HEADER.match(line)
            when = _txt_date(hm.group("date"), ctx.tz) if hm else None
            if hm and when is not None:
                if head is not None:
                    yield _txt_message(head, block, conv)
                head, block = (no, when, hm.group("author"), bool(hm.group("pinned"))), []
            elif line.startswith("=====") and head is not None:
                break  # footer: "Exported N message(s)"
            elif head is not None:
                block.append(line)
            elif line.strip():
                yield Rejected(f"line {no}", "a '[date] Author' message header")
        if head is not None:
            yield _txt_message(head, block, conv)


def _txt_date(text: str, tz: tzinfo) -> datetime | None:
    try:
        return parse_dce_date(text, tz)
    except ValueError:
        return None


def _txt_message(head: tuple[int, datetime, str, bool], block: list[str],
                 conv: Conversation) -> Message:
    _, when, tag, pinned = head
    content: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] = content
    for line in block:
        sm = _SECTION.match(line)
        if sm:
            current = sections.setdefault(sm.group(1), [])
        elif current is content or line.strip():
            current.append(line)
    while content and not content[-1].strip():
        content.pop()
    author = tag_author(tag)
    files = [_attachment_name(u.strip()) for u in sections.get("Attachments", [])]
    extra: dict[str, Any] = {}
    if files:
        extra["files"] = files
    if sections.get("Reactions"):
        extra["reactions"] = [r for line in sections["Reactions"] for r in line.split()]
    if pinned:
        extra["pinned"] = True
    text = "\n".join(content)
    if not text.strip() and sections.get("Embed"):
        text = "\n".join(sections["Embed"])  # bots often say everything in an embed
    return Message(
        platform=PLATFORM, conversation=conv, native_id=None, author=author, timestamp=when,
        text=_placeholder(text, files, sections.get("Stickers", [])),
        kind="bot" if author.is_bot else "message", extra=extra,
    )


# ---------------------------------------------------------------------------------------------
# paginated channel folders


def _read_pages(folder: Path, ctx: ReadContext) -> Iterator[Record]:
    """All pages of one channel as one unit, in page order: one transaction, and identical
    messages on both sides of a page break stay two messages (the store numbers content
    repeats within a unit)."""
    first = True
    for page in _pages(folder):
        read = _read_csv if page.suffix.lower() == ".csv" else _read_txt
        for rec in read(page, ctx):
            if isinstance(rec, Conversation):
                if first:
                    first = False
                    yield rec
                continue
            if isinstance(rec, Rejected):
                rec = Rejected(f"{page.name} {rec.where}", rec.reason)
            yield rec


# ---------------------------------------------------------------------------------------------
# the reader


def _pages(folder: Path) -> list[Path]:
    """A paginated archive channel: a folder holding only 1.csv, 2.csv, … (or .txt)."""
    try:
        entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    except OSError:
        return []
    if not entries or not all(_PAGE.match(p.name) and p.is_file() for p in entries):
        return []
    if len({p.suffix.lower() for p in entries}) != 1:
        return []
    return sorted(entries, key=lambda p: int(p.stem))


def _kind(path: Path) -> str | None:
    if path.is_dir():
        pages = _pages(path)
        return "pages" if pages and _kind(pages[0]) in ("csv", "txt") else None
    if not path.is_file():
        return None
    suffix = path.suffix.lower()
    if suffix == ".json":
        head = json_head(path)
        return "json" if _JSON_HEAD.match(head) and '"channel"' in head else None
    if suffix == ".csv":
        return "csv" if _CSV_HEAD.match(head_text(path, 512)) else None
    if suffix == ".txt":
        head = head_text(path, 2048).splitlines()
        return "txt" if (
            len(head) > 3 and head[0].startswith("=====")
            and head[1].startswith("Guild: ") and head[2].startswith("Channel: ")
        ) else None
    return None


class DiscordReader:
    name = "discord"
    description = "DiscordChatExporter export (JSON, CSV or plain text; one channel per file)"
    priority = 20

    def identify(self, path: Path) -> bool:
        return _kind(path) is not None

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        kind = _kind(path)
        if kind == "pages":
            yield from _read_pages(path, ctx)
        elif kind == "json" or (kind is None and path.suffix.lower() == ".json"):
            yield from _read_json(path, ctx)
        elif kind == "csv" or (kind is None and path.suffix.lower() == ".csv"):
            yield from _read_csv(path, ctx)
        elif kind == "txt" or (kind is None and path.suffix.lower() == ".txt"):
            yield from _read_txt(path, ctx)
        else:
            raise ReadError(path, "file", "a DiscordChatExporter .json, .csv or .txt export")


READERS = [DiscordReader()]
