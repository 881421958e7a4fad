"""Language identification: spaCy's own example sentences as real non-English text."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from parallax.lang import LANGUAGES, detect_language, normalise_code
from parallax.pipeline import Corpus
from parallax.records import Article, Draft
from parallax.stages.clean import Clean
from parallax.stages.english import English

# spaCy ships a few example sentences per language: independent, real text.
SPACY_CODES = {"fr": "fr", "de": "de", "es": "es", "it": "it", "pt": "pt", "nl": "nl", "sv": "sv",
               "da": "da", "pl": "pl", "ro": "ro", "id": "id", "cs": "cs", "hu": "hu", "ru": "ru",
               "uk": "uk", "bg": "bg", "el": "el", "ar": "ar", "fa": "fa", "he": "he", "hi": "hi",
               "zh": "zh", "ja": "ja", "ko": "ko"}


def _examples(code: str) -> str:
    try:
        return " ".join(importlib.import_module(f"spacy.lang.{code}.examples").sentences)
    except ImportError:
        pytest.skip(f"spaCy has no example sentences for {code}")


@pytest.mark.parametrize("code", sorted(SPACY_CODES))
def test_detects_major_languages(code):
    guess = detect_language(_examples(code))
    assert guess.code == SPACY_CODES[code], guess
    assert guess.name == LANGUAGES[guess.code]


def test_undecidable_text_is_unknown_not_guessed():
    assert detect_language("").code is None
    assert detect_language("   \n\n ").code is None
    assert detect_language("Obama Putin Merkel").code is None  # names only
    assert detect_language("1234 5678 -- !!! ???").code is None


def test_english_articles_are_english(seed_articles, eval_dir):
    for art in seed_articles.values():
        assert art.language == "en", art.source
    bbc = sorted((eval_dir / "corpus" / "bbc").glob("*/*.txt"))[::40]
    assert len(bbc) > 20
    for path in bbc:
        assert detect_language(path.read_text(encoding="utf-8", errors="replace")).code == "en", path


def test_declared_language_is_fallback_only(options):
    assert normalise_code("en-GB") == "en" and normalise_code("FR_fr") == "fr"
    assert normalise_code(None) is None and normalise_code("") is None
    english = "The minister said on Monday that the talks had failed and that he would resign."
    drafts = [
        Draft(id="a", source="a.html", format="html", text=english, language="fr"),  # site-wide template tag
        Draft(id="b", source="b.html", format="html", text="Kurz.", language="de-AT"),
        Draft(id="c", source="c.txt", format="text", text=_examples("de")),
    ]
    corpus = Clean(options)(Corpus(drafts=drafts))
    langs = {a.id: a.language for a in corpus.articles}
    assert langs == {"a": "en", "b": "de", "c": "de"}


def test_english_stage_sets_aside_and_reports(options):
    arts = [Article(id=i, source=f"{i}.txt", paragraphs=["x"], language=lang)
            for i, lang in (("a", "en"), ("b", None), ("c", "fr"), ("d", "zh"))]
    corpus = English(options)(Corpus(articles=arts))
    assert [a.id for a in corpus.articles] == ["a", "b"]
    messages = {Path(i.source).stem: i.message for i in corpus.issues}
    assert set(messages) == {"c", "d"}
    assert "French" in messages["c"] and "Chinese" in messages["d"]
    assert all("English only" in m for m in messages.values())


def test_analyze_reports_and_skips_non_english_articles(example_dir, tmp_path, options):
    import shutil

    from parallax.analyze import analyze

    for f in sorted(example_dir.glob("*.txt"))[:2]:
        shutil.copy(f, tmp_path / f.name)
    foreign = tmp_path / "zz-foreign.txt"
    foreign.write_text("\n\n".join([_examples("fr"), _examples("fr").upper().lower()]), encoding="utf-8")
    corpus = analyze([tmp_path], options.replace(embedder="hashing"))
    assert len(corpus.articles) == 2
    assert all(a.language == "en" and a.source != str(foreign) for a in corpus.articles)
    [issue] = [i for i in corpus.issues if i.source == str(foreign)]
    assert "French" in issue.message
