#!/usr/bin/env python3
"""Writes the scipy / scikit-learn reference fixtures of the Stats module's tests.

Usage (from the repository root):

    python3 Scripts/make_stats_fixtures.py

Needs numpy, scipy and mpmath (the fixtures were made with scipy 1.17.1) and scikit-learn for the
classification reports (`pip install --no-deps scikit-learn joblib threadpoolctl narwhals`).
Output: Tests/StatsTests/Fixtures/*.json. Everything is seeded, so re-running gives the same
files. Non-finite values are written as JSON null; floats use Python's round-trip repr.
"""

import json
import math
import os
import warnings

import numpy as np
import scipy
from scipy import special, stats
from scipy.stats import contingency

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "StatsTests", "Fixtures")


def num(v):
    """A JSON-safe float: NaN/inf become None."""
    v = float(v)
    return v if math.isfinite(v) else None


def dump(name, payload):
    payload = {"generator": "Scripts/make_stats_fixtures.py", "scipy": scipy.__version__, **payload}
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(payload, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"{name}: {os.path.getsize(path)} bytes")


# ---------------------------------------------------------------------------------------------
# Special functions


def special_fixtures():
    gammaln_x = [1e-300, 1e-20, 1e-10, 1e-5, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1 - 1e-6, 1.0,
                 1 + 1e-6, 1.01, 1.25, 1.5, 1.75, 1.99, 2.0, 2 + 1e-6, 2.01, 2.25, 2.5, 2.75, 3.0, 3.5,
                 4.5, 5.0, 7.25, 9.99, 10.0, 11.5, 12.0, 12.5, 15.3, 20.0, 33.3, 50.0, 100.5, 171.6,
                 1000.0, 12345.678, 1e5, 1e10, 1e15, 1e100, 1e300,
                 -0.5, -1.5, -2.5, -0.001, -3.7, -10.3, -100.7]
    # [x, scipy gammaln, 40-digit mpmath loggamma]: scipy's gammaln is only ~1e-10 relative right
    # next to its zeros at x = 1 and x = 2, so the tests also hold the Swift code to mpmath there.
    import mpmath
    mpmath.mp.dps = 40
    gammaln = [[x, num(special.gammaln(x)), num(mpmath.re(mpmath.loggamma(x)))] for x in gammaln_x]

    gamma_a = [1e-3, 0.1, 0.5, 1.0, 1.5, 2.5, 3.0, 5.0, 7.5, 9.99, 10.0, 12.5, 20.0, 33.3, 50.0,
               100.0, 250.0, 500.0, 1000.0, 5000.0]
    gamma_f = [1e-3, 0.1, 0.5, 0.9, 0.99, 1.0, 1.01, 1.1, 1.5, 2.0, 5.0, 10.0]
    gammainc = []
    for a in gamma_a:
        xs = sorted(set([a * f for f in gamma_f] + [1e-8, 0.5, 1.0, 3.0]))
        for x in xs:
            gammainc.append([a, x, num(special.gammainc(a, x)), num(special.gammaincc(a, x))])

    beta_ab = [0.5, 1.0, 2.5, 10.0, 30.0, 200.0, 1500.0]
    beta_x = [1e-10, 1e-3, 0.05, 0.2, 0.5, 0.8, 0.95, 0.999, 1 - 1e-10]
    betainc = []
    for a in beta_ab:
        for b in beta_ab:
            for x in sorted(set(beta_x + [a / (a + b)])):
                betainc.append([a, b, x, num(special.betainc(a, b, x)), num(special.betaincc(a, b, x))])

    chi2_x = [0.0, 1e-10, 1e-5, 0.001, 0.01, 0.1, 0.5, 1.0, 2.0, 3.841458820694124, 5.0, 10.0, 20.0,
              50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 1e4, 3e4, 1e5]
    chi2_dof = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 300,
                500, 750, 1000]
    chi2sf = [[x, d, num(special.chdtrc(d, x))] for d in chi2_dof for x in chi2_x]
    # Tails: x where the survival function is p for p from 1e-300 to 1 - 1e-10.
    tails = [1e-300, 1e-250, 1e-200, 1e-150, 1e-100, 1e-50, 1e-20, 1e-10, 1e-5, 0.05, 0.5, 0.95,
             1 - 1e-5, 1 - 1e-10]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for d in chi2_dof:
            for p in tails:
                x = float(stats.chi2.isf(p, d))
                if math.isfinite(x) and x > 0:
                    chi2sf.append([x, d, num(special.chdtrc(d, x))])

    # The p-value of pearsonr: 2 * betaincc(n/2 - 1, n/2 - 1, (|r| + 1)/2).
    rs = [0.0, 1e-8, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999, 0.999999, 1 - 1e-10, 1 - 1e-13, 1.0,
          -0.25, -0.95, -0.9999]
    ns = [3, 4, 5, 7, 10, 30, 100, 1000, 10000]
    pearson_p = []
    for n in ns:
        ab = n / 2 - 1
        for r in rs:
            pearson_p.append([r, n, num(2 * special.betaincc(ab, ab, (abs(r) - (-1)) / 2))])

    dump("special.json", {
        "gammaln": gammaln, "gammainc": gammainc, "betainc": betainc, "chi2sf": chi2sf,
        "pearsonPValue": pearson_p,
    })


