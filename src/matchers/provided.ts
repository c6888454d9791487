import type { CoordinatorAddress } from '../judge/limiter/coordinator.ts'
import type { StorePolicy } from '../store/mode.ts'
import type { EmbeddingsOptions, JudgeOption, StoreTextLimit, UnstablePolicy } from '../types.ts'

/** The key under which the `evals()` plugin provides its options to workers. */
export const PROVIDED_KEY = 'vitest-rubric'

/** What the plugin hands to every worker of the evals project (serialisable). */
export interface ProvidedRubricOptions {
  judge: JudgeOption
  store: StorePolicy
  /** How much judged text a stored judgment keeps, defaults filled in; absent, the store's defaults. */
  storeText?: Required<StoreTextLimit>
  /** Whether the tests of an eval file run concurrently. */
  concurrent: boolean
  /** Whether matchers annotate their tests with each record (`evals({ annotations })`). */
  annotations: boolean
  /** The Vitest root, for paths in records. */
  root: string
  /** Where the run's judge coordinator listens (in the main process), for an LLM judge. */
  coordinator?: CoordinatorAddress
  /** The `evals({ embeddings })` option, for embedding similarity. */
  embeddings?: EmbeddingsOptions
  /**
   * In a shard of a sharded run with an LLM judge, the limits the shard enforces, as one line. Kept in the meta
   * of each eval file that records a score, so that the report merged from the shards states each shard's share.
   */
  shardLimits?: string
  /** The `evals({ unstable })` option. @default 'fail' */
  unstable?: UnstablePolicy
}
