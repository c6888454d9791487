#!/usr/bin/env python3
"""Reference values for test/stats.test.ts, computed independently of the TypeScript code.

Every statistic in src/stats/ is computed here with SciPy and scikit-learn (or, where neither has it,
with a separate textbook implementation) on fixed inputs, including ties, constant samples and
constant groups. The inputs and the expected values are written together to
fixtures/stats/reference.json, which the tests read.

Run with Debian's Python and its packages (apt-get install -y python3-scipy python3-sklearn):

    /usr/bin/python3 scripts/stats_reference.py

An undefined value (NaN in SciPy / scikit-learn) is written as null, since JSON has no NaN.
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
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    f1_score,
    mean_absolute_error,
    mean_squared_error,
)

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "stats" / "reference.json"
rng = np.random.RandomState(20240611)


def num(value):
    """A float for JSON, or None for NaN."""
    value = float(value)
    return None if math.isnan(value) else value


def quiet(fn, *args, **kwargs):
    """Calls fn with SciPy's and scikit-learn's warnings about undefined values silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def rounded(values, digits=4):
    return [round(float(v), digits) for v in values]


# ---------------------------------------------------------------- inputs

def likert_pair(n, noise):
    x = rng.randint(1, 6, size=n)
    y = np.clip(x + rng.randint(-noise, noise + 1, size=n), 1, 5)
    return [int(v) for v in x], [int(v) for v in y]


continuous_x = rounded(rng.normal(size=20))
continuous_y = rounded(0.6 * np.array(continuous_x) + rng.normal(scale=0.8, size=20))
likert_x, likert_y = likert_pair(30, 1)
large_x, large_y = likert_pair(600, 2)
binary_x = [int(v) for v in rng.randint(0, 2, size=25)]
quarter_y = [round(min(1.0, max(0.0, 0.5 * b + rng.choice([-0.25, 0, 0.25, 0.5]))), 2) for b in binary_x]
odd_x = rounded(rng.uniform(size=257), 2)
odd_y = rounded(np.array(odd_x) * -0.3 + rng.uniform(size=257) * 0.7, 2)

correlation_inputs = [
    ("continuous n=20", continuous_x, continuous_y),
    ("Likert 1-5 with ties n=30", likert_x, likert_y),
    ("Likert 1-5 with ties n=600", large_x, large_y),
    ("binary human vs quarter-step judge", [float(v) for v in binary_x], quarter_y),
    ("negative with ties n=257", odd_x, odd_y),
    ("one value differs", [1, 1, 1, 1, 2], [3, 3, 2, 3, 3]),
    ("ties in both at the same rows", [1, 1, 2, 2, 3, 3], [1, 1, 2, 3, 3, 3]),
    ("two rows", [1, 2], [3, 1]),
    ("constant x", [0.5, 0.5, 0.5, 0.5], [0.1, 0.4, 0.2, 0.9]),
    ("constant y", [1, 2, 3, 4, 5], [0.75, 0.75, 0.75, 0.75, 0.75]),
]


def correlations(x, y):
    return {
        "pearson": num(quiet(stats.pearsonr, x, y)[0]),
        "spearman": num(quiet(stats.spearmanr, x, y)[0]),
        "kendall": num(quiet(stats.kendalltau, x, y)[0]),  # variant 'b' is the default
    }


correlation_cases = []
for name, x, y in correlation_inputs:
    case = {"name": name, "x": x, "y": y, **correlations(x, y)}
    case["mae"] = num(mean_absolute_error(x, y))
    case["rmse"] = num(math.sqrt(mean_squared_error(x, y)))
    correlation_cases.append(case)

# ---------------------------------------------------------------- grouped correlation

grouped_human, grouped_judge, grouped_ids = [], [], []


def add_group(group_id, human, judge):
    grouped_human.extend(human)
    grouped_judge.extend(judge)
    grouped_ids.extend([group_id] * len(human))


for g in range(6):
    size = int(rng.randint(3, 9))
    h = [int(v) for v in rng.randint(1, 6, size=size)]
    j = [float(min(1.0, max(0.0, (v - 1) / 4 + rng.choice([-0.25, 0, 0, 0.25])))) for v in h]
    add_group(f"doc-{g}", h, j)
add_group("single-row", [3], [0.5])
add_group("constant-human", [4, 4, 4, 4], [0.25, 0.5, 1.0, 0.75])
add_group("constant-judge", [1, 3, 5], [0.5, 0.5, 0.5])
add_group(7, [2, 5, 3], [0.25, 1.0, 0.75])  # numeric group ids work too

# Interleave the rows so that groups are not contiguous.
order = rng.permutation(len(grouped_ids))
grouped_human = [grouped_human[i] for i in order]
grouped_judge = [grouped_judge[i] for i in order]
grouped_ids = [grouped_ids[i] for i in order]


