/**
 * The assertion name of `describeEval`'s records. A module of its own: the reporter reads it (through the task cost)
 * in the main process, where the matchers and `vitest`'s test API must not load.
 */
export const ASSERTION = 'describeEval'
