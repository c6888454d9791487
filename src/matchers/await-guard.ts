import type { RunnerTestCase as Test } from 'vitest'
import { NotAwaitedError } from '../errors.ts'

/**
 * Vitest lets a test pass when a custom async matcher is not awaited. Each async matcher calls this when it
 * starts and `settle()` when it ends; if the test finishes first, the test fails saying the matcher must be
 * awaited, and the late judgment is not recorded.
 */
export function guardAwaited(task: Readonly<Test> | undefined, matcher: string) {
  let settled = false
  let abandoned = false
  task?.context.onTestFinished(() => {
    if (settled) return
    abandoned = true
    throw new NotAwaitedError(matcher)
  })
  return {
    settle() {
      settled = true
    },
    /** True when the test ended before the matcher did. */
    get abandoned() {
      return abandoned
    },
  }
}
