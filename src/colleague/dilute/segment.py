"""Lossless, Markdown-aware segmentation of a document into blocks.

`segment(text)` returns whole-line blocks that tile the input exactly:
`"".join(s.text for s in segment(text)) == text` for every string, including CRLF line endings,
a missing final newline, a BOM and unbalanced fences. `body(seg)` is a block's content without
its marker, indentation, quote prefixes, fences and line endings (internal line breaks become
"\\n"); `rebuild(seg, new_body)` puts new content back into the same frame:
`rebuild(seg, body(seg)) == seg.text` always.

The parser is deliberately lenient (real know-how documents are not CommonMark-clean): any list
marker interrupts a paragraph, a nested item is any item indented past its parent's marker, and
a fence may be indented under a list item. A fence is never split: the opening line, everything
up to the closing fence (or the end of the text when it is never closed) and the closing line are
one `code` segment, also inside block quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

Kind = Literal["frontmatter", "heading", "paragraph", "list_item", "table_row", "table_sep",
               "blockquote", "code", "html", "hr", "blank"]
SegLang = Literal["zh", "en", "mixed", "none"]


@dataclass(frozen=True)
class Segment:
    kind: Kind
    text: str  # exact source text, including its line ending(s)
    start: int  # offset of the first character in the source string
    end: int  # offset after the last character
    level: int  # heading level, list nesting depth (0 = top), blockquote depth; else 0
    section: tuple[str, ...]  # heading titles above it, outermost first (a heading: its parents)
    lang: SegLang
    marker: str  # "- ", "1. ", "## ", "> ", "```py"; "" for other kinds and setext headings


# --- line-level patterns ---------------------------------------------------------------------

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_FENCE = re.compile(r"^(?P<ind>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_ATX = re.compile(r"^(?P<ind> {0,3})(?P<hashes>#{1,6})(?:[ \t]+|$)(?P<rest>.*)$")
_ATX_CLOSE = re.compile(r"(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HR = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_ITEM = re.compile(r"^(?P<ind>[ \t]*)(?P<mark>[-*+]|\d{1,9}[.)])(?P<gap>[ \t]+|$)")
_QUOTE_PREFIX = re.compile(r"^(?:[ \t]{0,3}>[ \t]?)+")
_TABLE_SEP = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_HTML_START = re.compile(
    r"^ {0,3}<(?:!--|\?|![A-Za-z]|/?(?:address|article|aside|blockquote|body|br|center|details|"
    r"dialog|div|dl|dt|dd|fieldset|figcaption|figure|footer|form|h[1-6]|head|header|hr|html|"
    r"iframe|li|main|nav|ol|p|pre|script|section|style|summary|table|tbody|td|tfoot|th|thead|"
    r"tr|ul|img|a|span|font|sup|sub|b|i|strong|em|center|video|audio|picture|source)(?:[\s/>]|$))",
    re.IGNORECASE,
)
_FRONT_OPEN = {"---": ("---", "..."), "+++": ("+++",)}

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_PROSE_RUN = re.compile(r"(?:\b[A-Za-z][a-z'’]*[,;:]?\s+){3,}[A-Za-z][a-z'’]*")


@dataclass
class _Line:
    content: str  # without the line ending
    eol: str
    start: int


def _split_lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    for m in _LINE.finditer(text):
        raw = m.group(0)
        body = raw.rstrip("\r\n")
        out.append(_Line(body, raw[len(body):], m.start()))
    return out


def _indent(s: str) -> int:
    """Indentation width in columns (a tab advances to the next multiple of 4)."""
    col = 0
    for ch in s:
        if ch == " ":
            col += 1
        elif ch == "\t":
            col += 4 - col % 4
        else:
            break
    return col


def _blank(s: str) -> bool:
    return not s.strip()


def _is_item(s: str) -> re.Match[str] | None:
    if _HR.match(s):
        return None
    return _ITEM.match(s)


def _fence_open(s: str) -> re.Match[str] | None:
    m = _FENCE.match(s)
    if m and m.group("fence")[0] == "`" and "`" in m.group("info"):
        return None  # a backtick fence's info string cannot contain backticks (inline code)
    return m


def _fence_closes(s: str, fence: str) -> bool:
    t = s.strip()
    return bool(t) and set(t) == {fence[0]} and len(t) >= len(fence)


def _table_start(lines: list[_Line], i: int) -> bool:
    return ("|" in lines[i].content and i + 1 < len(lines)
            and "|" in lines[i + 1].content and bool(_TABLE_SEP.match(lines[i + 1].content))
            and "-" in lines[i + 1].content)


def lang_of(text: str) -> SegLang:
    """'zh', 'en', 'mixed' (a Chinese and an English sentence side by side) or 'none'.

    English identifiers inside a Chinese sentence do not make it mixed; a run of at least four
    plain English words beside at least four Chinese characters does."""
    cjk = len(_CJK.findall(text))
    latin = sum(len(w) for w in _LATIN_WORD.findall(text))
    if cjk == 0:
        return "en" if latin >= 2 else "none"
    if latin == 0 or cjk < 4:
        return "zh" if cjk >= latin / 3 or latin < 2 else "en"
    prose = sum(len(m.group(0)) for m in _PROSE_RUN.finditer(text))
    if prose >= 18 and prose >= cjk:
        return "mixed"
    if latin > 6 * cjk:
        return "en"
    return "zh"


# --- the block parser ------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _split_lines(text)
        self.out: list[tuple[Kind, int, int, int, str]] = []  # kind, first, last+1, level, marker
        self.items: list[int] = []  # marker indents of the open list items, outermost first
        self.item_content = 0  # content column of the innermost open item
        self.after_blank = True

    # Each handler consumes lines from i and returns the next index.

    def run(self) -> list[tuple[Kind, int, int, int, str]]:
        i = self._frontmatter()
        n = len(self.lines)
        while i < n:
            i = self._block(i)
        return self.out

    def _emit(self, kind: Kind, a: int, b: int, level: int = 0, marker: str = "") -> int:
        self.out.append((kind, a, b, level, marker))
        self.after_blank = kind == "blank"
        return b

    def _frontmatter(self) -> int:
        if not self.lines:
            return 0
        first = self.lines[0].content.lstrip("\ufeff").rstrip()
        closers = _FRONT_OPEN.get(first)
        if not closers:
            return 0
        for j in range(1, len(self.lines)):
            if self.lines[j].content.rstrip() in closers:
                return self._emit("frontmatter", 0, j + 1, 0, first)
        return 0  # never closed: not front matter (the first line is then a rule or text)

    def _in_list(self) -> bool:
        return bool(self.items)

    def _block(self, i: int) -> int:
        s = self.lines[i].content
        if _blank(s):
            return self._emit("blank", i, i + 1)
        ind = _indent(s)
        if self.items and self.after_blank and ind <= self.items[0] and not _is_item(s):
            # After a blank line, text at or left of the outermost marker ends the list.
            self.items.clear()
            self.item_content = 0
        max_ind = (self.item_content + 3) if self.items else 3
        if ind <= max_ind and _fence_open(s):
            return self._fenced(i)
        if ind >= max_ind + 1 and not _is_item(s):
            return self._indented_code(i)
        if _ATX.match(s.lstrip()) and ind <= max_ind:
            return self._emit("heading", i, i + 1, len(_ATX.match(s.lstrip())["hashes"]),
                              _atx_marker(s))
        if _HR.match(s.lstrip() if ind <= max_ind else s):
            return self._emit("hr", i, i + 1)
        if _QUOTE_PREFIX.match(s):
            return self._quote(i)
        if _table_start(self.lines, i):
            return self._table(i)
        m = _is_item(s)
        if m:
            return self._item(i, m)
        if _HTML_START.match(s):
            return self._html(i)
        return self._paragraph(i)

    def _interrupts(self, j: int) -> bool:
        """Whether line j starts a new block (ending a paragraph or an item's lazy lines)."""
        s = self.lines[j].content
        if _blank(s):
            return True
        t = s.lstrip()
        return bool(_fence_open(s) or _ATX.match(t) or _HR.match(t) or _QUOTE_PREFIX.match(s)
                    or _is_item(s) or _table_start(self.lines, j)
                    or (t.startswith("<!--")))

    def _fenced(self, i: int) -> int:
        m = _fence_open(self.lines[i].content)
        assert m is not None
        fence = m.group("fence")
        j = i + 1
        while j < len(self.lines):
            if _fence_closes(self.lines[j].content, fence):
                return self._emit("code", i, j + 1, 0, (fence + m.group("info")).rstrip())
            j += 1
        return self._emit("code", i, j, 0, (fence + m.group("info")).rstrip())

    def _indented_code(self, i: int) -> int:
        need = (self.item_content + 4) if self.items else 4
        j = i
        last = i
        while j < len(self.lines):
            s = self.lines[j].content
            if _blank(s):
                j += 1
                continue
            if _indent(s) < need:
                break
            last = j
            j += 1
        return self._emit("code", i, last + 1)

    def _quote(self, i: int) -> int:
        first = self.lines[i].content
        depth = _quote_depth(first)
        marker = _quote_marker(first)
        if _blank(_quote_inner(first)):
            return self._emit("blockquote", i, i + 1, depth, marker)  # a bare ">" line
        fence: str | None = None
        j = i
        while j < len(self.lines):
            s = self.lines[j].content
            pm = _QUOTE_PREFIX.match(s)
            if j > i:
                if pm is None:
                    if fence is not None or self._interrupts(j):
                        break  # lazy continuation only for plain text outside a quoted fence
                elif fence is None and (_quote_depth(s) != depth or _blank(s[pm.end():])):
                    break
            if pm:
                inner = s[pm.end():]
                if fence is None:
                    fm = _fence_open(inner)
                    fence = fm.group("fence") if fm else None
                elif _fence_closes(inner, fence):
                    fence = None
            j += 1
        return self._emit("blockquote", i, j, depth, marker)

    def _table(self, i: int) -> int:
        self._emit("table_row", i, i + 1)
        self._emit("table_sep", i + 1, i + 2)
        j = i + 2
        while j < len(self.lines):
            s = self.lines[j].content
            if _blank(s) or "|" not in s or (self._interrupts(j) and not s.lstrip().startswith("|")):
                break
            self._emit("table_row", j, j + 1)
            j += 1
        return j

    def _item(self, i: int, m: re.Match[str]) -> int:
        ind = _indent(m.group("ind"))
        while self.items and self.items[-1] >= ind:
            self.items.pop()
        depth = len(self.items)
        self.items.append(ind)
        marker = m.group("mark") + m.group("gap")
        self.item_content = ind + len(m.group("mark")) + max(1, len(m.group("gap").expandtabs(4)))
        j = i + 1
        while j < len(self.lines) and not self._interrupts(j):
            j += 1
        return self._emit("list_item", i, j, depth, marker)

    def _html(self, i: int) -> int:
        comment = self.lines[i].content.lstrip().startswith("<!--")
        j = i
        while j < len(self.lines):
            s = self.lines[j].content
            if comment:
                j += 1
                if "-->" in s:
                    break
                continue
            if _blank(s):
                break
            j += 1
        return self._emit("html", i, j)

    def _paragraph(self, i: int) -> int:
        j = i + 1
        while j < len(self.lines):
            s = self.lines[j].content
            if _SETEXT.match(s):
                level = 1 if s.strip()[0] == "=" else 2
                return self._emit("heading", i, j + 1, level, "")
            if self._interrupts(j):
                break
            j += 1
        return self._emit("paragraph", i, j)


def _quote_depth(s: str) -> int:
    m = _QUOTE_PREFIX.match(s)
    return m.group(0).count(">") if m else 0


def _quote_inner(s: str) -> str:
    m = _QUOTE_PREFIX.match(s)
    return s[m.end():] if m else s


def _quote_marker(s: str) -> str:
    m = _QUOTE_PREFIX.match(s)
    return m.group(0).lstrip() if m else ""


def _atx_marker(s: str) -> str:
    m = _ATX.match(s.lstrip())
    assert m is not None
    rest_at = m.start("rest")
    return s.lstrip()[:rest_at] if m.group("rest") else m.group("hashes") + " "


# --- public API --------------------------------------------------------------------------------


def segment(text: str) -> list[Segment]:
    """Split `text` into Markdown blocks that concatenate back to exactly `text`."""
    bom = 1 if text.startswith("\ufeff") else 0  # a BOM rides on the first segment's prefix
    src = text[bom:]
    if bom and not src:
        return [Segment("blank", text, 0, 1, 0, (), "none", "")]
    lines = _split_lines(src)
    segs: list[Segment] = []
    titles: list[tuple[int, str]] = []  # (level, title) of the headings currently open
    for kind, a, b, level, marker in _Parser(src).run():
        start = lines[a].start + bom
        end = lines[b - 1].start + len(lines[b - 1].content) + len(lines[b - 1].eol) + bom
        if start == bom:
            start = 0
        chunk = text[start:end]
        seg = Segment(kind, chunk, start, end, level, tuple(t for _, t in titles), "none", marker)
        content = body(seg)
        if kind == "heading":
            while titles and titles[-1][0] >= level:
                titles.pop()
            seg = Segment(kind, chunk, start, end, level, tuple(t for _, t in titles), "none",
                          marker)
            titles.append((level, " ".join(content.split()) or marker.strip()))
        lang: SegLang = "none" if kind in ("blank", "hr", "table_sep") else lang_of(content)
        segs.append(Segment(kind, chunk, start, end, level, seg.section, lang, marker))
    return segs


@dataclass(frozen=True)
class _Frame:
    head: str  # text before the content lines (an opening fence / front-matter line)
    prefixes: list[str]  # per content line: marker, indent, quote prefix
    contents: list[str]
    suffixes: list[str]  # per content line: a heading's closing #s, trailing blanks
    eols: list[str]
    tail: str  # text after the content lines (closing fence, setext underline)
    cont_prefix: str  # prefix for lines added by `rebuild`


def _frame(seg: Segment) -> _Frame:
    if seg.text.startswith("\ufeff"):
        inner = _frame(replace(seg, text=seg.text[1:]))
        return replace(inner, head="\ufeff" + inner.head)
    raw = [_Line(c, e, 0) for c, e in ((ln.content, ln.eol) for ln in _split_lines(seg.text))]
    head = tail = ""
    if seg.kind in ("frontmatter", "code") and seg.marker:
        head = raw[0].content + raw[0].eol
        raw = raw[1:]
        closes = bool(raw) and (seg.kind == "frontmatter"
                                or _fence_closes(raw[-1].content, _fence_of(seg.marker)))
        if closes:
            tail = raw[-1].content + raw[-1].eol
            raw = raw[:-1]
    elif seg.kind == "heading" and not seg.marker and len(raw) >= 2:
        tail = raw[-1].content + raw[-1].eol
        raw = raw[:-1]
    prefixes, contents, suffixes = [], [], []
    strip = _code_strip(seg, raw) if seg.kind == "code" else 0
    for n, ln in enumerate(raw):
        p, c, s = _split_line(seg, ln.content, n, strip)
        prefixes.append(p)
        contents.append(c)
        suffixes.append(s)
    cont = _cont_prefix(seg, prefixes, strip)
    return _Frame(head, prefixes, contents, suffixes, [ln.eol for ln in raw], tail, cont)


def _fence_of(marker: str) -> str:
    m = re.match(r"`{3,}|~{3,}", marker)
    return m.group(0) if m else "```"


def _code_strip(seg: Segment, raw: list[_Line]) -> int:
    """Spaces removed from every code line: the fence's indentation when all lines have it
    (so a fence under a list item gives unindented content), 4 for indented code."""
    if seg.marker:
        first = seg.text[: len(seg.text) - len(seg.text.lstrip(" "))]
        k = len(first)
    else:
        k = 4
    if k == 0:
        return 0
    for ln in raw:
        c = ln.content
        if c == "":
            continue
        if not c.startswith(" " * k) or c[k:] == "":
            return 0 if seg.marker else _min_indent(raw)
    return k


def _min_indent(raw: list[_Line]) -> int:
    widths = [len(ln.content) - len(ln.content.lstrip(" ")) for ln in raw if ln.content.strip()]
    k = min(widths) if widths else 0
    for ln in raw:
        c = ln.content
        if c and (not c.startswith(" " * k) or c[k:] == ""):
            return 0
    return k


def _split_line(seg: Segment, line: str, n: int, strip: int) -> tuple[str, str, str]:
    kind = seg.kind
    if kind == "code" or kind == "frontmatter":
        if strip and line:
            return line[:strip], line[strip:], ""
        return "", line, ""
    if kind == "blockquote":
        m = _QUOTE_PREFIX.match(line)
        p = m.group(0) if m else line[: len(line) - len(line.lstrip())]
        return _with_trailing(p, line[len(p):])
    if kind == "heading" and seg.marker:
        lead = line[: len(line) - len(line.lstrip())]
        rest = line[len(lead):]
        p = lead + rest[: len(seg.marker)] if rest.startswith(seg.marker) else lead
        content = line[len(p):]
        close = _ATX_CLOSE.search(content)
        cut = close.start() if close else len(content)
        return p, content[:cut], content[cut:]
    if kind == "list_item" and n == 0:
        m = _ITEM.match(line)
        assert m is not None
        return _with_trailing(line[: m.end()], line[m.end():])
    lead = line[: len(line) - len(line.lstrip())]
    return _with_trailing(lead, line[len(lead):])


def _with_trailing(prefix: str, rest: str) -> tuple[str, str, str]:
    core = rest.rstrip(" \t")
    return prefix, core, rest[len(core):]


def _cont_prefix(seg: Segment, prefixes: list[str], strip: int) -> str:
    if len(prefixes) > 1:
        return prefixes[1]
    if seg.kind == "list_item" and prefixes:
        return " " * len(prefixes[0].expandtabs(4))
    if seg.kind == "code":
        return " " * strip
    if seg.kind == "frontmatter":
        return ""
    if seg.kind == "blockquote" and prefixes:
        return prefixes[0]
    return prefixes[0][: len(prefixes[0]) - len(prefixes[0].lstrip())] if prefixes else ""


def body(seg: Segment) -> str:
    """The content without marker, indentation, quote prefixes, fences and line endings."""
    return "\n".join(_frame(seg).contents)


def rebuild(seg: Segment, new_body: str) -> str:
    """`new_body` in `seg`'s frame: same marker, indentation, prefixes, fences, line endings.

    When the new body has as many lines as the old one, each line keeps its own prefix and line
    ending; added lines take the continuation prefix (an item's content indent, the quote
    prefix). A segment that had no line ending (end of text) gets none after its last line."""
    f = _frame(seg)
    new_lines = new_body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if new_body == "" and not f.contents:
        new_lines = []
    same = len(new_lines) == len(f.contents)
    inner_eol = next((e for e in f.eols if e), None) or _eol_of(seg.text) or "\n"
    # The last line keeps the segment's own ending ("" at the end of a text without one).
    final_eol = f.eols[-1] if f.eols else (inner_eol if f.tail else _eol_of(f.head))
    head = f.head
    if new_lines and head.lstrip("\ufeff") and not _eol_of(head):
        head += inner_eol  # an unclosed fence at the end of the text had no line ending
    out = [head]
    last = len(new_lines) - 1
    for n, line in enumerate(new_lines):
        if same:
            p, s, e = f.prefixes[n], f.suffixes[n], f.eols[n]
        else:
            p = f.prefixes[0] if n == 0 and f.prefixes else f.cont_prefix
            s = f.suffixes[-1] if n == last and f.suffixes else ""
            e = final_eol if n == last else inner_eol
        if seg.kind == "code" and line == "" and (not same or f.contents[n] != ""):
            p = ""  # no trailing indentation on an emptied code line
        out.append(p + line + s + e)
    if f.tail and out[-1] and not _eol_of(out[-1]):
        out[-1] += inner_eol  # the closing fence must stay on its own line
    out.append(f.tail)
    return "".join(out)


def _eol_of(s: str) -> str:
    for e in ("\r\n", "\n", "\r"):
        if s.endswith(e):
            return e
    return ""
