"""Time parsing shared by readers. Every timestamp leaving a reader is timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo


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


def epoch_auto(value: float | int | str) -> datetime | None:
    """Epoch seconds or milliseconds, told apart by size (ms epochs have 13 digits since 2001);
    None when the number is no usable time."""
    try:
        number = float(value)
        return from_epoch(number, "ms" if abs(number) >= 1e11 else "s")
    except (OverflowError, OSError, ValueError):
        return None


# Chinese exports write the part of the day before a 12-hour clock.
_AFTERNOON = {"下午", "晚上"}


def hour24(hour: int, ampm: str | None = None, cn: str | None = None) -> int:
    """24-hour clock from a 12-hour one ('8 PM', '下午 8'); ValueError when impossible.
    `cn` is 上午/下午/凌晨/早上/中午/晚上."""
    marker = (ampm or "").upper()
    if not marker and not cn:
        return hour
    if hour == 0 or hour > 12:
        if marker:
            raise ValueError("hour out of range for a 12-hour clock")
        return hour  # '下午 14:00', '凌晨 0:30' are already 24-hour
    if marker:
        pm = marker == "PM"
    elif cn == "中午":
        pm = hour < 11 or hour == 12  # 中午 12:30 is noon, 中午 1:00 is 13:00
    else:
        pm = cn in _AFTERNOON
    if pm and hour != 12:
        return hour + 12
    if not pm and hour == 12:
        return 0
    return hour


_MONTHS = {
    # English, German, French, Spanish, Italian, Portuguese, Dutch, Russian abbreviations.
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12, "mär": 3, "mai": 5, "okt": 10, "dez": 12, "fév": 2,
    "fev": 2, "avr": 4, "aoû": 8, "aou": 8, "déc": 12, "ene": 1, "abr": 4, "ago": 8, "set": 9,
    "dic": 12, "gen": 1, "mag": 5, "giu": 6, "lug": 7, "ott": 10, "out": 10, "mrt": 3,
    "mei": 5, "янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5, "июн": 6, "июл": 7,
    "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}


def month_number(token: str) -> int | None:
    """1–12 for a month name or abbreviation in a common locale ('Dec', 'Okt', 'juil.', 'дек')."""
    token = token.lower()
    if token.startswith("juin"):
        return 6
    if token.startswith("juil"):
        return 7
    if len(token) < 3 or not token[:3].isalpha():
        return None
    return _MONTHS.get(token[:3])


def parse_offset(text: str | None) -> tzinfo | None:
    """A UTC offset as ISO writes it ('Z', '+08:00', '-0500') → tzinfo; None if absent."""
    if not text:
        return None
    if text.upper() == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4]))
    return timezone(-delta if text[0] == "-" else delta)
