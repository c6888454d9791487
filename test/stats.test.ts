import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { RubricArgumentError } from '../src/errors.ts'
import {
  type AnnotatorRatings,
  agreementAtFloor,
  averageRanks,
  bootstrapInterval,
  cohenKappa,
  correlation,
  createRng,
  groupedCorrelation,
  isClustered,
  kendallTauB,
  krippendorffAlphaInterval,
  mean,
  meanAbsoluteError,
  meanPairwiseSpearman,
  mostCommonValue,
  pairedBootstrapMeanDiff,
  pearson,
  quadraticWeightedKappa,
  quantile,
  type Rng,
  randomIndex,
  rootMeanSquaredError,
  spearman,
  splitMix64,
  xoshiro128StarStar,
} from '../src/stats/index.ts'

/** Written by scripts/stats_reference.py with SciPy and scikit-learn; `null` stands for NaN. */
interface Reference {
  correlation: {
    name: string
    x: number[]
    y: number[]
    pearson: number | null
    spearman: number | null
    kendall: number | null
    mae: number
    rmse: number
  }[]
  grouped: {
    human: number[]
    judge: number[]
    groups: (string | number)[]
  } & Record<
    'pearson' | 'spearman' | 'kendall',
    { value: number | null; groupsUsed: number; groupsSkipped: number }
  >
  floor: {
    name: string
    human: number[]
    judge: number[]
    floor: number
    accuracy: number
    f1Fail: number | null
    f1Pass: number | null
    kappa: number | null
  }[]
  kappa: {
    name: string
    a: number[]
    b: number[]
    min: number
    max: number
    quadraticOnScale: number | null
    unweighted: number | null
    linear: number | null
    quadraticObservedLabels: number | null
  }[]
  ranks: { values: number[]; ranks: number[] }[]
  quantiles: { values: number[]; ps: number[]; quantiles: number[] }[]
  annotators: {
    name: string
    units: (number | null)[][]
    krippendorffAlphaInterval: number | null
    meanPairwiseSpearman: { value: number | null; pairsUsed: number; pairsSkipped: number }
  }[]
  generators: {
    splitmix64Seed1234567: string[]
    xoshiro128StarStarState1234: number[]
    createRng: Record<string, number[]>
  }
}

const reference = JSON.parse(
  readFileSync(new URL('../fixtures/stats/reference.json', import.meta.url), 'utf8'),
) as Reference

/** Agreement with the reference to 1e-6; a `null` reference means the statistic is undefined (NaN). */
function expectClose(actual: number, expected: number | null) {
  if (expected === null) expect(actual).toBeNaN()
  else expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6)
}

function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng())
}

describe('ranks', () => {
  test.each(reference.ranks)('average ranks of $values match scipy.stats.rankdata', ({ values, ranks }) => {
    expect(averageRanks(values)).toEqual(ranks)
  })
})

describe('correlation (scipy.stats)', () => {
  test.each(reference.correlation)('$name', ({ x, y, ...expected }) => {
    expectClose(pearson(x, y), expected.pearson)
    expectClose(spearman(x, y), expected.spearman)
    expectClose(kendallTauB(x, y), expected.kendall)
    expectClose(correlation('pearson', x, y), expected.pearson)
    expectClose(correlation('spearman', x, y), expected.spearman)
    expectClose(correlation('kendall', x, y), expected.kendall)
  })

  test('is undefined (NaN) for fewer than 2 rows', () => {
    for (const method of ['pearson', 'spearman', 'kendall'] as const) {
      expect(correlation(method, [], [])).toBeNaN()
      expect(correlation(method, [0.5], [1])).toBeNaN()
    }
  })

  test('is symmetric and unchanged by reordering the rows', () => {
    const { x, y } = reference.correlation[2]!
    const order = x.map((_, i) => (i * 7919) % x.length)
    expect(kendallTauB(y, x)).toBeCloseTo(kendallTauB(x, y), 12)
    expect(
      kendallTauB(
        order.map((i) => x[i]!),
        order.map((i) => y[i]!),
      ),
    ).toBeCloseTo(kendallTauB(x, y), 12)
  })

  test('rejects samples of different lengths, naming the fix', () => {
    expect(() => spearman([1, 2, 3], [1, 2])).toThrow(RubricArgumentError)
    expect(() => kendallTauB([1, 2, 3], [1, 2])).toThrow(/equal length, got 3 and 2/)
  })
})

