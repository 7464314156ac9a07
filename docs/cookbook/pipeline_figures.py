"""The figures of the Concepts pages, made from real runs: where the probe samples, the
classifier's features on four landscapes, and how Nelder–Mead and TPE refine."""

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import arqonhpo as aq

space = {"x": aq.Float(-5.0, 5.0), "y": aq.Float(-5.0, 5.0)}
rng = np.random.default_rng(0)
landscapes = {
    "bowl": lambda x, y: (x - 1) ** 2 + 2 * (y + 0.5) ** 2,
    "rastrigin": lambda x, y: sum(
        v * v - 10 * math.cos(2 * math.pi * v) + 10 for v in (x - 1.3, y + 0.7)
    ),
    "noisy bowl": lambda x, y: (x - 1) ** 2 + 2 * (y + 0.5) ** 2 + 3.0 * rng.normal(),
    "egg crate": lambda x, y: math.sin(3 * x) * math.cos(2 * y) + 0.5 * math.sin(x * y),
}


def run(f, strategy="auto", seed=0, budget=200):
    solver = aq.ArqonSolver(space, budget=budget, seed=seed, strategy=strategy)
    while (t := solver.ask()) is not None:
        solver.tell(t, f(**t.params))
    return solver


runs = {name: run(f) for name, f in landscapes.items()}
print(
    f"{'landscape':11} {'label':8} {'strategy':12} {'roughness':>9} {'noise':>7} {'fdc':>6} {'q2':>6} {'top_disp':>8}"
)
for name, s in runs.items():
    f = s.classification.features
    print(
        f"{name:11} {s.classification.label:8} {s.strategy:12} {f['roughness']:9.4f} {f['noise']:7.4f} "
        f"{f['fdc']:6.3f} {f['quad_q2']:6.3f} {f['top_dispersion']:8.3f}"
    )

# 1. The probe: Sobol points, twin sites (x, x+h·d, x+2h·d) and near repeats.
s = runs["bowl"]
probe = [t for t in s.trials if t.phase == "probe"]
xs = np.linspace(-5, 5, 200)
X, Y = np.meshgrid(xs, xs)
Z = (X - 1) ** 2 + 2 * (Y + 0.5) ** 2
fig, ax = plt.subplots(figsize=(5, 4.6), layout="constrained")
ax.contour(X, Y, Z, levels=15, cmap="Greys", linewidths=0.6)
ax.scatter(
    [t.params["x"] for t in probe],
    [t.params["y"] for t in probe],
    s=18,
    label=f"probe ({len(probe)} trials)",
)
ax.set(title="The probe on a bowl", xlabel="x", ylabel="y", aspect="equal")
ax.legend(loc="upper left", fontsize=8)
fig.savefig("probe.png", dpi=100)

# 2. The features on four landscapes.
names = list(runs)
features = ["roughness", "noise", "fdc", "quad_q2", "top_dispersion"]
fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
width = 0.8 / len(features)
for i, feat in enumerate(features):
    ax.bar(
        np.arange(len(names)) + i * width,
        [runs[n].classification.features[feat] for n in names],
        width,
        label=feat,
    )
ax.set_xticks(
    np.arange(len(names)) + 0.4 - width / 2,
    [f"{n}\n{runs[n].classification.label} → {runs[n].strategy}" for n in names],
)
ax.axhline(0, color="black", linewidth=0.5)
ax.set(ylabel="feature value", title="The classifier's features, measured on the probe")
ax.legend(fontsize=8, ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.28))
fig.savefig("features.png", dpi=100)

# 3. Refinement: where Nelder–Mead and TPE put their trials after the same probe.
fig, axes = plt.subplots(1, 2, figsize=(9, 4.4), layout="constrained")
for ax, strategy in zip(axes, ("nelder_mead", "tpe")):
    r = run(landscapes["bowl"], strategy=strategy)
    refine = [t for t in r.trials if t.phase == "refine"]
    ax.contour(X, Y, Z, levels=15, cmap="Greys", linewidths=0.6)
    ax.scatter(
        [t.params["x"] for t in r.trials if t.phase == "probe"],
        [t.params["y"] for t in r.trials if t.phase == "probe"],
        s=10,
        color="lightgray",
        label="probe",
    )
    sc = ax.scatter(
        [t.params["x"] for t in refine],
        [t.params["y"] for t in refine],
        s=12,
        c=range(len(refine)),
        cmap="viridis",
        label="refine (dark = early)",
    )
    ax.set(title=f"{strategy}: best {r.best.value:.1e}", xlabel="x", aspect="equal")
    ax.legend(loc="upper left", fontsize=8)
fig.savefig("refine.png", dpi=100)
print("wrote probe.png, features.png, refine.png")
