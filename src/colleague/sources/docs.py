"""Documents on disk: Markdown, plain text, HTML, PDF (text layer) and DOCX.

Identified by file extension only and tried last (priority 90), so that formats with a
shape of their own (IRC logs, chat text exports that also end in .txt) win.

One file → one `Document`:
- native id = sha256 of the file's bytes, so the same document found at two paths (or
  ingested twice) is stored once; an edited file is a new document.
- author = the operator's `--author` if given, else the file's own metadata (Markdown front
  matter `author:`, DOCX `dc:creator`, PDF /Author, HTML `<meta name="author">`), else None.
  Generic names that tools write on their own ("Administrator", "python-docx") are ignored.
- title = front-matter title, DOCX/PDF title, HTML <title>, the first heading, else the stem.
- created = the date in the file's metadata only. The file's mtime is deliberately not used:
  it changes with every copy or checkout, which would make the same ingest differ between
  machines.
- text: Markdown is kept as written (minus front matter: headings and lists carry structure
  that later steps use); HTML is reduced to its text (script/style dropped); PDF is the text
  layer page by page; DOCX is paragraphs and table rows (cells joined by " | ").
An empty document, or a PDF with no text layer (a scan), is `Rejected`; a file that cannot
be parsed at all (broken PDF, a DOCX that is not a zip) raises `ReadError`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, tzinfo
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree as ET

from colleague.model import Document, Identity, Record, Rejected
from colleague.sources._html import HtmlText
from colleague.sources._text import decode_bytes
from colleague.sources.base import ReadContext, ReadError

PLATFORM = "docs"
_KINDS = {
    ".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt",
    ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx",
}
MAX_BYTES = 64 << 20  # a bigger "document" is a data dump or log, not writing
MAX_XML_BYTES = 256 << 20  # uncompressed document.xml: guards against zip bombs
# Names that editors and generators write as the author when nobody set one.
_GENERIC_AUTHORS = {
    "", "administrator", "admin", "user", "owner", "author", "unknown", "python-docx",
    "microsoft office user", "windows user", "作者", "用户", "anonymous",
}
_AUTHOR_EMAIL = re.compile(r"^(.*?)\s*<([^<>@\s]+@[^<>\s]+)>\s*$")


# -- shared helpers -------------------------------------------------------------------------
def _identity(value: Any) -> Identity | None:
    """'Name <email>', 'Name' or 'email' from metadata → an Identity, like the CLI's --author."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split()).strip().strip("\"'")
    if text.casefold() in _GENERIC_AUTHORS:
        return None
    m = _AUTHOR_EMAIL.match(text)
    name, email = (m.group(1).strip().strip("\"'") or None, m.group(2).casefold()) if m else (text, None)
    if email is None and "@" in text and " " not in text:
        name, email = None, text.casefold()
    if email:
        return Identity("email", email, name=name, email=email)
    return Identity(PLATFORM, text.casefold(), name=text)


def _parse_date(value: Any, tz: tzinfo) -> datetime | None:
    """Dates as metadata writes them: ISO dates/times, 'YYYY/MM/DD', datetime objects."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=tz)
    if not isinstance(value, str):
        return None
    text = value.strip().strip("\"'").replace("/", "-")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        try:
            dt = datetime.combine(date.fromisoformat(text[:10]), time())
        except ValueError:
            return None
    return dt if dt.tzinfo else dt.replace(tzinfo=tz)


def _clean_lines(text: str) -> str:
    """Trailing spaces off, runs of blank lines collapsed, ends trimmed."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


class _Parsed:
    """What a format parser found; the reader turns it into a Document."""

    def __init__(self, text: str, title: str | None = None, author: Any = None,
                 created: Any = None, extra: dict[str, Any] | None = None) -> None:
        self.text = text
        self.title = title
        self.author = author
        self.created = created
        self.extra = extra or {}


