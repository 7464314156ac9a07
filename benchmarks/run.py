"""Runs the ArqonHPO benchmark suite: ``python benchmarks/run.py [quality|cost|report|all]``.

    make bench          # the full matrix (hours on 2 cores)
    make bench-quick    # the profile published in docs/benchmarks.md (about an hour and a half on 2 cores)
    make bench-small    # issue 17's small budgets; make bench-rotated: issue 16's rotated 100·D
    make bench-arqon-rows   # after an engine change: only ArqonHPO's rows of those two, then the page

Results go to ``benchmarks/results/<profile>/`` (``quality.jsonl``, ``cost.json``,
``summary.json``); ``report`` turns them into ``docs/benchmarks.md`` and ``docs/figures/``.
Every step resumes: finished runs already in the JSONL file are not run again.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from arqbench import cost, quality, report, suites  # noqa: E402
from arqbench.optimizers import OPTIMIZERS  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("step", choices=["quality", "cost", "report", "all"], nargs="?", default="all")
    ap.add_argument("--profile", choices=sorted(quality.PROFILES), default="quick")
    ap.add_argument(
        "--jobs",
        type=int,
        default=max(1, (os.cpu_count() or 1)),
        help="parallel worker processes for the quality runs",
    )
    ap.add_argument(
        "--optimizers", nargs="*", choices=sorted(OPTIMIZERS), help="restrict to these optimizers"
    )
    ap.add_argument(
        "--families",
        nargs="*",
        choices=["synthetic", "simulation", "sklearn"],
        default=["synthetic", "simulation", "sklearn"],
    )
    ap.add_argument(
        "--redo",
        nargs="*",
        default=[],
        choices=sorted(OPTIMIZERS),
        help="drop these optimizers' saved runs (quality and cost) first (after an engine change: --redo arqon_auto arqon_nelder_mead arqon_tpe arqon_random; small and rotated profiles: --redo arqon_auto arqon_cmaes)",
    )
    ap.add_argument(
        "--results",
        type=Path,
        default=HERE / "results",
        help="results directory (a subdirectory per profile)",
    )
    ap.add_argument(
        "--docs",
        type=Path,
        default=HERE.parent / "docs",
        help="where benchmarks.md and figures/ are written",
    )
    args = ap.parse_args(argv)

    out = args.results / args.profile
    out.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)

    if args.step in ("quality", "all", "cost"):
        report.write_meta(out / f"meta_{args.step}.json", args.profile, args.jobs)
    if args.step in ("quality", "all") and args.redo:
        dropped = quality.drop(out / "quality.jsonl", args.redo)
        log(f"dropped {dropped} saved runs of {', '.join(args.redo)}")
    if args.step in ("quality", "all"):
        quality.run(
            quality.PROFILES[args.profile],
            out / "quality.jsonl",
            args.jobs,
            args.optimizers,
            args.families,
            log,
        )
    if args.step in ("cost", "all") and args.redo:
        log(
            f"dropped {cost.drop(out / 'cost.json', args.redo)} saved cost measurements of {', '.join(args.redo)}"
        )
    if args.step in ("cost", "all") and args.profile in cost.PROFILES:
        cost.run(cost.PROFILES[args.profile], out / "cost.json", args.optimizers, log)
    if args.step in ("report", "all"):
        # The small and rotated profiles are sections of the quick profile's page.
        page = "quick" if args.profile in suites.SUITES else args.profile
        report.build(page, args.results / page, args.docs, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
