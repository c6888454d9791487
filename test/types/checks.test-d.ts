/**
 * Type tests of the deterministic checks, similarity and scorer matchers: the checks decide at once (no promise),
 * embedding similarity and scorers are awaited.
 */
import { describe, expect, expectTypeOf, test } from 'vitest'
import {
  type DescribeEvalOptions,
  defineScorer,
  type Scorer,
  type ScorerMatchOptions,
  type SimilarityMethod,
  scorers,
} from 'vitest-rubric'
import { z } from 'zod'

const answer = 'Refunds take 30 days.'
const schema = z.object({ answer: z.string() })
const scorer = defineScorer({ name: 'short', floor: 0.5, score: (output) => (output.length < 200 ? 1 : 0) })

describe('checks', () => {
  test('decide at once: they return no promise', () => {
    expectTypeOf(expect(answer).toMatchSchema(schema)).toBeVoid()
    expectTypeOf(expect({ answer }).toMatchSchema(schema, { dimension: 'format' })).toBeVoid()
    expectTypeOf(expect(answer).toBeValidJSON()).toBeVoid()
    expectTypeOf(expect(answer).toMatchPattern(/\d+ days/)).toBeVoid()
    expectTypeOf(expect(answer).toContainAll(['30 days', /refund/i], { ignoreCase: true })).toBeVoid()
    expectTypeOf(expect(answer).not.toContainNone(['guarantee'])).toBeVoid()
    expectTypeOf(expect(answer).toHaveLengthWithin({ maxWords: 50, minChars: 10 })).toBeVoid()
    expectTypeOf(expect(answer).toContainNoPII({ allow: ['email'], allowInCode: true })).toBeVoid()
    expectTypeOf(expect.soft(answer).not.toBeRefusal()).toBeVoid()
    expectTypeOf(expect(answer).toBeSimilarTo('Refunds take a month.', 0.5)).toBeVoid()
    expectTypeOf(
      expect(answer).toBeSimilarTo('Refunds take a month.', 0.5, { method: 'jaccard', stem: true }),
    ).toBeVoid()
  })

  test('embedding similarity and scorers are awaited', async ({ expect }) => {
    expectTypeOf(expect(answer).toBeSimilarTo('x', 0.8, { method: 'embedding' })).toEqualTypeOf<
      Promise<void>
    >()
    expectTypeOf(
      expect(answer).toBeSimilarTo('x', 0.8, { method: 'embedding', model: 'm' }),
    ).resolves.toBeVoid()
    expectTypeOf(expect(answer).toPassScorer(scorer)).toEqualTypeOf<Promise<void>>()
    expectTypeOf(expect(answer).toPassScorer).parameter(1).toEqualTypeOf<ScorerMatchOptions | undefined>()
    const method = 'rouge-l' as SimilarityMethod
    expectTypeOf(expect(answer).toBeSimilarTo('x', 0.8, { method })).toEqualTypeOf<void | Promise<void>>()
    await expect(answer).toPassScorer(scorer, { input: 'q', reference: 'r', expected: 30, floor: 0.2 })
  })

  test('reject wrong arguments', () => {
    // @ts-expect-error a zod schema, not a JSON schema object
    expect(answer).toMatchSchema({ type: 'object' })
    // @ts-expect-error a regular expression
    expect(answer).toMatchPattern('30 days')
    // @ts-expect-error texts and regular expressions
    expect(answer).toContainAll([30])
    // @ts-expect-error unknown bound
    expect(answer).toHaveLengthWithin({ maxLines: 3 })
    // @ts-expect-error a floor is required
    expect(answer).toBeSimilarTo('x')
    // @ts-expect-error unknown method
    expect(answer).toBeSimilarTo('x', 0.5, { method: 'bleu' })
    // @ts-expect-error a scorer from defineScorer
    void expect(answer).toPassScorer('short')
  })
})

describe('scorers', () => {
  test('a scorer is the shape describeEval takes', () => {
    expectTypeOf(scorer).toEqualTypeOf<Scorer<unknown>>()
    expectTypeOf<Scorer<{ input: string }>>().toMatchTypeOf<
      NonNullable<DescribeEvalOptions<{ input: string }>['scorers']>[number]
    >()
    expectTypeOf(scorers.rougeL).returns.toBeNumber()
    expectTypeOf(scorers.isRefusal(answer).refused).toBeBoolean()
  })
})
