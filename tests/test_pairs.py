"""Dedup's array helpers against plain Python versions of the same sets."""

from __future__ import annotations

import itertools

import numpy as np

from parallax.stages._pairs import UniqueCodes, among, equal_pairs


def test_equal_pairs_are_every_pair_with_the_same_label():
    rng = np.random.default_rng(7)
    labels = rng.integers(0, 40, size=300).astype(np.uint64)
    found = [(int(a), int(b)) for x, y in equal_pairs(labels) for a, b in zip(x, y, strict=True)]
    expected = [(i, j) for i, j in itertools.combinations(range(len(labels)), 2) if labels[i] == labels[j]]
    assert sorted(found) == expected and len(found) == len(set(found))
    capped = {(int(a), int(b)) for x, y in equal_pairs(labels, most=8) for a, b in zip(x, y, strict=True)}
    sizes = np.bincount(labels.astype(np.int64))
    assert capped == {(i, j) for i, j in expected if sizes[labels[i]] <= 8}


def test_unique_codes_merge_as_they_come():
    rng = np.random.default_rng(3)
    blocks = [rng.integers(0, 5000, size=rng.integers(1, 400)) for _ in range(60)]
    codes = UniqueCodes(merge_at=256)  # small, so that many merges happen along the way
    for block in blocks:
        codes.add(block)
    assert codes.merged().tolist() == sorted({int(v) for b in blocks for v in b})
    assert UniqueCodes().merged().tolist() == []


def test_among_tells_membership_in_a_sorted_array():
    ordered = np.array([3, 9, 10, 42], dtype=np.int64)
    values = np.array([42, 0, 9, 43, 3, 11], dtype=np.int64)
    assert among(values, ordered).tolist() == [True, False, True, False, True, False]
    assert among(values, ordered[:0]).tolist() == [False] * 6
