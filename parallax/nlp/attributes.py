"""An exact, faster stand-in for spaCy's AttributeRuler.

The ruler in en_core_web_sm holds ~180 patterns, and every token matches one of
them (its tag map). spaCy's Matcher starts every pattern at every token, and the
ruler then sets attributes with one Python call per match: about a tenth of a
parse. Here the patterns built from per-token equality, IN, NOT_IN and REGEX
tests are compiled into one lookup table per token attribute, evaluated for a
whole doc with a few numpy operations, and the writes go back in one
Doc.from_array. Patterns outside that subset go through a spaCy Matcher as in
the original. The result is the AttributeRuler's: every pattern sees the doc as
it was before the ruler ran, and where two write the same attribute of a token
the later pattern wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import srsly
from spacy import util
from spacy.attrs import DEP, ENT_IOB, IDS, LEMMA, MORPH, POS, SENT_START, TAG
from spacy.errors import Errors
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Pipe
from spacy.pipeline.attributeruler import attribute_ruler_score
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.tokens._retokenize import normalize_token_attrs, set_token_attrs
from spacy.vocab import Vocab

FACTORY = "parallax_attribute_ruler"
# Token fields that Doc.from_array writes just as set_token_attrs does (which
# also writes the lexeme, but a lexeme has none of these fields).
_ARRAY_ATTRS = frozenset({LEMMA, POS, TAG, DEP, MORPH})
# The Matcher reads or converts these differently from Doc.to_array.
_MATCHER_ONLY_ATTRS = frozenset({SENT_START, ENT_IOB, MORPH})

# (attribute id, "==" | "IN" | "NOT_IN" | "REGEX", operand): one test a token must pass.
Test = tuple[int, str, Any]


class _Column(NamedTuple):
    """Which token specs one attribute's value satisfies."""

    attr: int
    keys: np.ndarray  # sorted uint64 values that some test names
    table: np.ndarray  # (len(keys) + 1, specs) bool; the last row is for any other value
    regexes: tuple[tuple[int, re.Pattern[str]], ...]  # (spec column, REGEX test) on this attribute


def _is_id(value: Any) -> bool:
    """A string, or an int that fits the uint64 a token attribute is read as."""
    return isinstance(value, str) or (isinstance(value, int) and 0 <= value < 2**64)


def _compile_predicates(attr: int, predicates: dict[Any, Any]) -> list[Test] | None:
    tests: list[Test] = []
    for op, arg in predicates.items():
        op = op.upper() if isinstance(op, str) else op
        if op in ("IN", "NOT_IN") and isinstance(arg, list | tuple) and all(_is_id(v) for v in arg):
            # get_string_id, as the Matcher's set predicates hash their values.
            tests.append((attr, op, frozenset(get_string_id(v) for v in arg)))
        elif op == "REGEX" and isinstance(arg, str):
            tests.append((attr, op, re.compile(arg)))
        else:
            return None
    return tests


def _compile_spec(spec: Any, vocab: Vocab) -> list[Test] | None:
    """A token spec's tests, or None where it needs the Matcher's own machinery."""
    if not isinstance(spec, dict) or not spec:
        return None
    tests: list[Test] = []
    for key, value in spec.items():
        name = key.upper() if isinstance(key, str) else None
        attr = IDS.get("ORTH" if name == "TEXT" else name) if name else None
        if not attr or attr in _MATCHER_ONLY_ATTRS:
            return None
        if isinstance(value, dict):
            more = _compile_predicates(attr, value)
            if more is None:
                return None
            tests.extend(more)
        elif isinstance(value, str):
            tests.append((attr, "==", vocab.strings.add(value)))
        elif isinstance(value, int) and _is_id(value):  # bools too: the Matcher compares int(value)
            tests.append((attr, "==", int(value)))
        else:
            return None
    return tests