# -- Markdown and plain text ----------------------------------------------------------------
_FRONT = re.compile(r"\A(---|\+\+\+)[ \t]*\n(.*?)\n(?:---|\+\+\+|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARK = re.compile(r"(\*\*|__|`|~~)")


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """A YAML (---) or TOML (+++) header's simple keys, and the text after it.

    Only the shapes documents use are understood: `key: value`, `key = "value"`, inline
    `[a, b]` lists and `- item` lists. Anything else is ignored rather than guessed."""
    m = _FRONT.match(text)
    if not m:
        return {}, text
    meta: dict[str, Any] = {}
    last: str | None = None
    for raw in m.group(2).split("\n"):
        item = re.match(r"^\s+-\s+(.*)$", raw) or re.match(r"^-\s+(.*)$", raw)
        if item and last is not None:
            cur = meta.get(last)
            meta[last] = ([*cur] if isinstance(cur, list) else []) + [_unquote(item.group(1))]
            continue
        kv = re.match(r"^([A-Za-z_][\w-]*)\s*[:=]\s*(.*)$", raw)
        if not kv:
            continue
        key, value = kv.group(1).casefold(), kv.group(2).strip()
        last = key
        if value.startswith("[") and value.endswith("]"):
            meta[key] = [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
        elif value:
            meta[key] = _unquote(value)
        else:
            meta[key] = []
    return meta, text[m.end():]


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _first_heading(text: str) -> str | None:
    fenced = False
    prev = ""
    for line in text.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            prev = ""
            continue
        if fenced:
            continue
        m = _ATX.match(line)
        if m:
            return _inline(m.group(1))
        if prev.strip() and _SETEXT.match(line) and not prev.lstrip().startswith(("-", "*", "|")):
            return _inline(prev)
        prev = line
    return None


def _inline(text: str) -> str | None:
    out = _MD_MARK.sub("", _MD_LINK.sub(r"\1", text)).strip()
    return out or None


def _first(meta: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        v = meta.get(k)
        if isinstance(v, list):
            v = v[0] if v else None
        if v:
            return v
    return None


def _markdown(data: bytes) -> _Parsed:
    text = decode_bytes(data).replace("\r\n", "\n").replace("\r", "\n")
    meta, body = front_matter(text)
    authors = meta.get("authors") or meta.get("author")
    extra: dict[str, Any] = {}
    if isinstance(authors, list) and len(authors) > 1:
        extra["authors"] = authors
    title = _first(meta, "title")
    return _Parsed(
        _clean_lines(body),
        title=str(title) if title else _first_heading(body),
        author=_first(meta, "author", "authors"),
        created=_first(meta, "date", "created", "created_at"),
        extra=extra,
    )


def _plain(data: bytes) -> _Parsed:
    return _Parsed(_clean_lines(decode_bytes(data)))


# -- HTML -----------------------------------------------------------------------------------
_DATE_META = ("dcterms.created", "dc.date", "date", "created", "article:published_time",
              "citation_date", "dc.date.created")
# Soft hyphens and zero-width characters split words for search without showing on screen.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def _html_decode(data: bytes) -> str:
    if data[:3] == b"\xef\xbb\xbf" or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return decode_bytes(data)
    m = _CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass  # an unknown charset name: sniff instead
    return decode_bytes(data)


def _html(data: bytes) -> _Parsed:
    parser = HtmlText()
    parser.feed(_html_decode(data))
    parser.close()
    h1 = " ".join(parser.h1.translate(_INVISIBLE).split()) if parser.h1 else None
    title = " ".join(parser.title.translate(_INVISIBLE).split()) or h1 or None
    created = next((parser.meta[k] for k in _DATE_META if parser.meta.get(k)), None)
    text = parser.text().translate(_INVISIBLE)
    return _Parsed(text, title=title, author=parser.meta.get("author"), created=created)


# -- PDF ------------------------------------------------------------------------------------
def _pdf(path: Path, data: bytes) -> _Parsed:
    # Imported here: pypdf is slow to import and most ingests hold no PDFs.
    import io

    from pypdf import PdfReader

    # pypdf logs every recoverable oddity of real-world PDFs; they are not the user's concern.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReadError(path, "document", "an unencrypted PDF (this one needs a password)")
        pages = [(page.extract_text() or "") for page in reader.pages]
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on damaged files
        raise ReadError(path, "document", f"a readable PDF ({type(exc).__name__}: {exc})") from exc
    meta: dict[str, Any] = {}
    try:
        info = reader.metadata
        if info is not None:
            meta = {"title": info.title, "author": info.author, "created": info.creation_date}
    except Exception:  # noqa: BLE001 - damaged metadata must not cost us the text
        meta = {}
    title = meta.get("title")
    if isinstance(title, str):
        title = re.sub(r"^Microsoft (Word|PowerPoint) - ", "", title).strip() or None
    text = "\n\n".join(_clean_lines(p) for p in pages if p.strip())
    return _Parsed(text, title=title if isinstance(title, str) else None,
                   author=meta.get("author"), created=meta.get("created"),
                   extra={"pages": len(pages)})


# -- DOCX -----------------------------------------------------------------------------------
def _local(tag: str) -> str:
    """Element name without namespace: transitional and strict OOXML use different ones."""
    return tag.rsplit("}", 1)[-1]


def _docx_part(zf: zipfile.ZipFile) -> str:
    """The main document part, from the package relationships (usually word/document.xml)."""
    try:
        rels = ET.fromstring(zf.read("_rels/.rels"))
        for rel in rels:
            if rel.get("Type", "").endswith("/officeDocument"):
                target = rel.get("Target", "").lstrip("/")
                if target:
                    return str(PurePosixPath(target))
    except (KeyError, ET.ParseError):
        pass
    return "word/document.xml"


def _para_text(p: ET.Element) -> str:
    bits: list[str] = []
    for el in p.iter():
        name = _local(el.tag)
        if name == "t" and el.text:
            bits.append(el.text)
        elif name == "tab":
            bits.append("\t")
        elif name in ("br", "cr"):
            bits.append("\n")
        elif name == "noBreakHyphen":
            bits.append("-")
    return "".join(bits)


def _para_style(p: ET.Element) -> str:
    for el in p.iter():
        if _local(el.tag) == "pStyle":
            for k, v in el.attrib.items():
                if _local(k) == "val":
                    return v
    return ""


def _docx_blocks(parent: ET.Element, out: list[str], headings: list[str]) -> None:
    for child in parent:
        name = _local(child.tag)
        if name == "p":
            text = _para_text(child)
            style = _para_style(child).casefold()
            if text.strip() and (style.startswith(("title", "heading"))):
                headings.append(text.strip())
            out.append(text)
        elif name == "tbl":
            for row in child.iter():
                if _local(row.tag) != "tr":
                    continue
                cells = []
                for tc in row:
                    if _local(tc.tag) == "tc":
                        paras = [_para_text(p) for p in tc.iter() if _local(p.tag) == "p"]
                        cells.append(" ".join(t.strip() for t in paras if t.strip()))
                out.append(" | ".join(cells))
            out.append("")
        elif name in ("sdt", "sdtContent", "customXml", "ins", "smartTag"):
            _docx_blocks(child, out, headings)


def _docx_core(zf: zipfile.ZipFile) -> dict[str, str]:
    try:
        root = ET.fromstring(zf.read("docProps/core.xml"))
    except (KeyError, ET.ParseError):
        return {}
    return {_local(el.tag): (el.text or "").strip() for el in root if (el.text or "").strip()}


def _docx(path: Path) -> _Parsed:
    try:
        with zipfile.ZipFile(path) as zf:
            part = _docx_part(zf)
            try:
                info = zf.getinfo(part)
            except KeyError as exc:
                raise ReadError(path, part, "a DOCX main document part (word/document.xml)") from exc
            if info.file_size > MAX_XML_BYTES:
                raise ReadError(path, part, f"a document part under {MAX_XML_BYTES >> 20} MB")
            with zf.open(info) as fh:
                root = ET.parse(fh).getroot()
            core = _docx_core(zf)
    except ReadError:
        raise
    except zipfile.BadZipFile as exc:
        raise ReadError(path, "document", f"a DOCX file (a zip archive): {exc}") from exc
    except ET.ParseError as exc:
        raise ReadError(path, "word/document.xml", f"well-formed XML ({exc})") from exc
    except (OSError, EOFError, zipfile.LargeZipFile, NotImplementedError) as exc:
        raise ReadError(path, "document", f"a readable DOCX ({type(exc).__name__}: {exc})") from exc
    body = next((el for el in root if _local(el.tag) == "body"), root)
    blocks: list[str] = []
    headings: list[str] = []
    _docx_blocks(body, blocks, headings)
    title = core.get("title") or (headings[0] if headings else None)
    return _Parsed(_clean_lines("\n".join(blocks)), title=title, author=core.get("creator"),
                   created=core.get("created"))


# -- the reader -----------------------------------------------------------------------------
class DocsReader:
    name = "docs"
    description = "Documents: Markdown, plain text, HTML, PDF (text layer), DOCX"
    priority = 90

    def identify(self, path: Path) -> bool:
        return path.suffix.lower() in _KINDS and path.is_file()

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        kind = _KINDS.get(path.suffix.lower(), "txt")
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                yield Rejected("document", f"a document under {MAX_BYTES >> 20} MB, got {size >> 20} MB")
                return
            data = path.read_bytes()
        except OSError as exc:
            raise ReadError(path, "document", f"a readable file ({exc.strerror or exc})") from exc
        parsed = self._parse(path, kind, data)
        if not parsed.text.strip():
            reason = ("no text layer (a scanned PDF? run OCR first)" if kind == "pdf"
                      else "an empty document: no text")
            yield Rejected("document", reason)
            return
        author = ctx.author or _identity(parsed.author)
        extra = {"file": path.name, **parsed.extra}
        yield Document(
            platform=PLATFORM,
            native_id=hashlib.sha256(data).hexdigest(),
            title=(parsed.title or "").strip() or path.stem,
            text=parsed.text,
            author=author,
            created=_parse_date(parsed.created, ctx.tz),
            kind=kind,
            extra=extra,
        )

    def _parse(self, path: Path, kind: str, data: bytes) -> _Parsed:
        if kind == "md":
            return _markdown(data)
        if kind == "html":
            return _html(data)
        if kind == "pdf":
            return _pdf(path, data)
        if kind == "docx":
            return _docx(path)
        return _plain(data)


READERS = [DocsReader()]
