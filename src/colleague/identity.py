"""Identity resolution rules: when two accounts are the same person.

Pure functions; the store's writer applies them. Rules, strongest first:
1. the same email address (case-insensitive);
2. the same full name, when the name is distinctive enough to be safe (two words,
   or two or more CJK characters) — this joins one person's several addresses;
3. the same handle on different platforms (a nick used on IRC and Slack).
Anything else is joined only by an explicit `people merge`.
"""

from __future__ import annotations

import re
import unicodedata

from colleague.model import Identity

_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_QUOTES = "\"'`“”‘’"


def normalize_name(name: str | None) -> str | None:
    """Case-, width- and space-folded name; None if empty."""
    if not name:
        return None
    text = unicodedata.normalize("NFKC", name).strip().strip(_QUOTES).strip()
    text = _SPACES.sub(" ", text).casefold()
    return text or None


def is_distinctive(norm_name: str) -> bool:
    """Is a normalised name specific enough to join accounts on it alone?"""
    if len(_CJK.findall(norm_name)) >= 2:
        return True
    words = [w for w in norm_name.split(" ") if any(c.isalpha() for c in w)]
    return len(words) >= 2 and all(len(w) >= 2 for w in words[:2])


def normalize_handle(handle: str | None) -> str | None:
    """Folded handle without the marks chat clients add when a nick is taken or away
    ("kasparnet_", "bosmon|away", "joe^")."""
    norm = normalize_name(handle)
    if not norm:
        return None
    norm = norm.split("|", 1)[0].rstrip("_`^-")
    return norm or None


def normalize_email(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return email.strip().strip("<>").casefold() or None


def is_placeholder_name(name: str, native_id: str) -> bool:
    """Is `name` only a stand-in (an address, an account id, a one-word login) rather than
    a person's real name? Real names have two words or are written in CJK."""
    if "@" in name or name == native_id:
        return True
    return " " not in name.strip() and not _CJK.search(name)


def display_name(ident: Identity) -> str:
    """The best human name an identity offers."""
    return ident.name or ident.handle or ident.email or ident.native_id


def match_keys(ident: Identity) -> list[tuple[str, str]]:
    """Keys under which another account of the same person could be found, strongest first."""
    keys: list[tuple[str, str]] = []
    email = normalize_email(ident.email)
    if email:
        keys.append(("email", email))
    norm = normalize_name(ident.name)
    if norm and is_distinctive(norm):
        keys.append(("name", norm))
    handle = normalize_handle(ident.handle)
    if handle and len(handle) >= 3:
        keys.append(("handle", handle))
    return keys
