"""`make bench`: run every benchmark module and merge their sections into results.md.

Each ``benchmarks/bench_*.py`` is run as its own process (so peak memory is its
own) and writes ``benchmarks/results_<name>.md``; this script adds the machine
description and concatenates them. ``python -m benchmarks.run pipeline`` runs
one; ``python -m benchmarks.run --merge`` only rebuilds results.md from the
sections already written.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def machine() -> str:
    mem = ""
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        total_kb = int(next(ln for ln in meminfo if ln.startswith("MemTotal")).split()[1])
        mem = f", {total_kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    cpu = platform.processor() or platform.machine()
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}, {platform.system()}"


def main(argv: list[str]) -> int:
    """Run the named benchmarks (all by default), then merge; ``--merge``: merge the sections only."""
    only = {a for a in argv if a != "--merge"}
    modules = sorted(
        p.stem for p in HERE.glob("bench_*.py") if not only or p.stem.removeprefix("bench_") in only
    )
    if "--merge" in argv:  # sections measured one by one (a 100k run takes a quiet machine's hour)
        modules = []
    failed = []
    for name in modules:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", f"benchmarks.{name}"], cwd=HERE.parent)
        print(f"   {name}: exit {proc.returncode} in {time.perf_counter() - started:.0f} s", flush=True)
        if proc.returncode:
            failed.append(name)
    sections = [p.read_text(encoding="utf-8") for p in sorted(HERE.glob("results_*.md"))]
    how = "`make bench`" if modules else "`python -m benchmarks.run --merge` from sections measured apart"
    header = (
        f"# Parallax benchmark results\n\nMachine: {machine()}.\n"
        f"Generated {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by {how}.\n"
    )
    (HERE / "results.md").write_text(header + "\n" + "\n".join(sections), encoding="utf-8")
    print(f"wrote {HERE / 'results.md'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
