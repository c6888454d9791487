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