def _compile_alternatives(
    alternatives: Sequence[Sequence[Any]], index: int, vocab: Vocab
) -> list[tuple[list[list[Test]], int]] | None:
    """Per alternative, its tokens' tests and the offset of the token it writes."""
    if not alternatives:
        return None
    compiled = []
    for alternative in alternatives:
        tokens = [_compile_spec(spec, vocab) for spec in alternative]
        offset = index + len(tokens) if index < 0 else index
        # An offset outside the span is the Matcher path's error to raise, when it matches.
        if not tokens or not 0 <= offset < len(tokens):
            return None
        if any(tests is None for tests in tokens):
            return None
        compiled.append(([tests for tests in tokens if tests is not None], offset))
    return compiled


def _passes(op: str, arg: Any, value: int) -> bool:
    if op == "==":
        return bool(value == arg)
    return (value in arg) == (op == "IN")


def _build_column(attr: int, specs: Sequence[list[Test]]) -> _Column:
    tests = [[(op, arg) for a, op, arg in spec if a == attr] for spec in specs]
    named = sorted(
        {v for spec in tests for op, arg in spec if op != "REGEX" for v in ((arg,) if op == "==" else arg)}
    )
    table = np.ones((len(named) + 1, len(specs)), dtype=bool)
    for col, spec in enumerate(tests):
        for op, arg in spec:
            if op != "REGEX":
                # A value no test names fails == and IN, and passes NOT_IN.
                table[:, col] &= [_passes(op, arg, v) for v in named] + [op == "NOT_IN"]
    regexes = tuple((col, arg) for col, spec in enumerate(tests) for op, arg in spec if op == "REGEX")
    return _Column(attr, np.array(named, dtype=np.uint64), table, regexes)


def _column_hits(column: _Column, values: np.ndarray, vocab: Vocab) -> np.ndarray:
    """(tokens, specs) bool: whether each token's value passes each spec's tests on this attribute."""
    rows = np.searchsorted(column.keys, values)
    known = rows < len(column.keys)
    known[known] = column.keys[rows[known]] == values[known]
    rows[~known] = len(column.keys)
    hits = column.table[rows]
    if column.regexes:
        # Each distinct value once: a doc repeats most of its words.
        distinct, inverse = np.unique(values, return_inverse=True)
        texts = [vocab.strings[int(v)] for v in distinct]
        inverse = inverse.reshape(-1)
        for col, rx in column.regexes:
            passed = np.array([rx.search(text) is not None for text in texts], dtype=bool)
            hits[:, col] &= passed[inverse]
    return hits


class _SpecTable:
    """Single-token Matcher specs, evaluated for every token of a doc at once."""

    def __init__(self, vocab: Vocab, specs: Sequence[list[Test]]):
        self.vocab = vocab
        self.n_specs = len(specs)
        attrs = sorted({attr for spec in specs for attr, _, _ in spec})
        self.attrs: list[int | str] = list(attrs)
        self.columns = [_build_column(attr, specs) for attr in attrs]

    def __call__(self, doc: Doc) -> np.ndarray:
        hits = np.ones((len(doc), self.n_specs), dtype=bool)
        if self.attrs:
            data = doc.to_array(self.attrs).reshape(len(doc), -1)
            for j, column in enumerate(self.columns):
                hits &= _column_hits(column, data[:, j], self.vocab)
        return hits


def _chain_starts(hits: np.ndarray, cols: Sequence[int]) -> np.ndarray:
    """Where a multi-token pattern (spec columns, in order) matches."""
    n = len(hits) - len(cols) + 1
    if n <= 0:
        return np.empty(0, dtype=np.intp)
    ok = hits[:n, cols[0]].copy()
    for j, col in enumerate(cols[1:], 1):
        ok &= hits[j : j + n, col]
    return np.flatnonzero(ok)


