import { join } from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { loadDataset } from '../src/dataset/load-dataset.ts'
import {
  allocate,
  DEFAULT_SEED,
  resolveSeed,
  sampleDataset,
  sampleKey,
  sampleRank,
  sampleRows,
} from '../src/dataset/sample.ts'
import { createRng } from '../src/stats/random.ts'

const root = join(import.meta.dirname, '..')

interface Item {
  n: number
  segment: string
  flagged?: boolean
}

/** `count` rows whose segments cycle through `segments` with the given weights. */
function items(count: number, weights: Record<string, number> = { a: 1 }): Item[] {
  const cycle = Object.entries(weights).flatMap(([segment, weight]) => Array<string>(weight).fill(segment))
  return Array.from({ length: count }, (_, n) => ({ n, segment: cycle[n % cycle.length]! }))
}
const numbers = (rows: readonly Item[]) => rows.map((row) => row.n)

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('sampleRows', () => {
  const rows = items(1000)

  test('the same seed gives the same rows; another seed gives other rows', () => {
    const first = numbers(sampleRows(rows, { n: 50, seed: 7 }))
    expect(numbers(sampleRows(rows, { n: 50, seed: 7 }))).toEqual(first)
    expect(numbers(sampleRows([...rows], { n: 50, seed: '7' }))).toEqual(first)
    const other = numbers(sampleRows(rows, { n: 50, seed: 8 }))
    expect(other).not.toEqual(first)
    expect(other.filter((n) => first.includes(n)).length).toBeLessThan(20)
  })

  test('a fixed sample for a fixed seed, across runs and machines', () => {
    expect(numbers(sampleRows(items(20), { n: 5, seed: 42 }))).toMatchInlineSnapshot(`
      [
        0,
        3,
        6,
        8,
        17,
      ]
    `)
  })

  test('keeps the rows in their original order, without repeats', () => {
    const sample = numbers(sampleRows(rows, { n: 200 }))
    expect(sample).toEqual([...sample].sort((a, b) => a - b))
    expect(new Set(sample).size).toBe(200)
  })

  test('the seed defaults to a fixed value and can be set from VITEST_RUBRIC_SEED; the option wins', () => {
    vi.stubEnv('VITEST_RUBRIC_SEED', '')
    expect(resolveSeed()).toBe(DEFAULT_SEED)
    const byDefault = numbers(sampleRows(rows, { n: 30 }))
    expect(byDefault).toEqual(numbers(sampleRows(rows, { n: 30, seed: DEFAULT_SEED })))
    vi.stubEnv('VITEST_RUBRIC_SEED', '2025-06-01')
    expect(resolveSeed()).toBe('2025-06-01')
    const fromEnv = numbers(sampleRows(rows, { n: 30 }))
    expect(fromEnv).toEqual(numbers(sampleRows(rows, { n: 30, seed: '2025-06-01' })))
    expect(fromEnv).not.toEqual(byDefault)
    expect(numbers(sampleRows(rows, { n: 30, seed: DEFAULT_SEED }))).toEqual(byDefault)
  })

  test('fraction 0.05 of 10,000 rows gives exactly 500, plus every always row', () => {
    const ordinary = items(10_000)
    const flagged = Array.from({ length: 37 }, (_, i) => ({ n: 10_000 + i, segment: 'a', flagged: true }))
    const all = [...ordinary, ...flagged]
    const sample = sampleRows(all, { fraction: 0.05, always: (row) => row.flagged === true })
    expect(sample).toHaveLength(537)
    expect(sample.filter((row) => row.flagged)).toHaveLength(37)
    expect(sampleRows(ordinary, { fraction: 0.05 })).toHaveLength(500)
  })

  test('always rows are never dropped and do not count against n', () => {
    const all = items(100).map((row) => ({ ...row, flagged: row.n % 10 === 0 }))
    for (const seed of [1, 2, 3, 4, 5]) {
      const sample = sampleRows(all, { n: 5, seed, always: (row) => row.flagged === true })
      expect(sample.filter((row) => row.flagged)).toHaveLength(10)
      expect(sample.filter((row) => !row.flagged)).toHaveLength(5)
    }
    expect(sampleRows(all, { n: 0, always: (row) => row.flagged === true })).toHaveLength(10)
    expect(sampleRows(all, { fraction: 0, always: (row) => row.flagged === true })).toHaveLength(10)
  })

  test('without n or fraction, or with more than there are, every row is kept', () => {
    expect(sampleRows(rows)).toEqual(rows)
    expect(sampleRows(rows, { n: 5000 })).toEqual(rows)
    expect(sampleRows(rows, { fraction: 1 })).toEqual(rows)
    expect(sampleRows([], { n: 3 })).toEqual([])
  })

  test('stratified samples keep every stratum within one row of its share', () => {
    const weights = { billing: 7, shipping: 2, returns: 1, other: 3 }
    const strata = items(997, weights)
    const sizes = new Map<string, number>()
    for (const row of strata) sizes.set(row.segment, (sizes.get(row.segment) ?? 0) + 1)
    for (const n of [1, 3, 10, 13, 50, 101, 500, 996]) {
      const sample = sampleRows(strata, { n, stratifyBy: 'segment', seed: n })
      expect(sample).toHaveLength(n)
      for (const [segment, size] of sizes) {
        const got = sample.filter((row) => row.segment === segment).length
        expect(Math.abs(got - (n * size) / strata.length)).toBeLessThan(1)
      }
    }
    const fraction = sampleRows(strata, { fraction: 0.1, stratifyBy: (row) => row.segment })
    expect(fraction).toHaveLength(100)
  })

  test('stratifyBy reads a dataset row data, then its metadata; rows without the field form one stratum', async () => {
    const dataset = await loadDataset('fixtures/datasets/qa.csv', { cwd: root })
    const bySegment = sampleRows(dataset.rows, { n: 2, stratifyBy: 'segment' })
    expect(bySegment.map((row) => row.data.metadata?.segment).sort()).toEqual(['billing', 'support'])
    const plain = [{ metadata: { tier: 'a' } }, { metadata: { tier: 'a' } }, { metadata: {} }, {}]
    const sample = sampleRows(plain, { n: 2, stratifyBy: 'tier' })
    expect(sample.filter((row) => row.metadata?.tier === 'a')).toHaveLength(1)
  })

  test('bad options fail with the fix', () => {
    expect(() => sampleRows(rows, { n: 5, fraction: 0.1 })).toThrow(
      'sampleRows() takes either `n` or `fraction`, not both: `{ n: 50 }` draws 50 rows, `{ fraction: 0.05 }` draws 5%.',
    )
    expect(() => sampleRows(rows, { n: -1 })).toThrow(
      'sample size `n` is -1; it must be a whole number of rows, 0 or more.',
    )
    expect(() => sampleRows(rows, { fraction: 5 })).toThrow(
      'sample `fraction` is 5; it must be between 0 and 1, for example 0.05 to keep 5% of the rows.',
    )
    expect(() => sampleRows(rows, { n: 1, seed: Number.NaN })).toThrow(
      /^a sampling seed is a number or a text/,
    )
  })
})

