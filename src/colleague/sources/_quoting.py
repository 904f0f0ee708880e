"""Separate what the sender wrote from what they quoted, forwarded or signed (English and Chinese).

A pure function over plain text, used by the email reader and later by analyzers. Rules:

- `>` quoted lines go, with their intro line ("On … wrote:", "… 写道：", "Quoting …:",
  a wrapped "On …" line before it) and elision markers (`[...]`, `<snip>`). Inline replies keep
  only the sender's own lines, in order.
- "-----Original Message-----", "------------------ 原始邮件 ------------------", "Forwarded
  message" separators, and Outlook header blocks ("From: … Sent: …", "发件人: … 发送时间: …",
  "寄件者: … 寄件日期: …") start somebody else's text: it and everything after are dropped. A
  header block directly followed by `>` lines is only an attribution (davem style "From: X /
  Date: Y" then the quote), so only the block goes.
- Signatures: the "-- " line and what follows; "Sent from my …" / "发自我的iPhone" lines;
  "此致 / 敬礼" tails; a closing phrase ("Best regards,", "Thanks,", "祝好") followed by a short
  name block at the very end. A closing with nothing after it stays (it is the person's words).
- Mailing-list footers: a line of underscores followed by list information.
- Diffs: a patch body is code, not prose. Unquoted diffs, diffstats and the bare `---` line are
  dropped from the text, and the touched paths are returned (`paths`); paths of quoted diffs a
  reviewer commented on are returned separately (`quoted_paths`). We keep the prose (commit
  message, review comments) because that is what says how the person works; the diff itself is
  better read from git history, and would swamp word statistics and search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_QUOTED = re.compile(r"^\s*>")
_INTRO_END = re.compile(
    r"(?:wrote|writes|said|a écrit|schrieb|写道|寫道|来信|來信)\s*[:：]\s*$|"
    r"^\s*(?:Quoting|Zitat von)\b.*[:：]\s*$|"
    r"^\s*\*\s.+[\]>]\s*[:：]\s*$",  # mutt: "* Name <addr> [2019-01-02 10:00]:"
    re.IGNORECASE,
)
_INTRO_START = re.compile(r"^\s*(?:On|Le|Am|El|Il|在|於|于)\s", re.IGNORECASE)
_ELISION = re.compile(r"^\s*(?:\[\s*(?:\.\.\.|…|snip(?:ped)?)\s*\]|<\s*snip(?:ped)?\s*>|\.\.\.|…)\s*$",
                      re.IGNORECASE)
_SEPARATOR = re.compile(
    r"^\s*(?:-{2,}\s*(?:Original Message|Forwarded message|Forwarded Message|Begin forwarded message"
    r"|原始邮件|原始郵件|转发邮件|轉寄郵件|转发的邮件|Original|Weitergeleitete Nachricht)\s*-{2,}"
    r"|Begin forwarded message\s*:"
    r"|-{5,}\s*Reply message\s*-{5,})\s*$",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_HDR_FROM = re.compile(r"^\s*\*?\s*(?:From|发件人|發件人|寄件者|寄件人|Von|De)\s*\*?\s*[:：]", re.IGNORECASE)
_HDR_WHEN = re.compile(
    r"^\s*\*?\s*(?:Sent|Date|发送时间|發送時間|时间|時間|日期|寄件日期|Gesendet|Envoyé)\s*\*?\s*[:：]",
    re.IGNORECASE,
)
_HDR_ANY = re.compile(
    r"^\s*\*?\s*(?:From|Sent|Date|To|Cc|Bcc|Subject|Reply-To|Importance|发件人|發件人|发送时间|發送時間|"
    r"时间|時間|日期|收件人|收件者|抄送|副本|主题|主題|主旨|寄件者|寄件人|寄件日期|Von|Gesendet|An|Betreff|"
    r"De|Envoyé|À|Objet)\s*\*?\s*[:：]",
    re.IGNORECASE,
)
_LIST_INFO = re.compile(r"mailing list|listinfo|unsubscribe|lists?\.|邮件列表|退订", re.IGNORECASE)
_SENT_FROM = re.compile(
    r"^\s*(?:Sent from my\b.*|Sent from (?:Mail|Outlook|Yahoo Mail|Gmail)\b.*"
    r"|Get Outlook for\b.*|Envoyé de mon\b.*|Von meinem\b.*gesendet"
    r"|发自我的.*|發自我的.*|来自我的.*|從我的.*傳送|从我的.*发送|发自(?:网易|QQ|新浪|搜狐|阿里|钉钉|飞书).*"
    r"|-{2,}\s*来自.*(?:邮箱|客户端).*)\s*$",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^\s*(?:(?:best|kind|warm|warmest|many|with best)?\s*regards|best(?: wishes)?|cheers|thanks|"
    r"thank you|many thanks|thanks again|thx|br|sincerely|yours(?: truly| sincerely)?|all the best|"
    r"祝好|谢谢|謝謝|多谢|多謝|感谢|感謝|顺祝商祺|順祝商祺|祝商祺|祝工作顺利|此致|敬上|"
    r"best,|regards,)\s*[,，.!！。]*\s*$",
    re.IGNORECASE,
)
_CJK_SALUTE = re.compile(r"^\s*此致\s*[,，]?\s*$")
_DIFF_START = re.compile(r"^(?:diff --git |diff -[a-zA-Z]+ |Index: \S)")
_DIFF_LINE = re.compile(
    r"^(?:diff |index |--- |\+\+\+ |@@ |[ +\-]|new file mode|deleted file mode|old mode|new mode|"
    r"similarity index|dissimilarity index|rename (?:from|to) |copy (?:from|to) |Binary files |"
    r"\\ No newline|={10,}|Index: |$)"
)
_DIFFSTAT = re.compile(r"^\s*\S+\s+\|\s+(?:\d+\s*[+\-]*|Bin\b.*)\s*$|^\s*\d+ files? changed\b")
_PATH_LINE = re.compile(r"^(?:\+\+\+|---) (?:[ab]/)?(\S+)")
_GIT_HEADER = re.compile(r"^diff --git a/(\S+) b/(\S+)")


@dataclass
class Reply:
    """The result of `clean`: the sender's own words and what was set aside."""

    text: str
    quoted: bool = False  # some quoted or forwarded text was removed
    signoff: str | None = None  # the closing phrase removed from the end ("Best regards,")
    paths: list[str] = field(default_factory=list)  # files touched by the sender's own diffs
    quoted_paths: list[str] = field(default_factory=list)  # files in quoted diffs (reviewed)


