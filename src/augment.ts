/// <reference types="vitest" preserve="true" />
/**
 * Every `declare module 'vitest'` augmentation of vitest-rubric: the matchers, the records in `task.meta`, and the
 * options the plugin provides to workers. Written to merge with the declarations of both Vitest 4 and Vitest 5.
 */
import type { ProvidedRubricOptions } from './matchers/provided.ts'
import type { RubricMatchers } from './matchers/types.ts'
import type { RubricRecord } from './types.ts'

declare module 'vitest' {
  // Vitest 4 declares `Matchers<T>` and Vitest 5 `Matchers<R, T>`; a declaration without type parameters merges
  // with either. The matchers are async on both, so they return a promise whatever `R` is.
  interface Matchers extends RubricMatchers<void> {}

  // Vitest 4 declares `TaskMeta` in `@vitest/runner` and Vitest 5 in `vitest` itself; augmenting it through
  // `vitest` works on both, and `@vitest/runner` may not be resolvable from the user's project.
  interface TaskMeta {
    /** Scores recorded by vitest-rubric matchers in this test, one per dimension and attempt. */
    rubric?: RubricRecord[]
    /** Set on the tests of `describeEval` rows that the boundary slice left out: the run is not the whole suite. */
    rubricSlice?: 'boundary'
    /** On an eval file's meta, in a shard of a sharded run: the judge limits the shard enforced, as one line. */
    rubricShardLimits?: string
    /**
     * On an eval file's meta: the store keys of the simulated user turns it read or wrote that no test recorded (a
     * concurrent test's `runConversation` without `test`), so that `-u` does not remove them as unused.
     */
    rubricStoreKeys?: string[]
  }

  interface ProvidedContext {
    'vitest-rubric': ProvidedRubricOptions
  }
}
