import { describe, expect as globalExpect, test } from 'vitest'
import { NotAwaitedError } from '../src/errors.ts'
import { defineScorer, type Scorer, type ScorerContext, scorers } from '../src/index.ts'
import '../src/setup.ts'
import type { DescribeEvalOptions, RubricRecord } from '../src/types.ts'
import { errorAtTestEnd } from './support/errors.ts'
import { gate } from './support/judge-server.ts'

type Task = { meta: { rubric?: RubricRecord[] } }
const last = (task: Task) => task.meta.rubric!.at(-1)!

const citesSources = defineScorer({
  name: 'cites-sources',
  floor: 1,
  score: (output) => (/\[\d+\]/.test(output) ? 1 : { score: 0, reason: 'no [n] citation' }),
})

describe('defineScorer', () => {
  test('makes a frozen scorer with a default version', () => {
    globalExpect(citesSources).toMatchObject({ name: 'cites-sources', floor: 1, version: '1' })
    globalExpect(Object.isFrozen(citesSources)).toBe(true)
  })

  test('refuses a scorer without a name, a score function or a valid floor', () => {
    globalExpect(() => defineScorer({ name: '', score: () => 1 })).toThrow('defineScorer() needs a `name`')
    globalExpect(() => defineScorer({ name: 'x' } as never)).toThrow(
      "defineScorer({ name: 'x' }) needs a `score` function",
    )
    globalExpect(() => defineScorer({ name: 'x', score: () => 1, floor: 2 })).toThrow(
      "defineScorer({ name: 'x' }): the floor is 2; a floor is a normalised score between 0 and 1",
    )
  })

  test('is the shape describeEval takes', () => {
    const scorer: Scorer<{ input: string }> = defineScorer<{ input: string }>({
      name: 'mentions-input',
      score: (output, context) => (context.data && output.includes(context.data.input) ? 1 : 0),
    })
    const forSuites: DescribeEvalOptions<{ input: string }>['scorers'] = [scorer]
    globalExpect(forSuites?.[0]?.name).toBe('mentions-input')
  })
})