# ---------------------------------------------------------------------------------------------
# Contingency tables, Cramér's V, phi


def bergsma(table):
    t = np.asarray(table, dtype=float)
    chi2 = contingency.chi2_contingency(t, correction=False).statistic
    n = t.sum()
    r, k = t.shape
    phi2 = chi2 / n
    phi2c = max(0.0, phi2 - (k - 1) * (r - 1) / (n - 1))
    kc = k - (k - 1) ** 2 / (n - 1)
    rc = r - (r - 1) ** 2 / (n - 1)
    denominator = min(kc - 1, rc - 1)
    if n <= 1 or denominator <= 0:
        return float("nan")  # undefined: too few observations for the table's size
    return math.sqrt(phi2c / denominator)


def chi2_case(name, table, correction):
    table_arr = np.asarray(table, dtype=float)
    case = {"name": name, "table": np.asarray(table, dtype=float).tolist(), "correction": correction}
    pruned = table_arr
    rows = [i for i in range(table_arr.shape[0]) if np.any(table_arr[i] != 0)]
    cols = [j for j in range(table_arr.shape[1]) if np.any(table_arr[:, j] != 0)]
    case["droppedRows"] = [i for i in range(table_arr.shape[0]) if i not in rows]
    case["droppedColumns"] = [j for j in range(table_arr.shape[1]) if j not in cols]
    try:
        res = contingency.chi2_contingency(table_arr, correction=correction)
        case["scipyRaises"] = False
    except ValueError:
        case["scipyRaises"] = True
        pruned = table_arr[np.ix_(rows, cols)]
        res = contingency.chi2_contingency(pruned, correction=correction)
    # Results are those of scipy on the table after dropping all-zero rows/columns (if needed).
    case["statistic"] = num(res.statistic)
    case["pvalue"] = num(res.pvalue)
    case["dof"] = int(res.dof)
    case["expected"] = [[num(v) for v in row] for row in res.expected_freq]
    return case


def contingency_fixtures():
    rng = np.random.default_rng(20240607)
    hand = [
        ("2x2 textbook", [[10, 20], [30, 40]]),
        ("2x2 scipy docs", [[12, 3], [17, 16]]),
        ("2x2 Yates clipped (|o-e| < 0.5)", [[3, 4], [4, 5]]),
        ("2x2 Yates exactly 0.5", [[5, 6], [6, 5]]),
        ("2x2 balanced", [[5, 5], [5, 5]]),
        ("2x2 tiny", [[1, 0], [0, 1]]),
        ("2x2 strong", [[1200, 800], [700, 1300]]),
        ("2x2 p ~ 1e-166", [[1000, 300], [300, 1000]]),
        ("2x2 p underflows", [[5000, 10], [10, 5000]]),
        ("2x2 weights", [[2.5, 7.25], [10.125, 3.0]]),
        ("2x3 scipy docs", [[10, 10, 20], [20, 20, 20]]),
        ("3x3 nearly independent", [[10, 20, 30], [20, 40, 60], [30, 60, 91]]),
        ("4x2 association docs", [[100, 150], [203, 322], [420, 700], [320, 210]]),
        ("3x4 float", [[1.5, 2.25, 3.0, 0.5], [4.0, 0.75, 2.0, 1.0], [0.25, 3.5, 1.25, 2.0]]),
        ("7x7 disgust never predicted", [[30, 2, 1, 0, 3, 1, 4], [3, 12, 2, 0, 1, 0, 2], [1, 1, 9, 0, 4, 2, 1],
                                          [2, 3, 1, 0, 1, 0, 0], [2, 0, 5, 0, 25, 3, 2], [0, 1, 2, 0, 1, 8, 1],
                                          [5, 2, 1, 0, 3, 0, 40]]),
        ("empty row and column", [[4, 0, 6], [0, 0, 0], [3, 0, 9], [5, 0, 1]]),
        ("2x2 with empty column becomes 2x1", [[4, 0], [6, 0]]),
    ]
    cases = []
    for name, table in hand:
        for correction in (True, False):
            cases.append(chi2_case(name, table, correction))
    for k in range(24):
        r, c = int(rng.integers(2, 7)), int(rng.integers(2, 7))
        if k < 6:
            r, c = 2, 2
        lam = float(rng.choice([2.0, 8.0, 50.0, 400.0]))
        table = rng.poisson(lam, size=(r, c)) + 1
        if k % 5 == 0:  # inject association
            table[0, 0] += int(3 * lam)
        cases.append(chi2_case(f"random {r}x{c} #{k}", table.tolist(), bool(k % 2)))

    assoc = []
    for name, table in hand + [(f"random #{k}", (rng.poisson(float(rng.choice([3.0, 20.0, 200.0])), size=(int(rng.integers(2, 6)), int(rng.integers(2, 6)))) + 1).tolist()) for k in range(12)]:
        arr = np.asarray(table)
        if not np.issubdtype(arr.dtype, np.integer) or np.any(arr.sum(axis=0) == 0) or np.any(arr.sum(axis=1) == 0):
            continue
        entry = {"name": name, "table": arr.astype(float).tolist(),
                 "cramer": num(contingency.association(arr, method="cramer")),
                 "bergsma": num(bergsma(arr))}
        if arr.shape == (2, 2):
            (a, b), (c, d) = arr.astype(float)
            entry["phi"] = num((a * d - b * c) / math.sqrt((a + b) * (c + d) * (a + c) * (b + d)))
        assoc.append(entry)

    dump("contingency.json", {"chi2": cases, "association": assoc})


