#!/usr/bin/env python3
"""Reference values for test/calibration-measure.test.ts, computed independently of the TypeScript code.

What calibration computes on top of the statistics that scripts/stats_reference.py checks: human scores of
several annotators averaged and normalised, human scores put on the judge's scale for the quadratic-weighted
kappa, correlations averaged over groups (rows without a group left out, undefined groups skipped) with an
interval that resamples the groups, percentile bootstrap intervals of every statistic (the same seeded
xoshiro128** draws as src/stats/random.ts), the clustering flag, agreement between annotators and of the judge
with single annotators, and the per-file breakdown. Written to fixtures/stats/calibration-reference.json.

    /usr/bin/python3 scripts/calibration_reference.py

An undefined value (NaN) is written as null.
"""

import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy import stats
from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score, mean_absolute_error, mean_squared_error

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "stats" / "calibration-reference.json"
rng = np.random.RandomState(20250301)
M64 = (1 << 64) - 1
M32 = (1 << 32) - 1
RESAMPLES, SEED, LEVEL = 300, 7, 0.95
SCALE = (1, 5)
FLOOR = 0.6


def num(value):
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# ---------------------------------------------------------------- the seeded generator of src/stats/random.ts

def splitmix64(state):
    while True:
        state = (state + 0x9E3779B97F4A7C15) & M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        yield z ^ (z >> 31)


