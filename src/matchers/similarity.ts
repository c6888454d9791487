import type { MatcherState } from 'vitest'
import { RubricArgumentError } from '../errors.ts'
import type { SimilarityRecord } from '../record/schema.ts'
import { assertFloor } from '../rubric/define-rubric.ts'
import { jaccard } from '../scorers/jaccard.ts'
import { levenshtein } from '../scorers/levenshtein.ts'
import { rouge1, rouge2, rougeL } from '../scorers/rouge.ts'
import { type CheckOutcome, concludeCheck, type MatcherResult, scorerId } from './check-record.ts'
import { dimensionOf } from './checks.ts'
import { outputToText } from './judged-text.ts'
import { lazyMatcher } from './lazy.ts'
import { wordDiff } from './text-diff.ts'
import type {
  EmbeddingSimilarityOptions,
  SimilarityMethod,
  SimilarityOptions,
  TextSimilarityMethod,
  TextSimilarityOptions,
} from './types.ts'

/** Bumped when a method's scoring changes, so that its records' `judgeId` changes with it. */
export const SIMILARITY_VERSION = 1

const TEXT_METHODS: Record<
  TextSimilarityMethod,
  (output: string, reference: string, options: TextSimilarityOptions) => number
> = {
  'rouge-l': (output, reference, { stem }) => rougeL(output, reference, stem === undefined ? {} : { stem }),
  'rouge-1': (output, reference, { stem }) => rouge1(output, reference, stem === undefined ? {} : { stem }),
  'rouge-2': (output, reference, { stem }) => rouge2(output, reference, stem === undefined ? {} : { stem }),
  levenshtein: (output, reference, { ignoreCase, collapseWhitespace }) =>
    levenshtein(output, reference, {
      ...(ignoreCase === undefined ? {} : { ignoreCase }),
      ...(collapseWhitespace === undefined ? {} : { collapseWhitespace }),
    }),
  jaccard: (output, reference, { stem }) => jaccard(output, reference, stem === undefined ? {} : { stem }),
}

const METHODS: readonly SimilarityMethod[] = [
  ...(Object.keys(TEXT_METHODS) as TextSimilarityMethod[]),
  'embedding',
]

export const fixed = (value: number) => value.toFixed(2)

/**
 * `expect(output).toBeSimilarTo(reference, floor, { method })`: the lexical methods decide at once;
 * `await expect(output).toBeSimilarTo(reference, floor, { method: 'embedding' })` compares embedding vectors.
 */
export function toBeSimilarTo(
  this: MatcherState,
  received: unknown,
  reference: string,
  floor: number,
  options: SimilarityOptions = {},
): MatcherResult | Promise<MatcherResult> {
  const name = 'toBeSimilarTo'
  if (typeof reference !== 'string') {
    throw new RubricArgumentError(
      `${name}() compares the output with a reference text, but the reference is ${reference === null ? 'null' : typeof reference}. ` +
        `Write \`expect(output).${name}('the reference answer', 0.6)\`.`,
    )
  }
  assertFloor(floor, `${name}(reference, ${String(floor)}): the floor`)
  if (options === null || typeof options !== 'object') {
    throw new RubricArgumentError(
      `${name}() options are ${String(options)}; pass an object such as { method: 'rouge-l' }.`,
    )
  }
  const method = options.method ?? 'rouge-l'
  if (!METHODS.includes(method)) {
    throw new RubricArgumentError(
      `${name}() has no method "${String(method)}". Use one of ${METHODS.join(', ')}.`,
    )
  }
  const dimension = dimensionOf(options, method, name)
  const output = outputToText(received, name)
  if (method === 'embedding') {
    // The embedder, its client and the embedding store load at the first embedding comparison only.
    return lazyMatcher(
      name,
      async () => (await import('./embedding-similarity.ts')).embeddingSimilarity,
    ).call(this, output, reference, floor, dimension, options as EmbeddingSimilarityOptions)
  }
  const textOptions = options as TextSimilarityOptions
  const started = performance.now()
  const score = TEXT_METHODS[method](output, reference, textOptions)
  const settings = {
    stem: textOptions.stem === true,
    ...(method === 'levenshtein'
      ? {
          ignoreCase: textOptions.ignoreCase === true,
          collapseWhitespace: textOptions.collapseWhitespace === true,
        }
      : {}),
  }
  return concludeSimilarity(
    this,
    {
      kind: 'similarity',
      assertion: name,
      dimension,
      score,
      floor,
      reason: `${method} ${fixed(score)} against the reference`,
      judgeName: 'scorer',
      judgeId: scorerId(method, SIMILARITY_VERSION, settings),
      scorer: method,
      latencyMs: performance.now() - started,
      output,
    },
    reference,
  )
}

/** Records a similarity and returns its result, with a word diff against the reference when it fails. */
export function concludeSimilarity(
  state: { isNot?: boolean | undefined; task?: MatcherState['task'] | undefined },
  outcome: Omit<CheckOutcome<SimilarityRecord>, 'assertionPassed' | 'score'> & { score: number },
  reference: string,
): MatcherResult {
  const { score, floor, scorer, output } = outcome
  const isNot = state.isNot === true
  return concludeCheck(state, outcome, score >= floor, () => {
    const expectation = isNot
      ? `not to be similar to the reference (${scorer} below ${fixed(floor)})`
      : `to be similar to the reference (${scorer} at least ${fixed(floor)})`
    return `expected the output ${expectation}, but it scored ${fixed(score)}\n${wordDiff(reference, output, { expected: 'reference', received: 'output' })}`
  })
}
