"""Dedup on real text: wire copies, passage reuse in the example corpus, unrelated BBC articles."""

from __future__ import annotations

import dataclasses

import pytest
from rapidfuzz import fuzz

from parallax.eval.stories import load_bbc
from parallax.pipeline import Corpus
from parallax.records import Article
from parallax.stages.dedup import Dedup, duplicate_groups, sentence_bounds


@pytest.fixture(scope="module")
def bbc(eval_dir):
    return load_bbc(eval_dir / "corpus" / "bbc")


def _wire_copy(art: Article, new_id: str) -> Article:
    """A republished copy: new headline, a few words changed, last paragraph cut, a credit added."""
    paras = list(art.paragraphs[:-1]) if len(art.paragraphs) > 3 else list(art.paragraphs)
    first = paras[0].split()
    first[len(first) // 2] = "reportedly"
    paras[0] = " ".join(first)
    paras[1] = paras[1].replace(" the ", " a ", 1)
    paras.append("Additional reporting by the agency staff.")
    return dataclasses.replace(
        art,
        id=new_id,
        paragraphs=paras,
        title="Republished: " + (art.title or ""),
        published="2005-03-02",
        outlet="Wire Daily",
    )


def test_wire_copy_with_light_edits_is_a_duplicate(bbc, options):
    original = dataclasses.replace(bbc[0], published="2005-03-01")
    copy = _wire_copy(original, "copy-1")
    others = bbc[500:505]
    corpus = Dedup(options)(Corpus(articles=[copy, *others, original]))
    dupes = [r for r in corpus.reuse if r.kind == "duplicate"]
    assert len(dupes) == 1
    dup = dupes[0]
    assert (dup.source.article_id, dup.target.article_id) == (original.id, copy.id)
    assert dup.original == original.id  # published a day earlier
    assert dup.score >= options.duplicate_threshold
    assert dup.target.end == len(copy.text)
    assert duplicate_groups(corpus.reuse) == {copy.id: original.id}


def test_unrelated_bbc_articles_are_not_duplicates(bbc, options):
    sample = bbc[::40]  # every topic, no two the same article
    corpus = Dedup(options)(Corpus(articles=sample))
    assert not [r for r in corpus.reuse if r.kind == "duplicate"]
    # Passage hits between different BBC stories may exist (stock sentences), but must really match.
    by_id = {a.id: a for a in sample}
    for r in corpus.reuse:
        a = by_id[r.source.article_id].snippet(r.source)
        b = by_id[r.target.article_id].snippet(r.target)
        assert fuzz.ratio(a, b) >= 60


def test_example_passage_reuse_spans_match(seed_articles, options):
    cnn, other = seed_articles["000"], seed_articles["001"]
    corpus = Dedup(options)(Corpus(articles=list(seed_articles.values())))
    assert not [r for r in corpus.reuse if r.kind == "duplicate"]
    pair = [r for r in corpus.reuse if {r.source.article_id, r.target.article_id} == {cnn.id, other.id}]
    assert len(pair) >= 2
    texts = {cnn.id: cnn, other.id: other}
    for r in pair:
        src = texts[r.source.article_id].snippet(r.source)
        tgt = texts[r.target.article_id].snippet(r.target)
        assert r.kind == "passage"
        assert fuzz.ratio(src, tgt) >= 100 * options.reuse_threshold
        assert len(src) > 60
    copied = " ".join(texts[r.target.article_id].snippet(r.target) for r in pair)
    assert "Austin" in copied and "Rashid" in copied


def test_passage_reuse_is_oriented_by_date():
    older = Article(
        "a",
        "a.txt",
        [
            "Intro to a story that nobody copied at all today.",
            "The minister said the new bridge across the river would open in May next year.",
        ],
        published="2024-01-01",
    )
    newer = Article(
        "b",
        "b.txt",
        [
            "Different opening words from a second outlet on the matter.",
            "The minister said the new bridge across the river will open in May next year.",
        ],
        published="2024-01-03",
    )
    from parallax.options import Options

    corpus = Dedup(Options.build())(Corpus(articles=[newer, older]))
    assert len(corpus.reuse) == 1
    r = corpus.reuse[0]
    assert (r.source.article_id, r.target.article_id, r.original) == ("a", "b", "a")
    assert older.snippet(r.source).startswith("The minister said")


def test_sentence_bounds_cover_text():
    text = "First one here. Second “quoted.” Third!\n\nNew para, no stop"
    spans = sentence_bounds(text)
    assert [text[s:e] for s, e in spans] == [
        "First one here.",
        "Second “quoted.”",
        "Third!",
        "New para, no stop",
    ]


def test_band_pairs_are_datasketch_lsh_candidates(bbc):
    """The signature-matrix banding finds exactly the pairs a datasketch MinHashLSH index returns."""
    from datasketch import MinHash, MinHashLSH

    from parallax.stages import dedup

    arts = bbc[:60] + [_wire_copy(bbc[k], f"copy{k}") for k in (3, 17, 40)]
    profiles = [dedup.profile(a) for a in arts]
    signatures, present = dedup._signatures(profiles)
    lsh = MinHashLSH(threshold=dedup.LSH_THRESHOLD, num_perm=dedup.NUM_PERM)
    scheme = MinHash(num_perm=dedup.NUM_PERM).scheme
    expected = []
    for i, row in enumerate(signatures):
        if not present[i]:
            continue
        mh = MinHash(num_perm=dedup.NUM_PERM, hashvalues=row, scheme=scheme)
        expected += [(j, i) for j in sorted(lsh.query(mh))]
        lsh.insert(i, mh, check_duplication=False)
    found = list(dedup._band_pairs(signatures, present, lsh.b, lsh.r))
    assert found == expected
    assert {(k, 60 + n) for n, k in enumerate((3, 17, 40))} <= set(found)


def test_streamed_duplicates_skip_their_passages(bbc, options):
    """Noted duplicates give the copy's original, and their sentences are not reported again as passages."""
    from parallax.stages.dedup import DuplicateNotes, SentenceTexts, profile

    original = dataclasses.replace(bbc[7], published="2005-03-01")
    arts = [original, *bbc[300:304], _wire_copy(original, "copy-7")]
    profiles = [profile(a) for a in arts]
    dates = [a.published for a in arts]
    dedup = Dedup(options)
    notes = DuplicateNotes(profiles)
    dupes = list(notes.watch(dedup.duplicates(profiles, dates)))
    assert [(r.source.article_id, r.target.article_id) for r in dupes] == [(original.id, "copy-7")]
    assert notes.parents == duplicate_groups(dupes) == {"copy-7": original.id}
    assert notes.skip().tolist() == [0 * len(arts) + 5]

    def texts() -> SentenceTexts:
        return SentenceTexts(lambda k: arts[k].text, profiles)

    unskipped = list(dedup.passages(profiles, dates, texts()))
    assert {(r.source.article_id, r.target.article_id) for r in unskipped} == {(original.id, "copy-7")}
    assert list(dedup.passages(profiles, dates, texts(), notes.skip())) == []
