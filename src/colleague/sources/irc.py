"""IRC logs as written by the common loggers, one file at a time.

Layouts (sniffed line by line, so a file may even mix them):
  * ISO time per line — BotBot.me (`2013-10-11T13:20:04 <nick> text`, `* nick action`, events
    as `* nick joined the channel`), Limnoria ChannelLogger (ISO time and *two* spaces, events
    as `*** nick <mask> has joined #chan`), and the Fluid project's normalised monthly files.
  * irssi — `HH:MM <@nick> text`, `HH:MM  * nick action`, `HH:MM -!- event`; the date comes
    only from `--- Log opened <ctime>` / `--- Day changed <date>` lines, which are localised by
    the logger's locale (`--- Day changed 四 10月 24 2013`).
  * `[HH:MM] <nick> text` / `[HH:MM:SS]` — ZNC, Sopel, irclogs.ubuntu.com — with the date only in
    the file name or path; untimed `=== …` and `*** …` lines take the previous line's time.
  * WeeChat — `YYYY-MM-DD HH:MM:SS<TAB>prefix<TAB>message`.
BotBot re-splits wrapped in a Python bytes literal (`b"…` … `"`) are unwrapped and unescaped.

Every line is a `Message`: chat lines `kind="message"`, `/me` lines too with
`extra={"action": True}`, and joins/parts/quits/nick changes/topics/modes `kind="system"` with no
author (the nick is in `extra`), so they never count as anybody's words. Hostmasks are dropped
from event texts. Authors are `Identity("irc", nick.lower(), handle=nick)`; the conversation
is the channel, named from the file name, its folder or the log's own event lines. Times carry
no zone in any of these loggers: they take `ctx.tz`. IRC lines have no ids, so messages are
content-hashed by the store (identical lines in one second are kept apart by its counter).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from colleague.model import Conversation, Identity, Message, Record, Rejected
from colleague.sources._lines import iter_lines
from colleague.sources._text import head_text
from colleague.sources._time import month_number, parse_offset
from colleague.sources.base import ReadContext, ReadError

PLATFORM = "irc"
_SUFFIXES = {".log", ".txt", ".weechatlog", ".irc", ".irclog", ""}
_HEAD = 65536
_CHECK_LINES = 200  # lines after which a file that is mostly not IRC is refused

# -- line shapes --------------------------------------------------------------------------------
_DIRECTIVE = re.compile(r"^--- (Log opened|Log closed|Day changed)\b\s*(.*)$")
_WEECHAT = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})\t([^\t]*)\t(.*)$")
_ISO = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?(Z|[+-]\d{2}:?\d{2})?"
    r"[ \t]+(.*)$"
)
_BRACKET = re.compile(r"^\[(?:(\d{4}-\d{2}-\d{2})[ T])?(\d{1,2}):(\d{2})(?::(\d{2}))?\][ \t]+(.*)$")
_CLOCK = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2}))? (.*)$")
_UNTIMED = re.compile(r"^(===|\*\*\*|-!-) (.*)$")

_NICK = r"[A-Za-z0-9_\-\[\]\\`^{}|.]+"
_SAY = re.compile(rf"^<[ @+%~&!]?({_NICK}|[^\s<>]+)>(?: (.*)|)$")
_SAY_NOSPACE = re.compile(rf"^<[ @+%~&!]?({_NICK})>(\S.*)$")
_ACTION = re.compile(r"^\* ?(\S+)(?: (.*)|)$")
_NOTICE = re.compile(rf"^-({_NICK})(?:\([^)]*\))?(?::[#&]\S*)?- ?(.*)$")
_WEECHAT_NICK = re.compile(rf"^[@+%~&!]?({_NICK})$")
_MODE_CHARS = "@+%~&!"

# Event wording of BotBot's `* …` lines and Ubuntu's `=== …` lines (anything else there is /me).
_STAR_EVENT = re.compile(
    r"^(?:NOTICE:|TOPIC:|-- BotBot|\S+ (?:joined the channel|has joined|has quit|has left|"
    r"left the channel|is now known as \S+|set the topic|changed the topic|sets mode|"
    r"was kicked|has changed the topic))",
)
_EQ_EVENT = re.compile(
    r"^\S+ (?:\[[^\]]*\]\s+)?(?:has joined|has left|has quit|is now known as|"
    r"changed the topic|sets mode|was kicked)|^(?:Topic for|Topic \(|Users on|mode/|\S+ sets mode)"
)
_HOSTMASK = re.compile(r"\s*(?:<[^\s<>]*![^\s<>]*>|\[[^\s\[\]]*@[^\s\[\]]*\]|\([^\s()]*@[^\s()]*\))")
_EVENTS = (
    ("nick", re.compile(r"is now known as (\S+)")),
    ("join", re.compile(r"has joined|joined the channel|^Joins:|^-->")),
    ("part", re.compile(r"has left|left the channel|^Parts:")),
    ("quit", re.compile(r"has quit|^Quits:")),
    ("kick", re.compile(r"was kicked|kicked")),
    ("topic", re.compile(r"topic|^TOPIC:", re.IGNORECASE)),
    ("mode", re.compile(r"mode", re.IGNORECASE)),
    ("notice", re.compile(r"^NOTICE:")),
)


@dataclass(slots=True)
class _Line:
    kind: str  # say | action | notice | event | directive
    nick: str | None = None
    text: str = ""
    day: date | None = None  # the date the line itself gives
    clock: time | None = None  # the time of day the line gives (None: untimed)
    zone: tzinfo | None = None
    directive: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _clock(h: str, m: str, s: str | None) -> time | None:
    try:
        return time(int(h), int(m), int(s or 0))
    except ValueError:
        return None


def _iso_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_line(line: str) -> _Line | None:
    """One log line → its parts, or None when it is not an IRC log line of any known layout."""
    m = _DIRECTIVE.match(line)
    if m:
        return _Line("directive", text=m.group(2).strip(), directive=m.group(1))
    m = _WEECHAT.match(line)
    if m:
        parsed = _weechat(m.group(5), m.group(6))
        if parsed is not None:
            parsed.day, parsed.clock = _iso_day(m.group(1)), _clock(*m.group(2, 3, 4))
        return parsed
    m = _ISO.match(line)
    if m:
        parsed = _body(m.group(6), star_events=True)
        if parsed is not None:
            parsed.day, parsed.clock = _iso_day(m.group(1)), _clock(*m.group(2, 3, 4))
            parsed.zone = parse_offset(m.group(5))
        return parsed
    m = _BRACKET.match(line)
    if m:
        parsed = _body(m.group(5), star_events=False)
        if parsed is not None:
            parsed.day = _iso_day(m.group(1)) if m.group(1) else None
            parsed.clock = _clock(*m.group(2, 3, 4))
        return parsed
    m = _CLOCK.match(line)
    if m:
        parsed = _body(m.group(4).lstrip(), star_events=False)
        if parsed is not None:
            parsed.clock = _clock(*m.group(1, 2, 3))
        return parsed
    m = _UNTIMED.match(line)
    if m:
        return _body(line, star_events=False)
    return None


def _body(body: str, star_events: bool) -> _Line | None:
    """What follows the timestamp: `<nick> text`, `* nick action`, events, notices."""
    body = body.lstrip(" ")
    if body.startswith("<"):
        m = _SAY.match(body) or _SAY_NOSPACE.match(body)
        if m:
            return _Line("say", nick=m.group(1), text=m.group(2) or "")
        return None
    if body.startswith("***"):
        return _event(body[3:].strip())
    if body.startswith("-!-"):
        return _event(body[3:].strip())
    if body.startswith("==="):
        rest = body[3:].strip()
        if _EQ_EVENT.match(rest):
            return _event(rest)
        m = _ACTION.match("* " + rest)
        return _Line("action", nick=m.group(1).lstrip(_MODE_CHARS), text=m.group(2) or "") if m else None
    if body.startswith("*"):
        m = _ACTION.match(body)
        if not m:
            return None
        rest = body[1:].strip()
        # BotBot writes joins and quits in the same `* …` shape as /me; its wording tells them apart.
        if star_events and _STAR_EVENT.match(rest):
            return _event(rest)
        return _Line("action", nick=m.group(1).lstrip(_MODE_CHARS), text=m.group(2) or "")
    if body.startswith("-"):
        m = _NOTICE.match(body)
        if m:
            return _Line("notice", nick=m.group(1), text=m.group(2) or "")
    return None


def _weechat(prefix: str, message: str) -> _Line | None:
    p = prefix.strip()
    if p in ("-->", "<--", "--", "=!=", ""):
        return _event(("--> " if p == "-->" else "") + message)
    if p == "*":
        m = _ACTION.match("* " + message)
        return _Line("action", nick=m.group(1).lstrip(_MODE_CHARS), text=m.group(2) or "") if m else None
    m = _WEECHAT_NICK.match(p)
    if m:
        return _Line("say", nick=m.group(1), text=message)
    return None


def _event(text: str) -> _Line:
    clean = re.sub(r"\s{2,}", " ", _HOSTMASK.sub("", text)).strip()
    clean = clean.removeprefix("--> ")
    name = "other"
    extra: dict[str, Any] = {}
    for label, pattern in _EVENTS:
        m = pattern.search(text)
        if m:
            name = label
            if label == "nick":
                extra["new_nick"] = m.group(1)
            break
    words = clean.split()
    subject = words[1] if words and words[0] in ("Joins:", "Parts:", "Quits:") and len(words) > 1 \
        else (words[0] if words else None)
    if subject and name not in ("notice", "other") and not subject.endswith(":"):
        extra["nick"] = subject.lstrip(_MODE_CHARS)
    extra["event"] = name
    return _Line("event", text=clean, extra=extra)


# -- dates in directives and file names -------------------------------------------------------
_CJK_MONTH = re.compile(r"(\d{1,2})\s*[月월]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_TIME_TOKEN = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_.]?(\d\d)[-_.]?(\d\d)(?!\d)")
_NAME_MONTH = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_.](\d\d)(?![-_.]?\d)")


def loose_date(text: str) -> date | None:
    """The date in a possibly localised ctime-like string: 'Sat Nov 03 08:32:12 2012',
    '四 10月 24 2013', 'Do Okt 24 2013', '2013-10-24'."""
    m = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    rest = _TIME_TOKEN.sub(" ", text)
    y = _YEAR.search(rest)
    if not y:
        return None
    rest = rest[: y.start()] + " " + rest[y.end() :]
    month: int | None = None
    cjk = _CJK_MONTH.search(rest)
    if cjk:
        month = int(cjk.group(1))
        rest = rest[: cjk.start()] + " " + rest[cjk.end() :]
    else:
        tokens = [t.strip(".,").lower() for t in rest.split()]
        named = [(i, month_number(t)) for i, t in enumerate(tokens)]
        found = [(i, mo) for i, mo in named if mo]
        # ctime puts the weekday first: in French/Spanish 'mar.' is Tuesday, not March.
        if len(found) > 1 and found[0][0] == 0:
            found = found[1:]
        if found:
            month = found[0][1]
    days = [int(d) for d in re.findall(r"(?<!\d)(\d{1,2})(?!\d)", rest) if 1 <= int(d) <= 31]
    if month is None or not days:
        return None
    try:
        return date(int(y.group(1)), month, days[0])
    except ValueError:
        return None


def date_from_path(path: Path) -> date | None:
    """YYYY-MM-DD / YYYYMMDD in the file name, else in the folder names (ZNC: …/2019/07/17.log)."""
    for name in (path.name, path.parent.name):
        for m in reversed(list(_NAME_DATE.finditer(name))):
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    parts = path.parts[-4:]
    joined = "/".join(parts)
    m = re.search(r"((?:19|20)\d\d)/(\d\d)/(\d\d)(?:\.\w+)?$", joined)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return None


# -- channel name ---------------------------------------------------------------------------------
_LOGGER_TOKENS = {
    "log", "logs", "txt", "weechatlog", "irc", "irclog", "irclogs", "excerpt", "irssi", "znc",
    "weechat", "limnoria", "supybot", "channellogger", "limnoria-channellogger", "botbot",
    "botbot-me", "botbot-me-export", "sopel", "chanlogs", "raw",
}
_CHAN_IN_TEXT = re.compile(
    r"(?:has joined|has left|changed the topic of|Topic for|Joins:.*?|now talking in|"
    r"mode/)\s*([#&][^\s,:\]\)]+)"
)


def _clean_stem(name: str) -> str:
    tokens = [t for t in name.split(".") if t]
    keep = [
        t for t in tokens
        if t.lower() not in _LOGGER_TOKENS and not re.fullmatch(r"[\d_\-]+", t)
    ]
    if not keep:
        return ""
    stem = keep[-1] if keep[-1].startswith(("#", "&")) else keep[0]
    for t in keep:
        if t.startswith(("#", "&")):
            stem = t
    stem = _NAME_DATE.sub("", stem)
    stem = _NAME_MONTH.sub("", stem)
    stem = re.sub(r"[-_.]?(?:19|20)\d\d$", "", stem)
    return stem.strip("-_. ")


def channel_name(path: Path, head: str) -> str:
    """'#chan' from the file name, its folder, the log's own event lines, or the bare stem."""
    name = path.name
    for token in name.split("."):
        if token.startswith(("#", "&")) and len(token) > 1:
            return _hash(token)
    if path.parent.name.startswith(("#", "&")) and len(path.parent.name) > 1:
        return _hash(path.parent.name)
    m = _CHAN_IN_TEXT.search(head)
    if m:
        return _hash(m.group(1))
    stem = _clean_stem(name)
    if stem:
        return _hash(stem)
    return _hash(path.parent.name or "irc")