# ---------------------------------------------------------------------------------------------
# Pearson


def pearson_fixtures():
    rng = np.random.default_rng(7)
    cases = []

    def add(name, x, y):
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = stats.pearsonr(x, y)
        cases.append({"name": name, "x": x.tolist(), "y": y.tolist(), "r": num(res.statistic),
                      "pvalue": num(res.pvalue)})

    for n in (3, 3, 4, 5, 10, 25, 60, 150):
        x = rng.normal(size=n)
        add(f"independent n={n}", x, rng.normal(size=n))
    for n in (3, 8, 40, 200):
        x = rng.normal(size=n)
        add(f"correlated n={n}", x, 0.6 * x + 0.8 * rng.normal(size=n))
        add(f"anti-correlated n={n}", x, -0.9 * x + 0.3 * rng.normal(size=n))
    for n, noise in ((3, 1e-3), (10, 1e-3), (30, 1e-2), (100, 1e-2), (300, 0.05)):
        x = rng.normal(size=n)
        add(f"near-perfect n={n} noise={noise}", x, 2 * x + 1 + noise * rng.normal(size=n))
    add("integers", [1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 4, 3, 6, 8, 7, 5])
    add("large offset", 1e6 + rng.normal(size=20), rng.normal(size=20))
    add("emotion scores", rng.uniform(size=50), rng.uniform(size=50))
    add("n=2 increasing", [1.0, 2.0], [3.0, 5.0])
    add("n=2 decreasing", [1.0, 2.0], [5.0, 3.0])
    add("constant x", [2.0, 2.0, 2.0, 2.0], [1.0, 2.0, 3.0, 4.0])
    add("constant y", [1.0, 2.0, 3.0], [7.0, 7.0, 7.0])
    dump("pearson.json", {"cases": cases})


# ---------------------------------------------------------------------------------------------
# Classification reports


def classification_fixtures():
    from sklearn import metrics
    import sklearn

    rng = np.random.default_rng(11)
    emotions = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
    cases = []

    def add(name, y_true, y_pred, labels=None, target_names=None, digits=2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            text = metrics.classification_report(y_true, y_pred, labels=labels, target_names=target_names,
                                                 digits=digits)
            d = metrics.classification_report(y_true, y_pred, labels=labels, target_names=target_names,
                                              output_dict=True)
            cm = metrics.confusion_matrix(y_true, y_pred, labels=labels)
            acc = metrics.accuracy_score(y_true, y_pred)
        rows = []
        for key, value in d.items():
            if key == "accuracy":
                continue
            rows.append({"name": key, "precision": value["precision"], "recall": value["recall"],
                         "f1": value["f1-score"], "support": int(value["support"])})
        cases.append({"name": name, "yTrue": [str(v) for v in y_true], "yPred": [str(v) for v in y_pred],
                      "intLabels": isinstance(y_true[0], (int, np.integer)),
                      "labels": None if labels is None else [str(v) for v in labels],
                      "targetNames": target_names, "digits": digits, "text": text, "rows": rows,
                      "accuracyRow": d.get("accuracy"), "confusion": cm.tolist(), "accuracy": acc})

    # Face vs voice style predictions: mostly right, "disgust" never predicted.
    y_true = list(rng.choice(emotions, size=120, p=[0.15, 0.05, 0.1, 0.25, 0.25, 0.12, 0.08]))
    y_pred = [t if rng.uniform() < 0.6 else str(rng.choice(emotions)) for t in y_true]
    y_pred = [p if p != "disgust" else "neutral" for p in y_pred]
    add("emotions, disgust never predicted", y_true, y_pred)
    add("emotions, 4 digits", y_true, y_pred, digits=4)
    add("emotions, label subset -> micro avg", y_true, y_pred, labels=["angry", "happy", "sad"])
    add("emotions, label absent from data", y_true, y_pred, labels=emotions + ["contempt"])
    add("binary ints with target names", [0, 1, 1, 0, 1, 1, 0, 0, 1, 1], [0, 1, 0, 0, 1, 1, 1, 0, 1, 0],
        target_names=["calm", "excited"])
    add("ints, 3 classes, 0 digits", [2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2], digits=0)
    add("long names", ["a very long class name", "b"] * 3, ["b", "b", "a very long class name", "b", "b", "b"],
        digits=3)
    dump("classification.json", {"sklearn": sklearn.__version__, "cases": cases})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    special_fixtures()
    contingency_fixtures()
    pearson_fixtures()
    classification_fixtures()
