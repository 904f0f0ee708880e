"""Time parsing shared by readers. Every timestamp leaving a reader is timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def from_epoch(value: float | int | str, unit: str = "s") -> datetime:
    """Epoch seconds or milliseconds (number or numeric string) → aware UTC datetime."""
    number = float(value)
    if unit == "ms":
        number /= 1000.0
    return datetime.fromtimestamp(number, tz=UTC)


def parse_iso(value: str, default_tz: tzinfo) -> datetime:
    """ISO-8601 (with 'Z', offset or none) → aware datetime; naive times take `default_tz`."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=default_tz)
    return dt


def localize(dt: datetime, default_tz: tzinfo) -> datetime:
    """Attach `default_tz` to a naive datetime; aware ones pass through."""
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=default_tz)
