"""The CLI end to end on the example corpus, and its handling of bad input."""

import json
import shutil
import subprocess
import sys

import pytest

from parallax.cli import main


@pytest.fixture(scope="module")
def analysed(tmp_path_factory, example_dir):
    out = tmp_path_factory.mktemp("cli")
    args = [
        "analyze",
        str(example_dir),
        "--db",
        str(out / "p.db"),
        "--json",
        str(out / "out.json"),
        "--html",
        str(out / "report.html"),
        "--markdown",
        str(out / "report.md"),
        "--quiet",
    ]
    main(args)
    return out


def _run(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    err = capsys.readouterr().err
    return exc.value.code, err


def test_analyze_writes_every_output(analysed):
    data = json.loads((analysed / "out.json").read_text())
    assert len(data["articles"]) == 5
    assert len(data["stories"]) == 1
    assert sorted(data["stories"][0]["article_ids"]) == sorted(a["id"] for a in data["articles"])
    html = (analysed / "report.html").read_text()
    assert "Content-Security-Policy" in html and "<script" not in html
    assert (analysed / "report.md").read_text().startswith("# Parallax report")


def test_clean_bodies_in_the_json_have_no_boilerplate(analysed):
    data = json.loads((analysed / "out.json").read_text())
    for art in data["articles"]:
        for phrase in ("Back to top", "Post a comment", "A+ A-", "(photo credit:", "Rudaw moderates"):
            assert phrase not in art["text"], (art["source"], phrase)


def test_rerun_is_idempotent(analysed, example_dir, capsys):
    from parallax.store import Store

    db = str(analysed / "p.db")
    with Store.open(db) as store:
        before = (store.count("articles"), store.count("stories"), store.count("records"))
    main(["analyze", str(example_dir), "--db", db, "--quiet"])
    with Store.open(db) as store:
        assert (store.count("articles"), store.count("stories"), store.count("records")) == before
    assert "1 story" in capsys.readouterr().out


def test_stories_and_show_read_the_store(analysed, capsys):
    db = str(analysed / "p.db")
    main(["stories", "--db", db, "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1 and rows[0]["articles"] == 5
    main(["show", rows[0]["id"], "--db", db])
    shown = capsys.readouterr().out
    assert "Khamenei" in shown
    main(["show", rows[0]["id"], "--db", db, "--format", "json"])
    assert json.loads(capsys.readouterr().out)["stories"][0]["id"] == rows[0]["id"]


def test_missing_directory_is_one_line_error(tmp_path, capsys):
    code, err = _run(["analyze", str(tmp_path / "nope"), "--no-db", "--quiet"], capsys)
    assert code != 0
    assert err.strip().startswith("error:") and "nope" in err and len(err.strip().splitlines()) == 1


def test_empty_directory_is_an_error(tmp_path, capsys):
    code, err = _run(["analyze", str(tmp_path), "--no-db", "--quiet"], capsys)
    assert code != 0 and "error:" in err and "Traceback" not in err


def test_unknown_story_and_missing_db_are_errors(analysed, tmp_path, capsys):
    code, err = _run(["show", "nope", "--db", str(analysed / "p.db")], capsys)
    assert code != 0 and "no story" in err
    code, err = _run(["stories", "--db", str(tmp_path / "none.db")], capsys)
    assert code != 0 and "database not found" in err


def test_failed_run_keeps_the_stored_data(analysed, tmp_path, capsys):
    from parallax.store import Store

    db = analysed / "p.db"
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    code, _ = _run(["analyze", str(tmp_path / "missing"), "--db", str(copy), "--quiet"], capsys)
    assert code != 0
    with Store.open(str(copy)) as store:
        assert store.count("articles") == 5


@pytest.mark.slow
def test_console_script_exit_code_without_traceback(tmp_path):
    binary = tmp_path / "data.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    proc = subprocess.run(
        [sys.executable, "-m", "parallax.cli", "analyze", str(tmp_path), "--no-db", "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "error:" in proc.stderr


def _same_warning_corpus(example_dir, dest, n: int = 5):
    """``n`` undated articles (windows of one example's paragraphs): each gets the same warning."""
    lines = (example_dir / "000_1d98b7d4a9174dd3.txt").read_text(encoding="utf-8").split("\n")
    paras = [p for p in lines if len(p.split()) > 12]
    dest.mkdir()
    for i in range(n):
        (dest / f"{chr(97 + i)}.txt").write_text("\n\n".join(paras[i : i + 6]), encoding="utf-8")
    return dest


def test_repeated_warnings_are_one_line_with_a_count(tmp_path, example_dir, capsys):
    src = _same_warning_corpus(example_dir, tmp_path / "in")
    main(["analyze", str(src), "--no-db", "--embedder", "hashing", "--quiet"])
    err = capsys.readouterr().err
    dated = [line for line in err.splitlines() if "no publication date" in line]
    assert len(dated) == 1, err
    assert dated[0].startswith("  warning: no publication date")
    assert dated[0].endswith("(5 files: a.txt, b.txt, c.txt, …)")
    assert str(tmp_path) not in err  # base names, not absolute paths
    main(["analyze", str(src), "--no-db", "--embedder", "hashing", "--quiet", "--verbose"])
    err = capsys.readouterr().err
    dated = [line for line in err.splitlines() if "no publication date" in line]
    assert sorted(line.split(": ")[1] for line in dated) == [str(src / f"{c}.txt") for c in "abcde"]


def test_issue_lines_group_items_and_keep_each_on_one_line():
    from parallax.cli import issue_lines
    from parallax.records import Issue

    broken = "Invalid WARC record, first line: \x00\x89\r\nGarbage"
    issues = [
        Issue("/data/crawl.warc.gz#https://a.example/1", "skipped: empty response record"),
        Issue("/data/crawl.warc.gz#https://a.example/2", "skipped: empty response record"),
        Issue("/data/feed.jsonl:3", "skipped: line 3 is not valid JSON (Expecting value)"),
        Issue("/data/other.warc", broken),
        Issue("/data/x.txt", "skipped: no articles found in /data/x.txt (1 binary)", severity="error"),
    ]
    assert issue_lines(issues) == [
        "skipped: empty response record (2 items: crawl.warc.gz#https://a.example/1, "
        "crawl.warc.gz#https://a.example/2)",
        "skipped: feed.jsonl:3: line 3 is not valid JSON (Expecting value)",
        "warning: other.warc: Invalid WARC record, first line:  Garbage",
        "skipped: x.txt: no articles found in /data/x.txt (1 binary)",
    ]
    assert len(issue_lines(issues, verbose=True)) == 5
    assert all("\n" not in line and "\x00" not in line for line in issue_lines(issues, verbose=True))


def test_loading_minilm_prints_nothing(capfd):
    from parallax.nlp.embed import MiniLMEmbedder

    embedder = MiniLMEmbedder()
    out, err = capfd.readouterr()
    assert (out, err) == ("", ""), err[:500]
    assert embedder.encode(["The minister said the talks failed."]).shape == (1, 384)


def test_batch_groups_its_warnings_too(tmp_path, example_dir, capsys):
    src = _same_warning_corpus(example_dir, tmp_path / "in")
    for name in ("e1.txt", "e2.txt", "e3.txt", "e4.txt"):
        (src / name).write_text("  \n", encoding="utf-8")
    argv = ["batch", str(src), "--out", str(tmp_path / "out"), "--embedder", "hashing", "--stories-only"]
    main(argv)
    err = capsys.readouterr().err
    assert "  skipped: empty file (4 files: e1.txt, e2.txt, e3.txt, …)" in err.splitlines(), err
    main([*argv, "--verbose"])  # a resumed run reports what its partitions reported
    err = capsys.readouterr().err
    assert sorted(line for line in err.splitlines() if "empty file" in line) == [
        f"  skipped: {src / name}: empty file" for name in ("e1.txt", "e2.txt", "e3.txt", "e4.txt")
    ]


def test_workers_give_the_output_of_one_process(tmp_path, eval_dir, capsys):
    """`--workers 2` runs the per-story analysis in two processes; the JSON is the same as with 1."""
    src = tmp_path / "bbc"
    for topic in ("business", "sport", "tech"):
        for path in sorted((eval_dir / "corpus" / "bbc" / topic).glob("*.txt"))[:15]:
            (src / topic).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, src / topic / path.name)
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out-{workers}.json"
        main(["analyze", str(src), "--no-db", "--embedder", "hashing", "--workers", workers, "-q",
              "--json", str(out)])
        outputs.append(json.loads(out.read_text()))
    one, two = outputs
    assert len(one["stories"]) >= 3 and sum(len(s["claims"]) for s in one["stories"]) > 100
    assert one == two
