import type { CoordinatorAddress } from '../judge/limiter/coordinator.ts'
import type { StorePolicy } from '../store/mode.ts'
import type { EmbeddingsOptions, JudgeOption } from '../types.ts'

/** The key under which the `evals()` plugin provides its options to workers. */
export const PROVIDED_KEY = 'vitest-rubric'

/** What the plugin hands to every worker of the evals project (serialisable). */
export interface ProvidedRubricOptions {
  judge: JudgeOption
  store: StorePolicy
  /** Whether the tests of an eval file run concurrently. */
  concurrent: boolean
  /** The Vitest root, for paths in records. */
  root: string
  /** Where the judge limiter of the run listens (in the main process), for an LLM judge. */
  limiter?: CoordinatorAddress
  /** The `evals({ embeddings })` option, for embedding similarity. */
  embeddings?: EmbeddingsOptions
}
