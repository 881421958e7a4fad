"""Quality tables: every evaluation harness over ../shared/eval -> results_quality.md."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from parallax.options import Options

HERE = Path(__file__).resolve().parent
EVAL = Path(os.environ.get("PARALLAX_EVAL_DIR", HERE.parent.parent / "shared" / "eval"))


def _section(title: str, body: str, seconds: float) -> str:
    return f"### {title}\n\n```\n{body.rstrip()}\n```\n({seconds:.0f} s)\n"


def main() -> int:
    if not EVAL.is_dir():
        print(f"evaluation data not found at {EVAL}: set PARALLAX_EVAL_DIR", file=sys.stderr)
        return 1
    from parallax.eval import basil, extraction, neus, quotes, stories

    options = Options.build(env={})
    runs = [
        ("Stories (B-cubed)", lambda: stories.evaluate(EVAL, options).table()),
        ("Quotes (PolNeAR dev + BASIL)", lambda: quotes.evaluate(EVAL, options).table()),
        ("Exclusive claims vs BASIL informational bias", lambda: basil.evaluate(EVAL, options).table()),
        ("Neutral digest vs NeuS roundups (100 test stories)",
         lambda: neus.evaluate(EVAL, options, limit=100).table()),
        ("HTML extraction (ScrapingHub benchmark)",
         lambda: "\n".join(f"{k}: {v}" for k, v in extraction.evaluate(EVAL / "extraction").items())),
    ]
    sections = ["## Quality against ../shared/eval\n"]
    for title, run in runs:
        started = time.perf_counter()
        body = run()
        sections.append(_section(title, body, time.perf_counter() - started))
        print(sections[-1], flush=True)
    (HERE / "results_quality.md").write_text("\n".join(sections), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
