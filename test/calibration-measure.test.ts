import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { normalizeHuman } from '../src/calibration/load-set.ts'
import { measureDimension, type ScoredPair, toScale } from '../src/calibration/measure.ts'
import { bootstrapEstimates } from '../src/calibration/resample.ts'
import { bootstrapInterval, kendallTauB, mean, spearman } from '../src/stats/index.ts'

/** Written by scripts/calibration_reference.py with SciPy and scikit-learn; `null` stands for undefined. */
interface Reference {
  bootstrap: { resamples: number; seed: number; level: number }
  scale: { min: number; max: number }
  floor: number
  cases: {
    name: string
    rows: {
      ratings: (number | null)[]
      annotators: (number | null)[] | null
      human: number
      judge: number
      judgeRaw: number
      group: string | null
      file: string
    }[]
    expected: Record<string, unknown>
  }[]
}

const reference = JSON.parse(
  readFileSync(new URL('../fixtures/stats/calibration-reference.json', import.meta.url), 'utf8'),
) as Reference

/** Every number of `actual` within 1e-6 of `expected`, the same nulls, the same other values. */
function expectClose(actual: unknown, expected: unknown, path = 'value'): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number')
    expect(Math.abs((actual as number) - expected), `${path}: ${actual} vs ${expected}`).toBeLessThan(1e-6)
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true)
    expect((actual as unknown[]).length, path).toBe(expected.length)
    for (const [index, item] of expected.entries()) {
      expectClose((actual as unknown[])[index], item, `${path}[${index}]`)
    }
  } else if (expected !== null && typeof expected === 'object') {
    for (const [key, item] of Object.entries(expected)) {
      expectClose((actual as Record<string, unknown>)[key], item, `${path}.${key}`)
    }
  } else {
    expect(actual, path).toEqual(expected)
  }
}

function pairsOf(rows: Reference['cases'][number]['rows']): ScoredPair[] {
  return rows.map((row) => {
    const label = normalizeHuman(row.ratings, reference.scale, 'test')!
    return {
      human: label.score,
      judge: row.judge,
      judgeRaw: row.judgeRaw,
      group: row.group ?? undefined,
      file: row.file,
      annotators: row.annotators ? label.annotators : undefined,
    }
  })
}

describe('measureDimension agrees with SciPy and scikit-learn to 1e-6', () => {
  for (const { name, rows, expected } of reference.cases) {
    test(name, () => {
      const pairs = pairsOf(rows)
      // The annotators' mean, normalised from 1-5, is the script's human score.
      pairs.forEach((pair, index) => {
        expect(pair.human).toBeCloseTo(rows[index]!.human, 12)
      })
      const measured = measureDimension(pairs, {
        floor: reference.floor,
        scale: reference.scale,
        errors: 0,
        bootstrap: reference.bootstrap,
      })
      expectClose(measured.pearson, expected.pearson, 'pearson')
      expectClose(measured.spearman, expected.spearman, 'spearman')
      expectClose(measured.kendall, expected.kendall, 'kendall')
      expectClose(measured.meanAbsoluteError, expected.meanAbsoluteError, 'mae')
      expectClose(measured.rootMeanSquaredError, expected.rootMeanSquaredError, 'rmse')
      expectClose(measured.atFloor.accuracy, expected.accuracy, 'accuracy')
      expectClose(measured.atFloor.f1Fail, expected.f1Fail, 'f1Fail')
      expectClose(measured.atFloor.kappa, expected.kappa, 'kappa')
      expectClose(measured.quadraticKappa, expected.quadraticKappa, 'qwk')
      expectClose(measured.grouped, expected.grouped, 'grouped')
      expectClose(measured.clustering, expected.clustering, 'clustering')
      expectClose(measured.annotators, expected.annotators, 'annotators')
      expectClose(measured.files, expected.files, 'files')
      expect(measured.n).toBe(rows.length)
    })
  }
})

describe('bootstrapEstimates', () => {
  const data = Array.from({ length: 37 }, (_, i) => ({ x: (i * 7) % 11, y: (i * 5) % 13 }))
  const options = { resamples: 500, seed: 3, level: 0.9 }

  test('gives each statistic the interval bootstrapInterval gives it alone', () => {
    const together = bootstrapEstimates(
      data,
      (sample) => ({
        spearman: spearman(
          sample.map((d) => d.x),
          sample.map((d) => d.y),
        ),
        kendall: kendallTauB(
          sample.map((d) => d.x),
          sample.map((d) => d.y),
        ),
        mean: mean(sample.map((d) => d.x)),
      }),
      options,
    )
    const alone = (statistic: (sample: readonly { x: number; y: number }[]) => number) => {
      const { estimate, low, high } = bootstrapInterval(statistic, data, options)
      return { value: estimate, low, high }
    }
    expect(together.spearman).toEqual(
      alone((s) =>
        spearman(
          s.map((d) => d.x),
          s.map((d) => d.y),
        ),
      ),
    )
    expect(together.kendall).toEqual(
      alone((s) =>
        kendallTauB(
          s.map((d) => d.x),
          s.map((d) => d.y),
        ),
      ),
    )
    expect(together.mean).toEqual(alone((s) => mean(s.map((d) => d.x))))
  })

  test('an undefined statistic is null, and empty data has no interval', () => {
    const constant = bootstrapEstimates([1, 1, 1], (s) => ({ r: spearman(s, s) }), options)
    expect(constant.r).toEqual({ value: null, low: null, high: null })
    expect(bootstrapEstimates([] as number[], (s) => ({ m: mean(s) }), options).m).toEqual({
      value: null,
      low: null,
      high: null,
    })
  })
})

describe('toScale puts a normalised score on the judge scale, halves up', () => {
  test.each([
    [0, 1],
    [0.125, 2],
    [0.5, 3],
    [0.625, 4],
    [2 / 3, 4],
    [0.875, 5],
    [1, 5],
  ])('%d on 1-5 is %d', (score, point) => {
    expect(toScale(score, { min: 1, max: 5 })).toBe(point)
  })
})
