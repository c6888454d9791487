import type { RunnerTestCase as Test } from 'vitest'
import { appendRecords } from '../record/append.ts'
import type { JudgmentRecord } from '../record/schema.ts'
import { dimensionDefinitionId } from '../rubric/define-rubric.ts'
import type { JudgeRequest, Judgment } from '../types.ts'
import type { ServedJudgment } from './judge-service.ts'

/**
 * Turns a judgment into one record per dimension and appends them to the test's meta. `pass` is each score
 * against its floor; `assertionPassed` is the outcome of the whole assertion (every dimension at its floor, or
 * with `.not` not every one), the same on each record.
 */
export function recordJudgment(
  task: Readonly<Test>,
  assertion: string,
  request: JudgeRequest,
  { judgment, store, shared }: ServedJudgment,
  floors: Readonly<Record<string, number>>,
  isNot = false,
): JudgmentRecord[] {
  const parts = request.dimensions.length
  const failed = judgment.error !== undefined || request.dimensions.some((d) => !judgment.scores[d])
  const reached = request.dimensions.every((d) => (judgment.scores[d]?.score ?? -1) >= floors[d]!)
  const assertionPassed = failed ? null : reached !== isNot
  const drafts = request.dimensions.map((dimension, index) => {
    const tokens = judgment.tokens && shareOfTokens(judgment.tokens, parts, index)
    const floor = floors[dimension]!
    const scored = judgment.error ? undefined : judgment.scores[dimension]
    const score = scored?.score ?? null
    const pass = score === null ? null : score >= floor
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
      latencyMs: Math.round(judgment.latencyMs),
      source: judgment.source,
      ...(judgment.error ? { error: judgment.error } : {}),
      ...(store ? { store } : {}),
      ...(shared ? { shared } : {}),
      output: request.output,
      ...(request.input === undefined ? {} : { input: request.input }),
    }
  })
  return appendRecords(task, drafts) as JudgmentRecord[]
}

/** Splits a call's tokens over its dimensions so that the records' shares add up to the call exactly. */
function shareOfTokens(tokens: NonNullable<Judgment['tokens']>, parts: number, index: number) {
  const share = (value: number) => Math.floor(value / parts) + (index === 0 ? value % parts : 0)
  return { prompt: share(tokens.prompt), completion: share(tokens.completion), total: share(tokens.total) }
}
