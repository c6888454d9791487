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
import { lazyMatcher } from './matchers/lazy.ts'
import { toBeSimilarTo } from './matchers/similarity.ts'
import {
  toHaveCalledTool,
  toHaveCalledToolTimes,
  toHaveToolSequence,
  toTakeAtMostSteps,
} from './matchers/trajectory.ts'

// This file runs once per eval file in every worker. The checks and the lexical similarities answer at once
// (an assertion without `await` must still decide), so they load here; the judge, the store and the scorer
// runner load at the first assertion that needs them.
const scoreMatchers = () => import('./matchers/score-matchers.ts')

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
  toPassScorer: lazyMatcher(
    'toPassScorer',
    async () => (await import('./matchers/scorer-matcher.ts')).toPassScorer,
  ),
}

expect.extend({
  toScoreAtLeast: lazyMatcher('toScoreAtLeast', async () => (await scoreMatchers()).toScoreAtLeast),
  toSatisfyRubric: lazyMatcher('toSatisfyRubric', async () => (await scoreMatchers()).toSatisfyRubric),
  toBePreferredOver: lazyMatcher(
    'toBePreferredOver',
    async () => (await import('./matchers/pairwise-matcher.ts')).toBePreferredOver,
  ),
  ...Object.fromEntries(
    Object.entries(textChecks).map(([name, matcher]) => [name, readingConversations(matcher, name)]),
  ),
  toHaveCalledTool,
  toHaveCalledToolTimes,
  toHaveToolSequence,
  toTakeAtMostSteps,
})

applyConcurrency()
