import type { RunnerTestCase as Test } from 'vitest'
import { appendRecords } from '../record/append.ts'
import type { CheckRecord, RubricRecord, ScorerRecord, SimilarityRecord } from '../record/schema.ts'
import { contentHash } from '../util/hash.ts'

/**
 * What a deterministic check, similarity or scorer made of one output: its record without what the test adds
 * (call id, retry) and without `pass`, which is always the score against its floor.
 */
export type CheckOutcome<
  R extends CheckRecord | ScorerRecord | SimilarityRecord = CheckRecord | ScorerRecord | SimilarityRecord,
> = R extends unknown ? Omit<R, 'callId' | 'retry' | 'pass' | 'source'> & { source?: R['source'] } : never

/** The id of a deterministic scorer: a hash of its name, version and settings that change its scores. */
export function scorerId(
  name: string,
  version: string | number,
  settings: Record<string, unknown> = {},
): string {
  return contentHash({ scorer: name, version: String(version), ...settings })
}

/**
 * Appends the record of a check to the test's meta, beside the judges' records, so that the reporter aggregates
 * it as a dimension of its own. `pass` is the score against the floor; a `negated` check (under `.not`) is the
 * dimension `not <dimension>` and passes below its floor.
 */
export function recordCheck(
  task: Readonly<Test> | undefined,
  outcome: CheckOutcome,
  negated = false,
): RubricRecord | undefined {
  if (!task) return undefined
  const reached = outcome.score === null ? null : outcome.score >= outcome.floor
  return appendRecords(task, [
    {
      ...outcome,
      ...(negated ? { dimension: `not ${outcome.dimension}` } : {}),
      pass: reached === null ? null : reached !== negated,
      latencyMs: Math.round(outcome.latencyMs),
      source: outcome.source ?? 'live',
    },
  ])[0]
}

/** What a matcher returns to Vitest. */
export interface MatcherResult {
  pass: boolean
  message: () => string
}

/**
 * Records a check and returns its raw result, which Vitest flips under `.not`. The record's `pass` is the score
 * against its floor and its `assertionPassed` the assertion's outcome, `.not` included.
 *
 * Under `.not` the record is a dimension of its own, `not <dimension>`, whose `pass` is the score staying below
 * its floor: `.not.toHaveCalledTool('issueRefund')` that holds is a pass of `not tool-called`, never a failure of
 * `tool-called` beside the positive assertions of the same check.
 */
export function concludeCheck(
  state: { isNot?: boolean | undefined; task?: Readonly<Test> | undefined },
  outcome: Omit<CheckOutcome, 'assertionPassed'>,
  rawPass: boolean,
  message: () => string,
): MatcherResult {
  const isNot = state.isNot === true // the flag is undefined, not false, without .not
  const assertionPassed = rawPass !== isNot
  recordCheck(state.task, { ...outcome, assertionPassed } as CheckOutcome, isNot)
  return { pass: rawPass, message }
}
