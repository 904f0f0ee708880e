"""Email: single `.eml` files, `.mbox` files (Gmail Takeout, Thunderbird, Lark Mail, list archives)
and maildir folders (cur/ new/ tmp/, with Maildir++ `.Sub` folders).

Every message is parsed with the stdlib `email` package (policy.default). An mbox is scanned line
by line for "From " separators, so only one message is in memory at a time. Identity is the
lower-cased address (platform "email", `email` set) so the same address in git history or Slack
merges with it; To/Cc stay addresses in `extra`, never mentions. Threading uses Message-ID
(global ids), In-Reply-To and References; a thread — named by its normalised subject — is one
conversation. Text is the sender's own words: quotes, forwarded originals, signatures and diffs
are removed by `_quoting.clean`.

This module is `colleague.sources.email`; with absolute imports (the default) `import email`
below is still the standard library.
"""

from __future__ import annotations

import email
import email.header
import email.parser
import email.utils
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from colleague.model import Conversation, Identity, Message, Record, Rejected
from colleague.sources import _html
from colleague.sources._quoting import clean
from colleague.sources._text import decode_bytes, sniff_encoding
from colleague.sources._time import localize
from colleague.sources.base import ReadContext, ReadError

PLATFORM = "email"
_PARSER = email.parser.BytesParser(policy=policy.default)
# Declared charsets that real mail routinely exceeds: decode with the superset.
_CHARSET_SUPERSET = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "euc-cn": "gb18030", "hz-gb-2312": "hz", "big5": "big5hkscs", "x-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "iso-8859-1": "cp1252", "latin1": "cp1252",
    "us-ascii": "cp1252", "ascii": "cp1252", "ansi_x3.4-1968": "cp1252", "iso-8859-8-i": "iso-8859-8",
    "unknown-8bit": "utf-8", "x-unknown": "utf-8", "utf8": "utf-8", "unicode-1-1-utf-7": "utf-7",
}
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?")  # RFC 5322 field name then a colon
_MBOX_FROM = re.compile(rb"^From \S*")
_MBOXRD_ESCAPED = re.compile(rb"^>+From ")
_ID = re.compile(r"<([^<>\s]+)>")
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:(?:re|fwd?|aw|wg|sv|vs|antw|r|rif|tr|odp|回复|回覆|答复|答覆|转发|轉寄|转寄|転送)"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
_TAG_THEN_PREFIX = re.compile(r"^(\s*(?:\[[^\]]*\]\s*)+)(?=(?:re|fwd?|aw|回复|答复|转发)\s*[:：])", re.IGNORECASE)
_BOT_LOCAL = re.compile(
    r"^(?:mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|bounces?|notifications?|"
    r"auto-?reply|autoresponder)(?:[+\-.].*)?$",
    re.IGNORECASE,
)
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto(?:matic)?[- ]?reply|out of (?:the )?office|undeliverable|"
    r"undelivered mail|delivery status notification|mail delivery (?:failed|failure|system)|"
    r"returned mail|自动回复|自動回覆|退信|系统退信|邮件投递失败)",
    re.IGNORECASE,
)
_VIA = re.compile(r"^(.*?)\s+via\s+\S.*$", re.IGNORECASE)
_SIGNATURE_TYPES = {"application/pgp-signature", "application/pkcs7-signature",
                    "application/x-pkcs7-signature"}


# -- decoding -----------------------------------------------------------------------------------

def _codec(charset: str | None) -> str:
    name = (charset or "").strip().strip('"').lower()
    return _CHARSET_SUPERSET.get(name, name or "utf-8")


def decode_payload(data: bytes, charset: str | None) -> str:
    """Bytes of a MIME part → text; the declared charset first, then detection; never raises."""
    codec = _codec(charset)
    try:
        return data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_bytes(data)


def decode_words(raw: str) -> str:
    """A raw header value with RFC 2047 encoded words (=?GB2312?B?…?=) → text; never raises."""
    if "=?" not in raw:
        return _unfold(raw)
    try:
        chunks = email.header.decode_header(_unfold(raw))
    except (ValueError, LookupError, AssertionError):
        return _unfold(raw)
    out: list[str] = []
    for value, charset in chunks:
        if isinstance(value, str):
            out.append(value)
        else:
            out.append(decode_payload(value, charset or "utf-8"))
    return "".join(out).strip()


