"""Fit a damped oscillator's frequency, damping and initial push to noisy data."""

import numpy as np
from scipy.integrate import solve_ivp

import arqonhpo as aq

t = np.linspace(0.0, 10.0, 200)


def simulate(omega: float, zeta: float, v0: float) -> np.ndarray:
    """x'' + 2·zeta·omega·x' + omega²·x = 0 with x(0) = 1, x'(0) = v0."""

    def rhs(_t, y):
        return [y[1], -2.0 * zeta * omega * y[1] - omega**2 * y[0]]

    sol = solve_ivp(rhs, (t[0], t[-1]), [1.0, v0], t_eval=t, rtol=1e-6, atol=1e-9)
    return sol.y[0]


rng = np.random.default_rng(0)
truth = {"omega": 2.3, "zeta": 0.12, "v0": -0.8}
data = simulate(**truth) + rng.normal(0.0, 0.02, t.size)


def mse(omega: float, zeta: float, v0: float) -> float:
    return float(np.mean((simulate(omega, zeta, v0) - data) ** 2))


space = {
    "omega": aq.Float(0.5, 5.0, log=True),
    "zeta": aq.Float(0.01, 1.0, log=True),
    "v0": aq.Float(-3.0, 3.0),
}
result = aq.minimize(mse, space, budget=120, seed=0)

print("landscape:", result.classification.label, "->", result.strategy)
print("true:  ", truth)
print("fitted:", {k: round(v, 3) for k, v in result.best_params.items()})
print(f"mean squared error {result.best_value:.2e} (noise variance {0.02**2:.1e})")
