"""Adapters that let other tools drive ArqonHPO. Each module imports its library lazily and
only translates; every decision stays in the engine.

- ``arqonhpo.integrations.ray``: ``ArqonSearch``, a Ray Tune searcher (``arqonhpo[ray]``).
- ``arqonhpo.integrations.optuna``: ``ArqonSampler``, an Optuna sampler (``arqonhpo[optuna]``).
- ``arqonhpo.sklearn``: ``ArqonSearchCV`` (``arqonhpo[sklearn]``).
- Dask needs no adapter: pass a ``distributed.Client`` to ``minimize(executor=...)``.
"""
