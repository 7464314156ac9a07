"""Tune an SVC on the digits data: a mixed float/int/choice space, 3-fold CV."""

from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import arqonhpo as aq

X, y = load_digits(return_X_y=True)
X, y = X[::2], y[::2]  # half the data keeps the recipe quick


def error_rate(C: float, gamma: float, kernel: str, degree: int) -> float:
    model = make_pipeline(
        StandardScaler(), SVC(C=C, gamma=gamma, kernel=kernel, degree=degree)
    )
    return 1.0 - cross_val_score(model, X, y, cv=3).mean()


space = {
    "C": aq.Float(1e-2, 1e3, log=True),
    "gamma": aq.Float(1e-4, 1e0, log=True),
    "kernel": aq.Choice(["rbf", "poly", "sigmoid"]),
    "degree": aq.Int(2, 5),  # only read by the poly kernel
}
result = aq.minimize(error_rate, space, budget=40, seed=0)

print("landscape:", result.classification.label, "->", result.strategy)
print("reason:", result.classification.reason)
print("default SVC error:", round(error_rate(1.0, 1.0 / 64, "rbf", 3), 4))
best = result.best_params
print(
    "tuned error:",
    round(result.best_value, 4),
    "with",
    best["kernel"],
    f"C={best['C']:.3g} gamma={best['gamma']:.3g} degree={best['degree']}",
)
