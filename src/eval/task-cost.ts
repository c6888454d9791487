/**
 * Internal to `describeEval` and `runConversation`: what the system under test spent on one task, as a `task`
 * record. Pure, but for the set of the tests that are `describeEval` rows.
 */
import type { RecordDraft } from '../record/append.ts'
import type { ModelTokens } from '../record/schema.ts'
import { isConversation, toTranscript } from '../transcript/to-transcript.ts'
import { ASSERTION } from './assertion.ts'

// A row's task is recorded by `describeEval`, whatever it calls: `runConversation` inside it records nothing.
const rowTests = new WeakSet<object>()

/** Marks `test` as a `describeEval` row, whose task `describeEval` records. */
export function markRowTest(test: object): void {
  rowTests.add(test)
}

/** Whether `test` is a `describeEval` row. */
export function isRowTest(test: object): boolean {
  return rowTests.has(test)
}

/** The key of tokens whose model the result does not name. */
export const UNKNOWN_MODEL = 'unknown'

/**
 * The tokens per model a task's result reports, from the usage any accepted conversation shape carries (a
 * ChatCompletion's `usage`, a Responses object's, AI SDK steps', Anthropic messages'); `undefined` without usage.
 */
export function tokensByModel(result: unknown): Record<string, ModelTokens> | undefined {
  if (!isConversation(result)) return undefined
  let usage: ReturnType<typeof toTranscript>['usage']
  try {
    usage = toTranscript(result).usage
  } catch {
    // A result in no readable shape has no usage to count; judging it reports what is wrong with it.
    return undefined
  }
  if (!usage || usage.length === 0) return undefined
  const tokens: Record<string, ModelTokens> = {}
  for (const call of usage) {
    const model = call.model ?? UNKNOWN_MODEL
    const sum = tokens[model] ?? { input: 0, output: 0, total: 0 }
    sum.input += call.inputTokens
    sum.output += call.outputTokens
    sum.total += call.inputTokens + call.outputTokens
    tokens[model] = sum
  }
  return tokens
}

/** The `task` record of one row: the task's wall time and the tokens its result reports. */
export function taskRecordDraft(latencyMs: number, result: unknown): RecordDraft {
  const tokens = tokensByModel(result)
  return {
    kind: 'task',
    assertion: ASSERTION,
    dimension: 'latency',
    score: null,
    floor: 0,
    pass: null,
    assertionPassed: null,
    reason: `task took ${Math.round(latencyMs)} ms`,
    judgeId: 'task',
    judgeName: 'task',
    latencyMs,
    source: 'live',
    output: '',
    ...(tokens === undefined ? {} : { tokensByModel: tokens }),
  }
}

/** The total tokens of a task record, over its models; `undefined` when its result reported none. */
export function taskTokens(tokens: Readonly<Record<string, ModelTokens>> | undefined): number | undefined {
  if (tokens === undefined) return undefined
  let total = 0
  for (const model of Object.values(tokens)) total += model.total
  return total
}