def _hash(name: str) -> str:
    name = name.strip()
    return name if name.startswith(("#", "&")) else "#" + name


# -- reading ----------------------------------------------------------------------------------------
_BYTES_OPEN = re.compile(r"^b([\"'])")
_ESCAPE = re.compile(rb"\\(x[0-9a-fA-F]{2}|[nrt\\'\"])")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"\\": b"\\", b"'": b"'", b'"': b'"'}


def _unescape(text: str) -> str:
    """Undo Python's bytes repr (`\\xe2\\x80\\x99`, `\\'`) in a BotBot re-split line."""
    if "\\" not in text:
        return text
    raw = text.encode("utf-8", "surrogateescape")

    def one(m: re.Match[bytes]) -> bytes:
        code = m.group(1)
        return bytes([int(code[1:], 16)]) if code[:1] == b"x" else _ESCAPES[code]

    return _ESCAPE.sub(one, raw).decode("utf-8", errors="replace")


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Numbered lines with BotBot's bytes-literal wrapping removed."""
    wrapped: str | None = None
    pending: tuple[int, str] | None = None
    for n, line in iter_lines(path, "per-line", _HEAD):  # IRC logs mix encodings
        if pending is None and wrapped is None and n <= 3:
            m = _BYTES_OPEN.match(line)
            if m:
                wrapped = m.group(1)
                line = line[2:]
        if wrapped is not None:
            if line.strip() == wrapped:
                continue  # the closing quote of the literal
            line = _unescape(line)
        if pending is not None:
            yield pending
        pending = (n, line)
    if pending is not None:
        n, line = pending
        if wrapped is not None and line.endswith(wrapped):
            line = line[:-1]
        yield n, line


