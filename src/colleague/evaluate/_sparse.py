"""Messages as sparse rows of feature ids, for the attribution's numpy scoring."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

CHUNK = 200_000  # stored features scored at once (bounds the nnz × people buffer)


@dataclass
class Rows:
    """Messages as sparse rows (CSR): row i holds `cols[ptr[i]:ptr[i+1]]` (repeats count)."""

    ptr: np.ndarray  # int64, len rows + 1
    cols: np.ndarray  # int64 feature ids
    vals: np.ndarray  # float64 counts

    @property
    def n(self) -> int:
        return len(self.ptr) - 1

    def row_of(self) -> np.ndarray:
        return np.repeat(np.arange(self.n), np.diff(self.ptr))

    def take(self, rows: np.ndarray) -> Rows:
        starts, ends = self.ptr[rows], self.ptr[rows + 1]
        lens = ends - starts
        ptr = np.concatenate(([0], np.cumsum(lens)))
        idx = np.repeat(starts - ptr[:-1], lens) + np.arange(ptr[-1])
        return Rows(ptr, self.cols[idx], self.vals[idx])

    def dot(self, table: np.ndarray) -> np.ndarray:
        """rows × table (features × people) → rows × people."""
        out = np.zeros((self.n, table.shape[1]))
        start = 0
        while start < self.n:
            end = int(np.searchsorted(self.ptr, self.ptr[start] + CHUNK, side="right")) - 1
            end = min(max(end, start + 1), self.n)
            a, b = self.ptr[start], self.ptr[end]
            prod = table[self.cols[a:b]]
            prod *= self.vals[a:b, None].astype(table.dtype)
            lens = np.diff(self.ptr[start : end + 1])
            full = np.flatnonzero(lens) + start
            if len(full):
                # Row sums segment by segment (exact enough in float32, unlike a running sum).
                out[full] = np.add.reduceat(prod, self.ptr[full] - a, axis=0)
            start = end
        return out


def encode(lists: Iterable[Sequence[str]], vocab: dict[str, int], grow: bool = False) -> Rows:
    """Feature lists → sparse rows over `vocab`: unknown features are dropped, or with `grow`
    added to `vocab`. `lists` may be a generator — one message's features exist at a time —
    and ids go to a compact array (a Python list of 65 M ints took gigabytes on the Fluid
    logs)."""
    lens = array("q", [0])
    flat = array("q")
    for fs in lists:
        before = len(flat)
        if grow:
            flat.extend(vocab.setdefault(f, len(vocab)) for f in fs)
        else:
            flat.extend(j for j in map(vocab.get, fs) if j is not None)
        lens.append(len(flat) - before)
    cols = np.frombuffer(flat, dtype=np.int64).copy() if flat else np.zeros(0, dtype=np.int64)
    return Rows(np.cumsum(np.frombuffer(lens, dtype=np.int64)), cols, np.ones(len(cols)))
