"""Sim Tuning: tune the three gains of a PID controller on a simulated plant.

The plant is a lightly damped second-order system (a mass on a spring with a little friction),
driven from rest to a unit set-point. The cost is the integral of squared error plus a small
penalty on control effort, both computed with numpy over a fixed 8-second horizon. The
landscape is smooth, so ArqonHPO's probe should classify it as smooth and refine with
Nelder–Mead.

Run it with `make demo`, or `python examples/python/sim_tuning.py` inside the venv.
"""

from __future__ import annotations

import sys

import numpy as np

import arqonhpo as aq

DT = 0.01
STEPS = 800
SPACE = {
    "kp": aq.Float(0.1, 20.0, log=True),
    "ki": aq.Float(0.0, 5.0),
    "kd": aq.Float(0.0, 5.0),
}


def pid_cost(kp: float, ki: float, kd: float) -> float:
    """Integral of squared tracking error plus 0.03 * integral of squared control effort."""
    # Plant: x'' + 0.4 x' + 1.0 x = u (semi-implicit Euler).
    state = np.zeros(2)  # position, velocity
    integral = 0.0
    prev_error = 1.0
    errors = np.empty(STEPS)
    efforts = np.empty(STEPS)
    for k in range(STEPS):
        error = 1.0 - state[0]
        integral += error * DT
        derivative = (error - prev_error) / DT
        prev_error = error
        u = kp * error + ki * integral + kd * derivative
        state[1] += DT * (u - 0.4 * state[1] - state[0])
        state[0] += DT * state[1]
        errors[k] = error
        efforts[k] = u
    return float(np.sum(errors**2) * DT + 0.03 * np.sum(efforts**2) * DT)


def main(budget: int = 60, seed: int = 0) -> aq.MinimizeResult:
    result = aq.minimize(pid_cost, SPACE, budget=budget, seed=seed)
    c = result.classification
    assert c is not None and result.best_params is not None
    print(
        f"classification: {c.label} (score {c.score:.2f}, threshold {c.threshold:.2f}): {c.reason}"
    )
    print(f"strategy:       {result.strategy}")
    gains = ", ".join(f"{k}={v:.4g}" for k, v in result.best_params.items())
    print(f"best:           cost {result.best_value:.5f} at {gains}")
    return result


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