def _unfold(raw: str) -> str:
    return re.sub(r"\r?\n[ \t]+", " ", raw).strip()


def _raw_header(msg: EmailMessage, name: str) -> str | None:
    """The undecoded value of a header (policy.default would decode GB2312 words lossily)."""
    lname = name.lower()
    for key, value in msg.raw_items():
        if key.lower() == lname:
            if isinstance(value, bytes):  # pragma: no cover - parser gives str
                return value.decode("utf-8", "replace")
            # Non-ASCII raw bytes arrive as surrogate escapes: recover and detect them.
            if any("\udc80" <= c <= "\udcff" for c in value):
                return decode_bytes(value.encode("ascii", "surrogateescape"))
            return value
    return None


def _header(msg: EmailMessage, name: str) -> str | None:
    raw = _raw_header(msg, name)
    return None if raw is None else decode_words(raw) or None


def _addresses(msg: EmailMessage, name: str) -> list[tuple[str, str]]:
    """(display name, lower-case address) pairs of an address header."""
    raw = _raw_header(msg, name)
    if not raw:
        return []
    # Split on the encoded form: a decoded name may contain commas ("Doe, John").
    pairs = email.utils.getaddresses([_unfold(raw)])
    out: list[tuple[str, str]] = []
    for display, addr in pairs:
        addr = addr.strip().strip("<>").lower()
        if "@" not in addr:
            continue
        out.append((decode_words(display).strip().strip("\"'").strip(), addr))
    return out


def _ids(value: str | None) -> list[str]:
    if not value:
        return []
    found = _ID.findall(value)
    if not found:
        found = [tok for tok in value.split() if "@" in tok]
    return [f.strip("<>") for f in found]


# -- subjects and threads -----------------------------------------------------------------------

def normalize_subject(subject: str | None) -> str:
    """Strip reply/forward prefixes (Re:, Fwd:, 回复:, 答复:, 转发:) but keep tags like [PATCH v2]."""
    text = re.sub(r"\s+", " ", subject or "").strip()
    for _ in range(5):
        before = text
        text = _SUBJECT_PREFIX.sub("", text)
        m = _TAG_THEN_PREFIX.match(text)
        if m:  # "[list] Re: topic" → "[list] topic"
            text = m.group(1) + _SUBJECT_PREFIX.sub("", text[m.end(1):])
        text = text.strip()
        if text == before:
            break
    return text


# -- bodies ---------------------------------------------------------------------------------------

