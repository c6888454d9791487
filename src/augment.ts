/**
 * Every `declare module 'vitest'` augmentation of vitest-rubric: the matchers (read from `Matchers<T>` by
 * Vitest 5 and from the global `jest.Matchers` by Vitest 4), the records in `task.meta`, and the options
 * the plugin provides to workers.
 */
import type { ProvidedRubricOptions } from './matchers/provided.ts'
import type { RubricMatchers } from './matchers/types.ts'
import type { RubricRecord } from './types.ts'

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: the parameter must match Vitest's own declaration to merge
  interface Matchers<T = any> extends RubricMatchers<T> {}
  interface ProvidedContext {
    'vitest-rubric': ProvidedRubricOptions
  }
}

// `vitest` re-exports `TaskMeta` from `@vitest/runner`, where reporters read it through `testCase.meta()`.
declare module '@vitest/runner' {
  interface TaskMeta {
    /** Scores recorded by vitest-rubric matchers in this test, one per dimension and attempt. */
    rubric?: RubricRecord[]
  }
}

declare global {
  namespace jest {
    // biome-ignore lint/complexity/noBannedTypes: the parameters must match Vitest's own declaration to merge
    interface Matchers<R, T = {}> extends RubricMatchers<R> {}
  }
}
