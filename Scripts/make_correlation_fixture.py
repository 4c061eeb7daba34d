#!/usr/bin/env python3
"""Writes the reference fixture of the Correlation module's end-to-end test.

Usage (from the repository root):

    python3 Scripts/make_correlation_fixture.py

Needs numpy, scipy and scikit-learn (made with scipy 1.17.1, scikit-learn 1.9.1).
Output: Tests/CorrelationTests/Fixtures/correlation_study.json. Everything is seeded, so re-running
gives the same file. Non-finite values are written as JSON null; floats use Python's round-trip repr.

The fixture holds the *inputs* of a small set of takes -- per-frame face probabilities and per-segment
voice probabilities, as TakeSense's models would produce them -- and the study's expected results,
computed here independently of the Swift code:

- each take's scene distributions follow TakeAssembler's documented rules (every frame or segment
  renormalised over the labels; face = plain mean over frames, voice = mean weighted by segment
  duration; top emotion = first maximum in label order);
- takes with no face frame or no speech segment are left out of the study;
- chi-square: scipy.stats.chi2_contingency on the img_pred x speech_pred crosstab with its all-zero
  rows and columns dropped; Cramer's V: scipy.stats.contingency.association; the bias-corrected V
  from Bergsma's (2013) formula;
- phi of the one-hot variables: numpy.corrcoef of the 0/1 columns (Pearson's r of two binary
  variables is phi), NaN for a constant variable; pairwise p: chi2_contingency of each 2x2 table;
- Pearson: scipy.stats.pearsonr of each pair of probability columns;
- classification: sklearn.metrics on the scenes whose truth is one of the labels (the report over the
  classes present, scikit-learn's default; the confusion matrix over every label).
"""

import json
import math
import os
import warnings

import numpy as np
import scipy
import sklearn
from scipy import stats
from scipy.stats import contingency
from sklearn import metrics

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "CorrelationTests", "Fixtures")
LABELS = ["angry", "disgust", "fear", "happy", "neutral", "sad"]


def num(v):
    v = float(v)
    return v if math.isfinite(v) else None


def matrix(m):
    return [[num(x) for x in row] for row in m]


def make_scenes(rng):
    """Takes whose face and voice both lean, noisily, towards a latent emotion."""
    scenes = []
    n = 46
    for i in range(n):
        latent = int(rng.randint(len(LABELS)))
        face_target = latent if rng.rand() < 0.8 else int(rng.randint(len(LABELS)))
        voice_target = latent if rng.rand() < 0.75 else int(rng.randint(len(LABELS)))
        # The face never leans towards disgust and the voice never towards fear, so those classes
        # are (almost surely) never predicted: the study drops their empty rows / columns.
        if face_target == 1:
            face_target = 3
        if voice_target == 2:
            voice_target = 5
        frames = []
        for f in range(int(rng.randint(3, 7))):
            alpha = np.full(len(LABELS), 0.6)
            alpha[face_target] += 3.0
            alpha[1] = 0.05  # disgust
            p = rng.dirichlet(alpha)
            frames.append({"t": round(0.5 * f + 0.1, 3), "probabilities": [round(float(x), 6) for x in p]})
        segments = []
        t = 0.2
        for s in range(int(rng.randint(1, 4))):
            duration = round(float(rng.uniform(0.8, 3.0)), 3)
            alpha = np.full(len(LABELS), 0.7)
            alpha[voice_target] += 2.5
            alpha[2] = 0.05  # fear
            p = rng.dirichlet(alpha)
            segments.append({"start": round(t, 3), "end": round(t + duration, 3), "probabilities": [round(float(x), 6) for x in p]})
            t += duration + 0.3
        truth = LABELS[latent]
        scenes.append({"take": f"take_{i:02d}.mp4", "duration": round(t + 0.5, 3), "face_frames": frames,
                       "sampled_times": [fr["t"] for fr in frames], "voice_segments": segments, "truth": truth})
    # Ground truth outside the labels (left out of the classification reports) and unknown truth.
    scenes[3]["truth"] = "surprise"
    scenes[17]["truth"] = "surprise"
    scenes[25]["truth"] = None
    # A take without any face and one without speech: left out of the study.
    scenes[8]["face_frames"] = []
    scenes[30]["voice_segments"] = []
    return scenes


def normalised(p):
    s = 0.0
    for x in p:
        s += max(0.0, x)
    return [max(0.0, x) / s for x in p]


def weighted_mean(items):
    """TakeAssembler's Distributions.mean: sequential weighted sum, divided by the total weight."""
    acc = [0.0] * len(LABELS)
    total = 0.0
    for p, w in items:
        v = normalised(p)
        for k in range(len(LABELS)):
            acc[k] += w * v[k]
        total += w
    return [a / total for a in acc]


def top(p):
    best = 0
    for k in range(1, len(p)):
        if p[k] > p[best]:
            best = k
    return LABELS[best]


def crosstab(a, b, rows, columns):
    t = np.zeros((len(rows), len(columns)))
    for x, y in zip(a, b):
        t[rows.index(x), columns.index(y)] += 1
    return t


