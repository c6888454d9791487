import type { MatcherState } from 'vitest'
import { RubricArgumentError, RubricError } from '../errors.ts'
import { assertFloor } from '../rubric/define-rubric.ts'
import type { Scorer, ScorerContext } from '../types.ts'
import { type AwaitGuard, abandonedOutcome } from './await-guard.ts'
import { concludeCheck, type MatcherResult, recordCheck, scorerId } from './check-record.ts'
import { dimensionOf } from './checks.ts'
import { optionToText, outputToText } from './judged-text.ts'
import type { ScorerMatchOptions } from './types.ts'
import { undecidedError } from './undecided.ts'

const fixed = (value: number) => value.toFixed(2)

/**
 * `await expect(output).toPassScorer(scorer, { input, context, reference, expected, floor })`: runs a scorer made
 * with `defineScorer` and passes when its score reaches the floor. A scorer that throws or returns something
 * other than a score in [0, 1] fails the assertion, with or without `.not`, and records an error, not a score.
 */
export async function toPassScorer(
  state: MatcherState,
  guard: AwaitGuard,
  received: unknown,
  scorer: Scorer<unknown>,
  options: ScorerMatchOptions = {},
): Promise<MatcherResult> {
  const name = 'toPassScorer'
  assertScorer(scorer, name)
  const floor = options.floor ?? scorer.floor
  if (floor === undefined) {
    throw new RubricArgumentError(
      `${name}(${scorer.name}) needs a floor: \`${name}(scorer, { floor: 0.8 })\`, or ` +
        `defineScorer({ name: '${scorer.name}', floor: 0.8, score }).`,
    )
  }
  assertFloor(floor, `${name}(${scorer.name}): the floor`)
  const dimension = dimensionOf(options, scorer.name, name)
  const output = outputToText(received, name)
  const input = optionToText(options.input, 'input', name)
  const context = optionToText(options.context, 'context', name)
  const reference = optionToText(options.reference, 'reference', name)
  const scorerContext: ScorerContext<unknown> = {
    ...(input === undefined ? {} : { input }),
    ...(context === undefined ? {} : { context }),
    ...(reference === undefined ? {} : { reference }),
    ...(options.expected === undefined ? {} : { expected: options.expected }),
    result: received,
  }
  const base = {
    kind: 'scorer' as const,
    assertion: name,
    dimension,
    floor,
    judgeName: 'scorer' as const,
    judgeId: scorerId(scorer.name, scorer.version ?? '1'),
    scorer: scorer.name,
    output,
    ...(input === undefined ? {} : { input }),
  }

  const started = performance.now()
  let scored: { score: number; reason: string } | { error: RubricError }
  try {
    scored = readScore(await scorer.score(output, scorerContext), scorer.name)
  } catch (error) {
    scored = {
      error: new RubricError(
        'RUBRIC_SCORER_FAILED',
        `the scorer "${scorer.name}" threw: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      ),
    }
  } finally {
    guard.settle()
  }
  const latencyMs = performance.now() - started
  // The test ended before the scorer did: it has failed already, and a late record would land on no attempt.
  if (guard.abandoned) return abandonedOutcome(state.isNot === true)
  const task = state.task

  if ('error' in scored) {
    const { error } = scored
    recordCheck(task, {
      ...base,
      score: null,
      assertionPassed: null,
      reason: error.message,
      latencyMs,
      error: { code: error.code, message: error.message },
    })
    throw undecidedError(task, error.code, `${name}() could not be decided: ${error.message}`, {
      cause: error.cause,
    })
  }
  const { score, reason } = scored
  const isNot = state.isNot === true
  return concludeCheck(
    { isNot, task },
    { ...base, score, reason, latencyMs },
    score >= floor,
    () =>
      `expected ${dimension} ${isNot ? 'below' : 'at least'} ${fixed(floor)}, but scorer ${scorer.name} scored it ` +
      `${fixed(score)}\nreason: ${reason}`,
  )
}

/** A score in [0, 1] and a reason, from what a scorer returned; anything else is an error naming the fix. */
function readScore(
  value: unknown,
  scorer: string,
): { score: number; reason: string } | { error: RubricError } {
  const object =
    value !== null && typeof value === 'object' ? (value as { score?: unknown; reason?: unknown }) : undefined
  const score = typeof value === 'number' ? value : object?.score
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 1) {
    const shown = typeof value === 'object' ? JSON.stringify(value) : String(value)
    return {
      error: new RubricError(
        'RUBRIC_SCORER_INVALID',
        `the scorer "${scorer}" returned ${shown}; a scorer returns a number in [0, 1] or { score, reason } with ` +
          'such a score.',
      ),
    }
  }
  const reason =
    typeof object?.reason === 'string' && object.reason !== '' ? object.reason : `scored ${fixed(score)}`
  return { score, reason }
}

function assertScorer(scorer: unknown, matcher: string): asserts scorer is Scorer<unknown> {
  const candidate = scorer as Partial<Scorer<unknown>> | null | undefined
  if (!candidate || typeof candidate.name !== 'string' || typeof candidate.score !== 'function') {
    throw new RubricArgumentError(
      `${matcher}() needs a scorer made with defineScorer({ name, score }); received ${
        candidate && typeof candidate === 'object'
          ? 'an object without a name and a score function'
          : String(scorer)
      }.`,
    )
  }
}
