#!/usr/bin/env python3
"""Writes Tests/StatsTests/Fixtures/logistic.json: reference fits of L2-penalised logistic regression
(intercept unpenalised) made with scipy.optimize.minimize (BFGS on the exact loss and gradient),
independent of the Swift Newton solver they check.

Usage (from the repository root): python3 Scripts/make_logistic_fixture.py   (numpy, scipy; seeded)
"""
import json
import os

import numpy as np
import scipy
from scipy.optimize import minimize
from scipy.special import expit, log1p

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "StatsTests", "Fixtures", "logistic.json")


def fit(x, y, l2):
    s = np.where(y, 1.0, -1.0)
    pen = np.ones(x.shape[1]); pen[0] = 0

    def loss(w):
        z = s * (x @ w)
        return np.sum(np.logaddexp(0, -z)) + 0.5 * l2 * np.sum(pen * w * w)

    def grad(w):
        p = expit(x @ w)
        return x.T @ (p - y) + l2 * pen * w

    r = minimize(loss, np.zeros(x.shape[1]), jac=grad, method="BFGS", options={"gtol": 1e-12, "maxiter": 10000})
    return r.x


rng = np.random.default_rng(17)
cases = []
for name, n, d, l2, sep in [("small", 40, 2, 1e-3, 1.0), ("four features", 150, 4, 1e-2, 1.5), ("strong penalty", 80, 4, 5.0, 2.0)]:
    feats = rng.normal(size=(n, d - 1))
    w_true = rng.normal(size=d) * sep
    x = np.hstack([np.ones((n, 1)), feats])
    y = rng.random(n) < expit(x @ w_true)
    w = fit(x, y.astype(float), l2)
    cases.append({"name": name, "x": x.tolist(), "y": [bool(v) for v in y], "l2": l2, "weights": w.tolist()})

with open(OUT, "w") as f:
    json.dump({"generator": "Scripts/make_logistic_fixture.py", "scipy": scipy.__version__, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print(OUT, os.path.getsize(OUT))
