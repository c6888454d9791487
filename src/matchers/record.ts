import type { RunnerTestCase as Test } from 'vitest'
import type { JudgeRequest, Judgment, RubricRecord } from '../types.ts'
import { contentHash } from '../util/hash.ts'
import type { ServedJudgment } from './judge-service.ts'

const MAX_REPORTED_TEXT = 2000

/**
 * Turns a judgment into one record per dimension and appends them to the test's `meta`, from where they
 * travel to the reporter (and survive `--merge-reports`).
 */
export function recordJudgment(
  task: Readonly<Test>,
  assertion: string,
  request: JudgeRequest,
  { judgment, store }: ServedJudgment,
  floors: Readonly<Record<string, number>>,
): RubricRecord[] {
  const meta = task.meta as { rubric?: RubricRecord[] }
  const existing = meta.rubric ?? []
  const retry = task.result?.retryCount ?? 0
  const callId = contentHash({ test: task.id, retry, n: existing.length, judge: judgment.judgeId }, 12)
  const records = request.dimensions.map((dimension, index): RubricRecord => {
    const tokens = judgment.tokens && shareOfTokens(judgment.tokens, request.dimensions.length, index)
    const floor = floors[dimension]!
    const scored = judgment.error ? undefined : judgment.scores[dimension]
    const score = scored?.score ?? null
    return {
      assertion,
      callId,
      dimension,
      score,
      floor,
      pass: score === null ? null : score >= floor,
      reason: scored?.reason ?? judgment.error?.message ?? 'the judge returned no score for this dimension',
      judgeId: judgment.judgeId,
      judgeName: judgment.judgeName,
      ...(judgment.model === undefined ? {} : { model: judgment.model }),
      rubricId: judgment.rubricId,
      ...(tokens ? { tokens } : {}),
      ...(judgment.costUsd === undefined ? {} : { costUsd: judgment.costUsd / request.dimensions.length }),
      ...(judgment.retries ? { retries: judgment.retries } : {}),
      latencyMs: Math.round(judgment.latencyMs),
      source: judgment.source,
      ...(judgment.error ? { error: judgment.error } : {}),
      ...(store ? { store } : {}),
      retry,
      output: shorten(request.output),
      ...(request.input === undefined ? {} : { input: shorten(request.input) }),
    }
  })
  meta.rubric = [...existing, ...records]
  return records
}

/** What a data-driven test adds to every record it made: the row, its dataset and its metadata. */
export type RowFields = Pick<RubricRecord, 'rowId' | 'dataset' | 'datasetHash' | 'metadata'>

/** Adds `fields` to the records of the test's current attempt that have no row yet; returns those records. */
export function tagRecords(task: Readonly<Test>, fields: RowFields): RubricRecord[] {
  const retry = task.result?.retryCount ?? 0
  const records = ((task.meta as { rubric?: RubricRecord[] }).rubric ?? []).filter(
    (record) => record.retry === retry && record.rowId === undefined,
  )
  for (const record of records) Object.assign(record, fields)
  return records
}

/** Splits a call's tokens over its dimensions so that the records' shares add up to the call exactly. */
function shareOfTokens(tokens: NonNullable<Judgment['tokens']>, parts: number, index: number) {
  const share = (value: number) => Math.floor(value / parts) + (index === 0 ? value % parts : 0)
  return { prompt: share(tokens.prompt), completion: share(tokens.completion), total: share(tokens.total) }
}

function shorten(text: string): string {
  return text.length <= MAX_REPORTED_TEXT ? text : `${text.slice(0, MAX_REPORTED_TEXT)}…`
}
