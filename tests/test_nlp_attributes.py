"""FastAttributeRuler gives exactly the annotations spaCy's AttributeRuler gives."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import spacy
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from parallax.nlp.attributes import FastAttributeRuler

SEEDS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"

# Hand-tagged, so that each rule fires whatever the tagger and parser would say:
# (word, tag, dep, head).
EXCEPTIONS = [
    ("But", "CC", "advmod", 3), ("the", "DT", "det", 2), ("man", "NN", "nsubj", 3),
    ("'s", "VBZ", "ROOT", 3), ("here", "RB", "advmod", 3), (",", ",", "punct", 3),
    ("a", "DT", "det", 7), ("dog", "NN", "nsubj", 10), ("could", "MD", "aux", 10),
    ("n't", "RB", "neg", 10), ("see", "VB", "conj", 3), ("it", "PRP", "dobj", 10),
    ("and", "CC", "cc", 10), ("I", "PRP", "nsubj", 15), ("'d", "MD", "aux", 15),
    ("gon", "VBG", "conj", 10), ("na", "TO", "aux", 17), ("let", "VB", "xcomp", 15),
    ("'s", "PRP", "nsubj", 19), ("go", "VB", "ccomp", 17), ("that", "DT", "dobj", 19),
    ("\n", "_SP", "dep", 19), ("Something", "NN", "nsubj", 23), ("was", "VBD", "ROOT", 23),
]

# Later patterns win: the NN rule overrides the earlier exception's POS but not its lemma,
# and the VBZ rule overrides the earlier aux rule.
SYNTHETIC = [
    {"patterns": [[{"TAG": "NN", "LOWER": "thing"}]], "attrs": {"POS": "PRON", "LEMMA": "stuff"}},
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
    {"patterns": [[{"TAG": "DT"}]], "attrs": {"POS": "DET"}},
    {
        "patterns": [[{"TAG": {"IN": ["DT", "WDT"]}, "DEP": {"NOT_IN": ["det", ""]}}]],
        "attrs": {"POS": "PRON"},
    },
    {
        "patterns": [[{"LOWER": {"REGEX": "^th"}}, {"TAG": "NN"}]],
        "attrs": {"MORPH": "Definite=Def"},
        "index": -2,
    },
    {"patterns": [[{"TEXT": "The"}], [{"ORTH": "A"}]], "attrs": {"LEMMA": "article"}},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE", "DEP": "dep"}},
    {"patterns": [[{"TAG": "VBZ", "DEP": "aux"}]], "attrs": {"POS": "AUX"}},
    {"patterns": [[{"TAG": "VBZ"}]], "attrs": {"POS": "VERB", "MORPH": "Tense=Pres"}},
]
# Outside the compiled subset: a quantifier (through the Matcher) and a NORM write (set per token).
FALLBACK = [
    {"patterns": [[{"TAG": "JJ", "OP": "+"}, {"TAG": "NN"}]], "attrs": {"LEMMA": "described"}, "index": -1},
    {"patterns": [[{"LOWER": "thing"}]], "attrs": {"NORM": "THING"}},
]
SYNTHETIC_WORDS = [
    ("The", "DT", "det", 1), ("thing", "NN", "nsubj", 2), ("is", "VBZ", "ROOT", 2), ("old", "JJ", "amod", 5),
    ("red", "JJ", "amod", 5), ("things", "NN", "attr", 2), (",", ",", "punct", 2), ("that", "DT", "nsubj", 9),
    ("is", "VBZ", "aux", 9), ("going", "VBG", "conj", 2), ("\n", "_SP", "", 9), ("A", "DT", "det", 12),
    ("thing", "NN", "dobj", 9),
]


def _annotations(doc: Doc) -> list[tuple]:
    return [
        (t.text, t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.norm_, t.ent_iob_, t.ent_type_)
        for t in doc
    ]


def _doc(vocab, rows) -> Doc:
    words, tags, deps, heads = zip(*rows, strict=True)
    return Doc(vocab, words=list(words), tags=list(tags), deps=list(deps), heads=list(heads))


def _both(vocab, patterns, rows):
    stock = AttributeRuler(vocab)
    stock.add_patterns(patterns)
    fast = FastAttributeRuler(vocab)
    fast.add_patterns(patterns)
    return stock(_doc(vocab, rows)), fast(_doc(vocab, rows)), fast


@pytest.fixture(scope="module")
def stock_nlp(options):
    try:
        return spacy.load(options.spacy_model)
    except OSError:
        pytest.skip(f"spaCy model {options.spacy_model!r} is not installed")


@pytest.fixture(scope="module")
def seed_paragraphs() -> list[str]:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS_DIR}")
    paragraphs = []
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n")]
        paragraphs += [b for b in blocks if len(b) > 200][:3]
    if not paragraphs:
        pytest.skip(f"no paragraphs in the seed articles at {SEEDS_DIR}")
    return paragraphs


def test_load_spacy_swaps_the_ruler_in_place(nlp, stock_nlp):
    assert nlp.pipe_names == stock_nlp.pipe_names
    fast = nlp.get_pipe("attribute_ruler")
    assert isinstance(fast, FastAttributeRuler)
    assert fast.patterns == stock_nlp.get_pipe("attribute_ruler").patterns


def test_seed_paragraphs_parse_identically(nlp, stock_nlp, seed_paragraphs):
    stock = [_annotations(d) for d in stock_nlp.pipe(seed_paragraphs)]
    fast = [_annotations(d) for d in nlp.pipe(seed_paragraphs)]
    assert sum(len(d) for d in fast) > 500
    assert fast == stock


def test_exception_patterns_match_the_stock_ruler(stock_nlp):
    patterns = stock_nlp.get_pipe("attribute_ruler").patterns
    stock, fast, _ = _both(stock_nlp.vocab, patterns, EXCEPTIONS)
    assert _annotations(fast) == _annotations(stock)
    by_word = {(t.i, t.text): t for t in fast}
    assert by_word[0, "But"].pos_ == "ADV"
    assert str(by_word[1, "the"].morph) == "Definite=Def|PronType=Art"
    assert str(by_word[6, "a"].morph) == "Definite=Ind|PronType=Art"
    assert (by_word[3, "'s"].lemma_, by_word[3, "'s"].pos_) == ("be", "AUX")
    assert (by_word[9, "n't"].lemma_, by_word[9, "n't"].pos_) == ("not", "PART")
    assert by_word[8, "could"].pos_ == "AUX"
    assert [by_word[15, "gon"].lemma_, by_word[16, "na"].lemma_] == ["go", "to"]
    assert by_word[18, "'s"].lemma_ == "us"
    assert by_word[20, "that"].pos_ == "PRON"
    assert by_word[22, "Something"].pos_ == "PRON"


def test_rule_order_chains_and_predicates_match_the_stock_ruler():
    vocab = spacy.blank("en").vocab
    stock, fast, ruler = _both(vocab, SYNTHETIC, SYNTHETIC_WORDS)
    assert len(ruler.matcher) == 0  # all compiled
    assert _annotations(fast) == _annotations(stock)
    assert [fast[1].pos_, fast[1].lemma_, fast[8].pos_] == ["NOUN", "stuff", "VERB"]
    assert [fast[0].lemma_, str(fast[0].morph), fast[7].pos_] == ["article", "Definite=Def", "PRON"]


def test_matcher_fallback_and_per_token_writes_match_the_stock_ruler():
    vocab = spacy.blank("en").vocab
    stock, fast, ruler = _both(vocab, SYNTHETIC + FALLBACK, SYNTHETIC_WORDS)
    assert len(ruler.matcher) == 1
    assert _annotations(fast) == _annotations(stock)
    assert (fast[5].lemma_, fast[12].norm_) == ("described", "THING")


def test_an_index_outside_the_match_raises_as_the_stock_ruler_does():
    vocab = spacy.blank("en").vocab
    patterns = [{"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN"}, "index": 1}]
    for ruler in (AttributeRuler(vocab), FastAttributeRuler(vocab)):
        ruler.add_patterns(patterns)
        with pytest.raises(ValueError, match="E1001"):
            ruler(_doc(vocab, SYNTHETIC_WORDS))


def test_the_patched_pipeline_survives_pickling_and_serialisation(nlp, tmp_path):
    text = "But I won't go: it's there, and they'd been gettin' nothin'."
    expected = _annotations(nlp(text))
    assert _annotations(pickle.loads(pickle.dumps(nlp))(text)) == expected
    nlp.to_disk(tmp_path / "model")
    reloaded = spacy.load(tmp_path / "model")
    assert isinstance(reloaded.get_pipe("attribute_ruler"), FastAttributeRuler)
    assert _annotations(reloaded(text)) == expected
