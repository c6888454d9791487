/**
 * Type tests of the public typings on the installed Vitest major: the matchers on every `expect`, and the records
 * reporters read from `task.meta`. Run by `npm run test:types`, and against the packed package by the smoke test.
 */
import { describe, expect, expectTypeOf, test } from 'vitest'
import type { TestCase } from 'vitest/node'
import { defineRubric, type Rubric, type RubricRecord, type ScoreMatchOptions } from 'vitest-rubric'

const rubric = defineRubric({
  name: 'support',
  dimensions: { tone: { description: 'Polite and calm.' } },
})
const input = 'How long do refunds take?'
const answer = 'Refunds take 30 days.'

describe('matchers on the global expect', () => {
  test('are async and take a dimension, a floor and options', () => {
    expectTypeOf(expect(answer).toScoreAtLeast('relevance', 0.5, { input })).resolves.toBeVoid()
    expectTypeOf(
      expect(answer).toSatisfyRubric(rubric, { input, context: ['Refunds take 30 days.'] }),
    ).toEqualTypeOf<Promise<void>>()
    expectTypeOf(expect(answer).toScoreAtLeast).parameters.toEqualTypeOf<
      [dimension: string, floor: number, options?: ScoreMatchOptions | undefined]
    >()
    expectTypeOf(expect(answer).toSatisfyRubric).parameter(0).toEqualTypeOf<Rubric>()
  })

  test('accept any output: text or a JSON-serialisable value', () => {
    expectTypeOf(expect({ answer }).toScoreAtLeast('relevance', 0.5)).resolves.toBeVoid()
    expectTypeOf(expect([answer]).toSatisfyRubric(rubric)).resolves.toBeVoid()
  })

  test('work under .not, expect.soft, .resolves and .rejects', () => {
    expectTypeOf(expect(answer).not.toScoreAtLeast('relevance', 0.5)).resolves.toBeVoid()
    expectTypeOf(expect.soft(answer).toSatisfyRubric(rubric)).resolves.toBeVoid()
    expectTypeOf(expect.soft(answer).not.toSatisfyRubric(rubric, { input })).resolves.toBeVoid()
    expectTypeOf(expect(Promise.resolve(answer)).resolves.toScoreAtLeast('relevance', 0.5)).toMatchTypeOf<
      Promise<unknown>
    >()
  })

  test('reject wrong arguments', () => {
    // @ts-expect-error the floor is a number between 0 and 1
    void expect(answer).toScoreAtLeast('relevance', '0.5')
    // @ts-expect-error the dimension is named by a string
    void expect(answer).toScoreAtLeast(1, 0.5)
    // @ts-expect-error a floor is required
    void expect(answer).toScoreAtLeast('relevance')
    // @ts-expect-error unknown option
    void expect(answer).toScoreAtLeast('relevance', 0.5, { inputs: input })
    // @ts-expect-error the rubric comes from defineRubric()
    void expect(answer).toSatisfyRubric({ name: 'support' })
    // @ts-expect-error toSatisfyRubric takes no floor
    void expect(answer).toSatisfyRubric(rubric, 0.5)
    // @ts-expect-error context is text, a list of passages or an object
    void expect.soft(answer).not.toSatisfyRubric(rubric, { context: 42 })
  })
})

describe('matchers on the test context expect', () => {
  test('have the same types', async ({ expect }) => {
    expectTypeOf(expect(answer).toScoreAtLeast('relevance', 0.5, { input, rubric })).resolves.toBeVoid()
    expectTypeOf(expect(answer).not.toSatisfyRubric(rubric)).resolves.toBeVoid()
    expectTypeOf(expect.soft(answer).toSatisfyRubric(rubric)).resolves.toBeVoid()
    // @ts-expect-error the floor is a number between 0 and 1
    await expect(answer).toScoreAtLeast('relevance', true)
  })
})

describe('task.meta', () => {
  test('carries the rubric records, for reporters and inside tests', ({ task }) => {
    expectTypeOf(task.meta.rubric).toEqualTypeOf<RubricRecord[] | undefined>()
    expectTypeOf<ReturnType<TestCase['meta']>['rubric']>().toEqualTypeOf<RubricRecord[] | undefined>()
    expectTypeOf<RubricRecord>().toHaveProperty('dimension').toBeString()
  })
})
