/**
 * Internal to `runConversation`: what the agent spent on a conversation, as the test's `task` record, so that the
 * reporter's latency and token statistics and their gates cover plain tests too. Loaded when a conversation ends.
 */
import { type RunnerTestCase, TestRunner } from 'vitest'
import { isRowTest, taskRecordDraft } from '../eval/task-cost.ts'
import { appendRecords } from '../record/append.ts'
import type { Transcript } from '../transcript/schema.ts'

/**
 * The test a conversation's cost is recorded on: the one given, else Vitest's current test when only it can be
 * running (a concurrent test's "current test" may be another that started after it). A `describeEval` row records
 * its task itself.
 */
export function costTest(given: RunnerTestCase | undefined): RunnerTestCase | undefined {
  const test = conversationTest(given)
  return test && !isRowTest(test) ? test : undefined
}

/**
 * The test a conversation runs in: the one given, else Vitest's current test when only it can be running. A
 * simulated user's turns are recorded on it, a `describeEval` row's included.
 */
export function conversationTest(given: RunnerTestCase | undefined): RunnerTestCase | undefined {
  // Vitest 4 and 5 both export the runner class with the current test (Vitest 5 has no `vitest/suite`).
  const test = given ?? TestRunner.getCurrentTest<RunnerTestCase | undefined>()
  if (!test || (!given && test.concurrent)) return undefined
  return test
}

/**
 * Appends the `task` record of a conversation: the time the agent took (the simulated user's calls are the
 * judge's cost, not the agent's) and the tokens its replies reported, per model.
 */
export function recordConversationCost(
  test: RunnerTestCase,
  agentMs: number,
  transcript: Transcript,
  turns: number,
): void {
  const draft = taskRecordDraft(agentMs, transcript)
  appendRecords(test, [
    {
      ...draft,
      assertion: 'runConversation',
      reason: `the agent took ${Math.round(agentMs)} ms over ${turns} ${turns === 1 ? 'turn' : 'turns'}`,
    },
  ])
}
