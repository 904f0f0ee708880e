"""Diluting a .docx: the text of each paragraph in word/document.xml is rewritten in place
(first text run gets the new text, the paragraph's other runs are emptied); every other part of
the package, and all markup, is copied unchanged."""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape, unescape

from colleague.dilute.engine import Piece, dilute_unit
from colleague.dilute.policy import Category, Level
from colleague.dilute.rewrite import Picker, text_lang, transform

DOCUMENT = "word/document.xml"
_PARA = re.compile(r"<w:p\b[^>]*?(?<!/)>.*?</w:p>", re.DOTALL)
_TEXT = re.compile(r"(<w:t)((?:\s[^>]*)?)(>)(.*?)(</w:t>)", re.DOTALL)
_HEADING = re.compile(r'<w:pStyle w:val="(?:Heading|heading|Title|Subtitle|\d)(\d?)"')
_LIST = re.compile(r"<w:numPr>")
_ENTITIES = {"&quot;": '"', "&apos;": "'"}


class DocxError(Exception):
    pass


def _para_text(xml: str) -> str:
    return "".join(unescape(m.group(4), _ENTITIES) for m in _TEXT.finditer(xml))


def _set_text(xml: str, new: str) -> str:
    first = True

    def sub(m: re.Match[str]) -> str:
        nonlocal first
        attrs = m.group(2)
        if first:
            first = False
            if "xml:space" not in attrs:
                attrs += ' xml:space="preserve"'
            return f"{m.group(1)}{attrs}{m.group(3)}{escape(new)}{m.group(5)}"
        return f"{m.group(1)}{attrs}{m.group(3)}{m.group(5)}"

    return _TEXT.sub(sub, xml)


def dilute_docx(data: bytes, level: Level, picker: Picker, name: str,
                file_hint: Category | None = None) -> tuple[bytes, list[Piece]]:
    try:
        zin = zipfile.ZipFile(io.BytesIO(data))
        xml = zin.read(DOCUMENT).decode("utf-8")
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError) as exc:
        raise DocxError(f"not a readable .docx ({exc})") from None
    default = text_lang(_para_text(xml), "en")
    section: list[str] = []
    pieces: list[Piece] = []
    out: list[str] = []
    pos = 0
    for n, m in enumerate(_PARA.finditer(xml)):
        para = m.group(0)
        text = _para_text(para)
        new_text = text
        cat: str = "structure"
        action = "keep"
        if text.strip():
            if _HEADING.search(para):
                cat = "heading"
                if level != "light":
                    new_text = transform(text, picker=picker, default=default, numbers=True,  # type: ignore[arg-type]
                                         key=(name, n))
                    action = "mask" if new_text != text else "keep"
                section.append(text.strip())
            else:
                kind = "list_item" if _LIST.search(para) else "paragraph"
                cat, action, new_text = dilute_unit(
                    text, level=level, picker=picker, key=(name, n), kind=kind,
                    section=tuple(section[-2:]), file_hint=file_hint, default=default)
        new_para = para if new_text == text else _set_text(para, new_text)
        out.append(xml[pos:m.start()])
        out.append(new_para)
        pos = m.end()
        pieces.append(Piece(n, "paragraph", cat, action, text, new_text,  # type: ignore[arg-type]
                            n + 1, tuple(section)))
    out.append(xml[pos:])
    new_xml = "".join(out).encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zout:
        for info in zin.infolist():
            content = new_xml if info.filename == DOCUMENT else zin.read(info.filename)
            zout.writestr(info, content)  # same name, date, attributes and compression
    return buf.getvalue(), pieces
