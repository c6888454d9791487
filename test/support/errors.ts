import { expect } from 'vitest'
import { RubricError } from '../../src/errors.ts'

/** The `RubricError` a promise rejects with, or a function throws; fails the test when there is none. */
export async function errorOf(run: () => unknown): Promise<RubricError> {
  try {
    await run()
  } catch (error) {
    expect(error).toBeInstanceOf(RubricError)
    return error as RubricError
  }
  throw new Error('expected an error')
}

/**
 * Runs `start` (an assertion left un-awaited) with the test's `onTestFinished` hooks kept aside, and gives back
 * the error the test would end with if it finished now, before the assertion settles; fails when there is none.
 */
export async function errorAtTestEnd(
  context: { onTestFinished: (hook: () => unknown) => void },
  start: () => unknown,
): Promise<RubricError> {
  const hooks: Array<() => unknown> = []
  const register = context.onTestFinished
  context.onTestFinished = (hook) => {
    hooks.push(hook)
  }
  try {
    start()
  } finally {
    context.onTestFinished = register
  }
  expect(hooks).toHaveLength(1)
  return errorOf(() => hooks[0]!())
}