describe('errors (sklearn.metrics)', () => {
  test.each(reference.correlation)('$name', ({ x, y, mae, rmse }) => {
    expectClose(meanAbsoluteError(x, y), mae)
    expectClose(rootMeanSquaredError(x, y), rmse)
  })

  test('are undefined for no rows', () => {
    expect(meanAbsoluteError([], [])).toBeNaN()
    expect(rootMeanSquaredError([], [])).toBeNaN()
  })
})

describe('groupedCorrelation', () => {
  const { human, judge, groups } = reference.grouped
  test.each(['pearson', 'spearman', 'kendall'] as const)(
    '%s averages over groups, skipping single-row and constant groups',
    (method) => {
      const expected = reference.grouped[method]
      const result = groupedCorrelation(method, human, judge, groups)
      expectClose(result.value, expected.value)
      expect(result).toMatchObject({ groupsUsed: expected.groupsUsed, groupsSkipped: expected.groupsSkipped })
      expect(result.groupsSkipped).toBe(3)
    },
  )

  test('is NaN with every group skipped', () => {
    expect(groupedCorrelation('spearman', [1, 1, 2], [1, 2, 3], ['a', 'a', 'b'])).toEqual({
      value: Number.NaN,
      groupsUsed: 0,
      groupsSkipped: 2,
    })
  })
})

describe('agreementAtFloor (sklearn.metrics)', () => {
  test.each(reference.floor)('$name', ({ human, judge, floor, ...expected }) => {
    const result = agreementAtFloor(human, judge, floor)
    expectClose(result.accuracy, expected.accuracy)
    expectClose(result.f1Fail, expected.f1Fail)
    expectClose(result.f1Pass, expected.f1Pass)
    expectClose(result.kappa, expected.kappa)
    const { bothPass, bothFail, judgeFailsHumanPasses, judgePassesHumanFails } = result.counts
    expect(bothPass + bothFail + judgeFailsHumanPasses + judgePassesHumanFails).toBe(human.length)
  })

  test('counts a score equal to the floor as a pass', () => {
    expect(agreementAtFloor([0.5, 0.25], [0.5, 0.75], 0.5).counts).toEqual({
      bothPass: 1,
      bothFail: 0,
      judgeFailsHumanPasses: 0,
      judgePassesHumanFails: 1,
    })
  })
})

describe('kappa (sklearn.metrics.cohen_kappa_score)', () => {
  test.each(reference.kappa)('$name', ({ a, b, min, max, ...expected }) => {
    expectClose(quadraticWeightedKappa(a, b, { min, max }), expected.quadraticOnScale)
    expectClose(cohenKappa(a, b), expected.unweighted)
    expectClose(cohenKappa(a, b, { weights: 'linear' }), expected.linear)
    expectClose(cohenKappa(a, b, { weights: 'quadratic' }), expected.quadraticObservedLabels)
  })

  test('weights by position on the full scale, not among the observed levels', () => {
    const sparse = reference.kappa.find((c) => c.name === 'levels 1, 2 and 5 only')!
    expect(sparse.quadraticOnScale).not.toBeCloseTo(sparse.quadraticObservedLabels!, 3)
  })

  test('rejects a value off the scale and a malformed scale', () => {
    expect(() => quadraticWeightedKappa([1, 6], [1, 2], { min: 1, max: 5 })).toThrow(
      /value 6, which is not one of the labels 1, 2, 3, 4, 5/,
    )
    expect(() => quadraticWeightedKappa([1], [1], { min: 5, max: 1 })).toThrow(RubricArgumentError)
    expect(() => quadraticWeightedKappa([1], [1], { min: 0.5, max: 1 })).toThrow(RubricArgumentError)
  })
})

