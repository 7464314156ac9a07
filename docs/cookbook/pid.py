"""Tune the three gains of a PID controller on a simulated plant (a mass on a spring)."""

import arqonhpo as aq

DT, STEPS = 0.01, 800  # 8 simulated seconds


def step_response_cost(kp: float, ki: float, kd: float) -> float:
    """Time-weighted absolute error of a unit step, plus a penalty on overshoot."""
    position, velocity, integral, previous_error = 0.0, 0.0, 0.0, 1.0
    cost, peak = 0.0, 0.0
    for i in range(STEPS):
        error = 1.0 - position
        integral += error * DT
        derivative = (error - previous_error) / DT
        previous_error = error
        force = kp * error + ki * integral + kd * derivative
        force = max(-50.0, min(50.0, force))  # the actuator saturates
        # Plant: x'' = force - 0.5 x' - 2 x (lightly damped spring).
        acceleration = force - 0.5 * velocity - 2.0 * position
        velocity += acceleration * DT
        position += velocity * DT
        cost += (i * DT) * abs(error) * DT
        peak = max(peak, position)
    return cost + 10.0 * max(0.0, peak - 1.05)


space = {
    "kp": aq.Float(0.1, 100.0, log=True),
    "ki": aq.Float(0.01, 50.0, log=True),
    "kd": aq.Float(0.01, 20.0, log=True),
}
solver = aq.ArqonSolver(space, budget=120, seed=1)
while (trial := solver.ask()) is not None:
    solver.tell(trial, step_response_cost(**trial.params))

print("landscape:", solver.classification.label, "->", solver.strategy)
print("hand-tuned kp=10 ki=1 kd=1:", round(step_response_cost(10.0, 1.0, 1.0), 4))
best = solver.best
print(
    "tuned:",
    {k: round(v, 3) for k, v in best.params.items()},
    "cost",
    round(best.value, 4),
)
print("found at trial", best.id, "of", solver.n_told)
