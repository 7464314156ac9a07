"""ArqonHPO benchmark suite: answer quality on a fixed budget and cost per trial, against peers.

Modules:

- ``space``: the optimizer-neutral search-space description every adapter translates.
- ``functions``: synthetic test functions from the literature (numpy only; the CI gate uses them).
- ``simulation``: controller tuning and physical-model identification problems (numpy only).
- ``sklearn_tasks``: scikit-learn model tuning on bundled datasets (mixed spaces).
- ``optimizers``: one adapter per optimizer (ArqonHPO, Optuna, SciPy, Nevergrad, Hyperopt).
- ``quality``: the quality matrix (problem x optimizer x seed), run in parallel, resumable.
- ``cost``: per-trial ask+tell overhead and peak memory, one subprocess per measurement.
- ``stats``: medians, IQRs, Mann-Whitney U win/tie/loss counts, ranks.
- ``report``: the JSON summary, the figures and docs/benchmarks.md.
"""