def html_to_text(markup: str) -> str:
    """HTML body → text; quotes become '> ' lines so the quote stripper sees them."""
    return _html.html_to_text(markup, quotes=True)


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: a line ending in a space continues on the next line."""
    out: list[str] = []
    carry = ""
    for line in text.split("\n"):
        if line == "-- ":
            if carry:
                out.append(carry)
                carry = ""
            out.append(line)
            continue
        if line.endswith(" ") and not line.startswith(">"):
            carry += line[:-1] if delsp else line
            continue
        out.append(carry + line)
        carry = ""
    if carry:
        out.append(carry)
    return "\n".join(out)


def _part_text(part: EmailMessage) -> str:
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError, LookupError):
        data = None
    if not isinstance(data, bytes):
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    text = decode_payload(data, part.get_content_charset())
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_subtype() == "html":
        return html_to_text(text)
    params = part.get_params() or []
    fmt = next((v for k, v in params if k.lower() == "format"), "")
    if isinstance(fmt, str) and fmt.lower() == "flowed":
        delsp = next((v for k, v in params if k.lower() == "delsp"), "")
        text = _unflow(text, isinstance(delsp, str) and delsp.lower() == "yes")
    return text


def _body(msg: EmailMessage) -> tuple[str, list[str], list[str]]:
    """(body text, attachment names, paths from attached patches)."""
    try:
        body = msg.get_body(preferencelist=("plain", "html"))
    except (KeyError, ValueError, TypeError, AttributeError):
        body = None
    if body is None and not msg.is_multipart() and msg.get_content_maintype() == "text":
        body = msg
    text = _part_text(body) if body is not None else ""  # type: ignore[arg-type]
    names: list[str] = []
    patch_paths: list[str] = []
    for part in msg.walk():
        if part is body or part.is_multipart() or part.get_content_type() in _SIGNATURE_TYPES:
            continue
        filename = part.get_filename()
        if filename:
            filename = decode_words(filename)
        disposition = part.get_content_disposition()
        if not filename and disposition != "attachment":
            continue
        names.append(filename or part.get_content_type())
        if (filename or "").endswith((".patch", ".diff")) or part.get_content_subtype() in (
            "x-patch", "x-diff"
        ):
            patch_paths += clean(_part_text(part)).paths  # type: ignore[arg-type]
    return text, names, patch_paths


# -- one message ----------------------------------------------------------------------------------

def _timestamp(msg: EmailMessage, ctx: ReadContext, fallback: datetime | None) -> datetime | None:
    raw = _header(msg, "Date")
    if raw:
        try:
            return localize(email.utils.parsedate_to_datetime(raw), ctx.tz)
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    return fallback


def _sender(msg: EmailMessage) -> tuple[str, str] | None:
    found = _addresses(msg, "From") or _addresses(msg, "Sender")
    if not found:
        return None
    name, addr = found[0]
    via = _VIA.match(name)
    if via:
        # Lists that rewrite From for DMARC ("Ann via dev <dev@groups…>") keep the person elsewhere.
        for header in ("X-Original-From", "Reply-To"):
            orig = _addresses(msg, header)
            if len(orig) == 1:
                return orig[0][0] or via.group(1), orig[0][1]
        name = via.group(1)
    return name, addr


def _is_auto(msg: EmailMessage, addr: str, subject: str) -> bool:
    auto = (_header(msg, "Auto-Submitted") or "no").lower()
    precedence = (_header(msg, "Precedence") or "").lower()
    return (
        bool(_BOT_LOCAL.match(addr.split("@", 1)[0]))
        or auto != "no"
        # Not "bulk" or "list": list servers (vger, Mailman) stamp those on every human post.
        or precedence in ("junk", "auto_reply")
        or _header(msg, "X-Autoreply") is not None
        or _header(msg, "X-Autorespond") is not None
        or msg.get_content_type() == "multipart/report"
        or bool(_AUTO_SUBJECT.match(subject))
    )


class _Threads:
    """Conversations of one read: a thread root → its Conversation, yielded once."""

    def __init__(self) -> None:
        self.known: dict[str, Conversation] = {}

    def get(self, root: str, subject: str) -> tuple[Conversation, bool]:
        conv = self.known.get(root)
        if conv is not None:
            return conv, False
        conv = Conversation(PLATFORM, root, subject or "(no subject)", "mail")
        self.known[root] = conv
        return conv, True


def parse_message(
    data: bytes, where: str, ctx: ReadContext, threads: _Threads, fallback: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> list[Record]:
    """One raw RFC 5322 message → [Conversation?, Message] or [Rejected]."""
    if b"\x00" in data[:4096]:
        return [Rejected(where, "an RFC 5322 message (found binary data)")]
    try:
        msg = _PARSER.parsebytes(data)
    except (ValueError, TypeError, LookupError, AssertionError, IndexError) as exc:
        return [Rejected(where, f"a parseable RFC 5322 message ({exc})")]
    sender = _sender(msg)  # type: ignore[arg-type]
    if sender is None:
        return [Rejected(where, "a message with a From: address (headers missing or corrupt)")]
    name, addr = sender
    if name.casefold() == addr:
        name = ""  # "gregkh@… <gregkh@…>" names nobody
    subject = _header(msg, "Subject") or ""  # type: ignore[arg-type]
    message_id = next(iter(_ids(_header(msg, "Message-ID"))), None)  # type: ignore[arg-type]
    references = _ids(_header(msg, "References"))  # type: ignore[arg-type]
    in_reply_to = next(iter(_ids(_header(msg, "In-Reply-To"))), None)  # type: ignore[arg-type]
    reply_to = in_reply_to or (references[-1] if references else None)
    norm = normalize_subject(subject)
    # The root: the first Reference; else what this replies to; else the message itself.
    root = (references[0] if references else None) or reply_to or message_id
    if root is None:
        root = "subject:" + (norm.casefold() or "(none)")
    records: list[Record] = []
    conv, new = threads.get(root, norm)
    if new:
        records.append(conv)
    try:
        text, attachments, patch_paths = _body(msg)  # type: ignore[arg-type]
    except (ValueError, TypeError, LookupError, AssertionError, KeyError) as exc:
        return [Rejected(where, f"a readable message body ({exc})")]
    reply = clean(text)
    auto = _is_auto(msg, addr, subject)  # type: ignore[arg-type]
    author = Identity(PLATFORM, addr, name=name or None, email=addr,
                      is_bot=bool(_BOT_LOCAL.match(addr.split("@", 1)[0])))
    info: dict[str, Any] = dict(extra or {})
    if subject:
        info["subject"] = subject
    for field in ("To", "Cc"):
        addrs = [a for _, a in _addresses(msg, field)]  # type: ignore[arg-type]
        if addrs:
            info[field.lower()] = addrs
    if attachments:
        info["attachments"] = attachments
    paths = list(dict.fromkeys(reply.paths + patch_paths))
    if paths:
        info["paths"] = paths
    if reply.quoted_paths:
        info["quoted_paths"] = reply.quoted_paths
    if reply.signoff:
        info["signoff"] = reply.signoff
    mailer = _header(msg, "User-Agent") or _header(msg, "X-Mailer")  # type: ignore[arg-type]
    if mailer:
        info["mailer"] = mailer
    records.append(Message(
        platform=PLATFORM,
        conversation=conv,
        native_id=message_id,
        author=author,
        timestamp=_timestamp(msg, ctx, fallback),  # type: ignore[arg-type]
        text=reply.text,
        kind="bot" if auto else "message",
        reply_to=reply_to if reply_to != message_id else None,
        thread=None if root.startswith("subject:") else root,
        extra=info,
        global_id=True,
    ))
    return records


# -- containers -------------------------------------------------------------------------------------

def _looks_like_headers(head: bytes, strict: bool) -> bool:
    """Does `head` start with an RFC 5322 header block (with a From: field when strict)?"""
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    fields: list[bytes] = []
    for line in lines[:60]:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t"):
            continue
        if not _HEADER_LINE.match(line):
            return False
        fields.append(line.split(b":", 1)[0].lower())
    if not fields:
        return False
    if not strict:
        return True
    known = {b"date", b"message-id", b"received", b"return-path", b"mime-version", b"subject",
             b"to", b"delivered-to", b"x-mailer"}
    return b"from" in fields and len(known & set(fields)) >= 2


def _read_head(path: Path, size: int = 8192) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


def _normalise(data: bytes) -> bytes:
    """Mail is bytes, but saved .eml files sometimes carry a BOM or were re-saved as UTF-16."""
    enc, skip = sniff_encoding(data[:4096])
    if enc.startswith(("utf-16", "utf-32")):
        return data[skip:].decode(enc, errors="replace").encode("utf-8")
    return data[skip:]


def _mbox_date(line: bytes) -> datetime | None:
    """The asctime date of an mbox "From sender Thu Dec 18 19:10:55 2014" line, as UTC."""
    parts = line.decode("latin-1").split()
    for n in (5, 6):  # with or without a trailing zone/year field order variations
        try:
            return datetime.strptime(" ".join(parts[2:2 + n]), "%a %b %d %H:%M:%S %Y").replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def iter_mbox(path: Path) -> Iterator[tuple[int, int, bytes, bytes]]:
    """Stream (message number from 1, line number, "From " line, raw message bytes).

    A separator is a "From " line at the start or after a blank line; mboxrd ">From " escapes
    are undone. Raises ReadError if the file does not start with a separator.
    """
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise ReadError(path, "file", f"a readable mbox file ({exc.strerror or exc})") from exc
    with fh:
        buf: list[bytes] = []
        sep = b""
        start = 0
        number = 0
        prev_blank = True
        for lineno, line in enumerate(fh, 1):
            if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if prev_blank and _MBOX_FROM.match(line):
                if number:
                    yield number, start, sep, _finish(buf)
                number += 1
                sep, start, buf = line, lineno, []
                prev_blank = False
                continue
            if number == 0:
                if not line.strip():
                    continue
                raise ReadError(path, f"line {lineno}",
                                "an mbox starting with a 'From <sender> <date>' separator line")
            if _MBOXRD_ESCAPED.match(line):
                line = line[1:]
            buf.append(line)
            prev_blank = not line.strip()
        if number:
            yield number, start, sep, _finish(buf)


def _finish(buf: list[bytes]) -> bytes:
    # The blank line before the next separator belongs to the mbox, not the message.
    if buf and not buf[-1].strip():
        buf = buf[:-1]
    return b"".join(buf)


class EmlReader:
    name = "eml"
    description = "Single email message (.eml, RFC 5322 / MIME)"
    priority = 30

    def identify(self, path: Path) -> bool:
        if not path.is_file():
            return False
        suffix = path.suffix.lower()
        if suffix not in (".eml", ".email", ".msg", "") or not path.stat().st_size:
            return False
        head = _normalise(_read_head(path))
        if head.startswith(b"From ") and suffix != ".eml":
            return False  # an mbox
        if suffix == ".msg" and head.startswith(b"\xd0\xcf\x11\xe0"):
            return False  # Outlook's binary .msg is not MIME
        return _looks_like_headers(head, strict=suffix != ".eml")

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ReadError(path, "file", f"a readable file ({exc.strerror or exc})") from exc
        data = _normalise(data)
        if data.startswith(b"From ") and b"\n" in data:
            data = data.split(b"\n", 1)[1]  # some tools save one message with its mbox line
        if not _looks_like_headers(data[:8192], strict=False):
            raise ReadError(path, "headers", "an RFC 5322 message starting with header fields")
        records = parse_message(data, "message", ctx, _Threads())
        if len(records) == 1 and isinstance(records[0], Rejected):
            raise ReadError(path, records[0].where, records[0].reason)
        yield from records


class MboxReader:
    name = "mbox"
    description = "Mailbox file (.mbox: Gmail Takeout, Thunderbird, mailing-list archives)"
    priority = 30

    def identify(self, path: Path) -> bool:
        if not path.is_file():
            return False
        head = _read_head(path, 4096)
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        if not _MBOX_FROM.match(head):
            return False
        rest = head.split(b"\n", 1)[1] if b"\n" in head else b""
        return _looks_like_headers(rest, strict=False) or path.suffix.lower() in (".mbox", ".mbx")

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        threads = _Threads()
        for number, lineno, sep, data in iter_mbox(path):
            where = f"message {number} (line {lineno})"
            yield from parse_message(data, where, ctx, threads, fallback=_mbox_date(sep))


def _maildir_folders(path: Path) -> list[tuple[str, Path]]:
    """(folder name, folder) for the maildir and its Maildir++ subfolders (".Sent", ".Work.Sub")."""
    folders = [("INBOX", path)]
    for child in sorted(path.iterdir()):
        if child.is_dir() and child.name.startswith(".") and _is_maildir(child):
            folders.append((child.name[1:], child))
    return folders


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


class MaildirReader:
    name = "maildir"
    description = "Maildir folder (cur/ new/ tmp/, with Maildir++ subfolders)"
    priority = 30

    def identify(self, path: Path) -> bool:
        return path.is_dir() and _is_maildir(path)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        if not _is_maildir(path):
            raise ReadError(path, "layout", "a maildir folder with cur/ and new/")
        threads = _Threads()
        for folder, root in _maildir_folders(path):
            # tmp/ holds deliveries in progress: never read (the maildir contract).
            for sub in ("new", "cur"):
                for file in sorted((root / sub).iterdir()):
                    if not file.is_file() or file.name.startswith("."):
                        continue
                    where = file.relative_to(path).as_posix()
                    try:
                        data = file.read_bytes()
                    except OSError as exc:
                        yield Rejected(where, f"a readable file ({exc.strerror or exc})")
                        continue
                    yield from parse_message(data, where, ctx, threads, extra={"folder": folder})


READERS = [MaildirReader(), MboxReader(), EmlReader()]