describe('quantile (numpy.quantile, linear)', () => {
  test.each(reference.quantiles)('of $values.length values', ({ values, ps, quantiles }) => {
    for (const [i, p] of ps.entries()) expectClose(quantile(values, p), quantiles[i]!)
  })

  test('is NaN for no values and rejects p outside [0, 1]', () => {
    expect(quantile([], 0.5)).toBeNaN()
    expect(() => quantile([1], 10)).toThrow(/between 0 and 1, got 10/)
  })
})

describe('inter-annotator agreement', () => {
  test.each(reference.annotators)('$name', ({ units, ...expected }) => {
    expectClose(krippendorffAlphaInterval(units), expected.krippendorffAlphaInterval)
    const pairwise = meanPairwiseSpearman(units)
    expectClose(pairwise.value, expected.meanPairwiseSpearman.value)
    expect(pairwise.pairsUsed).toBe(expected.meanPairwiseSpearman.pairsUsed)
    expect(pairwise.pairsSkipped).toBe(expected.meanPairwiseSpearman.pairsSkipped)
  })

  test('Krippendorff (2011) worked example gives 0.849', () => {
    expect(krippendorffAlphaInterval(reference.annotators[0]!.units)).toBeCloseTo(0.849, 3)
  })

  test('treats undefined and NaN as missing, like null', () => {
    const units: AnnotatorRatings = [
      [1, 2, undefined],
      [3, Number.NaN, 3],
      [2, 2, 1],
      [5, 4, null],
    ]
    const asNull = units.map((unit) => unit.map((v) => (v === undefined || Number.isNaN(v) ? null : v)))
    expect(krippendorffAlphaInterval(units)).toBe(krippendorffAlphaInterval(asNull))
    expect(krippendorffAlphaInterval([[1], [2, null]])).toBeNaN()
  })
})

describe('seeded generator', () => {
  test('SplitMix64 and xoshiro128** match the reference implementation', () => {
    const next64 = splitMix64(1234567n)
    expect(reference.generators.splitmix64Seed1234567.map(() => next64().toString())).toEqual(
      reference.generators.splitmix64Seed1234567,
    )
    const next32 = xoshiro128StarStar([1, 2, 3, 4])
    expect(reference.generators.xoshiro128StarStarState1234.map(() => next32())).toEqual(
      reference.generators.xoshiro128StarStarState1234,
    )
  })

  test.each(Object.entries(reference.generators.createRng))(
    'createRng(%s) matches the reference',
    (seed, floats) => {
      const rng = createRng(Number(seed))
      expect(floats.map(() => rng())).toEqual(floats)
    },
  )

  test('draws uniform indices in range', () => {
    const rng = createRng(3)
    const counts = [0, 0, 0, 0, 0]
    for (let i = 0; i < 10_000; i++) counts[randomIndex(rng, 5)]!++
    for (const count of counts) expect(count).toBeGreaterThan(1800)
    expect(counts.reduce((a, b) => a + b)).toBe(10_000)
  })

  test('rejects a seed that is not a safe integer and an all-zero state', () => {
    expect(() => createRng(0.5)).toThrow(/safe integer, got 0.5/)
    expect(() => xoshiro128StarStar([0, 0, 0, 0])).toThrow(RubricArgumentError)
  })
})