def grouped(method_fn):
    values, skipped = [], 0
    for group_id in dict.fromkeys(grouped_ids):
        rows = [i for i, g in enumerate(grouped_ids) if g == group_id]
        if len(rows) < 2:
            skipped += 1
            continue
        r = quiet(method_fn, [grouped_human[i] for i in rows], [grouped_judge[i] for i in rows])[0]
        if math.isnan(r):
            skipped += 1
            continue
        values.append(r)
    return {"value": num(np.mean(values)) if values else None, "groupsUsed": len(values), "groupsSkipped": skipped}


grouped_case = {
    "human": grouped_human,
    "judge": grouped_judge,
    "groups": grouped_ids,
    "pearson": grouped(stats.pearsonr),
    "spearman": grouped(stats.spearmanr),
    "kendall": grouped(stats.kendalltau),
}

# ---------------------------------------------------------------- agreement at a floor

likert_scores = np.array([0, 0.25, 0.5, 0.75, 1.0])
floor_inputs = [
    ("mixed, values exactly at the floor", rounded(rng.choice(likert_scores, 40), 2),
     rounded(rng.choice(likert_scores, 40), 2), 0.5),
    ("correlated, floor 0.75", [(v - 1) / 4 for v in likert_x], [(v - 1) / 4 for v in likert_y], 0.75),
    ("continuous judge", [float(v) for v in binary_x], quarter_y, 0.6),
    ("judge passes everything", [0, 0.25, 1, 1, 0.75, 0.5], [1, 1, 1, 0.75, 0.75, 1], 0.75),
    ("both pass everything", [0.8, 0.9, 1.0], [0.85, 1.0, 0.95], 0.75),
    ("both fail everything", [0.1, 0.2], [0.3, 0.0], 0.75),
]


def f1_or_null(truth, pred, positive):
    tp = sum(1 for t, p in zip(truth, pred) if t == positive and p == positive)
    fp_fn = sum(1 for t, p in zip(truth, pred) if t != p)
    if 2 * tp + fp_fn == 0:
        return None  # sklearn: 0.0 with UndefinedMetricWarning; we report NaN (see README)
    return num(quiet(f1_score, truth, pred, labels=[0, 1], pos_label=positive, average="binary"))


floor_cases = []
for name, human, judge, floor in floor_inputs:
    h = [1 if v >= floor else 0 for v in human]
    j = [1 if v >= floor else 0 for v in judge]
    floor_cases.append({
        "name": name, "human": human, "judge": judge, "floor": floor,
        "accuracy": num(accuracy_score(h, j)),
        "f1Fail": f1_or_null(h, j, 0),
        "f1Pass": f1_or_null(h, j, 1),
        "kappa": num(quiet(cohen_kappa_score, h, j)),
    })

# ---------------------------------------------------------------- kappa on a scale

kappa_inputs = [
    ("Likert n=30", likert_x, likert_y, 1, 5),
    ("Likert n=600", large_x, large_y, 1, 5),
    ("levels 1, 2 and 5 only", [1, 2, 5, 5, 1, 2, 5, 1], [1, 5, 5, 2, 2, 2, 5, 1], 1, 5),
    ("scale 0-3", [0, 1, 2, 3, 3, 2, 1, 0, 2, 2], [0, 2, 2, 3, 2, 2, 0, 0, 3, 1], 0, 3),
    ("perfect agreement", [1, 2, 3, 4, 5], [1, 2, 3, 4, 5], 1, 5),
    ("judge constant", [1, 2, 3, 4, 5], [3, 3, 3, 3, 3], 1, 5),
    ("both constant and equal", [4, 4, 4], [4, 4, 4], 1, 5),
]

kappa_cases = []
for name, a, b, lo, hi in kappa_inputs:
    scale = list(range(lo, hi + 1))
    kappa_cases.append({
        "name": name, "a": a, "b": b, "min": lo, "max": hi,
        "quadraticOnScale": num(quiet(cohen_kappa_score, a, b, labels=scale, weights="quadratic")),
        "unweighted": num(quiet(cohen_kappa_score, a, b)),
        "linear": num(quiet(cohen_kappa_score, a, b, weights="linear")),
        "quadraticObservedLabels": num(quiet(cohen_kappa_score, a, b, weights="quadratic")),
    })

# ---------------------------------------------------------------- ranks and quantiles

rank_inputs = [continuous_x, likert_x, [3, -1.5, 3, 3, 0, -1.5, 7], [2, 2, 2], [5]]
rank_cases = [{"values": v, "ranks": [float(r) for r in stats.rankdata(v, method="average")]} for v in rank_inputs]

quantile_ps = [0, 0.05, 0.1, 0.25, 0.5, 0.9, 0.975, 1]
quantile_cases = [
    {"values": v, "ps": quantile_ps, "quantiles": [num(q) for q in np.quantile(v, quantile_ps)]}
    for v in [continuous_x, likert_x, odd_x, [0.5], [1, 3]]
]

