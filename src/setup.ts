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
import { toSatisfyRubric, toScoreAtLeast } from './matchers/score-matchers.ts'
import { toPassScorer } from './matchers/scorer-matcher.ts'
import { toBeSimilarTo } from './matchers/similarity.ts'

expect.extend({
  toScoreAtLeast,
  toSatisfyRubric,
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
})

applyConcurrency()
