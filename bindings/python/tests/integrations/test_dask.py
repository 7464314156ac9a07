"""minimize on a real Dask cluster (two worker processes): a Client or its executor is a
pool like any other, and with the deterministic mode the trials are those of a thread pool."""

from __future__ import annotations

from distributed import Client, LocalCluster

import arqonhpo as aq

SPACE = {"x": aq.Float(-3.0, 3.0), "n": aq.Int(0, 6)}


def test_minimize_runs_on_a_dask_cluster() -> None:
    def objective(x: float, n: int) -> float:  # a closure: Dask ships it by value
        import time

        time.sleep(0.01 * (n % 3))
        return (x - 1.0) ** 2 + (n - 2) ** 2

    threads = aq.minimize(objective, SPACE, budget=24, seed=3, n_workers=2, progress=False)
    with (
        LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        on_client = aq.minimize(
            objective, SPACE, budget=24, seed=3, n_workers=2, executor=client, progress=False
        )
        on_executor = aq.minimize(
            objective,
            SPACE,
            budget=24,
            seed=3,
            n_workers=2,
            executor=client.get_executor(),
            progress=False,
        )
    expected = [t.params for t in threads.trials]
    assert [t.params for t in on_client.trials] == expected
    assert [t.params for t in on_executor.trials] == expected
    assert on_client.best_value is not None and on_client.best_value < 1.0
