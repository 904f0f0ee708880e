"""Shared parsing for Chinese chat exports (Feishu/Lark, DingTalk, QQ).

These live here so the platform readers stay small:

* **Input**: `head` for identify(); lines and JSON come from `_lines` and `_jsonstream`.
* **Chat text lines**: `parse_chat` turns the text layouts people export or paste —
  one message per line `YYYY-MM-DD HH:MM[:SS] Name：content` (full- or half-width colon),
  or a header line `YYYY-MM-DD HH:MM:SS Name` followed by the content on the next line(s),
  including QQ's 12-hour `2019-09-23 8:43:38 PM` stamps — into `Entry` records.
* **The generic text reader** `ChatTextReader`. Feishu and DingTalk text exports look the
  same, so the auto-detected reader is called "chat-text" and guesses its platform from
  the path: a file or folder whose name mentions feishu/飞书/lark is "feishu", one that
  mentions dingtalk/钉钉/dingding is "dingtalk", qq is "qq" (a header-less QQ private chat
  has this layout too), anything else lands on the neutral platform "chat".
  `--format feishu-text` / `--format dingtalk-text` force the platform.
  Senders in text exports have only a display name, so an identity's native id is that
  name (the Feishu ad-hoc JSON reader does the same, so both merge).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from colleague.model import Conversation, Identity, Message, Record
from colleague.sources._lines import iter_lines
from colleague.sources._text import head_text
from colleague.sources._time import epoch_auto, hour24, parse_iso
from colleague.sources.base import ReadContext, ReadError

# -- reading files ------------------------------------------------------------------------


def head(path: Path, size: int = 16384) -> str:
    """The first `size` bytes of a file as text (for identify); '' if unreadable."""
    return head_text(path, size).replace("\r\n", "\n").replace("\r", "\n")


# -- times --------------------------------------------------------------------------------

_DATE = r"(?P<y>\d{4})[-/.年](?P<mo>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
_CLOCK = (
    r"(?:(?P<cn>上午|下午|凌晨|早上|中午|晚上)\s*)?"
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\.\d{1,6})?"
    r"(?:[ \u3000]?(?P<ampm>[AaPp][Mm]))?"
)
_STAMP = re.compile(r"^\[?" + _DATE + r"[ \u3000]+" + _CLOCK + r"\]?(?=$|[ \u3000])")
_STAMP_ONLY = re.compile(r"^" + _DATE + r"(?:[ T\u3000]+" + _CLOCK + r")?$")
def _stamp_datetime(m: re.Match[str], tz: tzinfo) -> datetime | None:
    try:
        hour = hour24(int(m.group("h")), m.group("ampm"), m.group("cn"))
        return datetime(
            int(m.group("y")), int(m.group("mo")), int(m.group("d")), hour,
            int(m.group("mi")), int(m.group("s") or 0), tzinfo=tz,
        )
    except ValueError:
        return None


def parse_time_value(value: Any, tz: tzinfo) -> datetime | None:
    """A time as exports write it: epoch seconds or milliseconds (number or numeric string),
    'YYYY-MM-DD HH:MM[:SS]' or ISO-8601. Naive times take `tz`. None if unrecognised."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return epoch_auto(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", text):
        return epoch_auto(text)
    m = _STAMP_ONLY.match(text)
    if m:
        if m.group("h") is None:
            try:
                return datetime(int(m.group("y")), int(m.group("mo")), int(m.group("d")), tzinfo=tz)
            except ValueError:
                return None
        return _stamp_datetime(m, tz)
    try:
        return parse_iso(text, tz)
    except ValueError:
        return None


# -- chat text lines ----------------------------------------------------------------------