def _write_tables(attrs: Sequence[dict[Any, Any]]) -> tuple[list[int | str], np.ndarray, np.ndarray] | None:
    """Attribute columns and, per pattern, the value it writes to each; None where some
    pattern writes an attribute that Doc.from_array cannot (an extension, a lexeme field)."""
    keys = {key for a in attrs for key in a}
    if not keys <= _ARRAY_ATTRS:
        return None
    names: list[int | str] = sorted(keys)
    values = np.zeros((len(attrs), len(names)), dtype=np.uint64)
    sets = np.zeros((len(attrs), len(names)), dtype=bool)
    for p, a in enumerate(attrs):
        for j, name in enumerate(names):
            if name in a:
                values[p, j] = a[name]
                sets[p, j] = True
    return names, values, sets


class FastAttributeRuler(Pipe):
    """spaCy's AttributeRuler, same patterns and results, evaluated a doc at a time."""

    def __init__(self, vocab: Vocab, name: str = "attribute_ruler", *, validate: bool = False):
        self.vocab = vocab
        self.name = name
        self.validate = validate
        self.scorer = attribute_ruler_score
        self.clear()

    def clear(self) -> None:
        """Reset all patterns."""
        self._alternatives: list[list[list[dict[Any, Any]]]] = []
        self._attrs_unnormed: list[dict[Any, Any]] = []
        self.attrs: list[dict[Any, Any]] = []
        self.indices: list[int] = []
        self._rebuild()

    def add(
        self, patterns: Iterable[Sequence[dict[Any, Any]]], attrs: dict[Any, Any], index: int = 0
    ) -> None:
        """As AttributeRuler.add: set attrs on token `index` of each match of `patterns`."""
        self._add(patterns, attrs, index)
        self._rebuild()

    def add_patterns(self, patterns: Iterable[dict[str, Any]]) -> None:
        """As AttributeRuler.add_patterns: dicts of `patterns`, `attrs` and `index`."""
        for p in patterns:
            self._add(p["patterns"], p["attrs"], p.get("index", 0))
        self._rebuild()

    @property
    def patterns(self) -> list[dict[str, Any]]:
        rows = zip(self._alternatives, self._attrs_unnormed, self.indices, strict=True)
        return [{"patterns": alts, "attrs": attrs, "index": index} for alts, attrs, index in rows]

    def _add(self, patterns: Iterable[Sequence[dict[Any, Any]]], attrs: dict[Any, Any], index: int) -> None:
        alternatives = [list(alternative) for alternative in patterns]
        if self.validate:
            # Raise on a bad pattern as the original would, whichever path it takes here.
            Matcher(self.vocab, validate=True).add("check", alternatives)
        self._alternatives.append(alternatives)
        self._attrs_unnormed.append(attrs)
        self.attrs.append(normalize_token_attrs(self.vocab, attrs))
        self.indices.append(index)

    def _rebuild(self) -> None:
        self.matcher = Matcher(self.vocab, validate=self.validate)
        singles: list[tuple[int, list[Test]]] = []
        chains: list[tuple[int, int, list[list[Test]]]] = []
        for p, (alternatives, index) in enumerate(zip(self._alternatives, self.indices, strict=True)):
            compiled = _compile_alternatives(alternatives, index, self.vocab)
            if compiled is None:
                self.matcher.add(self.vocab.strings.add(str(p)), alternatives)
                continue
            for tokens, offset in compiled:
                if len(tokens) == 1:
                    singles.append((p, tokens[0]))
                else:
                    chains.append((p, offset, tokens))
        specs = [tests for _, tests in singles] + [tests for *_, tokens in chains for tests in tokens]
        self._specs = _SpecTable(self.vocab, specs)
        # Spec columns: the single-token specs first, then each chain's in order.
        self._single_patterns = np.array([p for p, _ in singles], dtype=np.intp)
        self._chains: list[tuple[int, int, range]] = []
        col = len(singles)
        for p, offset, tokens in chains:
            self._chains.append((p, offset, range(col, col + len(tokens))))
            col += len(tokens)
        self._writes = _write_tables(self.attrs)

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            if len(doc):
                self.set_annotations(doc, *self.match(doc))
            return doc
        except Exception as e:
            return error_handler(self.name, self, [doc], e)

    def match(self, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
        """(pattern positions, tokens): each token some pattern writes, with the pattern."""
        hits = self._specs(doc)
        tokens, cols = np.nonzero(hits[:, : len(self._single_patterns)])
        found_p, found_t = [self._single_patterns[cols]], [tokens]
        for p, offset, chain in self._chains:
            starts = _chain_starts(hits, chain)
            found_p.append(np.full(len(starts), p, dtype=np.intp))
            found_t.append(starts + offset)
        if len(self.matcher):
            p_list, t_list = self._matcher_targets(doc)
            found_p.append(np.array(p_list, dtype=np.intp))
            found_t.append(np.array(t_list, dtype=np.intp))
        return np.concatenate(found_p), np.concatenate(found_t)

    def _matcher_targets(self, doc: Doc) -> tuple[list[int], list[int]]:
        positions, targets = [], []
        for match_id, start, end in self.matcher(doc, allow_missing=True):
            p = int(self.vocab.strings[match_id])
            span = Span(doc, start, end, label=match_id)
            try:
                token = span[self.indices[p]]
            except IndexError:
                raise ValueError(
                    Errors.E1001.format(
                        patterns=self.matcher.get(span.label),
                        span=[t.text for t in span],
                        index=self.indices[p],
                    )
                ) from None
            positions.append(p)
            targets.append(token.i)
        return positions, targets

    def set_annotations(self, doc: Doc, positions: np.ndarray, tokens: np.ndarray) -> None:
        """Write each match's attributes, later patterns over earlier ones."""
        if self._writes is None:
            for i in np.lexsort((tokens, positions)):
                set_token_attrs(doc[int(tokens[i])], self.attrs[int(positions[i])])
            return
        names, values, sets = self._writes
        order = np.lexsort((positions, tokens))
        positions, tokens = positions[order], tokens[order]
        data: Any = doc.to_array(names).reshape(len(doc), -1)
        written = []
        for j in range(len(names)):
            sel = sets[positions, j]
            t, v = tokens[sel], values[positions[sel], j]
            if len(t):
                # Sorted by token, then pattern: a token's last entry is its latest pattern.
                last = np.append(t[1:] != t[:-1], True)
                data[t[last], j] = v[last]
                written.append(j)
        if written:
            doc.from_array([names[j] for j in written], data[:, written])

    def to_bytes(self, *, exclude: Iterable[str] = util.SimpleFrozenList()) -> bytes:
        return util.to_bytes({"patterns": lambda: srsly.msgpack_dumps(self.patterns)}, exclude)

    def from_bytes(
        self, bytes_data: bytes, *, exclude: Iterable[str] = util.SimpleFrozenList()
    ) -> FastAttributeRuler:
        util.from_bytes(bytes_data, {"patterns": lambda b: self._load(srsly.msgpack_loads(b))}, exclude)
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = util.SimpleFrozenList()) -> None:
        util.to_disk(path, {"patterns": lambda p: srsly.write_msgpack(p, self.patterns)}, exclude)

    def from_disk(
        self, path: str | Path, *, exclude: Iterable[str] = util.SimpleFrozenList()
    ) -> FastAttributeRuler:
        util.from_disk(path, {"patterns": lambda p: self._load(srsly.read_msgpack(p))}, exclude)
        return self

    def _load(self, patterns: Iterable[dict[str, Any]]) -> None:
        self.clear()
        self.add_patterns(patterns)


@Language.factory(FACTORY, default_config={"validate": False})
def make_fast_attribute_ruler(nlp: Language, name: str, validate: bool) -> FastAttributeRuler:
    return FastAttributeRuler(nlp.vocab, name, validate=validate)


def use_fast_attribute_ruler(nlp: Language) -> None:
    """Swap each AttributeRuler in the pipeline for a FastAttributeRuler with its patterns."""
    for name, component in list(nlp.pipeline):
        if type(component) is AttributeRuler:
            patterns = component.patterns
            fast = nlp.replace_pipe(name, FACTORY, config={"validate": component.validate})
            assert isinstance(fast, FastAttributeRuler)
            fast.add_patterns(patterns)
