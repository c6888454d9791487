/**
 * Internal to `describeEval`: the boundary slice, the rows whose outcome a change is most likely to flip. Pure.
 */
import { RubricArgumentError } from '../errors.ts'
import type { EvalSlice } from '../types.ts'

/** The environment variable that sets the slice of every `describeEval` suite; it wins over the option. */
export const SLICE_ENV = 'VITEST_RUBRIC_SLICE'

/** How near a floor a stored score must be for its row to be in the boundary slice. */
export const DEFAULT_BOUNDARY_MARGIN = 0.1

// Scores and floors are fractions such as 0.75 and 0.65, whose difference is not exactly 0.1 in binary.
const TOLERANCE = 1e-9

/** A dimension the rows are held to, with its floor. */
export interface FloorOf {
  name: string
  floor: number
}

/** Why a row is in the boundary slice. */
export type BoundaryReason = 'always' | 'unscored' | 'near-floor'

export interface BoundaryOptions<R> {
  /** The last stored scores of the suite's rows, by row id, then dimension. */
  stored: Readonly<Record<string, Readonly<Record<string, number>>>> | undefined
  /** The dimensions the suite judges and scores, with the floors they are held to now. */
  dimensions: readonly FloorOf[]
  /** @default 0.1 */
  margin?: number
  /** Rows in the slice whatever their scores. */
  always?: (row: R) => boolean
}

/**
 * The rows of the boundary slice, each with why it is in: an `always` row; a row never scored on some
 * dimension it is now held to (new rows, new dimensions, rows whose last judgment was an error); a row with a
 * stored score within `margin` of the current floor on some dimension (`|score - floor| <= margin`). The floors
 * are today's, so that raising a floor brings the rows near it into the slice. Rows far above or far below
 * every floor are left out: their outcome is settled until a change moves them a whole margin.
 */
export function selectBoundaryRows<R extends { readonly id: string }>(
  rows: readonly R[],
  options: BoundaryOptions<R>,
): Map<string, BoundaryReason> {
  const margin = options.margin ?? DEFAULT_BOUNDARY_MARGIN
  assertMargin(margin)
  const selected = new Map<string, BoundaryReason>()
  for (const row of rows) {
    const reason = reasonOf(row, options, margin)
    if (reason) selected.set(row.id, reason)
  }
  return selected
}

function reasonOf<R extends { readonly id: string }>(
  row: R,
  options: BoundaryOptions<R>,
  margin: number,
): BoundaryReason | undefined {
  if (options.always?.(row)) return 'always'
  const scores = options.stored?.[row.id]
  if (!scores || options.dimensions.some(({ name }) => typeof scores[name] !== 'number')) return 'unscored'
  const near = options.dimensions.some(
    ({ name, floor }) => Math.abs(scores[name]! - floor) <= margin + TOLERANCE,
  )
  return near ? 'near-floor' : undefined
}

/** The slice of a suite: `VITEST_RUBRIC_SLICE` when set, else the option, else `'all'`. */
export function resolveSlice(option: EvalSlice | undefined, env: NodeJS.ProcessEnv = process.env): EvalSlice {
  const fromEnv = env[SLICE_ENV]?.trim()
  if (fromEnv) return checkSlice(fromEnv, SLICE_ENV)
  return option === undefined ? 'all' : checkSlice(option, 'describeEval `slice`')
}

/** Throws unless `margin` is a number in [0, 1]. */
export function assertMargin(margin: unknown): asserts margin is number {
  if (typeof margin !== 'number' || Number.isNaN(margin) || margin < 0 || margin > 1) {
    throw new RubricArgumentError(
      `describeEval \`boundaryMargin\` is ${String(margin)}; it is a distance on the 0 to 1 score scale, ` +
        'for example 0.1 to run the rows scored within 0.1 of a floor.',
    )
  }
}

function checkSlice(value: string, where: string): EvalSlice {
  if (value === 'all' || value === 'boundary') return value
  throw new RubricArgumentError(
    `${where} is "${value}"; use "boundary" to run only the rows near a floor or never scored, or "all".`,
  )
}
