import type { MatcherState } from 'vitest'
import { type AwaitGuard, guardAwaited } from './await-guard.ts'

/** An async matcher's implementation: the matcher's state, the guard its wrapper set up, then its arguments. */
export type GuardedMatcher<A extends unknown[], R> = (
  state: MatcherState,
  guard: AwaitGuard,
  ...args: A
) => Promise<R>

/**
 * An async matcher that the setup file registers and whose implementation (with the judge, the store or the
 * embedder behind it) is imported at its first call, so that an eval file loads only what its assertions use.
 * The await guard is set up at the call, before the import: an un-awaited assertion's test can end before the
 * import resolves, and a guard registered after that would never fire.
 */
export function lazyMatcher<A extends unknown[], R>(
  name: string,
  load: () => Promise<GuardedMatcher<A, R>>,
): (this: MatcherState, ...args: A) => Promise<R> {
  // An async function, not a promise chain: V8's async stack traces then keep the assertion's line, which
  // annotations and records are located by.
  return async function (this: MatcherState, ...args: A): Promise<R> {
    const guard = guardAwaited(this.task, name)
    try {
      const implementation = await load()
      return await implementation(this, guard, ...args)
    } finally {
      // An argument error thrown before the implementation settles its guard must not read as "not awaited".
      guard.settle()
    }
  }
}