def main():
    rng = np.random.RandomState(20240607)
    scenes = make_scenes(rng)

    used, excluded = [], []
    for s in scenes:
        if not s["face_frames"] or not s["voice_segments"]:
            excluded.append(s["take"])
            continue
        face = weighted_mean([(f["probabilities"], 1.0) for f in s["face_frames"]])
        voice = weighted_mean([(g["probabilities"], g["end"] - g["start"]) for g in s["voice_segments"]])
        used.append({"take": s["take"], "img_pred": top(face), "speech_pred": top(voice),
                     "img_prob": face, "speech_prob": voice, "truth": s["truth"]})

    img = [u["img_pred"] for u in used]
    speech = [u["speech_pred"] for u in used]
    table = crosstab(img, speech, LABELS, LABELS)
    kept_rows = [i for i in range(len(LABELS)) if table[i].sum() > 0]
    kept_cols = [j for j in range(len(LABELS)) if table[:, j].sum() > 0]
    pruned = table[np.ix_(kept_rows, kept_cols)]
    chi = stats.chi2_contingency(pruned, correction=True)
    n = pruned.sum()
    v = contingency.association(pruned.astype(int), method="cramer", correction=False)
    chi_plain = stats.chi2_contingency(pruned, correction=False).statistic
    r_, k_ = pruned.shape
    phi2 = max(0.0, chi_plain / n - (k_ - 1) * (r_ - 1) / (n - 1))
    k_tilde = k_ - (k_ - 1) ** 2 / (n - 1)
    r_tilde = r_ - (r_ - 1) ** 2 / (n - 1)
    v_corrected = math.sqrt(phi2 / min(k_tilde - 1, r_tilde - 1))

    one_hot_names = [f"img_pred_one_hot_{l}" for l in LABELS] + [f"speech_pred_one_hot_{l}" for l in LABELS]
    one_hot = np.array([[1.0 if x == l else 0.0 for x in img] for l in LABELS]
                       + [[1.0 if x == l else 0.0 for x in speech] for l in LABELS])
    m = len(one_hot_names)
    phi = np.full((m, m), np.nan)
    pairwise = np.full((m, m), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corr = np.corrcoef(one_hot)
    for i in range(m):
        for j in range(m):
            if one_hot[i].min() == one_hot[i].max() or one_hot[j].min() == one_hot[j].max():
                continue
            phi[i, j] = corr[i, j]
            t = crosstab(list(one_hot[i]), list(one_hot[j]), [1.0, 0.0], [1.0, 0.0])
            pairwise[i, j] = stats.chi2_contingency(t, correction=True).pvalue

    prob_names = [f"img_pred_prob_{l}" for l in LABELS] + [f"speech_pred_prob_{l}" for l in LABELS]
    probs = [[u["img_prob"][k] for u in used] for k in range(len(LABELS))] + \
            [[u["speech_prob"][k] for u in used] for k in range(len(LABELS))]
    pearson = np.full((m, m), np.nan)
    pearson_p = np.full((m, m), np.nan)
    for i in range(m):
        for j in range(m):
            res = stats.pearsonr(probs[i], probs[j])
            pearson[i, j] = res.statistic
            pearson_p[i, j] = res.pvalue

    scored = [u for u in used if u["truth"] in LABELS]
    truth = [u["truth"] for u in scored]
    classification = {"scenes": len(scored)}
    for name in ["img_pred", "speech_pred"]:
        pred = [u[name] for u in scored]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rep = metrics.classification_report(truth, pred, output_dict=True, zero_division=0)
        classification[name] = {
            "accuracy": num(metrics.accuracy_score(truth, pred)),
            "macro_f1": num(rep["macro avg"]["f1-score"]),
            "weighted_f1": num(rep["weighted avg"]["f1-score"]),
            "confusion_matrix": metrics.confusion_matrix(truth, pred, labels=LABELS).tolist(),
        }

    payload = {
        "generator": "Scripts/make_correlation_fixture.py",
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "labels": LABELS,
        "scenes": scenes,
        "expected": {
            "scenes": len(used),
            "excluded": excluded,
            "img_pred": img,
            "speech_pred": speech,
            "counts": table.astype(int).tolist(),
            "dropped_img_pred": [LABELS[i] for i in range(len(LABELS)) if i not in kept_rows],
            "dropped_speech_pred": [LABELS[j] for j in range(len(LABELS)) if j not in kept_cols],
            "chi_square": {"statistic": num(chi.statistic), "p_value": num(chi.pvalue), "dof": int(chi.dof)},
            "cramers_v": num(v),
            "cramers_v_corrected": num(v_corrected),
            "phi": {"variables": one_hot_names, "matrix": matrix(phi)},
            "pairwise_p": {"variables": one_hot_names, "matrix": matrix(pairwise)},
            "pearson": {"variables": prob_names, "matrix": matrix(pearson)},
            "pearson_p": {"variables": prob_names, "matrix": matrix(pearson_p)},
            "classification": classification,
        },
    }
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "correlation_study.json")
    with open(path, "w") as f:
        json.dump(payload, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"{path}: {os.path.getsize(path)} bytes; {len(used)} scenes, chi2 = {chi.statistic:.4f}, dof = {chi.dof}, "
          f"p = {chi.pvalue:.4f}, V = {v:.4f}, V~ = {v_corrected:.4f}; dropped img {payload['expected']['dropped_img_pred']}, "
          f"speech {payload['expected']['dropped_speech_pred']}")


if __name__ == "__main__":
    main()
