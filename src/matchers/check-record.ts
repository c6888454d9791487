import type { RunnerTestCase as Test } from 'vitest'
import type { JudgmentError, RubricRecord } from '../types.ts'
import { contentHash } from '../util/hash.ts'

const MAX_REPORTED_TEXT = 2000

/** What a deterministic check or scorer made of one output, as one record of its dimension. */
export interface CheckOutcome {
  /** The matcher, for example `toMatchSchema`. */
  assertion: string
  dimension: string
  /** In [0, 1], or `null` when the scorer failed (an error is never a score). */
  score: number | null
  floor: number
  /**
   * Whether the assertion passed, `.not` included: `.not.toBeRefusal()` on an answer records score 0 and pass
   * `true`. `null` with an error.
   */
  pass: boolean | null
  reason: string
  /** `check` for the built-in pass/fail checks, `scorer` for similarity and user scorers. */
  judgeName: 'check' | 'scorer'
  /** Identifies the scorer and its version: a hash of them. */
  judgeId: string
  /** The scorer's name, recorded as `rubricId` `scorer:<name>` as `describeEval` records its scorers. */
  scorer: string
  model?: string
  latencyMs: number
  source?: 'live' | 'stored'
  store?: RubricRecord['store']
  error?: JudgmentError
  /** The output as the check read it (masked by the PII check). */
  output: string
  input?: string | undefined
}

/** The id of a deterministic scorer: a hash of its name, version and settings that change its scores. */
export function scorerId(
  name: string,
  version: string | number,
  settings: Record<string, unknown> = {},
): string {
  return contentHash({ scorer: name, version: String(version), ...settings })
}

/**
 * Appends the record of a check to the test's `meta`, beside the judges' records, so that the reporter
 * aggregates it as a dimension of its own.
 */
export function recordCheck(
  task: Readonly<Test> | undefined,
  outcome: CheckOutcome,
): RubricRecord | undefined {
  if (!task) return undefined
  const meta = task.meta as { rubric?: RubricRecord[] }
  const existing = meta.rubric ?? []
  const retry = task.result?.retryCount ?? 0
  const record: RubricRecord = {
    assertion: outcome.assertion,
    callId: contentHash({ test: task.id, retry, n: existing.length, scorer: outcome.judgeId }, 12),
    dimension: outcome.dimension,
    score: outcome.score,
    floor: outcome.floor,
    pass: outcome.pass,
    reason: outcome.reason,
    judgeId: outcome.judgeId,
    judgeName: outcome.judgeName,
    ...(outcome.model === undefined ? {} : { model: outcome.model }),
    rubricId: `scorer:${outcome.scorer}`,
    latencyMs: Math.round(outcome.latencyMs),
    source: outcome.source ?? 'live',
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(outcome.store ? { store: outcome.store } : {}),
    retry,
    output: shorten(outcome.output),
    ...(outcome.input === undefined ? {} : { input: shorten(outcome.input) }),
    kind: 'scorer',
  }
  meta.rubric = [...existing, record]
  return record
}

function shorten(text: string): string {
  return text.length <= MAX_REPORTED_TEXT ? text : `${text.slice(0, MAX_REPORTED_TEXT)}…`
}

/** What a matcher returns to Vitest. */
export interface MatcherResult {
  pass: boolean
  message: () => string
}

/**
 * Records a check and returns its raw result, which Vitest flips under `.not`. The record's `pass` is the
 * assertion's outcome (`.not` included) and its score the real score.
 */
export function concludeCheck(
  state: { isNot?: boolean | undefined; task?: Readonly<Test> | undefined },
  outcome: Omit<CheckOutcome, 'pass'>,
  rawPass: boolean,
  message: () => string,
): MatcherResult {
  const isNot = state.isNot === true // the flag is undefined, not false, without .not
  recordCheck(state.task, { ...outcome, pass: rawPass !== isNot })
  return { pass: rawPass, message }
}
