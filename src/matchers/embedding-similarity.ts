import type { MatcherState } from 'vitest'
import { RubricArgumentError, RubricError } from '../errors.ts'
import { cosineSimilarity } from '../scorers/cosine.ts'
import { type AwaitGuard, abandonedOutcome } from './await-guard.ts'
import { type MatcherResult, recordCheck, scorerId } from './check-record.ts'
import { embeddingModel, embedTexts } from './embedding-service.ts'
import { concludeSimilarity, fixed, SIMILARITY_VERSION } from './similarity.ts'
import type { EmbeddingSimilarityOptions } from './types.ts'
import { undecidedError } from './undecided.ts'

/**
 * `await expect(output).toBeSimilarTo(reference, floor, { method: 'embedding' })`: the cosine of the two texts'
 * embedding vectors, from the embedding store or the embeddings endpoint.
 */
export async function embeddingSimilarity(
  state: MatcherState,
  guard: AwaitGuard,
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
  return concludeSimilarity(
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
