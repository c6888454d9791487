/**
 * Registers the vitest-rubric matchers. The `evals()` project adds this file to `setupFiles`; add
 * `'vitest-rubric/setup'` yourself only for a project made without `evals()`.
 */
import { expect } from 'vitest'
import './augment.ts'
import {
  toBeRefusal,
  toBeValidJSON,
  toContainAll,
  toContainNone,
  toContainNoPII,
  toHaveLengthWithin,
  toMatchPattern,
  toMatchSchema,
} from './matchers/checks.ts'
import { applyConcurrency } from './matchers/concurrency.ts'
import { readingConversations } from './matchers/conversation-output.ts'
import { toSatisfyRubric, toScoreAtLeast } from './matchers/score-matchers.ts'
import { toPassScorer } from './matchers/scorer-matcher.ts'
import { toBeSimilarTo } from './matchers/similarity.ts'
import {
  toHaveCalledTool,
  toHaveCalledToolTimes,
  toHaveToolSequence,
  toTakeAtMostSteps,
} from './matchers/trajectory.ts'

// The text checks read the assistant's text when they receive a conversation.
const textChecks = {
  toMatchSchema,
  toBeValidJSON,
  toMatchPattern,
  toContainAll,
  toContainNone,
  toHaveLengthWithin,
  toContainNoPII,
  toBeRefusal,
  toBeSimilarTo,
  toPassScorer,
}

expect.extend({
  toScoreAtLeast,
  toSatisfyRubric,
  ...Object.fromEntries(
    Object.entries(textChecks).map(([name, matcher]) => [name, readingConversations(matcher, name)]),
  ),
  toHaveCalledTool,
  toHaveCalledToolTimes,
  toHaveToolSequence,
  toTakeAtMostSteps,
})

applyConcurrency()
