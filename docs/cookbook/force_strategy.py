"""Override the classifier's choice of strategy, and read the verdict and the artifact."""

import json
import math

import arqonhpo as aq


def bumpy(x: float, y: float) -> float:
    """A bowl under ripples: the kind of landscape the classifier calls rippled."""
    return x * x + y * y + (2 - math.cos(10 * x) - math.cos(10 * y))


space = {"x": aq.Float(-3.0, 3.0), "y": aq.Float(-3.0, 3.0)}
for strategy in ("auto", "nelder_mead", "tpe", "random"):
    result = aq.minimize(bumpy, space, budget=100, seed=4, strategy=strategy)
    print(f"{strategy:12} refined by {result.strategy:12} best {result.best_value:.2e}")

# The classification is measured whatever the strategy; forcing only skips the choice.
c = result.classification
print("label:", c.label, " score:", round(c.score, 3), " threshold:", c.threshold)
print(
    "features:",
    {k: round(v, 4) if isinstance(v, float) else v for k, v in c.features.items()},
)
print("reason:", c.reason)

# The same record, as the artifact every front writes (contracts/artifact.schema.json).
artifact = result.artifact
print("artifact keys:", sorted(artifact))
print("config strategy:", artifact["config"]["strategy"])
first_refine = next(t for t in artifact["trials"] if t["stage"] == "refine")
print("first refine trial:", json.dumps(first_refine, sort_keys=True)[:120], "...")