# ---------------------------------------------------------------- inter-annotator agreement


def krippendorff_interval(units):
    """Krippendorff's alpha, interval metric, by the coincidence matrix (Krippendorff 2011, section C)."""
    pairable = [[v for v in unit if v is not None] for unit in units]
    pairable = [u for u in pairable if len(u) >= 2]
    values = sorted({v for u in pairable for v in u})
    index = {v: i for i, v in enumerate(values)}
    coincidences = np.zeros((len(values), len(values)))
    for unit in pairable:
        m = len(unit)
        for i, c in enumerate(unit):
            for j, k in enumerate(unit):
                if i != j:
                    coincidences[index[c], index[k]] += 1 / (m - 1)
    marginals = coincidences.sum(axis=1)
    n = marginals.sum()
    v = np.array(values, dtype=float)
    delta = (v[:, None] - v[None, :]) ** 2
    observed = (coincidences * delta).sum()
    expected = (np.outer(marginals, marginals) * delta).sum() / (n - 1)
    return 1 - observed / expected if expected > 0 else float("nan")


def pairwise_spearman(units):
    annotators = max(len(u) for u in units)
    values, skipped = [], 0
    for p in range(annotators):
        for q in range(p + 1, annotators):
            both = [(u[p], u[q]) for u in units if len(u) > q and u[p] is not None and u[q] is not None]
            r = float("nan") if len(both) < 2 else quiet(stats.spearmanr, [a for a, _ in both], [b for _, b in both])[0]
            if math.isnan(r):
                skipped += 1
            else:
                values.append(r)
    return {"value": num(np.mean(values)) if values else None, "pairsUsed": len(values), "pairsSkipped": skipped}


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers, 12 units,
# missing data. The paper gives alpha = 0.849 for the interval metric.
textbook_by_observer = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
textbook_units = [list(unit) for unit in zip(*textbook_by_observer)]
assert round(krippendorff_interval(textbook_units), 3) == 0.849, "coincidence-matrix alpha disagrees with the paper"

random_units = []
for _ in range(40):
    truth = rng.randint(1, 6)
    unit = [int(np.clip(truth + rng.randint(-1, 2), 1, 5)) for _ in range(3)]
    random_units.append([None if rng.uniform() < 0.15 else v for v in unit])
continuous_units = [rounded(rng.normal(loc=rng.normal(), scale=0.5, size=4)) for _ in range(25)]

annotator_cases = [
    {"name": name, "units": units, "krippendorffAlphaInterval": num(krippendorff_interval(units)),
     "meanPairwiseSpearman": pairwise_spearman(units)}
    for name, units in [
        ("Krippendorff 2011 example (alpha 0.849)", textbook_units),
        ("3 annotators, Likert, 15% missing", random_units),
        ("4 annotators, continuous", continuous_units),
        ("all ratings equal", [[3, 3], [3, 3, 3], [3, None]]),
    ]
]

# ---------------------------------------------------------------- generators

M64 = (1 << 64) - 1
M32 = (1 << 32) - 1


def splitmix64(state):
    while True:
        state = (state + 0x9E3779B97F4A7C15) & M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        yield z ^ (z >> 31)


def rotl32(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


def xoshiro128starstar(s):
    s = list(s)
    while True:
        result = (rotl32((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl32(s[3], 11)
        yield result


def take(gen, count):
    return [next(gen) for _ in range(count)]


def seeded_floats(seed, count):
    a, b = take(splitmix64(seed & M64), 2)
    words = [a >> 32, a & M32, b >> 32, b & M32]
    return [u / 2**32 for u in take(xoshiro128starstar(words), count)]


# Anchors: SplitMix64 from seed 1234567 gives the sequence published with Vigna's reference code, and
# xoshiro128** from the state {1, 2, 3, 4} starts 11520, 0 (worked by hand from the algorithm).
assert take(splitmix64(1234567), 2) == [6457827717110365317, 3203168211198807973]
assert take(xoshiro128starstar([1, 2, 3, 4]), 2) == [11520, 0]

generator_case = {
    "splitmix64Seed1234567": [str(v) for v in take(splitmix64(1234567), 5)],
    "xoshiro128StarStarState1234": take(xoshiro128starstar([1, 2, 3, 4]), 10),
    "createRng": {str(seed): seeded_floats(seed, 5) for seed in [1, 42, -7, 2**40]},
}

# ---------------------------------------------------------------- write

reference = {
    "generatedBy": "scripts/stats_reference.py",
    "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                 "sklearn": sklearn.__version__},
    "correlation": correlation_cases,
    "grouped": grouped_case,
    "floor": floor_cases,
    "kappa": kappa_cases,
    "ranks": rank_cases,
    "quantiles": quantile_cases,
    "annotators": annotator_cases,
    "generators": generator_case,
}
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(reference, indent=1, allow_nan=False) + "\n")
print(f"wrote {OUT}")
