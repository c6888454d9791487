import type { StorePolicy } from '../store/mode.ts'
import type { JudgeOption } from '../types.ts'

/** The key under which the `evals()` plugin provides its options to workers. */
export const PROVIDED_KEY = 'vitest-rubric'

/** What the plugin hands to every worker of the evals project (serialisable). */
export interface ProvidedRubricOptions {
  judge: JudgeOption
  store: StorePolicy
  /** The Vitest root, for paths in records. */
  root: string
}