def strip_quoted(text: str) -> str:
    """Only the sender's own words of a mail body."""
    return clean(text).text


def clean(text: str) -> Reply:
    """Split a plain-text mail body into the sender's words and the rest (see module doc)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    reply = Reply(text="")
    reply.quoted_paths = _diff_paths([_unquote(ln) for ln in lines if _QUOTED.match(ln)])
    lines, cut = _cut_foreign(lines)
    lines, dropped = _drop_quotes(lines)
    reply.quoted = cut or dropped
    lines = _drop_sent_from(lines)
    lines = _cut_signature(lines)
    lines, reply.paths = _drop_diffs(lines)
    lines, reply.signoff = _cut_closing(lines)
    reply.text = _tidy(lines)
    return reply


def _unquote(line: str) -> str:
    return re.sub(r"^(?:\s*>)+ ?", "", line)


def _next_content(lines: list[str], start: int) -> int | None:
    """Index of the first line at or after `start` that is neither blank nor an elision."""
    for i in range(start, len(lines)):
        if lines[i].strip() and not _ELISION.match(lines[i]):
            return i
    return None


def _header_block_end(lines: list[str], start: int) -> int | None:
    """If a "From: … Sent/Date: …" block starts at `start`, the index just after it."""
    if not _HDR_FROM.match(lines[start]):
        return None
    seen_when = False
    loose = 0  # wrapped To:/Subject: values continue on lines that are not fields
    i = start + 1
    while i < len(lines) and lines[i].strip() and i - start < 14:
        if _HDR_WHEN.match(lines[i]):
            seen_when = True
        if _HDR_ANY.match(lines[i]):
            loose = 0
        else:
            loose += 1
            if loose > 2:
                break
        i += 1
    return i if seen_when else None


def _cut_foreign(lines: list[str]) -> tuple[list[str], bool]:
    """Drop forwarded/original messages (and everything after) and attribution header blocks."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _QUOTED.match(line):
            out.append(line)
            i += 1
            continue
        if _SEPARATOR.match(line):
            return out, True
        if _UNDERSCORES.match(line):
            nxt = _next_content(lines, i + 1)
            if nxt is not None and (
                _HDR_FROM.match(lines[nxt]) or any(_LIST_INFO.search(x) for x in lines[nxt:nxt + 4])
            ):
                return out, True
        end = _header_block_end(lines, i)
        if end is not None:
            nxt = _next_content(lines, end)
            if nxt is not None and _QUOTED.match(lines[nxt]):
                i = end  # an attribution ("From: X / Date: Y" then the quote): drop the block only
                continue
            return out, True
        out.append(line)
        i += 1
    return out, False