describe('sampleDataset', () => {
  test('samples the rows of a dataset and hashes what it kept', async () => {
    const dataset = await loadDataset('fixtures/datasets/qa.jsonl', { cwd: root })
    const sample = sampleDataset(dataset, { n: 2 })
    expect(sample.rows).toHaveLength(2)
    expect(sample.name).toBe('qa')
    expect(sample.hash).not.toBe(dataset.hash)
    expect(sampleDataset(dataset).hash).toBe(dataset.hash)
  })
})

describe('allocate (largest remainder)', () => {
  test('gives each group the floor of its share, and the leftover rows to the largest remainders', () => {
    expect(allocate([50, 30, 20], 10)).toEqual([5, 3, 2])
    expect(allocate([5, 3, 2], 5)).toEqual([3, 1, 1])
    expect(allocate([1, 1, 1], 2)).toEqual([1, 1, 0])
    expect(allocate([4, 0, 2], 10)).toEqual([4, 0, 2])
    expect(allocate([], 3)).toEqual([])
  })

  test('sums to the total and keeps every share within one of exact', () => {
    const random = createRng(2025)
    for (let trial = 0; trial < 200; trial++) {
      const sizes = Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 300))
      const sum = sizes.reduce((a, b) => a + b, 0)
      const total = Math.floor(random() * (sum + 1))
      const quotas = allocate(sizes, total)
      expect(quotas.reduce((a, b) => a + b, 0)).toBe(total)
      quotas.forEach((quota, i) => {
        expect(quota).toBeLessThanOrEqual(sizes[i]!)
        if (sum > 0) expect(Math.abs(quota - (total * sizes[i]!) / sum)).toBeLessThan(1)
      })
    }
  })
})

