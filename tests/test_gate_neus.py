"""Quality gate: neutral digest against AllSides' roundups (NeuS, test split, first 30 stories).

Measured 2026-11-23 with the default MiniLM embedder on these 30 stories: ROUGE-1 0.399,
ROUGE-2 0.164, ROUGE-L 0.258, lead baseline ROUGE-1 ~0.40; every digest
sentence supported by a cited span. Floors sit a little under these.
"""

from __future__ import annotations

import pytest

from parallax.eval.neus import NeusDataError, evaluate, read_split, rouge, roundup_text, story_articles

LIMIT = 30


@pytest.fixture(scope="module")
def neus_dir(eval_dir):
    path = eval_dir / "neus"
    if not path.is_dir():
        pytest.skip("NeuS data not found")
    return path


@pytest.fixture(scope="module")
def result(neus_dir, options):
    return evaluate(neus_dir, options, limit=LIMIT)


@pytest.mark.gate
@pytest.mark.slow
def test_digest_rouge_floors(result):
    assert result.stories == LIMIT
    assert result.digest.rouge1 >= 0.37
    assert result.digest.rouge2 >= 0.14
    assert result.digest.rouge_l >= 0.23
    # A digest of three outlets should not fall clearly behind their leads.
    assert result.digest.rouge1 >= result.baseline.rouge1 - 0.03


@pytest.mark.gate
@pytest.mark.slow
def test_digest_is_less_loaded_than_its_sources(result):
    # Measured on 100 stories: 0.025 loaded terms per 100 words in digests, 0.053 in the sources.
    assert result.digest_loaded <= result.source_loaded


@pytest.mark.gate
@pytest.mark.slow
def test_digest_sentences_are_supported_by_what_they_cite(result):
    assert result.empty == 0
    assert result.sentences >= 2 * LIMIT
    # The builder's own test (words inside one cited span) holds by construction; what is pinned is the
    # independent check (eval/support.py: each citation names the key entities and shares a predicate).
    # Measured with minilm: 0.80 of the citations on 100 stories.
    assert result.supported == 1.0
    assert result.citations_supported >= 0.72


@pytest.mark.gate
@pytest.mark.slow
def test_digest_is_measured_against_lexrank(result):
    # LexRank of the same leads, cut at the lead baseline's length (100 stories: ROUGE-1 0.393).
    assert 0.25 <= result.lexrank.rouge1 <= 0.6
    assert result.digest.rouge1 >= result.lexrank.rouge1 - 0.03


@pytest.mark.gate
@pytest.mark.slow
def test_table_reports_scores(result):
    table = result.table()
    assert "ROUGE-1" in table and "lead baseline" in table
    assert f"{result.digest.rouge1:.3f}" in table


@pytest.mark.gate
def test_reader_splits_three_outlets(neus_dir):
    pairs = read_split(neus_dir, "test", limit=5)
    assert len(pairs) == 5
    for n, (source, target) in enumerate(pairs):
        arts = story_articles(source, f"s{n}")
        assert len(arts) == 3
        assert all(a.title and a.text and "ARTICLE=>" not in a.text for a in arts)
        assert "TITLE=>" not in roundup_text(target)


def test_rouge_matches_hand_computed_values():
    assert rouge("the cat sat", "the cat sat").rouge1 == 1.0
    score = rouge("the cat sat on the mat", "the cat lay on the mat")
    # Unigrams: 5 of 6 shared; bigrams: "the cat", "on the", "the mat" = 3 of 5; LCS: 5 of 6.
    assert score.rouge1 == pytest.approx(5 / 6)
    assert score.rouge2 == pytest.approx(3 / 5)
    assert score.rouge_l == pytest.approx(5 / 6)
    assert rouge("", "anything").rouge1 == 0.0


def test_missing_data_is_a_user_error(tmp_path):
    with pytest.raises(NeusDataError, match=r"no test\.source"):
        read_split(tmp_path)
