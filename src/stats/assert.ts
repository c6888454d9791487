import { RubricArgumentError } from '../errors.ts'

/** Throws when two paired samples differ in length: every statistic here pairs row i with row i. */
export function assertPaired(name: string, a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) {
    throw new RubricArgumentError(
      `${name}() needs paired samples of equal length, got ${a.length} and ${b.length}. ` +
        'Pass one score per row on each side, in the same row order.',
    )
  }
}
