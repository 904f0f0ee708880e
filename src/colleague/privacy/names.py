"""People's names known from the corpus, and the pseudonyms that stand in for them.

`KnownNames` is the directory: every person's display name, identity names, handles and emails
(tables `people` and `identities`). `Pseudonymizer` gives each person a stable letter within
one output — "同事A" in Chinese text, "Colleague A" in English — and numbers other personal
values ("[phone#1]") so that equal values stay equal. Share one Pseudonymizer across all the
pieces of one output (a Skill, a report, a prompt); use a fresh one for the next output.

Matching: Chinese names as substrings, Latin names and handles on word boundaries and
case-insensitively; longer names first; never inside a URL, an email address, a path or a code
identifier (foo_bar, foo.bar, foo-bar, foo/bar).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from colleague.privacy._base import Detection, has_cjk

# Handles/names that are ordinary words would turn every sentence into pseudonyms.
_COMMON_WORDS = """
a an and are admin all any bot ci dev root test user users guest system null none unknown nobody
the this that team bug fix new old yes no ok it is in on of to be me we us you he she they them
github gitlab jenkins travis bot bots web www mail email info support help master main server
anonymous everyone here channel git svn build deploy release review
what when where which who why how read write date time day today now then there their our
your his her its about after again also back because been before being but can could did
does doing done down each even first for from get got good great had has have just know
last like look make more most much must need next not off one only other out over please
right said same see should some such sure take than thanks thank then these thing think
those through too under until very want was way well were while with would yeah yes yet
wait work works done fine nice cool hello hi hey sorry maybe still really already never
always every many few less lol haha wow test tests code data file files line link list
name note page post query start stop step update upgrade issue issues merge patch commit
push pull branch tag version api app cli doc docs home log logs run set show use used
"""
_COMMON = frozenset(_COMMON_WORDS.split())

_URL = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.\-]*://|www\.)[^\s<>\"'，。）)]+")


def _usable(value: str) -> bool:
    v = value.strip()
    if not v or v.isdigit() or v.casefold() in _COMMON:
        return False
    if has_cjk(v):
        return len(v) >= 2
    return len(v) >= 3 and any(ch.isalpha() for ch in v)


@dataclass
class KnownNames:
    """Names, handles and emails of known people: value → person id."""

    names: dict[str, int] = field(default_factory=dict)  # casefolded name/handle → person
    emails: dict[str, int] = field(default_factory=dict)  # lower-case email → person
    display: dict[int, str] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False)

    def add(self, person: int, *, name: str | None = None, handle: str | None = None,
            email: str | None = None) -> None:
        for value in (name, handle):
            if value and _usable(value):
                self.names.setdefault(value.strip().casefold(), person)
                self.display.setdefault(person, value.strip())
        if email and "@" in email:
            self.emails.setdefault(email.strip().lower(), person)
            local = email.split("@", 1)[0]
            # a login-like local part (jdoe, zhang.san) is also how people are addressed
            if _usable(local) and re.fullmatch(r"[A-Za-z][A-Za-z0-9._\-]{2,}", local):
                self.names.setdefault(local.casefold(), person)
        self._pattern = None

    @classmethod
    def from_db(cls, db: sqlite3.Connection) -> KnownNames:
        """Everyone in the store except bots."""
        known = cls()
        bots = {pid for pid, in db.execute("SELECT id FROM people WHERE is_bot = 1")}
        for pid, name in db.execute("SELECT id, name FROM people"):
            if pid not in bots:
                known.add(pid, name=name)
        for pid, name, email, handle, is_bot in db.execute(
            "SELECT person_id, name, email, handle, is_bot FROM identities"
        ):
            if pid not in bots and not is_bot:
                known.add(pid, name=name, handle=handle, email=email)
        return known

    def person_of_email(self, email: str) -> int | None:
        return self.emails.get(email.lower())

    @property
    def pattern(self) -> re.Pattern[str] | None:
        if self._pattern is None and self.names:
            alts = []
            for value in sorted(self.names, key=len, reverse=True):
                esc = re.escape(value)
                if has_cjk(value):
                    alts.append(esc)
                else:
                    # word boundaries that also refuse identifier glue: _ . - / @ and digits
                    alts.append(rf"(?<![\w/.\-]){esc}(?![\w@/\-]|\.\w)")
            self._pattern = re.compile("|".join(alts), re.IGNORECASE)
        return self._pattern

    def find(self, text: str) -> list[Detection]:
        pattern = self.pattern
        if pattern is None or not text:
            return []
        urls = [m.span() for m in _URL.finditer(text)]
        out = []
        for m in pattern.finditer(text):
            if any(a <= m.start() < b for a, b in urls):
                continue
            person = self.names.get(m.group(0).casefold())
            if person is None:
                continue
            out.append(Detection("name", m.start(), m.end(), "name", key=m.group(0), person=person))
        return out


def _letters(n: int) -> str:
    """0 → A, 25 → Z, 26 → AA (spreadsheet columns)."""
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class Pseudonymizer:
    """Stable stand-ins within one output. Holds the known names it matches against."""

    known: KnownNames = field(default_factory=KnownNames)
    _people: dict[int, str] = field(default_factory=dict, init=False)
    _values: dict[tuple[str, str], int] = field(default_factory=dict, init=False, repr=False)
    _counts: dict[str, int] = field(default_factory=dict, init=False)

    @classmethod
    def from_db(cls, db: sqlite3.Connection) -> Pseudonymizer:
        return cls(KnownNames.from_db(db))

    def letter(self, person: int) -> str:
        if person not in self._people:
            self._people[person] = _letters(len(self._people))
        return self._people[person]

    def person(self, person: int, *, chinese: bool) -> str:
        return ("同事" if chinese else "Colleague ") + self.letter(person)

    def value(self, type_: str, value: str) -> str:
        """`[type#N]`, the same N for the same value within this output."""
        norm = re.sub(r"[\s\-()（）]", "", value).lower()
        key = (type_, norm)
        if key not in self._values:
            self._counts[type_] = self._counts.get(type_, 0) + 1
            self._values[key] = self._counts[type_]
        return f"[{type_}#{self._values[key]}]"

    def mapping(self) -> dict[int, str]:
        """Person id → letter, for a caller that must record who was who (kept out of outputs)."""
        return dict(self._people)
