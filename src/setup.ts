/**
 * Registers the vitest-rubric matchers. The `evals()` project adds this file to `setupFiles`; add
 * `'vitest-rubric/setup'` yourself only for a project made without `evals()`.
 */
import { expect } from 'vitest'
import './augment.ts'
import { toSatisfyRubric, toScoreAtLeast } from './matchers/score-matchers.ts'

expect.extend({ toScoreAtLeast, toSatisfyRubric })