describe('the draw: smallest seeded hashes of the row ids', () => {
  const withIds = (count: number, from = 0) =>
    Array.from({ length: count }, (_, i) => ({ id: `row-${from + i}`, n: from + i }))

  test('a dataset that gains a row keeps all but at most one row of a sample of n', () => {
    const rows = withIds(500)
    for (const seed of [1, 2, 3, 'nightly']) {
      const before = new Set(numbers(sampleRows(rows, { n: 50, seed }) as never))
      const grown = [...rows.slice(0, 250), ...withIds(1, 1000), ...rows.slice(250)]
      const after = numbers(sampleRows(grown, { n: 50, seed }) as never)
      expect(after).toHaveLength(50)
      expect(after.filter((n) => before.has(n)).length).toBeGreaterThanOrEqual(49)
      // Reordering the rows changes nothing: the draw depends on the ids, not on positions.
      expect(
        numbers(sampleRows([...grown].reverse(), { n: 50, seed }) as never).sort((a, b) => a - b),
      ).toEqual([...after].sort((a, b) => a - b))
    }
  })

  test('with fraction, a grown dataset loses only rows displaced by new rows that were drawn', () => {
    const rows = withIds(1000)
    for (const seed of [1, 2, 3]) {
      const before = numbers(sampleRows(rows, { fraction: 0.1, seed }) as never)
      const after = numbers(sampleRows([...rows, ...withIds(10, 5000)], { fraction: 0.1, seed }) as never)
      expect(after).toHaveLength(101)
      const entered = after.filter((n) => n >= 5000).length
      const lost = before.filter((n) => !after.includes(n)).length
      // One more row is drawn (101 of 1010 instead of 100 of 1000), so a new row drawn displaces no old one.
      expect(lost).toBe(Math.max(0, entered - 1))
    }
  })

  test('every row is about equally likely to be drawn over seeds', () => {
    const rows = withIds(20)
    const counts = new Array<number>(20).fill(0)
    for (let seed = 0; seed < 4000; seed++) {
      const sample = sampleRows(rows, { n: 5, seed })
      expect(sample).toHaveLength(5)
      for (const row of sample) counts[row.n]!++
    }
    // each row is drawn with probability 1/4: 1,000 expected, standard deviation about 27
    for (const count of counts) expect(Math.abs(count - 1000)).toBeLessThan(110)
  })

  test('items are keyed by dataset row id, then their own id field, then their content', () => {
    expect(sampleKey({ id: 'a', data: { input: 'x' }, source: { file: 'f' } })).toBe('id:a')
    expect(sampleKey({ id: 7, input: 'x' })).toBe('id:7')
    expect(sampleKey({ input: 'x', n: 1 })).toBe(sampleKey({ n: 1, input: 'x' }))
    expect(sampleKey({ input: 'x' })).toMatch(/^content:[0-9a-f]{12}$/)
    expect(sampleRank(42, 'id:a')).toBe(sampleRank('42', 'id:a'))
    expect(sampleRank(42, 'id:a')).not.toBe(sampleRank(43, 'id:a'))
    expect(sampleRank(1, 'id:a')).toMatch(/^[0-9a-f]{16}$/)
  })
})