describe('bootstrap', () => {
  const rng = createRng(2024)
  const base = Array.from({ length: 200 }, () => 0.7 + 0.15 * normal(rng))

  test('the same seed gives the same interval; another seed a slightly different one', () => {
    const head = base.map((v, i) => v + 0.03 * Math.sin(i))
    const first = pairedBootstrapMeanDiff(base, head, { seed: 7 })
    expect(pairedBootstrapMeanDiff(base, head, { seed: 7 })).toEqual(first)
    const other = pairedBootstrapMeanDiff(base, head, { seed: 8 })
    expect(other).not.toEqual(first)
    expect(other.diff).toBe(first.diff)
    expect(other.high - other.low).toBeCloseTo(first.high - first.low, 2)
  })

  test('detects a known drop: the interval lies below 0', () => {
    const noise = createRng(11)
    const head = base.map((v) => v - 0.03 + 0.05 * normal(noise))
    const result = pairedBootstrapMeanDiff(base, head, { seed: 1 })
    expect(result.diff).toBeCloseTo(mean(head) - mean(base), 12)
    expect(result.high).toBeLessThan(0)
    expect(result.low).toBeLessThan(result.diff)
  })

  test('detects a shift smaller than the spread between items, because the resampling is paired', () => {
    const noise = createRng(12)
    const head = base.map((v) => v + 0.01 + 0.005 * normal(noise))
    expect(pairedBootstrapMeanDiff(base, head).low).toBeGreaterThan(0)
  })

  test('a noise-only change gives an interval that contains 0', () => {
    const noise = createRng(13)
    const head = base.map((v) => v + 0.05 * normal(noise))
    const random = pairedBootstrapMeanDiff(base, head, { seed: 1 })
    expect(random.low).toBeLessThan(0)
    expect(random.high).toBeGreaterThan(0)
    // Changes that cancel exactly: +d on one item, -d on the next.
    const symmetric = pairedBootstrapMeanDiff(
      base,
      base.map((v, i) => v + (i % 2 === 0 ? 0.04 : -0.04)),
    )
    expect(symmetric.diff).toBeCloseTo(0, 12)
    expect(symmetric.low).toBeLessThan(0)
    expect(symmetric.high).toBeGreaterThan(0)
  })

  test('the interval of a mean is close to the normal approximation', () => {
    const sd = Math.sqrt(mean(base.map((v) => (v - mean(base)) ** 2)))
    const halfWidth = (1.96 * sd) / Math.sqrt(base.length)
    const result = bootstrapInterval(mean, base, { resamples: 4000, seed: 5 })
    expect(result.estimate).toBe(mean(base))
    expect(result.resamplesUsed).toBe(4000)
    expect((result.high - result.low) / 2 / halfWidth).toBeGreaterThan(0.9)
    expect((result.high - result.low) / 2 / halfWidth).toBeLessThan(1.1)
    expect(bootstrapInterval(mean, base, { level: 0.5, seed: 5 }).high).toBeLessThan(result.high)
  })

  test('leaves out resamples where the statistic is undefined', () => {
    const rows = [
      [1, 0.2],
      [1, 0.5],
      [2, 0.4],
      [3, 0.9],
    ] as const
    const result = bootstrapInterval(
      (sample) =>
        spearman(
          sample.map((r) => r[0]),
          sample.map((r) => r[1]),
        ),
      rows,
      { resamples: 500 },
    )
    expect(result.resamplesUsed).toBeGreaterThan(0)
    expect(result.resamplesUsed).toBeLessThan(500)
    expect(result.low).toBeGreaterThanOrEqual(-1)
    expect(result.high).toBeLessThanOrEqual(1)
  })

  test('handles no rows and rejects bad options', () => {
    expect(pairedBootstrapMeanDiff([], [])).toEqual({ diff: Number.NaN, low: Number.NaN, high: Number.NaN })
    expect(() => bootstrapInterval(mean, [1], { resamples: 0 })).toThrow(/positive integer, got 0/)
    expect(() => bootstrapInterval(mean, [1], { level: 95 })).toThrow(/between 0 and 1, got 95/)
    expect(() => pairedBootstrapMeanDiff([1, 2], [1])).toThrow(RubricArgumentError)
  })
})

describe('clustering', () => {
  test('reports the most common value and its share, the smallest on a tie', () => {
    expect(mostCommonValue([0.75, 0.5, 0.75, 1, 0.75])).toEqual({ value: 0.75, count: 3, share: 0.6 })
    expect(mostCommonValue([1, 0.5, 1, 0.5])).toEqual({ value: 0.5, count: 2, share: 0.5 })
    expect(mostCommonValue([])).toEqual({ value: Number.NaN, count: 0, share: Number.NaN })
  })

  test('flags a share over 60%, not at 60%', () => {
    expect(isClustered([0.75, 0.5, 0.75, 1, 0.75])).toBe(false)
    expect(isClustered([0.75, 0.75, 0.75, 1, 0.75])).toBe(true)
    expect(isClustered([0.75, 0.5, 0.75, 1, 0.75], 0.5)).toBe(true)
  })
})
