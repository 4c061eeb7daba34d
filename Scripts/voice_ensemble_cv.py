#!/usr/bin/env python3
"""Issue 12: does averaging two voice recipes pay? Scored under the 10-fold speaker-independent CV.

Reads the frozen-encoder recipe's out-of-fold logits (`takesense evaluate voice --cv 10 --json CV.json`) and the
held-out predictions of a fine-tuned recipe's fold models (`Scripts/voice_finetune_cv.sh` writes
WORK/ft-cv/NAME/fold-AA-BB.csv with `evaluate voice --predictions`). Every RAVDESS clip is then predicted by
models that never heard its speaker, three ways: frozen alone, fine-tuned alone, and the mean of the two
probability vectors with a fixed weight (default 0.5, chosen before looking: no weight is tuned on the folds).
Prints per-fold accuracy / macro-F1 and mean ± sample sd over the folds both recipes cover.

    Scripts/voice_ensemble_cv.py CV.json WORK/ft-cv/NAME [--weight 0.5] [--json OUT]
"""
import argparse
import csv
import glob
import json
import math
import os
import statistics


def softmax(row):
    m = max(row)
    e = [math.exp(v - m) for v in row]
    s = sum(e)
    return [v / s for v in e]


def scores(truth, predicted, k):
    """Accuracy and macro-F1 (classes absent from both truth and prediction count as F1 0, as sklearn does)."""
    acc = sum(t == p for t, p in zip(truth, predicted)) / len(truth)
    f1s = []
    for c in range(k):
        tp = sum(t == c and p == c for t, p in zip(truth, predicted))
        fp = sum(t != c and p == c for t, p in zip(truth, predicted))
        fn = sum(t == c and p != c for t, p in zip(truth, predicted))
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return acc, sum(f1s) / k


def argmax(p):
    return max(range(len(p)), key=p.__getitem__)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cv_json")
    ap.add_argument("fold_dir")
    ap.add_argument("--weight", type=float, default=0.5, help="weight of the fine-tuned recipe (fixed, not tuned)")
    ap.add_argument("--json")
    a = ap.parse_args()
    cv = json.load(open(a.cv_json))
    labels = cv["labels"]
    frozen = {os.path.basename(p): (softmax(l), t) for p, l, t in zip(cv["oof_paths"], cv["oof_logits"], cv["oof_targets"])}
    rows = {"frozen": [], "fine-tuned": [], "mean": []}
    folds = []
    for path in sorted(glob.glob(os.path.join(a.fold_dir, "fold-*.csv"))):
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames[5:] != [f"p_{l}" for l in labels]:
                raise SystemExit(f"{path}: label columns {reader.fieldnames[5:]} differ from {a.cv_json}'s {labels}")
            clips = list(reader)
        truth, preds = [], {k: [] for k in rows}
        for r in clips:
            key = os.path.basename(r["path"])
            if key not in frozen:
                raise SystemExit(f"{path}: {key} has no out-of-fold prediction in {a.cv_json}")
            pf, t = frozen[key]
            if labels[t] != r["truth"]:
                raise SystemExit(f"{path}: {key} is {r['truth']} here but {labels[t]} in {a.cv_json}")
            pt = [float(r[f"p_{l}"]) for l in labels]
            pm = [(1 - a.weight) * x + a.weight * y for x, y in zip(pf, pt)]
            truth.append(t)
            for k, p in (("frozen", pf), ("fine-tuned", pt), ("mean", pm)):
                preds[k].append(argmax(p))
        name = os.path.basename(path)[len("fold-"):-len(".csv")]
        folds.append(name)
        for k in rows:
            rows[k].append(scores(truth, preds[k], len(labels)))
    if not folds:
        raise SystemExit(f"{a.fold_dir}: no fold-*.csv")
    sd = lambda v: statistics.stdev(v) if len(v) > 1 else 0.0
    out = {"folds": folds, "weight": a.weight}
    print("fold         " + "  ".join(f"{k:>17}" for k in rows))
    for i, name in enumerate(folds):
        print(f"{name:12} " + "  ".join(f"{rows[k][i][0]:.3f} / {rows[k][i][1]:.3f}" .rjust(17) for k in rows))
    for k, v in rows.items():
        acc, f1 = [x[0] for x in v], [x[1] for x in v]
        out[k] = {"accuracy": acc, "macro_f1": f1, "mean_accuracy": statistics.mean(acc), "mean_macro_f1": statistics.mean(f1)}
        print(f"{k}: {len(v)} folds, accuracy {statistics.mean(acc):.3f} ± {sd(acc):.3f}, macro-F1 {statistics.mean(f1):.3f} ± {sd(f1):.3f}")
    if a.json:
        tmp = a.json + ".partial"
        json.dump(out, open(tmp, "w"), indent=1)
        os.replace(tmp, a.json)


if __name__ == "__main__":
    main()
