"""Skill folder names: lowercase a-z, 0-9 and single hyphens, at most 64 characters.
Chinese names become pinyin (王芳 → wang-fang)."""

from __future__ import annotations

import re
import unicodedata

from pypinyin import lazy_pinyin

MAX = 64
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str, fallback: str = "colleague") -> str:
    parts: list[str] = []
    for chunk in re.split(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)", text):
        if not chunk:
            continue
        if _CJK.match(chunk):
            parts.extend(lazy_pinyin(chunk))
        else:
            folded = unicodedata.normalize("NFKD", chunk).encode("ascii", "ignore").decode()
            parts.append(folded)
    slug = re.sub(r"[^a-z0-9]+", "-", " ".join(parts).lower()).strip("-")
    if len(slug) > MAX:
        slug = slug[:MAX].rstrip("-")
    return slug or fallback


def is_valid(slug: str) -> bool:
    return bool(SLUG.match(slug)) and len(slug) <= MAX