describe('toPassScorer', () => {
  test('passes at the floor and records the score under the scorer name', async ({ expect, task }) => {
    await expect('Refunds take 30 days [1].').toPassScorer(citesSources)
    expect(last(task)).toMatchObject({
      assertion: 'toPassScorer',
      dimension: 'cites-sources',
      score: 1,
      floor: 1,
      assertionPassed: true,
      reason: 'scored 1.00',
      judgeName: 'scorer',
      scorer: 'cites-sources',
      kind: 'scorer',
      source: 'live',
    })
  })

  test('fails with the scorer reason; .not flips it; the record keeps the score', async ({
    expect,
    task,
  }) => {
    await expect(expect('Refunds take 30 days.').toPassScorer(citesSources)).rejects.toThrow(
      'expected cites-sources at least 1.00, but scorer cites-sources scored it 0.00\nreason: no [n] citation',
    )
    expect(last(task)).toMatchObject({ score: 0, assertionPassed: false, reason: 'no [n] citation' })
    await expect('Refunds take 30 days.').not.toPassScorer(citesSources)
    expect(last(task)).toMatchObject({
      dimension: 'not cites-sources',
      score: 0,
      pass: true,
      assertionPassed: true,
    })
    await expect(expect('See [2].').not.toPassScorer(citesSources)).rejects.toThrow(
      'expected cites-sources below 1.00, but scorer cites-sources scored it 1.00',
    )
  })

  test('passes the input, context, reference, expected value and raw result to the scorer', async ({
    expect,
    task,
  }) => {
    const seen: ScorerContext[] = []
    const overlap = defineScorer({
      name: 'overlap',
      score: async (output, context) => {
        seen.push(context)
        return {
          score: scorers.rouge1(output, context.reference ?? ''),
          reason: 'ROUGE-1 with the reference',
        }
      },
    })
    const answer = { text: 'Refunds take 30 days.' }
    await expect(answer).toPassScorer(overlap, {
      floor: 0.1,
      input: 'How long do refunds take?',
      context: ['Refunds take 30 days.', 'Keep your receipt.'],
      reference: 'Refunds take thirty days.',
      expected: { days: 30 },
      dimension: 'reference-overlap',
    })
    expect(seen).toEqual([
      {
        input: 'How long do refunds take?',
        context: 'Refunds take 30 days.\n\nKeep your receipt.',
        reference: 'Refunds take thirty days.',
        expected: { days: 30 },
        result: answer,
      },
    ])
    expect(last(task)).toMatchObject({
      dimension: 'reference-overlap',
      floor: 0.1,
      input: 'How long do refunds take?',
      output: JSON.stringify(answer, null, 2),
      reason: 'ROUGE-1 with the reference',
    })
  })

  test('a scorer that throws or returns no score fails with or without .not, as an error record', async ({
    expect,
    task,
  }) => {
    const broken = defineScorer({
      name: 'broken',
      floor: 0.5,
      score: () => {
        throw new Error('index out of range')
      },
    })
    for (const assertion of [expect('x'), expect('x').not]) {
      await expect(assertion.toPassScorer(broken)).rejects.toThrow(
        'toPassScorer() could not be decided: the scorer "broken" threw: index out of range',
      )
      expect(last(task)).toMatchObject({
        dimension: 'broken',
        score: null,
        assertionPassed: null,
        error: { code: 'RUBRIC_SCORER_FAILED' },
      })
    }
    const outOfRange = defineScorer({ name: 'percent', floor: 0.5, score: () => 87 })
    await expect(expect('x').toPassScorer(outOfRange)).rejects.toThrow(
      'the scorer "percent" returned 87; a scorer returns a number in [0, 1] or { score, reason } with such a score.',
    )
    expect(last(task)).toMatchObject({ score: null, error: { code: 'RUBRIC_SCORER_INVALID' } })
  })

  test('a scorer that is not awaited fails its test, and its late result is not recorded', async ({
    expect,
    task,
  }) => {
    const scored = gate()
    const slow = defineScorer({ name: 'slow', floor: 0, score: () => scored.promise.then(() => 1) })
    let pending: Promise<void> | undefined
    const error = await errorAtTestEnd(task.context, () => {
      pending = expect('x').toPassScorer(slow)
    })
    expect(error).toBeInstanceOf(NotAwaitedError)
    expect(error.message).toMatch(/^toPassScorer\(\) at \S+ must be awaited: /)
    scored.open()
    await pending
    expect(task.meta.rubric ?? []).toEqual([])
  })

  test('needs a floor and a scorer', async ({ expect }) => {
    const reportOnly = defineScorer({ name: 'words', score: (output) => Math.min(1, output.length / 100) })
    await expect(expect('x').toPassScorer(reportOnly)).rejects.toThrow(
      "toPassScorer(words) needs a floor: `toPassScorer(scorer, { floor: 0.8 })`, or defineScorer({ name: 'words', floor: 0.8, score }).",
    )
    await expect(expect('x').toPassScorer(reportOnly, { floor: 0 })).resolves.toBeUndefined()
    await expect(expect('x').toPassScorer({ name: 'x' } as never)).rejects.toThrow(
      'toPassScorer() needs a scorer made with defineScorer({ name, score })',
    )
  })

  test('the version is part of the judge id', async ({ expect, task }) => {
    const v1 = defineScorer({ name: 'short', floor: 0, score: () => 1 })
    const v2 = defineScorer({ name: 'short', floor: 0, version: 2, score: () => 1 })
    await expect('x').toPassScorer(v1)
    await expect('x').toPassScorer(v1)
    await expect('x').toPassScorer(v2)
    const [a, b, c] = task.meta.rubric!
    expect(a!.judgeId).toBe(b!.judgeId)
    expect(a!.judgeId).not.toBe(c!.judgeId)
  })
})

describe('the scorers from the main entry', () => {
  test('are plain functions', () => {
    globalExpect(scorers.rougeL('Refunds take 30 days.', 'Refunds take 30 days.')).toBe(1)
    globalExpect(scorers.levenshtein('kitten', 'sitting')).toBeCloseTo(1 - 3 / 7, 12)
    globalExpect(scorers.cosineSimilarity([1, 0], [0, 1])).toBe(0)
    globalExpect(scorers.isRefusal("I can't help with that.").refused).toBe(true)
    globalExpect(scorers.findPII('mail a@b.example')).toHaveLength(1)
  })
})
