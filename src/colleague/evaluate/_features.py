"""What the attribution profile looks at in one message, by feature group.

Each group is one aspect a Skill describes (see `analyze.style`, `analyze.rhythm`,
`analyze.social`); a message yields a list of feature strings per group (repeats count):

  words        word unigrams and bigrams (`text.tokens`: jieba for Chinese) — phrase usage
  chars        character 3-grams, case and spacing kept — spelling, casing, punctuation
  shape        length bucket, how the message starts and ends, emoji/emoticons/URLs/code,
               line breaks, doubled punctuation, all-lower-case writing
  hours        hour of day and weekday in the writer's zone (untimed messages: none)
  zone         the writer's UTC offset
  venue        the conversation (channel, thread, repository) posted in
  counterpart  whom they reply to and whom they address (mentions)
  paths        top folders of the files a commit touches, kinds of attachments
  previous     who wrote the message just before it in the conversation (when the caller
               knows: `split.MsgContext`) — people answer particular counterparts, and
               continue their own lines

The baseline's features (`baseline_grams`) are deliberately plain: lower-cased character
2–4-grams of the whitespace-normalised text.
"""

from __future__ import annotations

import math
import re
from sys import intern

from colleague.analyze.model import Msg
from colleague.analyze.text import EMOJI, tokens

GROUPS: tuple[str, ...] = (
    "words", "chars", "shape", "hours", "zone", "venue", "counterpart", "paths", "previous",
)

MAX_CHARS = 3000  # long mails: the first pages say enough about how someone writes
_URL = re.compile(r"https?://|www\.")
_EMOTICON = re.compile(r"(?<![\w:/])(?:[:;=]-?[)(DPp\]/]|\^[_-]?\^|T_T|orz|>_<|-_-)(?!\w)")
_SPACES = re.compile(r"\s+")


def _char_class(ch: str) -> str:
    if ch.isupper():
        return "A"
    if ch.islower():
        return "a"
    if ch.isdigit():
        return "9"
    if ch.isalpha():
        return "C"  # CJK and other scripts without case
    return ch if ch in ".,!?:;)(>*-@#`'\"…。，！？" else "_"


def _shape(text: str) -> list[str]:
    t = text.strip()
    if not t:
        return ["empty"]
    out = [
        f"len{int(2 * math.log2(len(t) + 1))}",
        f"start{_char_class(t[0])}",
        f"end{_char_class(t[-1])}",
        f"lines{min(t.count(chr(10)), 5)}",
    ]
    letters = [c for c in t if c.isalpha()]
    if letters and not any(c.isupper() for c in letters):
        out.append("lower")
    if _URL.search(t):
        out.append("url")
    if EMOJI.search(t):
        out.append("emoji")
    if _EMOTICON.search(t):
        out.append("emoticon")
    if "`" in t:
        out.append("code")
    for mark, name in (("!!", "2!"), ("??", "2?"), ("...", "dots"), ("…", "dots"),
                       ("  ", "2space"), (" ,", "space,"), (" ?", "space?")):
        if mark in t:
            out.append(name)
    return out


def message_features(m: Msg, authors: dict[int, int | None],
                     previous: int | None = None, parent: int | None = None
                     ) -> dict[str, list[str]]:
    """The features of message `m`, by group. `authors` maps message uids to their writers
    (for whom a reply answers); `previous` is the writer of the message just before it in its
    conversation and `parent` the writer of the message it replies to, when known."""
    text = m.text[:MAX_CHARS]
    toks = tokens(text)
    # Interned: the same few hundred thousand grams recur across every message, and one
    # shared string per gram instead of one per occurrence saves gigabytes on large teams.
    words = [*map(intern, toks), *(intern(f"{a} {b}") for a, b in zip(toks, toks[1:], strict=False))]
    padded = f" {text.strip()} "
    chars = [intern(padded[i : i + 3]) for i in range(len(padded) - 2)]
    feats: dict[str, list[str]] = {
        "words": words,
        "chars": chars,
        "shape": _shape(text),
        "venue": [f"c{m.conversation}"],
    }
    if m.ts is not None:
        feats["hours"] = [f"h{m.ts.hour}", f"d{m.ts.weekday()}"]
        off = m.ts.utcoffset()
        feats["zone"] = [f"z{int(off.total_seconds() // 60) if off is not None else 0}"]
    # Never filtered by `m.author`: that is the label being predicted (a self-reply or a
    # self-mention is what a reader sees, and tells against nobody else).
    who = [f"@{p}" for p in m.mentions]
    if m.reply_to is not None:
        parent = authors.get(m.reply_to, parent)
        if parent is not None:
            who.append(f"r{parent}")
    if who:
        feats["counterpart"] = who
    paths = [
        "p" + "/".join(str(p).split("/")[:2]) for p in (m.extra.get("paths") or [])[:50]
    ] + [
        "f" + str(f).rsplit(".", 1)[-1].lower()[:8] for f in (m.extra.get("files") or [])[:10]
    ]
    if paths:
        feats["paths"] = paths
    if previous is not None:
        feats["previous"] = [f"w{previous}"]
    return feats


def baseline_grams(text: str) -> list[str]:
    """Lower-cased character 2–4-grams of the whitespace-normalised text (repeats count)."""
    t = _SPACES.sub(" ", text.lower()).strip()
    return [t[i : i + n] for n in (2, 3, 4) for i in range(len(t) - n + 1)]
