import type { MatcherState } from 'vitest'
import { RubricArgumentError, RubricError } from '../errors.ts'
import type { SimilarityRecord } from '../record/schema.ts'
import { assertFloor } from '../rubric/define-rubric.ts'
import { cosineSimilarity } from '../scorers/cosine.ts'
import { jaccard } from '../scorers/jaccard.ts'
import { levenshtein } from '../scorers/levenshtein.ts'
import { rouge1, rouge2, rougeL } from '../scorers/rouge.ts'
import { abandonedOutcome, guardAwaited } from './await-guard.ts'
import {
  type CheckOutcome,
  concludeCheck,
  type MatcherResult,
  recordCheck,
  scorerId,
} from './check-record.ts'
import { dimensionOf } from './checks.ts'
import { embeddingModel, embedTexts } from './embedding-service.ts'
import { outputToText } from './judged-text.ts'
import { wordDiff } from './text-diff.ts'
import type {
  EmbeddingSimilarityOptions,
  SimilarityMethod,
  SimilarityOptions,
  TextSimilarityMethod,
  TextSimilarityOptions,
} from './types.ts'
import { undecidedError } from './undecided.ts'

/** Bumped when a method's scoring changes, so that its records' `judgeId` changes with it. */
const SIMILARITY_VERSION = 1

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

const fixed = (value: number) => value.toFixed(2)

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
    return embeddingSimilarity(
      this,
      output,
      reference,
      floor,
      dimension,
      options as EmbeddingSimilarityOptions,
    )
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
  return conclude(
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

async function embeddingSimilarity(
  state: MatcherState,
  output: string,
  reference: string,
  floor: number,
  dimension: string,
  options: EmbeddingSimilarityOptions,
): Promise<MatcherResult> {
  const name = 'toBeSimilarTo'
  if (options.model !== undefined && (typeof options.model !== 'string' || options.model.trim() === '')) {
    throw new RubricArgumentError(
      `${name}() option \`model\` is ${JSON.stringify(options.model)}; name an embedding model or leave it out.`,
    )
  }
  const identity = embeddingModel(options.model)
  const base = {
    kind: 'similarity' as const,
    assertion: name,
    dimension,
    floor,
    judgeName: 'scorer' as const,
    judgeId: scorerId('embedding', SIMILARITY_VERSION, identity),
    scorer: 'embedding',
    model: identity.model,
    output,
  }
  const task = state.task
  const guard = guardAwaited(task, name)
  const started = performance.now()
  let served: Awaited<ReturnType<typeof embedTexts>>
  try {
    served = await embedTexts([output, reference], {
      model: options.model,
      testFile: task?.file.filepath ?? state.testPath,
      signal: guard.signal,
    })
  } catch (error) {
    guard.settle()
    if (guard.abandoned) return abandonedOutcome(state.isNot === true)
    const code = error instanceof RubricError ? error.code : 'RUBRIC_EMBEDDINGS_FAILED'
    const message = error instanceof Error ? error.message : String(error)
    recordCheck(task, {
      ...base,
      score: null,
      assertionPassed: null,
      reason: message,
      latencyMs: performance.now() - started,
      error: { code, message },
    })
    throw undecidedError(task, code, `${name}() could not be decided: ${message}`, { cause: error })
  }
  guard.settle()
  if (guard.abandoned) return abandonedOutcome(state.isNot === true)
  const [outputVector, referenceVector] = served.vectors as [number[], number[]]
  // Unrelated texts rarely have a negative cosine; a score is in [0, 1], so those count as 0.
  const score = Math.max(0, cosineSimilarity(outputVector, referenceVector))
  return conclude(
    { isNot: state.isNot, task },
    {
      ...base,
      score,
      reason: `embedding cosine ${fixed(score)} against the reference (${served.model})`,
      latencyMs: performance.now() - started,
      source: served.source,
      ...(served.store ? { store: served.store } : {}),
    },
    reference,
  )
}

function conclude(
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
