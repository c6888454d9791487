import { createHash } from 'node:crypto'
import { RubricArgumentError } from '../errors.ts'
import type { Dataset, Row, SampleOptions } from '../types.ts'
import { contentId, datasetHash, isDatasetRow, ownId } from './rows.ts'

/** The seed used when neither the `seed` option nor `VITEST_RUBRIC_SEED` sets one. */
export const DEFAULT_SEED = 1

/** The environment variable that sets the sampling seed when the code does not. */
export const SEED_ENV = 'VITEST_RUBRIC_SEED'

/** The seed of a draw: the option, else `VITEST_RUBRIC_SEED` (read at each call), else `DEFAULT_SEED`. */
export function resolveSeed(seed?: number | string): number | string {
  if (seed !== undefined) {
    if ((typeof seed !== 'number' || !Number.isFinite(seed)) && typeof seed !== 'string') {
      throw new RubricArgumentError(
        `a sampling seed is a number or a text, for example \`seed: 42\`; got ${String(seed)}.`,
      )
    }
    return seed
  }
  const fromEnv = process.env[SEED_ENV]
  return fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv.trim() : DEFAULT_SEED
}

/**
 * Draws a reproducible sample of rows. The `always` rows are all kept and do not count against `n` or
 * `fraction`: `{ fraction: 0.05 }` over 10,000 ordinary rows and 30 `always` rows keeps 500 + 30. With
 * `stratifyBy`, each stratum gets its share of the draw within one row (largest remainders). The rows come back
 * in their original order. The same rows, options and seed always give the same sample.
 *
 * Within a stratum the rows drawn are those with the smallest seeded hash of their id (a dataset row's `id`,
 * else the item's own `id` field, else a hash of its content): every subset of the right size is equally likely
 * over seeds, and a dataset that gains or loses a row keeps all but about one row of its sample, so stored
 * judgments keep serving it.
 */
export function sampleRows<R>(rows: readonly R[], options: SampleOptions<R> = {}): R[] {
  const { n, fraction, stratifyBy, always } = options
  if (n !== undefined && fraction !== undefined) {
    throw new RubricArgumentError(
      'sampleRows() takes either `n` or `fraction`, not both: `{ n: 50 }` draws 50 rows, `{ fraction: 0.05 }` draws 5%.',
    )
  }
  if (n !== undefined && !(Number.isInteger(n) && n >= 0)) {
    throw new RubricArgumentError(
      `sample size \`n\` is ${String(n)}; it must be a whole number of rows, 0 or more.`,
    )
  }
  assertShare(fraction, 'sample `fraction`')
  const seed = resolveSeed(options.seed)

  const kept = new Uint8Array(rows.length)
  const pool: number[] = []
  rows.forEach((row, index) => {
    if (always?.(row)) kept[index] = 1
    else pool.push(index)
  })
  const k =
    n !== undefined
      ? Math.min(n, pool.length)
      : fraction !== undefined
        ? Math.round(fraction * pool.length)
        : pool.length

  if (k >= pool.length) {
    for (const index of pool) kept[index] = 1
  } else {
    const strata = stratifyBy === undefined ? [pool] : groupBy(rows, pool, stratifyBy)
    const quotas = allocate(
      strata.map((stratum) => stratum.length),
      k,
    )
    strata.forEach((stratum, s) => {
      const quota = quotas[s]!
      if (quota === 0) return
      const ranked = stratum.map((index) => ({ index, rank: sampleRank(seed, sampleKey(rows[index])) }))
      ranked.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.index - b.index))
      for (let i = 0; i < quota; i++) kept[ranked[i]!.index] = 1
    })
  }
  return rows.filter((_, index) => kept[index] === 1)
}

/** `sampleRows` over a dataset's rows; the result's hash is that of the rows it kept. */
export function sampleDataset<T>(dataset: Dataset<T>, options: SampleOptions<Row<T>> = {}): Dataset<T> {
  const rows = sampleRows(dataset.rows, options)
  return { ...dataset, rows, hash: datasetHash(rows) }
}

/**
 * Splits `total` over groups in proportion to their sizes by the largest-remainder method: each group gets the
 * floor of its exact share, and the rows left over go to the largest remainders (ties: the larger group, then
 * the earlier). Each share is within one of exact, and the shares sum to `total` (at most the sum of sizes).
 */
export function allocate(sizes: readonly number[], total: number): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0)
  if (sum === 0) return sizes.map(() => 0)
  const target = Math.min(total, sum)
  const quotas = sizes.map((size) => Math.floor((target * size) / sum))
  let left = target - quotas.reduce((a, b) => a + b, 0)
  const order = sizes
    .map((size, index) => ({ index, size, remainder: (target * size) % sum }))
    .sort((a, b) => b.remainder - a.remainder || b.size - a.size || a.index - b.index)
  for (const { index } of order) {
    if (left === 0) break
    quotas[index]!++
    left--
  }
  return quotas
}

/**
 * Where a row with `key` ranks in the draw of `seed`: 64 bits of SHA-256 over both, as hex. Numbers and their
 * text are the same seed.
 */
export function sampleRank(seed: number | string, key: string): string {
  return createHash('sha256')
    .update(`vitest-rubric sample\u0000${String(seed)}\u0000${key}`)
    .digest('hex')
    .slice(0, 16)
}

/** What identifies an item in a draw: a dataset row's id, else its own `id` field, else a hash of its content. */
export function sampleKey(item: unknown): string {
  if (isDatasetRow(item)) return `id:${item.id}`
  const own = ownId(item)
  return own === undefined ? `content:${contentId(item)}` : `id:${own}`
}

/** Throws unless `share` is undefined or a number in [0, 1]. */
export function assertShare(share: unknown, what: string): void {
  if (share === undefined) return
  if (typeof share !== 'number' || Number.isNaN(share) || share < 0 || share > 1) {
    throw new RubricArgumentError(
      `${what} is ${String(share)}; it must be between 0 and 1, for example 0.05 to keep 5% of the rows.`,
    )
  }
}

/** The pool's indices grouped by stratum, strata in the order of their keys, so the draw does not depend on row order. */
function groupBy<R>(
  rows: readonly R[],
  pool: readonly number[],
  by: string | ((row: R) => unknown),
): number[][] {
  const read = typeof by === 'function' ? by : (row: R) => fieldOf(row, by)
  const groups = new Map<string, number[]>()
  for (const index of pool) {
    const key = stratumKey(read(rows[index]!))
    const group = groups.get(key)
    if (group) group.push(index)
    else groups.set(key, [index])
  }
  return [...groups.keys()].sort().map((key) => groups.get(key)!)
}

function stratumKey(value: unknown): string {
  if (value === undefined || value === null) return ''
  return typeof value === 'string' ? `s:${value}` : `j:${JSON.stringify(value)}`
}

/** A field of a dataset row's data (then of its metadata), or of a plain row (then of its `metadata`). */
function fieldOf(row: unknown, key: string): unknown {
  const base = isDatasetRow(row) ? row.data : row
  if (base === null || typeof base !== 'object') return undefined
  const direct = (base as Record<string, unknown>)[key]
  if (direct !== undefined) return direct
  const metadata = (base as { metadata?: unknown }).metadata
  return metadata !== null && typeof metadata === 'object'
    ? (metadata as Record<string, unknown>)[key]
    : undefined
}
