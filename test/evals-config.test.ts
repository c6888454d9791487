import { availableParallelism } from 'node:os'
import { describe, expect, test } from 'vitest'
import { evals } from '../src/config.ts'

describe('evals() project', () => {
  test('runs more eval files at once than there are CPUs, in a group after the default one', () => {
    const { test: project } = evals()
    expect(project).toMatchObject({
      name: 'evals',
      maxWorkers: availableParallelism() + 1,
      maxConcurrency: 16,
      sequence: { concurrent: true, groupOrder: 1 },
    })
  })

  test('takes the files at once and the group from its options', () => {
    const { test: project } = evals({ maxWorkers: 1, groupOrder: 0, concurrent: false })
    expect(project).toMatchObject({ maxWorkers: 1, sequence: { concurrent: false, groupOrder: 0 } })
  })

  test.each([
    [{ maxWorkers: 0 }, 'evals({ maxWorkers }) is 0; give a whole number of at least 1, or leave it out.'],
    [{ maxWorkers: 2.5 }, 'evals({ maxWorkers }) is 2.5;'],
    [{ maxWorkers: '4' as never }, 'evals({ maxWorkers }) is "4";'],
    [{ groupOrder: -1 }, 'evals({ groupOrder }) is -1; give a whole number of at least 0, or leave it out.'],
    [{ judge: { model: 'm', trials: 0 } }, 'evals({ judge }): `trials` is 0; it must be a whole number'],
    [
      { unstable: 'maybe' as never },
      `evals({ unstable }) is "maybe"; use 'fail' (the default), 'warn' or 'pass'.`,
    ],
  ])('rejects %o', (options, message) => {
    expect(() => evals(options)).toThrow(message)
  })
})