class _Clock:
    """Turns (day?, time?) of successive lines into datetimes, carrying the date forward."""

    def __init__(self, day: date | None, tz: tzinfo) -> None:
        self.day = day
        self.tz = tz
        self.last: time | None = None
        self.last_dt: datetime | None = None

    def directive(self, what: str, text: str) -> None:
        found = loose_date(text)
        if what == "Day changed":
            # Unparseable (an unknown locale): it is still the next day.
            self.day = found or (self.day + timedelta(days=1) if self.day else None)
            self.last = None
        elif what == "Log opened" and found:
            self.day = found
            self.last = None

    def stamp(self, line: _Line) -> datetime | None:
        if line.clock is None:
            return self.last_dt  # untimed event lines inherit the previous time
        if line.day is not None:
            self.day = line.day
        elif self.day is not None and self.last is not None and _seconds(self.last) - _seconds(
            line.clock
        ) > 12 * 3600:
            self.day += timedelta(days=1)  # the clock wrapped past midnight with no date line
        self.last = line.clock
        if self.day is None:
            return None
        self.last_dt = datetime.combine(self.day, line.clock, tzinfo=line.zone or self.tz)
        return self.last_dt


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _looks_like_irc(lines: list[str]) -> bool:
    if lines and _BYTES_OPEN.match(lines[0]):
        lines = [lines[0][2:], *lines[1:]]
    parsed = [parse_line(line) for line in lines]
    good = [p for p in parsed if p is not None]
    if not good:
        return False
    spoken = sum(1 for p in good if p.kind in ("say", "action"))
    directives = sum(1 for p in good if p.kind == "directive")
    timed = sum(1 for p in good if p.clock is not None or p.kind == "directive")
    # A day with nothing but a server notice still is a log when every line has a full date.
    dated = len(good) == len(lines) and all(p.day is not None for p in good)
    return (
        len(good) >= 0.7 * len(lines)
        and (spoken >= 1 or directives >= 1 or dated)
        and timed >= min(2, len(lines))
    )


