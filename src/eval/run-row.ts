/**
 * Internal to `describeEval`: the test of one row. It runs the task, judges the output with the test context's
 * `expect` (so that concurrent rows never mix their scores), runs the scorers, then tags the test's records with
 * the row and keeps the row's scores for the boundary slice.
 */
import { inject, type TestContext } from 'vitest'
import { RubricArgumentError } from '../errors.ts'
import { recordCheck, scorerId } from '../matchers/check-record.ts'
import { conversationText } from '../matchers/conversation-output.ts'
import { optionToText, outputToText } from '../matchers/judged-text.ts'
import { PROVIDED_KEY } from '../matchers/provided.ts'
import type { JudgedText } from '../matchers/types.ts'
import { undecidedError } from '../matchers/undecided.ts'
import { appendRecords, tagRecords } from '../record/append.ts'
import type { RowFields } from '../record/schema.ts'
import { isSpend } from '../record/spend.ts'
import { RowScoresWriter } from '../store/row-scores.ts'
import { storePathFor } from '../store/store-file.ts'
import { isConversation } from '../transcript/to-transcript.ts'
import type { ExpectedToolCall } from '../transcript/tool-sequence.ts'
import type { EvalJudgeInputs, Row, RubricRecord } from '../types.ts'
import { ASSERTION } from './assertion.ts'
import type { SuitePlan } from './plan.ts'
import { runScorers } from './run-scorers.ts'
import { markRowTest, taskRecordDraft } from './task-cost.ts'

/** One row's test: run the task, judge, score, then tag the records with the row and keep its scores. */
export async function runRow<T, O>(
  plan: SuitePlan<T, O>,
  row: Row<T>,
  fields: RowFields,
  context: TestContext,
): Promise<void> {
  const { expect, task, signal } = context
  markRowTest(task)
  try {
    const result = plan.task ? await timedTask(plan.task, row, signal, task) : recordedOutput<O>(row)
    const judged = judgeInputsOf(row.data, result, plan.judgeInputs)
    const against = {
      ...(judged.input === undefined ? {} : { input: judged.input as JudgedText }),
      ...(judged.context === undefined ? {} : { context: judged.context as JudgedText }),
      ...(judged.reference === undefined ? {} : { reference: judged.reference as JudgedText }),
    }
    const expectedTools = (row.data as { expectedTools?: readonly ExpectedToolCall[] } | null)?.expectedTools
    if (plan.rubric) {
      await expect.soft(judged.output).toSatisfyRubric(plan.rubric, {
        ...against,
        ...(expectedTools === undefined || !isConversation(judged.output) ? {} : { expectedTools }),
        dimensions: plan.judged.dimensions,
        floors: plan.judged.floors,
        ...(plan.judged.trials === undefined ? {} : { trials: plan.judged.trials }),
        ...(plan.judged.aggregate === undefined ? {} : { aggregate: plan.judged.aggregate }),
      })
    }
    if (plan.scorers.length === 0) return
    // Scorers read text: of a conversation, its last assistant message.
    const output = outputToText(conversationText(judged.output, 'last', ASSERTION), ASSERTION)
    const input = optionToText(against.input, 'input', ASSERTION)
    const reference = optionToText(against.reference, 'reference', ASSERTION)
    const contextText = optionToText(against.context, 'context', ASSERTION)
    const expected = (row.data as { expected?: unknown } | null)?.expected
    const outcomes = await runScorers(plan.scorers, plan.scorerFloors, output, {
      ...(input === undefined ? {} : { input }),
      ...(contextText === undefined ? {} : { context: contextText }),
      ...(reference === undefined ? {} : { reference }),
      ...(expected === undefined ? {} : { expected }),
      data: row.data,
      row,
      result,
    })
    for (const outcome of outcomes) {
      recordCheck(task, {
        kind: 'scorer',
        assertion: ASSERTION,
        dimension: outcome.name,
        score: outcome.score,
        floor: outcome.floor,
        assertionPassed: outcome.score === null ? null : outcome.score >= outcome.floor,
        reason: outcome.reason,
        judgeName: 'scorer',
        judgeId: scorerId(outcome.name, outcome.version),
        scorer: outcome.name,
        latencyMs: outcome.latencyMs,
        ...(outcome.error ? { error: outcome.error } : {}),
        output,
        input,
      })
    }
    for (const { name, score, floor, reason } of outcomes) {
      if (score === null || score >= floor) continue
      expect
        .soft(score, `${name} scored ${score.toFixed(2)}, below its floor ${floor.toFixed(2)} (${reason})`)
        .toBeGreaterThanOrEqual(floor)
    }
    const errors = outcomes.filter((outcome) => outcome.error)
    if (errors.length > 0) {
      throw undecidedError(task, 'RUBRIC_SCORER_FAILED', errors.map((outcome) => outcome.reason).join('\n'))
    }
  } finally {
    const records = tagRecords(task, fields)
    await keepRowScores(task.file.filepath, plan.name, row.id, records)
  }
}

