"""Read a run artifact and plot its convergence and one-parameter slices (matplotlib)."""

import json

import matplotlib

matplotlib.use("Agg")  # write files; no window
import matplotlib.pyplot as plt

import arqonhpo as aq

# Any artifact will do: from ArqonSolver.save, minimize(...).artifact or `arqonhpo-cli run
# --artifact`. Make one here.
space = {
    "lr": aq.Float(1e-4, 1.0, log=True),
    "dropout": aq.Float(0.0, 0.6),
    "layers": aq.Int(1, 8),
}
aq.minimize(
    lambda lr, dropout, layers: (
        (lr - 0.01) ** 2 * 1e3 + (dropout - 0.2) ** 2 + 0.02 * (layers - 4) ** 2
    ),
    space,
    budget=80,
    seed=3,
).solver.save("run.json")

with open("run.json") as f:
    artifact = json.load(f)
trials = [t for t in artifact["trials"] if t["status"] == "completed"]
print(
    "artifact:",
    len(artifact["trials"]),
    "trials,",
    artifact["classification"]["label"],
    "-> refined by",
    *{t["method"] for t in trials if t["stage"] == "refine"},
)

# Convergence: every value, and the best so far, coloured by stage.
order = sorted(trials, key=lambda t: t["told_index"])
best, running = [], float("inf")
for t in order:
    running = min(running, t["value"])
    best.append(running)
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
for stage, colour in (("probe", "tab:blue"), ("refine", "tab:orange")):
    pts = [(i, t["value"]) for i, t in enumerate(order) if t["stage"] == stage]
    ax.scatter(*zip(*pts), s=12, color=colour, label=stage)
ax.step(range(len(best)), best, where="post", color="black", label="best so far")
ax.set(
    yscale="log",
    xlabel="trial (in the order told)",
    ylabel="objective",
    title="Convergence",
)
ax.legend()
fig.savefig("convergence.png", dpi=110)

# Slices: objective against each parameter (log axes where the space is log-scaled).
config = artifact["config"]["space"]
fig, axes = plt.subplots(
    1, len(config), figsize=(9, 3), layout="constrained", sharey=True
)
for ax, (name, spec) in zip(axes, config.items()):
    ax.scatter([t["params"][name] for t in trials], [t["value"] for t in trials], s=10)
    ax.set(xlabel=name, xscale="log" if spec.get("log") else "linear", yscale="log")
axes[0].set_ylabel("objective")
fig.savefig("slices.png", dpi=110)
print("best:", {k: round(v, 4) for k, v in artifact["best"]["params"].items()})
print("wrote convergence.png and slices.png")
