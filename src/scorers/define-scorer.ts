import { RubricArgumentError } from '../errors.ts'
import { assertFloor } from '../rubric/define-rubric.ts'
import type { Scorer, ScorerContext } from '../types.ts'

/**
 * A deterministic dimension of your own, reported beside the judge's:
 *
 * ```ts
 * const citesSources = defineScorer({
 *   name: 'cites-sources',
 *   floor: 1,
 *   score: (output) => (/\[\d+\]/.test(output) ? 1 : { score: 0, reason: 'no [n] citation' }),
 * })
 * await expect(answer).toPassScorer(citesSources, { input: question })
 * describeEval('answers', { data, task, scorers: [citesSources] })
 * ```
 */
export function defineScorer<T = unknown>(spec: Scorer<T>): Scorer<T> {
  if (spec === null || typeof spec !== 'object') {
    throw new RubricArgumentError(
      'defineScorer() needs { name, score }, for example ' +
        "defineScorer({ name: 'short', score: (output) => (output.length < 200 ? 1 : 0) }).",
    )
  }
  if (typeof spec.name !== 'string' || spec.name.trim() === '') {
    throw new RubricArgumentError(
      `defineScorer() needs a \`name\` (the dimension its score is recorded under); received ${JSON.stringify(spec.name)}.`,
    )
  }
  if (typeof spec.score !== 'function') {
    throw new RubricArgumentError(
      `defineScorer({ name: '${spec.name}' }) needs a \`score\` function: (output, context) => number in [0, 1] ` +
        'or { score, reason }.',
    )
  }
  if (spec.floor !== undefined) assertFloor(spec.floor, `defineScorer({ name: '${spec.name}' }): the floor`)
  const version = spec.version ?? '1'
  if (typeof version !== 'string' && typeof version !== 'number') {
    throw new RubricArgumentError(
      `defineScorer({ name: '${spec.name}' }): \`version\` must be a string or a number.`,
    )
  }
  const score = spec.score
  return Object.freeze({
    name: spec.name,
    score: (output: string, context: ScorerContext<T>) => score(output, context),
    ...(spec.floor === undefined ? {} : { floor: spec.floor }),
    version,
  })
}
