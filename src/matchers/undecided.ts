import type { RunnerTestCase as Test } from 'vitest'
import { RubricError } from '../errors.ts'

/**
 * The error of an assertion that could not be decided: the judge failed, the store could not be read or written,
 * the budget was spent, a replay found no stored judgment, a scorer threw. It fails its test even under
 * `test.fails`: Vitest turns a failed `test.fails` into a pass once the test ends, and an undecided assertion is
 * not the known failure such a test pins, so the test is unmarked before the error is thrown.
 */
export function undecidedError(
  task: Readonly<Test> | undefined,
  code: string,
  message: string,
  options?: { cause?: unknown },
): RubricError {
  return new RubricError(code, undecidedMessage(task, message), options)
}

/** The message of an undecided assertion's error; under `test.fails`, the test is failed and the message says why. */
export function undecidedMessage(task: Readonly<Test> | undefined, message: string): string {
  if (!task?.fails) return message
  ;(task as Test).fails = false
  return (
    `${message}\nThis test is marked as an expected failure (test.fails), but an assertion that could not be ` +
    'decided is not its known issue: fix the cause above, and the test is an expected failure again.'
  )
}
