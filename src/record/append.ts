/**
 * The one place records enter a test's `meta`, from where they travel to the reporter (and survive
 * `--merge-reports`).
 */
import type { RunnerTestCase as Test } from 'vitest'
import { annotateRecord, assertionLine } from '../matchers/annotate.ts'
import { provided } from '../matchers/worker-options.ts'
import { contentHash } from '../util/hash.ts'
import type { RowFields, RubricRecord } from './schema.ts'
import { isSpend } from './spend.ts'

/** Judged text kept in a record for reports: enough to read, small enough for meta to travel. */
const MAX_REPORTED_TEXT = 2000

/** A record as a matcher describes it: the test supplies its call id and retry attempt. */
export type RecordDraft = RubricRecord extends infer R
  ? R extends RubricRecord
    ? Omit<R, 'callId' | 'retry'>
    : never
  : never

/**
 * Appends the records of one call (one judge call, one check) to the test's meta. Records of one call share a
 * call id; the test's retry attempt tags them, since meta accumulates across retries and only the last attempt
 * counts.
 */
export function appendRecords(task: Readonly<Test>, drafts: readonly RecordDraft[]): RubricRecord[] {
  const meta = task.meta as { rubric?: RubricRecord[] }
  meta.rubric ??= []
  const retry = task.result?.retryCount ?? 0
  const callId = contentHash({ test: task.id, retry, n: meta.rubric.length, by: drafts[0]?.judgeId }, 12)
  const line = assertionLine(task)
  const records = drafts.map(
    (draft) =>
      ({
        ...draft,
        callId,
        retry,
        ...(line === undefined ? {} : { line }),
        output: shorten(draft.output),
        ...(draft.input === undefined ? {} : { input: shorten(draft.input) }),
        ...(draft.kind === 'pairwise' ? { baseline: shorten(draft.baseline) } : {}),
      }) as RubricRecord,
  )
  meta.rubric.push(...records)
  // Spend (a task's cost, a simulated user's turn) is no verdict: nothing to annotate the test with.
  for (const record of records) if (!isSpend(record)) annotateRecord(task, record)
  // A shard's share of the judge limits travels with its eval files into the merged report.
  const { shardLimits } = provided()
  if (shardLimits) task.file.meta.rubricShardLimits = shardLimits
  return records
}

/** The records of the test's current attempt. */
export function currentRecords(task: Readonly<Test>): RubricRecord[] {
  const retry = task.result?.retryCount ?? 0
  return ((task.meta as { rubric?: RubricRecord[] }).rubric ?? []).filter((record) => record.retry === retry)
}

/** Adds `fields` to the records of the test's current attempt that have no row yet; returns those records. */
export function tagRecords(task: Readonly<Test>, fields: RowFields): RubricRecord[] {
  const records = currentRecords(task).filter((record) => record.rowId === undefined)
  for (const record of records) Object.assign(record, fields)
  return records
}

function shorten(text: string): string {
  return text.length <= MAX_REPORTED_TEXT ? text : `${text.slice(0, MAX_REPORTED_TEXT)}…`
}