def _drop_quotes(lines: list[str]) -> tuple[list[str], bool]:
    """Remove quoted lines, their intro lines and elision markers; keep interleaved replies."""
    out: list[str] = []
    dropped = False
    for i, line in enumerate(lines):
        if _QUOTED.match(line):
            dropped = True
            continue
        nxt = _next_content(lines, i + 1)
        before_quote = nxt is None or _QUOTED.match(lines[nxt]) is not None
        # "On <date>, <name> wrote:" is an attribution even when the quote under it was trimmed.
        strong = _INTRO_START.match(line) is not None and _INTRO_END.search(line) is not None
        if (before_quote or strong) and _INTRO_END.search(line):
            dropped = True
            # A wrapped intro: "On Fri, Dec 29, 2017 at 9:18 AM, Christoph Hellwig" + "<a> wrote:".
            if out and out[-1].strip() and _INTRO_START.match(out[-1]) and not _INTRO_START.match(line):
                out.pop()
            continue
        if _ELISION.match(line) and (dropped or before_quote):
            continue
        out.append(line)
    return out, dropped


def _drop_sent_from(lines: list[str]) -> list[str]:
    return [ln for ln in lines if not _SENT_FROM.match(ln)]


def _cut_signature(lines: list[str]) -> list[str]:
    """Cut at the signature separator ("-- "), a loose "--" near the end, or a footer."""
    for i, line in enumerate(lines):
        if line == "-- " or line == "--\u00a0":
            return lines[:i]
        if line.strip() == "--":
            rest = [x for x in lines[i + 1:] if x.strip()]
            if 0 < len(rest) <= 10:
                return lines[:i]
    return lines


def _diff_paths(lines: list[str]) -> list[str]:
    paths: list[str] = []
    for line in lines:
        m = _GIT_HEADER.match(line)
        if m:
            paths.append(m.group(2))
            continue
        m = _PATH_LINE.match(line)
        if m and line.startswith("+++") and m.group(1) != "/dev/null":
            paths.append(m.group(1))
    return list(dict.fromkeys(paths))


def _is_diff_start(lines: list[str], i: int) -> bool:
    line = lines[i]
    if _DIFF_START.match(line):
        return True
    # A bare unified diff: "--- a/x" directly followed by "+++ b/x".
    return line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ ")


def _drop_diffs(lines: list[str]) -> tuple[list[str], list[str]]:
    """Remove diff bodies, diffstats and the `---` line before them; return touched paths."""
    out: list[str] = []
    diff_lines: list[str] = []
    in_diff = False
    for i, line in enumerate(lines):
        if not in_diff and _is_diff_start(lines, i):
            in_diff = True
        if in_diff:
            if _DIFF_LINE.match(line) or _is_diff_start(lines, i):
                diff_lines.append(line)
                continue
            in_diff = False
        out.append(line)
    if not diff_lines:
        return lines, []
    # The diffstat and git's "---" separator only make sense next to a diff.
    out = [ln for ln in out if not _DIFFSTAT.match(ln) and ln.rstrip() != "---"]
    return out, _diff_paths(diff_lines)


def _cut_closing(lines: list[str]) -> tuple[list[str], str | None]:
    """Remove "Best regards,\\nName" style tails when that is clearly what they are."""
    content = [i for i, ln in enumerate(lines) if ln.strip()]
    if len(content) < 2:
        return lines, None
    # "此致\n敬礼！\n张三": the salute and what follows are formula, never content.
    for i in content[-6:]:
        if _CJK_SALUTE.match(lines[i]):
            return lines[:i], lines[i].strip()
    for pos in range(len(content) - 1, max(len(content) - 6, 0), -1):
        i = content[pos]
        if not _CLOSING.match(lines[i]):
            continue
        tail = [lines[j].strip() for j in content[pos + 1:]]
        if tail and all(_name_like(t) for t in tail) and pos > 0:
            return lines[:i], lines[i].strip()
        return lines, None
    return lines, None


def _name_like(line: str) -> bool:
    """A short line such as a name, title or team — not a sentence."""
    if len(line) > 48 or line.endswith(("?", "？", ":", "：")):
        return False
    words = line.split()
    return len(words) <= 6 and not re.search(r"[.!。！]\s*\S", line)


def _tidy(lines: list[str]) -> str:
    text = "\n".join(ln.rstrip() for ln in lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
