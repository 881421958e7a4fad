"""Quality tables: every evaluation harness over ../shared/eval -> results_quality.md."""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from pathlib import Path

from parallax.options import Options

HERE = Path(__file__).resolve().parent
EVAL = Path(os.environ.get("PARALLAX_EVAL_DIR", HERE.parent.parent / "shared" / "eval"))
HEADING = "## Quality against ../shared/eval\n"


def _section(title: str, body: str, seconds: float) -> str:
    return f"### {title}\n\n```\n{body.rstrip()}\n```\n({seconds:.0f} s)\n"


def main(argv: list[str]) -> int:
    """All sections (rewrites the file), or only the named ones (``coverage``: replaced in place)."""
    if not EVAL.is_dir():
        print(f"evaluation data not found at {EVAL}: set PARALLAX_EVAL_DIR", file=sys.stderr)
        return 1
    from parallax.eval import (
        basil,
        coverage,
        extraction,
        lexicon,
        neus,
        people,
        quotes,
        sources,
        stories,
        tone,
    )
    from parallax.eval import digest as digest_gold

    from . import train_same_fact

    options = Options.build()
    fast = dataclasses.replace(options, embedder="model2vec")
    runs = [
        ("stories", "Stories (B-cubed)", lambda: stories.evaluate(EVAL, options).table()),
        ("quotes", "Quotes (PolNeAR dev + BASIL)", lambda: quotes.evaluate(EVAL, options).table()),
        ("people", "Resolved speaker names and quote clusters (BASIL, PolNeAR dev, coverage gold; "
                   "see docs/people.md)", lambda: people.evaluate(EVAL, options).table()),
        ("basil", "Exclusive claims vs BASIL informational bias",
         lambda: basil.evaluate(EVAL, options).table()),
        ("digest", "Neutral digest vs NeuS roundups (100 test stories)",
         lambda: neus.evaluate(EVAL, options, limit=100).table()),
        ("digest", "Digest vs coverage gold: citations, fragments, openings (minilm; docs/digest.md)",
         lambda: digest_gold.evaluate(EVAL / "coverage", options).table()),
        ("tone", "Tone toward a mention vs NewsMTSC dev splits (benchmarks/train_tone.py)",
         lambda: tone.evaluate(EVAL / "newsmtsc", options).table()),
        ("tone", "Tone toward a mention, model2vec", lambda: tone.evaluate(EVAL / "newsmtsc", fast).table()),
        ("lexicon", "Loaded-terms lexicon vs BASIL lexical-bias spans",
         lambda: lexicon.evaluate(EVAL, options).table()),
        ("sources", "Independent sources: BASIL triplets + an edited copy (eval/sources.py, "
                    "docs/coverage.md)",
         lambda: sources.evaluate(EVAL, options).table()),
        ("extraction", "HTML extraction (ScrapingHub benchmark)",
         lambda: "\n".join(f"{k}: {v}" for k, v in extraction.evaluate(EVAL / "extraction").items())),
        ("facts", "Same-fact model held out: leave-one-story-out over the coverage gold (minilm; "
                  "benchmarks/train_same_fact.py, docs/facts.md)",
         lambda: train_same_fact.held_out_section("minilm")),
        ("facts", "Same-fact model held out, model2vec",
         lambda: train_same_fact.held_out_section("model2vec")),
        ("coverage", "Coverage vs fact-level gold (minilm; see docs/coverage.md)",
         lambda: coverage.evaluate(EVAL / "coverage", options).table()),
        ("coverage", "Coverage vs fact-level gold, model2vec (the embedder tests/test_gate_coverage.py pins)",
         lambda: coverage.evaluate(EVAL / "coverage", fast).table()),
    ]
    only = set(argv)
    sections: dict[str, str] = {}
    for key, title, run in runs:
        if only and key not in only:
            continue
        started = time.perf_counter()
        sections[title] = _section(title, run(), time.perf_counter() - started)
        print(sections[title], flush=True)
    out = HERE / "results_quality.md"
    if only and out.is_file():
        sections = _splice(out.read_text(encoding="utf-8"), sections)
    out.write_text("\n".join([HEADING, *sections.values()]), encoding="utf-8")
    return 0


def _splice(text: str, new: dict[str, str]) -> dict[str, str]:
    """The file's sections by title, with ``new`` replacing those of the same title (the rest appended)."""
    old = {}
    for chunk in text.split("\n### ")[1:]:
        title = chunk.split("\n", 1)[0]
        old[title] = f"### {chunk.rstrip()}\n"
    return {**old, **new}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
