"""Array helpers for Dedup's pair search: equal-label pairs, a growing set of int64 codes.

Kept apart from the stage so that each stays readable; numpy only, no text.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

_GROUP_BLOCK = 1 << 15
_MERGE_AT = 1 << 20


def equal_pairs(labels: np.ndarray, most: int | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Every pair of positions with equal labels, as (earlier, later) arrays, one group size at a time.

    Groups larger than ``most`` are skipped. Vectorised per group size: a
    Python loop over groups costs more than the pairs at 100k articles.
    """
    order = np.argsort(labels, kind="stable")
    ordered, total = labels[order], len(labels)
    del labels  # a caller that drops its own reference frees the unsorted copy here
    starts = np.concatenate(([0], np.flatnonzero(ordered[1:] != ordered[:-1]) + 1))
    del ordered
    sizes = np.diff(np.concatenate((starts, [total])))
    multi = sizes > 1  # most labels are unique: keep only the groups that make pairs
    starts, sizes = starts[multi], sizes[multi]
    for size in np.unique(sizes).tolist():
        if most is not None and size > most:
            break
        a, b = np.triu_indices(size, 1)
        firsts = starts[sizes == size]
        for block in range(0, len(firsts), _GROUP_BLOCK):  # bounded temporaries, whatever the corpus
            rows = np.sort(order[firsts[block : block + _GROUP_BLOCK, None] + np.arange(size)], axis=1)
            yield rows[:, a].ravel(), rows[:, b].ravel()


class UniqueCodes:
    """A sorted set of int64 codes, merged as blocks arrive.

    A pair of near-duplicates meets in most LSH bands, and a copied sentence
    pair shares most of its sampled grams: merging early keeps memory near
    the distinct codes rather than every sighting of them.
    """

    def __init__(self, merge_at: int = _MERGE_AT) -> None:
        self.merge_at = merge_at
        self._merged = np.zeros(0, dtype=np.int64)
        self._pending: list[np.ndarray] = []
        self._size = 0

    def add(self, codes: np.ndarray) -> None:
        self._pending.append(np.unique(codes))
        self._size += len(self._pending[-1])
        if self._size > max(len(self._merged), self.merge_at):  # amortised: once the new outweigh the old
            self.merged()

    def merged(self) -> np.ndarray:
        if self._pending:
            self._merged = np.unique(np.concatenate([self._merged, *self._pending]))
            self._pending, self._size = [], 0
        return self._merged


def among(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """Which ``values`` occur in the sorted array ``ordered``."""
    if not len(ordered):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return ordered[at] == values
