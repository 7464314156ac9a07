"""Tune a NumPy network with ask/tell; diverging runs stop early as failed trials."""

import numpy as np

import arqonhpo as aq

rng = np.random.default_rng(0)
X = rng.normal(size=(600, 8))
y = (np.sin(X[:, 0] * 2) + X[:, 1] * X[:, 2] > 0).astype(float)
X_train, y_train, X_val, y_val = X[:400], y[:400], X[400:], y[400:]


class Diverged(Exception):
    pass


def train(
    lr: float, hidden: int, batch: int, l2: float, seed: int, epochs: int = 30
) -> float:
    """Trains a one-hidden-layer network by SGD; returns the validation log-loss."""
    g = np.random.default_rng(seed)
    W1 = g.normal(0, 1 / np.sqrt(8), (8, hidden))
    W2 = g.normal(0, 1 / np.sqrt(hidden), hidden)
    for epoch in range(epochs):
        order = g.permutation(len(X_train))
        for start in range(0, len(order), batch):
            idx = order[start : start + batch]
            h = np.tanh(X_train[idx] @ W1)
            p = 1 / (1 + np.exp(-np.clip(h @ W2, -30, 30)))
            grad_out = (p - y_train[idx]) / len(idx)
            grad_W2 = h.T @ grad_out + l2 * W2
            grad_W1 = X_train[idx].T @ (np.outer(grad_out, W2) * (1 - h**2)) + l2 * W1
            W1 -= lr * grad_W1
            W2 -= lr * grad_W2
        # Early stop: a training loss far above chance (ln 2) will not come back; free the
        # worker now instead of finishing the epochs.
        p = 1 / (1 + np.exp(-np.clip(np.tanh(X_train @ W1) @ W2, -30, 30)))
        loss = -np.mean(
            y_train * np.log(p + 1e-12) + (1 - y_train) * np.log(1 - p + 1e-12)
        )
        if not np.isfinite(loss) or loss > 2.0:
            raise Diverged(f"training loss {loss:.1f} after epoch {epoch}")
    p = 1 / (1 + np.exp(-np.clip(np.tanh(X_val @ W1) @ W2, -30, 30)))
    return float(
        -np.mean(y_val * np.log(p + 1e-12) + (1 - y_val) * np.log(1 - p + 1e-12))
    )


space = {
    "lr": aq.Float(1e-3, 100.0, log=True),  # the top of this range diverges
    "hidden": aq.Int(4, 64, log=True),
    "batch": aq.Choice([16, 32, 64]),
    "l2": aq.Float(1e-6, 1e-1, log=True),
}
solver = aq.ArqonSolver(space, budget=50, seed=2)
while (trial := solver.ask()) is not None:
    try:
        loss = train(**trial.params, seed=trial.id)
    except Diverged as err:
        solver.tell(trial, failed=True, reason=str(err))
        continue
    solver.tell(trial, loss)

failed = [t for t in solver.trials if t.status == "failed"]
print(
    f"{len(failed)} of {solver.n_told} trials diverged,",
    f"e.g. lr={failed[0].params['lr']:.3g}:",
    failed[0].reason,
)
print(
    "largest lr that trained:",
    round(max(t.params["lr"] for t in solver.trials if t.status == "completed"), 3),
)
best = solver.best
print(
    "best validation log-loss",
    round(best.value, 4),
    "at",
    {k: round(v, 4) if isinstance(v, float) else v for k, v in best.params.items()},
)
