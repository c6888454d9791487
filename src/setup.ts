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

// This file runs before every eval file, in a fresh worker each time: what it imports, every eval file pays for
// (`npm run bench`, bench/setup.mjs). Registering a matcher:
// - an async matcher (a judge, the store, a scorer runner or a model behind it) is registered here by name with
//   `lazyMatcher(name, () => import(...))`: its module loads at its first call. Never import it statically here.
// - a matcher that answers without `await` (a check) is imported here, since it must decide at once; keep its
//   module's imports to what it needs to answer. It cannot load later: a synchronous `require()` of an ES module
//   fails while a concurrent dynamic import of a module they share is loading (Node 20 and 22). The build puts
//   what this file imports into a few modules beside it (scripts/build.mjs).
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
