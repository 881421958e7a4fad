"""Manifest files: user-supplied outlet/url/date/title per input file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from parallax.errors import InputError
from parallax.readers import read_path
from parallax.readers.manifest import apply_manifest, find_manifest, load_manifest, manifest_for


def _copy_bbc(eval_dir: Path, dest: Path, n: int = 3) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for f in sorted((eval_dir / "corpus" / "bbc" / "tech").glob("*.txt"))[:n]:
        target = dest / f"tech-{f.name}"
        shutil.copy(f, target)
        out.append(target)
    return out


def test_csv_manifest_fills_and_overrides(tmp_path, eval_dir):
    files = _copy_bbc(eval_dir, tmp_path / "in" / "sub")
    (tmp_path / "in" / "manifest.csv").write_text(
        "file,outlet,url,date,title\n"
        f"sub/{files[0].name},Tech Weekly,https://tw.example/1,2005-02-01,Given headline\n"
        f"{files[1].name},Other Paper,,2005-02-02,\n",
        encoding="utf-8",
    )
    manifest = manifest_for([tmp_path / "in"])
    assert manifest is not None and len(manifest) == 2
    drafts = list(apply_manifest(read_path(tmp_path / "in"), manifest))
    by_name = {Path(d.source).name: d for d in drafts}
    first, second, third = (by_name[f.name] for f in files)
    assert (first.outlet, first.url, first.published, first.title) == (
        "Tech Weekly",
        "https://tw.example/1",
        "2005-02-01",
        "Given headline",
    )
    # Matched by bare file name; empty cells leave what the reader found.
    assert (second.outlet, second.published, second.url) == ("Other Paper", "2005-02-02", None)
    assert third.outlet is None and third.published is None


def test_json_manifest_forms(tmp_path, eval_dir):
    files = _copy_bbc(eval_dir, tmp_path, 2)
    (tmp_path / "parallax-manifest.json").write_text(
        json.dumps({files[0].name: {"source": "Desk A", "author": "A. Writer", "published": "2005-03-01"}}),
        encoding="utf-8",
    )
    assert find_manifest(tmp_path) == tmp_path / "parallax-manifest.json"
    manifest = load_manifest(tmp_path / "parallax-manifest.json")
    entry = manifest.lookup(str(files[0]))
    assert entry is not None and (entry.outlet, entry.byline, entry.published) == (
        "Desk A",
        "A. Writer",
        "2005-03-01",
    )
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([{"path": files[1].name, "outlet": "Desk B"}]), encoding="utf-8")
    entry = load_manifest(listed).lookup(str(files[1]))
    assert entry is not None and entry.outlet == "Desk B"


def test_container_items_share_the_file_entry(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"text": "First report."}\n{"text": "Second report.", "outlet": "Stated"}\n', encoding="utf-8"
    )
    (tmp_path / "m.csv").write_text("filename,publisher\nfeed.jsonl,Asserted\n", encoding="utf-8")
    drafts = list(apply_manifest(read_path(feed), load_manifest(tmp_path / "m.csv")))
    assert [d.outlet for d in drafts] == ["Asserted", "Asserted"]  # the manifest wins over stated values


def test_bad_manifests_raise(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        manifest_for([tmp_path])
    (tmp_path / "x.csv").write_text("outlet\nNo File Column\n", encoding="utf-8")
    with pytest.raises(InputError, match="no file name"):
        load_manifest(tmp_path / "x.csv")
    assert manifest_for([tmp_path / "nowhere"]) is None
