"""TF-IDF centroids: how close a message is to each person's messages, as n-gram vectors.

The baseline scorer of the attribution (character 2–4-grams) and its centroid terms (the same
over characters, and over words) share this. Idf is smoothed over the build messages, counts
are raw; each person's centroid is the mean of their L2-normalised build vectors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from colleague.evaluate._features import baseline_grams
from colleague.evaluate._sparse import Rows, encode


def baseline_scores(build_texts: Iterable[str], build_owner: np.ndarray, texts: Iterable[str],
                    width: int) -> tuple[np.ndarray, np.ndarray]:
    """Character 2–4-gram TF-IDF: each message's count vector · every person's normalised
    centroid (messages × people: the cosine up to the message's own norm), and those norms."""
    return tfidf_scores((baseline_grams(t) for t in build_texts), build_owner,
                        (baseline_grams(t) for t in texts), width)


def tfidf_scores(build_grams: Iterable[Sequence[str]], build_owner: np.ndarray,
                 grams: Iterable[Sequence[str]], width: int) -> tuple[np.ndarray, np.ndarray]:
    """TF-IDF (raw counts, smoothed idf over the build messages) of `grams` against every
    person's centroid of L2-normalised build vectors: (messages × people dot products, each
    message's norm — 1 where it has no known gram)."""
    vocab: dict[str, int] = {}
    build = encode(build_grams, vocab, grow=True)
    # Unique (message, gram) pairs with their counts.
    size = max(len(vocab), 1)
    key = build.row_of() * size + build.cols
    pairs, count = np.unique(key, return_counts=True)
    row, col = pairs // size, pairs % size
    df = np.bincount(col, minlength=len(vocab))
    idf = np.log((1 + build.n) / (1 + df)) + 1.0
    val = count * idf[col]
    norm = np.sqrt(np.bincount(row, weights=val * val, minlength=build.n))
    norm[norm == 0] = 1.0
    cells, inv = np.unique(col * width + build_owner[row], return_inverse=True)
    cent = np.bincount(inv, weights=val / norm[row])
    cnorm = np.sqrt(np.bincount(cells % width, weights=cent * cent, minlength=width))
    cnorm[cnorm == 0] = 1.0
    held = encode(grams, vocab)
    used = np.unique(held.cols)
    local = np.full(len(vocab), -1, dtype=np.int64)
    local[used] = np.arange(len(used))
    keep = local[cells // width] >= 0
    table = np.zeros((len(used), width))
    c, p = cells[keep] // width, cells[keep] % width
    # idf folded in: a message's score is then the plain sum over its grams.
    table[local[c], p] = cent[keep] / cnorm[p] * idf[c]
    out = Rows(held.ptr, local[held.cols], held.vals).dot(table)
    hpairs, hcount = np.unique(held.row_of() * size + held.cols, return_counts=True)
    hidf = idf[hpairs % size]
    hnorm = np.sqrt(np.bincount(hpairs // size, weights=(hcount * hidf) ** 2, minlength=held.n))
    hnorm[hnorm == 0] = 1.0
    return out, hnorm