class IrcReader:
    name = "irc"
    description = "IRC logs: irssi, Limnoria, BotBot, ZNC, WeeChat, [HH:MM] logs (one file each)"
    priority = 40

    def identify(self, path: Path) -> bool:
        # Folders are never one unit: the walk offers each daily/monthly file on its own.
        if not path.is_file() or path.suffix.lower() not in _SUFFIXES:
            return False
        head = head_text(path, 8192)
        lines = head.replace("\r\n", "\n").split("\n")
        if len(head) >= 8000 and len(lines) > 1:
            lines = lines[:-1]  # the last line may be cut off by the sample
        # NUL runs (a crash mid-write) are for read() to report; the layout is judged on the rest.
        sample = [
            line for line in lines
            if line.strip() and line.strip() not in ('"', "'") and "\x00" not in line
        ][:40]
        return _looks_like_irc(sample)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        head = head_text(path, _HEAD)
        conv = Conversation(PLATFORM, channel_name(path, head).lower(), channel_name(path, head))
        yield conv
        clock = _Clock(date_from_path(path), ctx.tz)
        nicks: dict[str, Identity] = {}
        good = bad = 0
        for n, line in _lines(path):
            if "\x00" in line:
                raise ReadError(path, f"line {n}", "text, found NUL bytes: the log is corrupt"
                                " or was cut off while being written")
            if not line.strip():
                continue
            parsed = parse_line(line)
            if parsed is None:
                bad += 1
                if good == 0 and bad >= 20 or (good + bad >= _CHECK_LINES and bad > good):
                    raise ReadError(path, f"line {n}", "IRC log lines ('<nick> text' after a"
                                    " timestamp, irssi, Limnoria, ZNC or WeeChat layout)")
                yield Rejected(f"line {n}", f"an IRC log line, got {line[:60]!r}")
                continue
            good += 1
            if parsed.kind == "directive":
                clock.directive(parsed.directive or "", parsed.text)
                continue
            if parsed.kind == "event":
                _note_nicks(parsed, nicks)
            yield _message(parsed, clock.stamp(parsed), conv, nicks)
        if good == 0 and bad > 0:
            raise ReadError(path, "line 1", "IRC log lines ('<nick> text' after a timestamp,"
                            " irssi, Limnoria, ZNC or WeeChat layout)")


