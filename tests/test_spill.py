"""The batch driver's on-disk spill: articles and text reuse, read back in order."""

from __future__ import annotations

import json

from parallax.batch.spill import Spill
from parallax.records import Reuse, Span


def _reuse(k: int) -> Reuse:
    # Record k copies from article k into article k + 1 (so each article is the target of one, source of one).
    return Reuse(Span(f"a{k}", 0, 10 + k), Span(f"a{k + 1}", 5, 15 + k), score=0.9, kind="passage")


def test_reuse_touching_reads_back_every_record_in_order(tmp_path):
    spill = Spill(tmp_path / "spill.sqlite")
    spill.add_reuse(_reuse(k) for k in range(1500))  # a generator: consumed in chunks
    assert spill.reuse_count == 1500
    wanted = [f"a{k}" for k in range(1200, 0, -2)]  # 600 ids: more than one query's worth
    rows = spill.reuse_json(wanted)
    found = [Reuse.from_dict(json.loads(data)) for _, data in rows]
    assert [target for target, _ in rows] == [r.target.article_id for r in found]
    # a1200 is the source of record 1200 and the target of record 1199, and so on down to a2.
    expected = sorted({k for n in range(2, 1201, 2) for k in (n - 1, n)})
    assert found == [_reuse(k) for k in expected]
    assert spill.reuse_json(["nowhere"]) == []
    spill.close()
    assert not (tmp_path / "spill.sqlite").exists()
