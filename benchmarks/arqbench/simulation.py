"""Simulation tuning problems: controller tuning and physical-model identification.

These are the "simulation tuning" use case: each evaluation runs a small deterministic
simulation (numpy and plain floats only, a millisecond or two) and returns a scalar cost.
The data the identification problems fit are generated once from known parameters plus seeded
noise, so every optimizer sees the same problem. Their optimum is not known in closed form;
the report measures regret against the best value any run found (the "best known").

- ``pid_lag1_delay``, ``pid_lag2``, ``pid_lag3``: PID gains (log scale) for a unit step on
  first-order-plus-dead-time, second- and third-order lag plants, with actuator saturation and
  anti-windup; cost is the time-weighted absolute error (ITAE) plus a control-effort term.
- ``oscillator_fit``: amplitude, damping ratio, natural frequency and phase of a damped
  oscillator fitted to 200 noisy samples (least squares; multimodal in the frequency).
- ``heat_identification``: diffusivity, boundary heat-transfer coefficient and heater power of a
  1-D rod (explicit finite differences) fitted to three noisy thermometer traces.
- ``lotka_volterra_fit``: the four rates of a predator-prey model (RK4) fitted to 30 noisy
  observations in log space.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .space import Float, UseCase

# -- PID tuning ---------------------------------------------------------------------------------

_PID_DT = 0.05
_PID_T = 20.0
_PID_UMAX = 5.0
_PID_FAIL = 1e3


def _pid_cost(kp: float, ki: float, kd: float, order: int, tau: float, delay: float) -> float:
    """ITAE of a unit step response plus a small control-effort penalty; unstable loops cost
    a fixed large value so every optimizer can rank them."""
    dt = _PID_DT
    alpha = 1.0 - math.exp(-dt / tau)
    steps = int(_PID_T / dt)
    lag = [0.0] * order
    buf = [0.0] * max(round(delay / dt), 0)
    integ = 0.0
    e_prev = 1.0
    d_filt = 0.0
    n_filter = 10.0
    beta = (n_filter * dt) / (1.0 + n_filter * dt)
    u_prev = 0.0
    itae = 0.0
    effort = 0.0
    for k in range(steps):
        t = k * dt
        y = lag[-1]
        e = 1.0 - y
        d_raw = (e - e_prev) / dt
        d_filt += beta * (d_raw - d_filt)
        u_unsat = kp * e + ki * (integ + e * dt) + kd * d_filt
        u = min(max(u_unsat, -_PID_UMAX), _PID_UMAX)
        if u == u_unsat:  # conditional integration: no windup while saturated
            integ += e * dt
        e_prev = e
        if buf:
            buf.append(u)
            u_in = buf.pop(0)
        else:
            u_in = u
        inp = u_in
        for i in range(order):
            lag[i] += alpha * (inp - lag[i])
            inp = lag[i]
        itae += t * abs(e) * dt
        effort += (u - u_prev) ** 2
        u_prev = u
        if abs(y) > 1e3 or not math.isfinite(y):
            return _PID_FAIL
    return itae / _PID_T + 1e-3 * effort


def _pid_problem(name: str, order: int, tau: float, delay: float, text: str) -> UseCase:
    space = [
        Float("kp", 0.01, 100.0, log=True),
        Float("ki", 0.001, 50.0, log=True),
        Float("kd", 1e-4, 20.0, log=True),
    ]

    def objective(p: dict[str, Any]) -> float:
        return _pid_cost(p["kp"], p["ki"], p["kd"], order, tau, delay)

    return UseCase(name, space, objective, text)


# -- damped oscillator fit ------------------------------------------------------------------

_OSC_T = np.linspace(0.0, 10.0, 200)


def _oscillator(a: float, zeta: float, omega: float, phi: float, t: np.ndarray) -> np.ndarray:
    wd = omega * math.sqrt(max(1.0 - zeta * zeta, 1e-12))
    return a * np.exp(-zeta * omega * t) * np.cos(wd * t + phi)


_OSC_DATA = _oscillator(1.3, 0.08, 2.4, 0.6, _OSC_T) + np.random.default_rng(1234).normal(
    0.0, 0.05, _OSC_T.size
)


def _oscillator_loss(p: dict[str, Any]) -> float:
    r = _oscillator(p["amplitude"], p["zeta"], p["omega"], p["phase"], _OSC_T) - _OSC_DATA
    return float(np.mean(r * r))


# -- heat equation identification ----------------------------------------------------------

_HEAT_N = 21
_HEAT_DX = 1.0 / (_HEAT_N - 1)
_HEAT_DT = 0.01
_HEAT_STEPS = 300
_HEAT_SENSORS = np.array([4, 10, 16])
_HEAT_HEATER = np.exp(-(((np.linspace(0.0, 1.0, _HEAT_N) - 0.3) / 0.08) ** 2))


def _heat_traces(kappa: float, h: float, q: float) -> np.ndarray:
    """Sensor temperatures every 10 steps of a rod heated near x=0.3, losing heat at both ends
    to a 0-degree ambient through a Robin condition. Sub-steps keep explicit FD stable."""
    sub = max(1, math.ceil(kappa * _HEAT_DT / (0.4 * _HEAT_DX * _HEAT_DX)))
    dt = _HEAT_DT / sub
    r = kappa * dt / (_HEAT_DX * _HEAT_DX)
    u = np.zeros(_HEAT_N)
    src = q * dt * _HEAT_HEATER
    out = []
    for step in range(_HEAT_STEPS):
        for _ in range(sub):
            lap = np.empty_like(u)
            lap[1:-1] = u[2:] - 2.0 * u[1:-1] + u[:-2]
            # Ghost nodes from -k du/dx = h u at both ends.
            g0 = u[1] - 2.0 * _HEAT_DX * h * u[0]
            g1 = u[-2] - 2.0 * _HEAT_DX * h * u[-1]
            lap[0] = g0 - 2.0 * u[0] + u[1]
            lap[-1] = u[-2] - 2.0 * u[-1] + g1
            u = u + r * lap + src
        if step % 10 == 9:
            out.append(u[_HEAT_SENSORS])
    return np.asarray(out)


_HEAT_DATA = _heat_traces(0.02, 1.5, 2.0)
_HEAT_DATA = _HEAT_DATA + np.random.default_rng(99).normal(0.0, 0.01, _HEAT_DATA.shape)


def _heat_loss(p: dict[str, Any]) -> float:
    r = _heat_traces(p["kappa"], p["h"], p["power"]) - _HEAT_DATA
    return float(np.mean(r * r))


# -- Lotka-Volterra identification -----------------------------------------------------------

_LV_DT = 0.05
_LV_STEPS = 300
_LV_OBS = np.arange(10, _LV_STEPS + 1, 10)


def _lotka_volterra(a: float, b: float, c: float, d: float) -> np.ndarray:
    x, y = 10.0, 5.0
    out = []
    h = _LV_DT

    def f(x: float, y: float) -> tuple[float, float]:
        return a * x - b * x * y, d * x * y - c * y

    for k in range(1, _LV_STEPS + 1):
        k1 = f(x, y)
        k2 = f(x + 0.5 * h * k1[0], y + 0.5 * h * k1[1])
        k3 = f(x + 0.5 * h * k2[0], y + 0.5 * h * k2[1])
        k4 = f(x + h * k3[0], y + h * k3[1])
        x += h / 6.0 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        y += h / 6.0 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
        if not (0.0 < x < 1e6 and 0.0 < y < 1e6):
            return np.full((len(_LV_OBS), 2), np.nan)
        if k % 10 == 0:
            out.append((x, y))
    return np.asarray(out)


_LV_DATA = np.log(_lotka_volterra(1.1, 0.4, 0.4, 0.1)) + np.random.default_rng(7).normal(
    0.0, 0.05, (len(_LV_OBS), 2)
)


def _lv_loss(p: dict[str, Any]) -> float:
    sim = _lotka_volterra(p["alpha"], p["beta"], p["gamma"], p["delta"])
    if not np.all(np.isfinite(sim)):
        return 100.0
    r = np.log(np.maximum(sim, 1e-12)) - _LV_DATA
    return float(min(np.mean(r * r), 100.0))


PROBLEMS: dict[str, UseCase] = {
    p.name: p
    for p in [
        _pid_problem(
            "pid_lag1_delay", 1, 1.0, 0.5, "PID on a first-order lag with 0.5 s dead time"
        ),
        _pid_problem("pid_lag2", 2, 1.0, 0.0, "PID on a second-order lag"),
        _pid_problem("pid_lag3", 3, 1.0, 0.0, "PID on a third-order lag"),
        UseCase(
            "oscillator_fit",
            [
                Float("amplitude", 0.1, 5.0),
                Float("zeta", 0.001, 0.9, log=True),
                Float("omega", 0.1, 10.0, log=True),
                Float("phase", -math.pi, math.pi),
            ],
            _oscillator_loss,
            "damped oscillator fitted to 200 noisy samples",
        ),
        UseCase(
            "heat_identification",
            [
                Float("kappa", 1e-3, 0.2, log=True),
                Float("h", 0.01, 10.0, log=True),
                Float("power", 0.0, 5.0),
            ],
            _heat_loss,
            "1-D heat equation: diffusivity, boundary loss and heater power from 3 sensors",
        ),
        UseCase(
            "lotka_volterra_fit",
            [
                Float("alpha", 0.1, 3.0),
                Float("beta", 0.01, 1.0, log=True),
                Float("gamma", 0.1, 3.0),
                Float("delta", 0.01, 1.0, log=True),
            ],
            _lv_loss,
            "predator-prey rates fitted to 30 noisy observations (log space)",
        ),
    ]
}
