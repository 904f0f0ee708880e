"""Stable ids: the same source record always gets the same id, so re-ingesting adds nothing."""

from __future__ import annotations

import hashlib

_MASK63 = (1 << 63) - 1


def stable_id(*parts: str) -> int:
    """A positive 63-bit integer from the parts (fits SQLite's INTEGER PRIMARY KEY)."""
    h = hashlib.blake2b(digest_size=8)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return int.from_bytes(h.digest(), "big") & _MASK63


def format_id(prefix: str, value: int) -> str:
    """Public text form of a stored id, e.g. 'm-0f3a…'."""
    return f"{prefix}-{value:016x}"


def parse_id(text: str) -> int | None:
    """Inverse of format_id; None if `text` is not of that form."""
    _, sep, hexpart = text.partition("-")
    if not sep or len(hexpart) != 16:
        return None
    try:
        return int(hexpart, 16)
    except ValueError:
        return None


def account_digest(salt: str, platform: str, native_id: str) -> str:
    """Salted digest of one account, for the forgotten-accounts list."""
    data = f"{salt}\x1f{platform}\x1f{native_id.casefold()}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def account_digests(salt: str, platform: str, native_id: str, email: str | None) -> list[str]:
    """The digests that block an account: its own key, and its address on any platform."""
    out = [account_digest(salt, platform, native_id)]
    if email:
        out.append(account_digest(salt, "@email", email))
    return out
