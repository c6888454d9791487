import type { RunnerTestCase as Test } from 'vitest'
import { appendRecords } from '../record/append.ts'
import type { JudgedTurn, JudgmentRecord } from '../record/schema.ts'
import { transcriptExcerpt } from '../record/transcript-excerpt.ts'
import { isUnstable } from '../reliability/trials.ts'
import { dimensionDefinitionId } from '../rubric/define-rubric.ts'
import type { JudgeRequest, Judgment, UnstablePolicy } from '../types.ts'
import type { ServedJudgment } from './judge-service.ts'

/** The turn a judgment of `{ per: 'turn' }` scored, and what its assertion made of all the turns. */
export interface RecordedTurn {
  turn: Pick<JudgedTurn, 'index' | 'of' | 'message'>
  /** Per dimension whose lowest turn this is: every turn's score on it, in turn order. */
  lowestOf: Readonly<Record<string, number[]>>
  /** The conversation's index of the first message since the turn before: the messages this turn's record keeps. */
  since: number
  /** The whole assertion's outcome (over every turn), `null` when a turn could not be scored. */
  assertionPassed: boolean | null
}

/**
 * Turns a judgment into one record per dimension and appends them to the test's meta. `pass` is each score
 * against its floor; `assertionPassed` is the outcome of the whole assertion (every dimension at its floor, or
 * with `.not` not every one), the same on each record. With trials, a dimension whose trials fall on both sides of
 * its floor is unstable, and under the `fail` policy the assertion did not pass.
 */
export function recordJudgment(
  task: Readonly<Test>,
  assertion: string,
  request: JudgeRequest,
  { judgment, store, shared }: ServedJudgment,
  floors: Readonly<Record<string, number>>,
  isNot = false,
  unstablePolicy: UnstablePolicy = 'fail',
  turn?: RecordedTurn,
): JudgmentRecord[] {
  const parts = request.dimensions.length
  const failed = judgment.error !== undefined || request.dimensions.some((d) => !judgment.scores[d])
  const assertionPassed = turn
    ? turn.assertionPassed
    : failed
      ? null
      : assertionOutcome(judgment, floors, isNot, unstablePolicy)
  // Only a conversation's records carry one, and only the call's first: the text reports show of it.
  const since = turn?.since ?? 0
  const transcript =
    request.conversation && transcriptExcerpt(request.conversation.transcript.messages.slice(since), since)
  const drafts = request.dimensions.map((dimension, index) => {
    const tokens = judgment.tokens && shareOfTokens(judgment.tokens, parts, index)
    const floor = floors[dimension]!
    const scored = judgment.error ? undefined : judgment.scores[dimension]
    const score = scored?.score ?? null
    const pass = score === null ? null : score >= floor
    const trials = judgment.error ? undefined : judgment.trials?.[dimension]
    return {
      kind: 'judgment' as const,
      assertion,
      dimension,
      score,
      floor,
      pass,
      assertionPassed,
      reason: scored?.reason ?? judgment.error?.message ?? 'the judge returned no score for this dimension',
      judgeId: judgment.judgeId,
      judgeName: judgment.judgeName,
      ...(judgment.model === undefined ? {} : { model: judgment.model }),
      rubricId: judgment.rubricId,
      definitionId: dimensionDefinitionId(request.rubric, dimension),
      ...(tokens ? { tokens } : {}),
      ...(judgment.costUsd === undefined ? {} : { costUsd: judgment.costUsd / parts }),
      ...(judgment.retries ? { retries: judgment.retries } : {}),
      ...(trials ? { trials, unstable: isUnstable(trials, floor) } : {}),
      ...(scored?.distribution ? { distribution: scored.distribution } : {}),
      ...(judgment.note ? { note: judgment.note } : {}),
      ...(judgment.members
        ? {
            members: judgment.members.map((member) => ({
              name: member.name,
              judgeId: member.judgeId,
              score: member.scores[dimension] ?? null,
              ...(member.error ? { error: member.error } : {}),
            })),
          }
        : {}),
      latencyMs: Math.round(judgment.latencyMs),
      source: judgment.source,
      ...(judgment.error ? { error: judgment.error } : {}),
      ...(store ? { store } : {}),
      ...(shared ? { shared } : {}),
      output: request.output,
      ...(request.input === undefined ? {} : { input: request.input }),
      ...(turn ? { turn: recordedTurn(turn, dimension) } : {}),
      ...(transcript && index === 0 ? { transcript } : {}),
    }
  })
  return appendRecords(task, drafts) as JudgmentRecord[]
}

/**
 * Whether an assertion on a scored judgment passed: every dimension at its floor (with `.not`, not every one).
 * An unstable dimension under the `fail` policy fails the assertion either way: a coin flip is not a pass.
 */
export function assertionOutcome(
  judgment: Judgment,
  floors: Readonly<Record<string, number>>,
  isNot: boolean,
  unstablePolicy: UnstablePolicy,
): boolean {
  const dimensions = Object.keys(floors)
  if (unstablePolicy === 'fail' && unstableDimensions(judgment, floors).length > 0) return false
  const reached = dimensions.every((d) => (judgment.scores[d]?.score ?? -1) >= floors[d]!)
  return reached !== isNot
}

/** The dimensions whose trials fall on both sides of their floor. */
export function unstableDimensions(judgment: Judgment, floors: Readonly<Record<string, number>>): string[] {
  return Object.keys(floors).filter((d) => isUnstable(judgment.trials?.[d], floors[d]!))
}

function recordedTurn({ turn, lowestOf }: RecordedTurn, dimension: string): JudgedTurn {
  const scores = lowestOf[dimension]
  return scores ? { ...turn, lowest: true, scores: [...scores] } : { ...turn }
}

/** Splits a call's tokens over its dimensions so that the records' shares add up to the call exactly. */
export function shareOfTokens(tokens: NonNullable<Judgment['tokens']>, parts: number, index: number) {
  const share = (value: number) => Math.floor(value / parts) + (index === 0 ? value % parts : 0)
  return { prompt: share(tokens.prompt), completion: share(tokens.completion), total: share(tokens.total) }
}
