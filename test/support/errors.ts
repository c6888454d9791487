import { expect, type OnTestFinishedHandler, type TestContext } from 'vitest'
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
  context: Pick<TestContext, 'onTestFinished'>,
  start: () => unknown,
): Promise<RubricError> {
  const hooks: OnTestFinishedHandler[] = []
  const writable = context as { onTestFinished: TestContext['onTestFinished'] }
  const register = writable.onTestFinished
  writable.onTestFinished = (hook) => {
    hooks.push(hook)
  }
  try {
    start()
  } finally {
    writable.onTestFinished = register
  }
  expect(hooks).toHaveLength(1)
  return errorOf(() => hooks[0]!(context as TestContext))
}
