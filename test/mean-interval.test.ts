import { describe, expect, test } from 'vitest'
import { meanInterval, studentT975 } from '../src/stats/mean-interval.ts'

describe('studentT975', () => {
  test.each([
    // scipy.stats.t.ppf(0.975, df)
    [1, 12.7062],
    [4, 2.7764],
    [9, 2.2622],
    [10, 2.2281],
    [30, 2.0423],
    [120, 1.9799],
  ])('df %i: %f', (df, expected) => {
    expect(studentT975(df)).toBeCloseTo(expected, 3)
  })

  test('approaches the normal quantile as df grows', () => {
    expect(studentT975(1e6)).toBeCloseTo(1.96, 4)
  })
})

describe('meanInterval', () => {
  test('standard error and t interval of known values, as computed by hand', () => {
    // mean 0.6; squared deviations 0.16 + 0.04 + 0 + 0.04 + 0.16 = 0.4; variance 0.4 / 4 = 0.1;
    // se = √0.1 / √5 = √0.02; half width = t(0.975, 4) · se = 2.7764 · 0.141421 = 0.39264.
    const interval = meanInterval([0.2, 0.4, 0.6, 0.8, 1])
    expect(interval.mean).toBeCloseTo(0.6, 12)
    expect(interval.se).toBeCloseTo(Math.sqrt(0.02), 12)
    expect(interval.low).toBeCloseTo(0.6 - 0.39264, 4)
    expect(interval.high).toBeCloseTo(0.6 + 0.39264, 4)
  })

  test('equal values: no spread, the interval is the mean', () => {
    expect(meanInterval([0.5, 0.5, 0.5])).toEqual({ mean: 0.5, se: 0, low: 0.5, high: 0.5 })
  })

  test('below two values there is no standard error and no interval', () => {
    expect(meanInterval([0.7])).toEqual({ mean: 0.7, se: Number.NaN, low: Number.NaN, high: Number.NaN })
    expect(meanInterval([]).se).toBeNaN()
  })
})