def _author(nick: str, nicks: dict[str, Identity]) -> Identity:
    key = nick.lower()
    ident = nicks.get(key)
    if ident is None:
        ident = Identity(PLATFORM, key, handle=nick)
        nicks[key] = ident
    return ident


def _note_nicks(line: _Line, nicks: dict[str, Identity]) -> None:
    """Joins and nick changes tell us who is present, so 'nick: …' can be read as a mention."""
    if line.extra.get("event") in ("join", "nick"):
        for key in ("nick", "new_nick"):
            if line.extra.get(key):
                _author(str(line.extra[key]), nicks)


def _addressed(text: str, nicks: dict[str, Identity], author: Identity) -> tuple[Identity, ...]:
    """'Justin_o, cindyli: thanks' → the nicks addressed at the start, if they have spoken here."""
    head, sep, _ = text.partition(":")
    if not sep or len(head) > 80:
        head = text.split(" ", 1)[0].rstrip(",")
    out: list[Identity] = []
    for token in re.split(r"[,\s]+", head.strip()):
        ident = nicks.get(token.strip(":,").lower())
        if ident is None:
            break
        if ident != author:
            out.append(ident)
    return tuple(dict.fromkeys(out))


def _message(
    line: _Line, when: datetime | None, conv: Conversation, nicks: dict[str, Identity]
) -> Message:
    if line.kind == "event":
        return Message(PLATFORM, conv, None, None, when, line.text, kind="system",
                       extra=line.extra)
    author = _author(line.nick or "", nicks)
    extra: dict[str, Any] = {}
    if line.kind == "action":
        extra["action"] = True
    kind = "message"
    if line.kind == "notice":
        # By IRC convention automatic replies (services, bots) are NOTICEs.
        extra["notice"] = True
        kind = "bot"
    return Message(
        PLATFORM, conv, None, author, when, line.text, kind=kind,  # type: ignore[arg-type]
        mentions=_addressed(line.text, nicks, author), extra=extra,
    )


READERS = [IrcReader()]
