import { describe, expect, test } from 'vitest'
import { RubricArgumentError } from '../src/errors.ts'
import {
  assertBudgetPriced,
  costOf,
  DEFAULT_PRICES,
  PRICES_AS_OF,
  priceFor,
  validatePrices,
} from '../src/judge/pricing.ts'
import { summarize } from '../src/reporter/aggregate.ts'
import { renderSummary } from '../src/reporter/render-table.ts'
import { buildReport } from '../src/reporter/report-json.ts'
import { asJudgment, type LocatedJudgment, locatedJudgment } from './support/records.ts'

describe('priceFor', () => {
  test('knows the common judge models, with the date the prices were taken', () => {
    for (const model of ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4o-mini', 'o4-mini']) {
      expect(priceFor(model), model).toEqual({
        inputPerMillion: expect.any(Number),
        outputPerMillion: expect.any(Number),
      })
    }
    expect(priceFor('gpt-4.1-mini')).toEqual({ inputPerMillion: 0.4, outputPerMillion: 1.6 })
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}$/)
  })

  test('falls back from a dated snapshot and an OpenRouter name to the model', () => {
    expect(priceFor('gpt-4.1-mini-2025-04-14')).toBe(DEFAULT_PRICES['gpt-4.1-mini'])
    expect(priceFor('openai/gpt-4o-mini')).toBe(DEFAULT_PRICES['gpt-4o-mini'])
    expect(priceFor('openai/gpt-4o-2024-08-06')).toBe(DEFAULT_PRICES['gpt-4o'])
    expect(priceFor('anthropic/claude-sonnet-4')).toEqual({ inputPerMillion: 3, outputPerMillion: 15 })
  })

  test("the user's prices extend and override the table", () => {
    const mine = { inputPerMillion: 0.5, outputPerMillion: 1.5 }
    const cheaper = { inputPerMillion: 0.2, outputPerMillion: 0.8 }
    expect(priceFor('my-model', { 'my-model': mine })).toBe(mine)
    expect(priceFor('gpt-4.1-mini', { 'gpt-4.1-mini': cheaper })).toBe(cheaper)
    expect(priceFor('my-model')).toBeUndefined()
    expect(priceFor('toString')).toBeUndefined()
  })
})

describe('costOf', () => {
  test('charges prompt and completion tokens at their own rates', () => {
    const price = { inputPerMillion: 0.4, outputPerMillion: 1.6 }
    expect(costOf({ prompt: 1_000_000, completion: 0 }, price)).toBe(0.4)
    expect(costOf({ prompt: 100, completion: 20 }, price)).toBeCloseTo(0.000072, 12)
    expect(costOf({ prompt: 0, completion: 0 }, price)).toBe(0)
  })
})

describe('validatePrices', () => {
  test('accepts a table of non-negative numbers', () => {
    const prices = { a: { inputPerMillion: 0, outputPerMillion: 2 } }
    expect(validatePrices(prices)).toBe(prices)
    expect(validatePrices(undefined)).toEqual({})
  })

  test.each([
    [[], 'must be an object keyed by model name'],
    [{ m: { inputPerMillion: 1 } }, 'judge.prices[\'m\'] is {"inputPerMillion":1}'],
    [{ m: { inputPerMillion: -1, outputPerMillion: 1 } }, 'as non-negative numbers'],
    [{ m: null }, "judge.prices['m'] is null"],
  ])('rejects %j, naming the entry and the shape', (prices, message) => {
    expect(() => validatePrices(prices)).toThrow(RubricArgumentError)
    expect(() => validatePrices(prices)).toThrow(message)
  })
})

describe('assertBudgetPriced', () => {
  test('a budget needs a price for the model', () => {
    expect(() => assertBudgetPriced({ model: 'gpt-4.1-mini', budgetUsd: 5 })).not.toThrow()
    expect(() => assertBudgetPriced({ model: 'local', budgetUsd: 5 })).toThrow(
      `the model "local" has no known price, so its cost cannot be counted. Give its price: judge: { prices: { 'local': { inputPerMillion, outputPerMillion } } }.`,
    )
    const prices = { local: { inputPerMillion: 1, outputPerMillion: 1 } }
    expect(() => assertBudgetPriced({ model: 'local', budgetUsd: 5, prices })).not.toThrow()
    expect(() => assertBudgetPriced({ model: 'local' })).not.toThrow()
  })
})

describe('cost and retries in the reporter', () => {
  function located(overrides: Partial<LocatedJudgment>): LocatedJudgment {
    return locatedJudgment({
      file: 'a.eval.ts',
      test: 'refunds',
      project: 'evals',
      state: 'passed',
      assertion: 'toSatisfyRubric',
      callId: 'call-1',
      dimension: 'relevance',
      score: 1,
      floor: 0.5,
      pass: true,
      reason: 'ok',
      judgeId: 'j',
      judgeName: 'gpt-4.1-mini',
      rubricId: 'r',
      latencyMs: 10,
      source: 'live',
      retry: 0,
      output: 'out',
      ...overrides,
    })
  }
  // One call over two dimensions (its cost split, its retries on both records), one in another file, one stored.
  const records = [
    located({ dimension: 'relevance', costUsd: 0.0005, retries: 2 }),
    located({ dimension: 'tone', costUsd: 0.0005, retries: 2 }),
    located({ file: 'b.eval.ts', callId: 'call-2', costUsd: 0.002 }),
    located({ file: 'b.eval.ts', callId: 'call-3', source: 'stored', costUsd: 0.5 }),
  ]

  test('per dimension, per file and for the run; stored judgments cost nothing; retries count once per call', () => {
    const summary = summarize(records)
    expect(summary.costUsd).toBeCloseTo(0.003, 12)
    expect(summary.retries).toBe(2)
    expect(summary.run.map((stats) => [stats.dimension, stats.costUsd])).toEqual([
      ['relevance', 0.0025],
      ['tone', 0.0005],
    ])
    const report = buildReport(records, { vitestVersion: '4', summary })
    expect(report.summary.totals).toMatchObject({ costUsd: 0.003, retries: 2 })
    expect(
      report.judgments.map((judgment) => [
        asJudgment(judgment).costUsd ?? null,
        asJudgment(judgment).retries ?? 0,
      ]),
    ).toEqual([
      [0.0005, 2],
      [0.0005, 2],
      [0.002, 0],
      [0.5, 0], // kept as recorded: a stored judgment costs nothing in this run (the totals above)
    ])
  })

  test('the terminal shows the cost in the header, in each title and in a cost column, and the retries', () => {
    const text = renderSummary(summarize(records), { colors: false })
    expect(text).toContain('· $0.0030 · 2 retries')
    expect(text).toContain(
      ' a.eval.ts · $0.0010\n   dimension  n  mean  se  95% CI   p10   min      pass  floor  errors      cost',
    )
    expect(text).toContain('   relevance  1  1.00   -       -  1.00  1.00  1/1 100%   0.50       0  $0.00050')
    expect(text).toContain(' all files (2) · $0.0030')
    const free = renderSummary(summarize(records.map(({ costUsd: _, ...rest }) => rest)), { colors: false })
    expect(free).not.toContain('$')
    expect(free).not.toContain('cost')
  })
})
