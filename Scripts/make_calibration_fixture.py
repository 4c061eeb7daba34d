#!/usr/bin/env python3
"""Writes the reference fixture of Stats' calibration tests (temperature scaling, ECE, NLL).

Usage (from the repository root):

    python3 Scripts/make_calibration_fixture.py

Needs numpy and scipy (made with scipy 1.17.1). The temperature is found by scipy's bounded scalar
minimiser on log T with a tight tolerance; ECE is Guo et al.'s formula (15 equal-width bins over the
top probability, a sample in bin i when lower < confidence <= upper); NLL uses scipy's log_softmax.
Seeded: re-running gives the same file.
"""

import json
import os

import numpy as np
import scipy
from scipy import optimize, special

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "StatsTests", "Fixtures", "calibration.json")


def nll(logits, targets, t):
    return float(-special.log_softmax(logits / t, axis=1)[np.arange(len(targets)), targets].mean())


def ece(probs, targets, bins=15):
    conf = probs.max(axis=1)
    pred = probs.argmax(axis=1)
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            total += inside.mean() * abs((pred[inside] == targets[inside]).mean() - conf[inside].mean())
    return float(total)


def fit(logits, targets):
    res = optimize.minimize_scalar(lambda lt: nll(logits, targets, np.exp(lt)), bounds=(-6.9, 6.9),
                                   method="bounded", options={"xatol": 1e-12})
    return float(np.exp(res.x))


rng = np.random.default_rng(20261206)
cases = []
for name, n, k, scale in [("overconfident", 400, 6, 3.0), ("underconfident", 300, 6, 0.35),
                          ("calibrated", 500, 5, 1.0), ("binary", 200, 2, 2.0)]:
    base = rng.normal(0, 1.5, size=(n, k))
    p = special.softmax(base, axis=1)
    targets = np.array([rng.choice(k, p=row) for row in p])
    logits = base * scale
    t = fit(logits, targets)
    before = special.softmax(logits, axis=1)
    after = special.softmax(logits / t, axis=1)
    cases.append({
        "name": name, "logits": logits.tolist(), "targets": targets.tolist(), "temperature": t,
        "nll_before": nll(logits, targets, 1.0), "nll_after": nll(logits, targets, t),
        "ece_before": ece(before, targets), "ece_after": ece(after, targets),
        "ece_before_10": ece(before, targets, 10),
    })

with open(OUT, "w") as f:
    json.dump({"generator": "Scripts/make_calibration_fixture.py", "scipy": scipy.__version__, "cases": cases},
              f, separators=(",", ":"))
    f.write("\n")
print(f"{OUT}: {os.path.getsize(OUT)} bytes")
