"""HTML → plain text for every reader that meets HTML (e-mail bodies, HTML documents, Teams).

One parser, `HtmlText`, does what they all need: script/style dropped, block elements end a
line, table cells joined with " | ", <pre> kept as written, the document's <title>, first <h1>
and <meta> values kept aside. Options add what only some sources need:

* `quotes`: <blockquote> and Gmail/Yahoo/Thunderbird quote containers become "> " lines, so
  the e-mail quote stripper sees them as quotes.
* `rich`: list items get "- ", links keep their address " (https://…)", <img>/<emoji> their
  alt text (chat messages, where that is all an image says).
* `strip_lines`: strip each line's leading blanks too (chat: indentation is layout).

A subclass handles tags of its own (Teams' <at> mentions) by overriding `start_other`,
`end_other` and `data_other`.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

SKIP_TAGS = {"script", "style", "noscript", "template", "svg"}
BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "blockquote", "pre", "codeblock", "hr", "dt", "dd",
    "dl", "main", "nav", "aside", "figure", "figcaption", "form", "title", "body", "html",
}
VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "source", "wbr"}
_PRE_TAGS = ("pre", "codeblock")
_QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix")
_SPACE = re.compile(r"\s+")


class HtmlText(HTMLParser):
    def __init__(self, *, quotes: bool = False, rich: bool = False, strip_lines: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.quotes = quotes
        self.rich = rich
        self.strip_lines = strip_lines
        self.parts: list[str] = []
        self.skip = 0
        self.pre = 0
        self.depth = 0  # quote depth
        self.stack: list[tuple[str, bool]] = []  # (tag, opened a quote), for `quotes`
        self.href: str | None = None
        self.link_start = 0
        self.in_title = False
        self.title = ""
        self.h1: str | None = None
        self._h1_parts: list[str] | None = None
        self.meta: dict[str, str] = {}

    # -- hooks for subclasses ------------------------------------------------------------------
    def start_other(self, tag: str, attrs: dict[str, str | None]) -> None:
        """A start tag the parser gives no meaning to."""

    def end_other(self, tag: str) -> None:
        """An end tag the parser gives no meaning to."""

    def data_other(self, data: str) -> bool:
        """Text a subclass takes for itself (inside its own tags): True if taken."""
        return False

    # -- output --------------------------------------------------------------------------------
    def newline(self) -> None:
        self.parts.append("\n")
        if self.depth:
            self.parts.append("> " * self.depth)

    def line_start(self) -> bool:
        """Nothing but a quote prefix written since the last line break."""
        for part in reversed(self.parts):
            if part.strip(" >") if self.depth else part:
                return part.endswith("\n")
            if part.endswith("\n"):
                return True
        return True

    def text(self) -> str:
        """One line per block; blank lines (which only the source's layout makes) dropped."""
        raw = "".join(self.parts).replace("\xa0", " ")
        lines = (line.rstrip() if line.startswith(">") or not self.strip_lines else line.strip()
                 for line in raw.split("\n"))
        return "\n".join(line for line in lines if line.strip()).strip("\n")

    # -- parser callbacks ------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta":
            low = {k.casefold(): v or "" for k, v in attrs}
            key = (low.get("name") or low.get("property") or "").casefold()
            if key and low.get("content"):
                self.meta.setdefault(key, low["content"])
            return
        if tag == "title":
            self.in_title = True
            return
        if tag in SKIP_TAGS:
            self.skip += 1
            return
        if tag in VOID_TAGS and tag not in ("br", "hr"):
            if tag == "img" and self.rich:
                alt = a.get("alt") or ""
                self.parts.append(alt if alt and alt.lower() != "image" else "[image]")
            return
        quote = self.quotes and (tag == "blockquote" or any(
            c in f"{a.get('class') or ''} {a.get('id') or ''}" for c in _QUOTE_CLASSES))
        if tag not in VOID_TAGS:
            self.stack.append((tag, quote))
        if quote:
            self.depth += 1
        if tag in _PRE_TAGS:
            self.pre += 1
        if tag == "h1" and self.h1 is None:
            self._h1_parts = []
        if tag in BLOCK_TAGS or quote:
            self.newline()
            if tag == "li" and self.rich:
                self.parts.append("- ")
        elif tag in ("td", "th"):
            if not self.line_start():
                self.parts.append(" | ")
        elif tag == "a" and self.rich:
            self.href, self.link_start = a.get("href"), len(self.parts)
        elif tag == "emoji" and self.rich:
            self.parts.append(a.get("alt") or "")
        else:
            self.start_other(tag, a)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
            return
        if tag in SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if any(t == tag for t, _ in self.stack):
            while self.stack:
                open_tag, quote = self.stack.pop()
                if quote:
                    self.depth -= 1
                if open_tag == tag:
                    break
        if tag in _PRE_TAGS:
            self.pre = max(0, self.pre - 1)
        if tag == "h1" and self._h1_parts is not None:
            self.h1 = " ".join("".join(self._h1_parts).split()) or None
            self._h1_parts = None
        if tag in BLOCK_TAGS:
            self.newline()
        elif tag == "a" and self.href is not None:
            label = "".join(self.parts[self.link_start :]).strip()
            if self.href.startswith(("http://", "https://")) and label and label != self.href:
                self.parts.append(f" ({self.href})")
            elif not label:
                self.parts.append(self.href)
            self.href = None
        else:
            self.end_other(tag)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
            return
        if self.skip or self.data_other(data):
            return
        if self._h1_parts is not None:
            self._h1_parts.append(data)
        if self.pre:
            self.parts.append(data)
            return
        flat = _SPACE.sub(" ", data)
        # Indentation of the HTML source is not text; a space between inline elements is.
        if self.line_start():
            flat = flat.lstrip()
            if self.depth and flat and not "".join(self.parts[-1:]).startswith(">"):
                flat = "> " * self.depth + flat
        self.parts.append(flat)


def html_to_text(markup: str, *, quotes: bool = False, rich: bool = False) -> str:
    """Plain text of an HTML fragment or page; malformed markup falls back to dropping tags."""
    parser = HtmlText(quotes=quotes, rich=rich, strip_lines=True)
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):
        return html.unescape(re.sub(r"<[^>]+>", " ", markup))
    return parser.text()
