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