/** Runs the row's task and records what it spent: its wall time and the tokens its result reports. */
async function timedTask<T, O>(
  run: NonNullable<SuitePlan<T, O>['task']>,
  row: Row<T>,
  signal: AbortSignal,
  test: TestContext['task'],
): Promise<O> {
  const started = performance.now()
  const result = await run(row.data, { row, signal })
  appendRecords(test, [taskRecordDraft(performance.now() - started, result)])
  return result
}

/** The row's recorded output, for suites without a task (checked when the suite is defined). */
function recordedOutput<O>(row: Row<unknown>): O {
  const data = row.data as { output?: O; messages?: O }
  return (data.output ?? data.messages) as O
}

/** What the judge reads: the defaults from the row's fields, then what `judgeInputs` returns. */
function judgeInputsOf<T, O>(
  data: T,
  result: O,
  custom: ((data: T, result: O) => EvalJudgeInputs) | undefined,
): EvalJudgeInputs & { output: unknown } {
  const fields = (data !== null && typeof data === 'object' ? data : {}) as Record<string, unknown>
  const defaults: EvalJudgeInputs & { output: unknown } = { output: result }
  for (const key of ['input', 'context', 'reference'] as const) {
    const value = fields[key]
    if (
      typeof value === 'string' ||
      (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    ) {
      defaults[key] = value as string | string[]
    }
  }
  if (!custom) return defaults
  const returned = custom(data, result)
  if (returned === null || typeof returned !== 'object') {
    throw new RubricArgumentError(
      `describeEval \`judgeInputs\` returned ${String(returned)}; return an object such as ` +
        '`{ output: reply.answer, context: reply.context }`.',
    )
  }
  const merged = { ...defaults, ...returned }
  return { ...merged, output: 'output' in returned ? returned.output : result }
}

// Module state lives per test file in a worker, like the judgment store of judge-service.ts.
let writer: RowScoresWriter | undefined

/**
 * Keeps the row's scores of this attempt where the store is written (in `auto` and `record` modes). A dimension
 * whose judgment failed keeps its stored score, or stays unscored if it has none: a failed run overwrites nothing.
 */
async function keepRowScores(
  testFile: string,
  suite: string,
  rowId: string,
  records: readonly RubricRecord[],
): Promise<void> {
  const mode = inject(PROVIDED_KEY)?.store.mode
  if (mode !== 'auto' && mode !== 'record') return
  const scores: Record<string, number> = {}
  const failed: string[] = []
  for (const record of records) {
    if (isSpend(record)) continue
    if (record.score !== null) scores[record.dimension] = record.score
    else failed.push(record.dimension)
  }
  const file = storePathFor(testFile)
  if (writer?.file !== file) writer = new RowScoresWriter(file)
  await writer.put(suite, rowId, scores, failed)
}
