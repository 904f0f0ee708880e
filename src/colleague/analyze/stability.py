"""Stability across time: does a finding hold in both halves of the subject's record?

A Skill should state what is characteristic of a person, not what happened to dominate one
period of a long history (a system they handled in 2006, a channel they left, a habit they
dropped). The analyzers therefore split the messages they look at into an earlier and a later
half (in the order given — `PersonData.own` is oldest first) and make a claim, or attach a
prediction, only when the finding holds in both; a predicted rate is the *lower* of the two
halves' rates, so the prediction promises only what both periods show.

Pure helpers, shared by the analyzers (no store, no clock).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Halves:
    """Which half each message uid falls in (0 = earlier, 1 = later) and the halves' sizes."""

    half: dict[int, int]
    sizes: tuple[int, int]

    @classmethod
    def of(cls, uids: Sequence[int]) -> Halves:
        cut = len(uids) // 2
        return cls({u: int(i >= cut) for i, u in enumerate(uids)}, (cut, len(uids) - cut))

    def counts(self, uids: Iterable[int]) -> tuple[int, int]:
        """How many of `uids` (each counted once) fall in each half; unknown uids are skipped."""
        c = [0, 0]
        for u in set(uids):
            h = self.half.get(u)
            if h is not None:
                c[h] += 1
        return c[0], c[1]

    def rates(self, uids: Iterable[int]) -> tuple[float, float]:
        """The share of each half's messages among `uids`."""
        a, b = self.counts(uids)
        return (a / self.sizes[0] if self.sizes[0] else 0.0,
                b / self.sizes[1] if self.sizes[1] else 0.0)

    def low_rate(self, uids: Iterable[int]) -> float:
        """The lower of the two halves' shares: what both periods support."""
        return min(self.rates(uids))

    def in_both(self, uids: Iterable[int], each: int = 1) -> bool:
        a, b = self.counts(uids)
        return a >= each and b >= each


def split_half(items: Sequence[T]) -> tuple[list[T], list[T]]:
    """The earlier and the later half of `items` (already in time order)."""
    cut = len(items) // 2
    return list(items[:cut]), list(items[cut:])


def holds_in_both(items: Sequence[T], test: Callable[[Sequence[T]], bool]) -> bool:
    """`test` holds on the earlier and on the later half of `items`."""
    first, second = split_half(items)
    return bool(first) and bool(second) and test(first) and test(second)


__all__ = ["Halves", "holds_in_both", "split_half"]