# "Name：content" on a stamped line; a name has no colon and is short.
_INLINE = re.compile(r"^(?P<name>[^:：\s][^:：]{0,47}?)[ \u3000]*[:：][ \u3000]*(?P<text>.*)$")
_SEPARATOR = re.compile(r"^\s*(?:[=\-—_*~#]\s*){5,}$")
_TITLE = re.compile(
    r"^\s*(?:消息对象|群名称|群聊名称|群名|会话名称|会话|聊天对象|聊天名称|对话|群聊|Chat|Group)\s*[:：]\s*(?P<title>\S.*?)\s*$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Entry:
    """One message of a chat text export."""

    line: int  # line number of its stamp
    when: datetime
    sender: str  # as written: 'Name', 'Nick(12345)', 'Nick<a@b.c>'
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")


@dataclass(slots=True)
class Aside:
    """A line that belongs to no message: preamble, separators, section headers."""

    line: int
    text: str


def stamp_line(line: str, tz: tzinfo) -> tuple[datetime, str] | None:
    """(time, rest of line) when `line` starts with a chat stamp followed by a sender."""
    if "\t" in line:
        return None  # tab-separated logs (WeeChat, spreadsheets) are other formats
    m = _STAMP.match(line)
    if not m:
        return None
    rest = line[m.end():].strip(" \u3000")
    if not rest or rest[0] in "<*[-=(|":
        return None  # IRC-style '<nick>', '* nick', '-!-' lines are not ours
    when = _stamp_datetime(m, tz)
    return None if when is None else (when, rest)


def parse_chat(
    lines: Iterable[tuple[int, str]],
    tz: tzinfo,
    *,
    inline: bool = True,
    is_aside: Any = None,
) -> Iterator[Entry | Aside]:
    """Messages (and asides) from numbered lines. With `inline`, a stamped line
    'Name：text' carries its first content line; every following unstamped line continues
    the current message. `is_aside(line)` marks structural lines that end a message."""
    current: Entry | None = None
    for number, raw in lines:
        line = raw.rstrip()
        stamped = stamp_line(line, tz)
        if stamped is not None:
            if current is not None:
                yield current
            when, rest = stamped
            m = _INLINE.match(rest) if inline else None
            if m:
                current = Entry(number, when, m.group("name").strip(), [m.group("text")])
            else:
                current = Entry(number, when, rest)
            continue
        # A separator inside a message may be its content (a markdown rule): only the
        # caller's `is_aside` ends a message; bare separators do so between messages.
        if (is_aside is not None and is_aside(line)) or (current is None and _SEPARATOR.match(line)):
            if current is not None:
                yield current
                current = None
            yield Aside(number, line)
            continue
        if current is None:
            if line.strip():
                yield Aside(number, line)
            continue
        current.lines.append(line)
    if current is not None:
        yield current


@dataclass(slots=True)
class LineStats:
    stamped: int = 0  # lines that start with a chat stamp and a sender
    nonblank: int = 0
    first_stamp: int | None = None  # index among non-blank lines
    qq_senders: int = 0  # 'Nick(12345)' or 'Nick<mail>' senders
    twelve_hour: int = 0
    inline: int = 0  # 'Name：text' stamped lines
    foreign: int = 0  # lines shaped like other formats' (IRC, tabbed)


_QQ_SENDER = re.compile(r"(?:[(（]\d{4,12}[)）]|<[^<>\s@]+@[^<>\s]+>)$")
_FOREIGN = re.compile(r"^(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?[^\s]*\]?\s*(?:<|\*|-!-|\t)|\d{4}-\d{2}-\d{2}T)")


def line_stats(text: str, tz: tzinfo, limit: int = 200) -> LineStats:
    """Shape of the first `limit` non-blank lines, for identify()."""
    stats = LineStats()
    for line in text.split("\n"):
        if not line.strip():
            continue
        if stats.nonblank >= limit:
            break
        stats.nonblank += 1
        if _FOREIGN.match(line):
            stats.foreign += 1
            continue
        stamped = stamp_line(line.rstrip(), tz)
        if stamped is None:
            continue
        if stats.first_stamp is None:
            stats.first_stamp = stats.nonblank - 1
        stats.stamped += 1
        rest = stamped[1]
        if _QQ_SENDER.search(rest):
            stats.qq_senders += 1
        if re.search(r"\d[ \u3000]?[AaPp][Mm](?:$|[ \u3000])", line[:32]):
            stats.twelve_hour += 1
        if _INLINE.match(rest):
            stats.inline += 1
    return stats


def looks_like_chat_text(stats: LineStats) -> bool:
    """A chat export: stamped lines start early, recur, and make up a fair share of lines."""
    if stats.first_stamp is None or stats.first_stamp > 15:
        return False
    if stats.foreign * 4 > stats.stamped:
        return False  # IRC / WeeChat logs with the odd line that looks like ours
    if stats.stamped < 2:
        return stats.stamped == 1 and stats.nonblank <= 3
    return stats.stamped * 5 >= stats.nonblank


def title_of(line: str) -> str | None:
    """A conversation title from a preamble line such as '群名称：产品组'."""
    m = _TITLE.match(line)
    return m.group("title") if m else None


# -- the generic text reader -------------------------------------------------------------

_TEXT_SUFFIXES = {".txt", ".text", ".log", ""}
_PLATFORM_HINTS = (
    ("feishu", re.compile(r"feishu|飞书|(?<![a-z])lark(?![a-z])")),
    ("dingtalk", re.compile(r"dingtalk|钉钉|dingding")),
    ("qq", re.compile(r"(?<![a-z])qq(?![a-z])")),
)


def guess_platform(path: Path) -> str:
    """Platform from the names of the file and its two parent folders; 'chat' if none says."""
    names = " ".join(p.name for p in (path, *list(path.resolve().parents)[:2])).casefold()
    for platform, hint in _PLATFORM_HINTS:
        if hint.search(names):
            return platform
    return "chat"


class ChatTextReader:
    """Feishu / DingTalk chat text export (see module docstring for naming)."""

    description = "Chat text export, 'YYYY-MM-DD HH:MM[:SS] Name：text' or header + content lines"

    def __init__(self, name: str, platform: str | None, priority: int) -> None:
        self.name = name
        self.platform = platform  # None: guess from the path
        self.priority = priority
        if platform:
            self.description = f"{platform.capitalize()} chat text export (as chat-text)"

    def identify(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() not in _TEXT_SUFFIXES:
            return False
        text = head(path)
        if not text or "\x00" in text:
            return False
        return looks_like_chat_text(line_stats(text, UTC))

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        platform = self.platform or guess_platform(path)
        title: str | None = None
        conv: Conversation | None = None
        seen = 0
        for item in parse_chat(iter_lines(path), ctx.tz):
            if isinstance(item, Aside):
                if conv is None and title is None:
                    title = title_of(item.text)
                continue
            if conv is None:
                conv = Conversation(platform, title or path.stem, title or path.stem, "chat")
                yield conv
            seen += 1
            author = Identity(platform, item.sender, name=item.sender)
            yield Message(
                platform=platform,
                conversation=conv,
                native_id=None,
                author=author,
                timestamp=item.when,
                text=item.text,
                extra={"line": item.line},
            )
        if seen == 0:
            raise ReadError(
                path, "line 1", "chat lines 'YYYY-MM-DD HH:MM[:SS] Name：text' or a stamp and sender line"
            )