def rotl32(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


def uniform_stream(seed):
    """createRng(seed): xoshiro128** seeded by two SplitMix64 outputs, as floats in [0, 1)."""
    mix = splitmix64(seed & M64)
    a, b = next(mix), next(mix)
    s = [a >> 32, a & M32, b >> 32, b & M32]
    while True:
        result = (rotl32((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl32(s[3], 11)
        yield result / 2**32


def bootstrap(statistics, n):
    """Percentile intervals: every statistic on the same resamples of row indices; NaN resamples left out."""
    draws = uniform_stream(SEED)
    collected = {}
    for _ in range(RESAMPLES):
        idx = [math.floor(next(draws) * n) for _ in range(n)]
        for key, value in statistics(idx).items():
            if not math.isnan(value):
                collected.setdefault(key, []).append(value)
    tail = (1 - LEVEL) / 2
    estimates = statistics(list(range(n)))
    return {
        key: {
            "value": num(estimates[key]),
            "low": num(np.quantile(collected[key], tail)) if collected.get(key) else None,
            "high": num(np.quantile(collected[key], 1 - tail)) if collected.get(key) else None,
        }
        for key in estimates
    }


# ---------------------------------------------------------------- statistics of one dimension

def correlation(method, x, y):
    if len(x) < 2 or len(set(x)) < 2 or len(set(y)) < 2:
        return float("nan")
    fn = {"pearson": stats.pearsonr, "spearman": stats.spearmanr, "kendall": stats.kendalltau}[method]
    return float(quiet(fn, x, y)[0])


def on_scale(score):
    low, high = SCALE
    return min(high, max(low, math.floor(low + score * (high - low) + 0.5 + 1e-9)))


def f1_or_nan(truth, pred, positive):
    if positive not in truth and positive not in pred:
        return float("nan")
    return float(f1_score(truth, pred, pos_label=positive))


def kappa_or_nan(a, b, **kwargs):
    return float(quiet(cohen_kappa_score, a, b, **kwargs))


def measure(rows):
    human = [r["human"] for r in rows]
    judge = [r["judge"] for r in rows]
    raw = [r["judgeRaw"] for r in rows]

    def pooled(idx):
        h = [human[i] for i in idx]
        j = [judge[i] for i in idx]
        hp = [1 if v >= FLOOR else 0 for v in h]
        jp = [1 if v >= FLOOR else 0 for v in j]
        return {
            "pearson": correlation("pearson", h, j),
            "spearman": correlation("spearman", h, j),
            "kendall": correlation("kendall", h, j),
            "meanAbsoluteError": float(mean_absolute_error(h, j)),
            "rootMeanSquaredError": math.sqrt(mean_squared_error(h, j)),
            "accuracy": float(accuracy_score(hp, jp)),
            "f1Fail": f1_or_nan(hp, jp, 0),
            "kappa": kappa_or_nan(hp, jp),
            "quadraticKappa": kappa_or_nan([on_scale(h_) for h_ in h], [raw[i] for i in idx], weights="quadratic",
                                           labels=list(range(SCALE[0], SCALE[1] + 1))),
        }

    result = bootstrap(pooled, len(rows))

    groups = {}
    for r in rows:
        if r.get("group") is not None:
            groups.setdefault(r["group"], []).append(r)
    grouped = None
    if groups:
        grouped = {"groups": len(groups), "rows": sum(len(g) for g in groups.values())}
        for method in ["pearson", "spearman", "kendall"]:
            values = [correlation(method, [r["human"] for r in g], [r["judge"] for r in g]) for g in groups.values()]
            values = [v for v in values if not math.isnan(v)]
            grouped[method] = bootstrap(lambda idx: {"mean": float(np.mean([values[i] for i in idx])) if idx else float("nan")},
                                        len(values))["mean"]
            if method == "spearman":
                grouped["used"] = len(values)
                grouped["skipped"] = len(groups) - len(values)
    result["grouped"] = grouped

    values, counts = np.unique(judge, return_counts=True)
    best = int(np.argmax(counts))  # the first of the most common, i.e. the smallest value on a tie
    share = counts[best] / len(judge)
    result["clustering"] = {"score": float(values[best]), "share": float(share), "clustered": bool(share > 0.6)}

    rated = [r for r in rows if r.get("annotators") and sum(v is not None for v in r["annotators"]) >= 2]
    annotators = None
    if rated:
        k = max(len(r["annotators"]) for r in rated)
        units = [[r["annotators"][a] if a < len(r["annotators"]) else None for a in range(k)] for r in rated]
        pairwise = []
        for p in range(k):
            for q in range(p + 1, k):
                both = [(u[p], u[q]) for u in units if u[p] is not None and u[q] is not None]
                c = correlation("spearman", [a for a, _ in both], [b for _, b in both])
                if not math.isnan(c):
                    pairwise.append(c)
        with_judge = []
        for a in range(k):
            both = [(u[a], r["judge"]) for u, r in zip(units, rated) if u[a] is not None]
            c = correlation("spearman", [x for x, _ in both], [y for _, y in both])
            if not math.isnan(c):
                with_judge.append(c)
        annotators = {
            "annotators": k,
            "rows": len(rated),
            "krippendorffAlpha": num(krippendorff_interval(units)),
            "pairwiseSpearman": num(np.mean(pairwise)) if pairwise else None,
            "judgeSpearman": num(np.mean(with_judge)) if with_judge else None,
        }
    result["annotators"] = annotators

    files = sorted({r["file"] for r in rows})
    result["files"] = [] if len(files) < 2 else [
        {"file": f, "n": len(sub), **{m: num(correlation(m, [r["human"] for r in sub], [r["judge"] for r in sub]))
                                      for m in ["pearson", "spearman", "kendall"]}}
        for f in files for sub in [[r for r in rows if r["file"] == f]]
    ]
    return result


def krippendorff_interval(units):
    """Krippendorff's alpha, interval metric, through the coincidence matrix (Krippendorff 2011, section C)."""
    pairable = [[v for v in unit if v is not None] for unit in units]
    pairable = [u for u in pairable if len(u) >= 2]
    values = sorted({v for u in pairable for v in u})
    index = {v: i for i, v in enumerate(values)}
    coincidences = np.zeros((len(values), len(values)))
    for unit in pairable:
        for i, c in enumerate(unit):
            for j, d in enumerate(unit):
                if i != j:
                    coincidences[index[c], index[d]] += 1 / (len(unit) - 1)
    marginals = coincidences.sum(axis=1)
    v = np.array(values, dtype=float)
    delta = (v[:, None] - v[None, :]) ** 2
    expected = (np.outer(marginals, marginals) * delta).sum() / (marginals.sum() - 1)
    return 1 - (coincidences * delta).sum() / expected if expected > 0 else float("nan")


# ---------------------------------------------------------------- inputs

def make_rows():
    """48 rows: 3 annotators on 1-5 (some ratings missing), a 1-5 judge, 8 groups (one where the judge is
    constant, one of a single row) and 6 rows without a group, from two files."""
    rows = []
    sizes = [6, 6, 6, 6, 6, 6, 5, 1, 6]
    for g, size in enumerate(sizes):
        for _ in range(size):
            truth = rng.randint(1, 6)
            ratings = [int(np.clip(truth + rng.randint(-1, 2), 1, 5)) for _ in range(3)]
            ratings = [None if rng.uniform() < 0.12 else v for v in ratings]
            if all(v is None for v in ratings):
                ratings[0] = int(truth)
            raw = 4 if g == 6 else int(np.clip(truth + rng.randint(-2, 2), 1, 5))
            normalized = [None if v is None else (v - 1) / 4 for v in ratings]
            present = [v for v in normalized if v is not None]
            total = 0.0
            for v in present:
                total += v
            rows.append({
                "ratings": ratings,
                "annotators": normalized,
                "human": total / len(present),
                "judgeRaw": raw,
                "judge": (raw - 1) / 4,
                "group": None if g == 8 else f"g{g + 1}",
                "file": "a.jsonl" if len(rows) % 3 else "b.jsonl",
            })
    return rows


main_rows = make_rows()
clustered_rows = [dict(r, judgeRaw=5, judge=1.0) if i % 10 < 7 else dict(r) for i, r in enumerate(main_rows)]
for r in clustered_rows:
    r["group"] = None
    r["file"] = "a.jsonl"
    r["annotators"] = None

cases = [
    {"name": "annotators, groups and two files", "rows": main_rows, "expected": measure(main_rows)},
    {"name": "a clustering judge, no groups, one file", "rows": clustered_rows, "expected": measure(clustered_rows)},
]

reference = {
    "generatedBy": "scripts/calibration_reference.py",
    "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                 "sklearn": sklearn.__version__},
    "bootstrap": {"resamples": RESAMPLES, "seed": SEED, "level": LEVEL},
    "scale": {"min": SCALE[0], "max": SCALE[1]},
    "floor": FLOOR,
    "cases": cases,
}
OUT.write_text(json.dumps(reference, indent=1, allow_nan=False) + "\n")
print(f"wrote {OUT}")
