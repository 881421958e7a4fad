"""Manifest files: user-supplied outlet/url/date/title per input file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from parallax.cli import main
from parallax.errors import InputError
from parallax.readers import read_path
from parallax.readers.manifest import apply_manifest, find_manifest, load_manifest, manifest_for
from parallax.store import Store


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


# -- through `parallax analyze` ------------------------------------------------------------------

EXAMPLE_NAMES = ("000_1d98b7d4a9174dd3.txt", "001_2c7d8aecb8a0b2a3.txt", "003_c0c1ead77d96e54c.txt")


def _examples(example_dir: Path, dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in EXAMPLE_NAMES:
        shutil.copy(example_dir / name, dest / name)
    return dest


def _analyze(capsys, *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        main(["analyze", *args, "--embedder", "hashing", "--quiet"])
        raise SystemExit(0)
    return exit_.value.code or 0, capsys.readouterr().err


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    for key in ("PARALLAX_CONFIG", "PARALLAX_MANIFEST", "PARALLAX_DB"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray ./parallax.toml


def test_analyze_applies_the_manifest_found_in_the_input_directory(tmp_path, example_dir, capsys, clean_env):
    src = _examples(example_dir, tmp_path / "in")
    (src / "manifest.csv").write_text(
        "file,outlet,url,date\n"
        f"{EXAMPLE_NAMES[0]},CNN,https://edition.cnn.com/2023/04/29/middleeast/iraq-visit,2023-04-29\n"
        f"{EXAMPLE_NAMES[1]},Mehr News Agency,https://en.mehrnews.com/news/200123,2023-04-30\n",
        encoding="utf-8",
    )
    db, out = tmp_path / "p.db", tmp_path / "out.json"
    code, err = _analyze(capsys, str(src), "--db", str(db), "--json", str(out))
    assert code == 0, err
    assert "manifest.csv" not in err  # neither read as an article nor reported as unsupported
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["articles"]) == 3
    with Store.open(str(db)) as store:
        stored = {Path(a.source).name: a for a in store.articles()}
    for by_name in ({Path(a["source"]).name: a for a in data["articles"]}, stored):
        first, second, third = (by_name[n] for n in EXAMPLE_NAMES)
        first, second, third = (a if isinstance(a, dict) else a.as_dict() for a in (first, second, third))
        assert (first["outlet"], first["url"], first["published"][:10]) == (
            "CNN",
            "https://edition.cnn.com/2023/04/29/middleeast/iraq-visit",
            "2023-04-29",
        )
        assert second["url"] == "https://en.mehrnews.com/news/200123"
        assert second["published"][:10] == "2023-04-30"
        assert "Mehr" in second["outlet"]
        assert third["url"] is None  # not in the manifest: what the text says, nothing invented


def test_analyze_explicit_manifest_option(tmp_path, example_dir, capsys, clean_env):
    src = _examples(example_dir, tmp_path / "in")
    # Inside the input directory under a name a walk would otherwise report as an unsupported file.
    meta = src / "meta.json"
    entry = {"outlet": "Rudaw", "url": "https://www.rudaw.net/english/1", "date": "2023-05-01"}
    meta.write_text(json.dumps({EXAMPLE_NAMES[2]: entry}), encoding="utf-8")
    out = tmp_path / "out.json"
    code, err = _analyze(capsys, str(src), "--no-db", "--manifest", str(meta), "--json", str(out))
    assert code == 0, err
    assert "meta.json" not in err
    by_name = {Path(a["source"]).name: a for a in json.loads(out.read_text(encoding="utf-8"))["articles"]}
    rudaw = by_name[EXAMPLE_NAMES[2]]
    assert (rudaw["outlet"], rudaw["url"], rudaw["published"][:10]) == (
        "Rudaw",
        "https://www.rudaw.net/english/1",
        "2023-05-01",
    )
    assert len(by_name) == 3


def test_manifest_naming_no_input_file_is_reported(tmp_path, example_dir, capsys, clean_env):
    src = _examples(example_dir, tmp_path / "in")
    other = tmp_path / "other.csv"
    other.write_text("file,outlet\nnot-here.txt,CNN\n", encoding="utf-8")
    code, err = _analyze(capsys, str(src), "--no-db", "--manifest", str(other))
    assert code == 0
    assert "manifest names none of the input files" in err


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("manifest.json", "{not json", "not valid JSON"),
        ("manifest.json", '{"a.txt": "CNN"}', "expected"),
        ("manifest.csv", "outlet,date\nCNN,2023-04-29\n", "no file name"),
    ],
)
def test_bad_manifest_is_a_one_line_error_and_keeps_the_store(
    tmp_path, example_dir, capsys, clean_env, name, content, message
):
    src = _examples(example_dir, tmp_path / "in")
    db = tmp_path / "p.db"
    code, err = _analyze(capsys, str(src), "--db", str(db))
    assert code == 0, err
    with Store.open(str(db)) as store:
        before = store.count("articles")
    (src / name).write_text(content, encoding="utf-8")
    code, err = _analyze(capsys, str(src), "--db", str(db))
    assert code == 1
    assert err.startswith("error: manifest") and message in err and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    with Store.open(str(db)) as store:
        assert store.count("articles") == before == 3


def test_missing_explicit_manifest_is_a_one_line_error(tmp_path, example_dir, capsys, clean_env):
    src = _examples(example_dir, tmp_path / "in")
    code, err = _analyze(capsys, str(src), "--no-db", "--manifest", str(tmp_path / "nope.csv"))
    assert code == 1 and err.startswith("error: cannot read manifest") and "nope.csv" in err
    assert len(err.strip().splitlines()) == 1
