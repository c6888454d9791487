import { describe, expect, test } from 'vitest'
import type { SimulationRecord } from '../src/record/schema.ts'
import { dimensionStats, percentile, summarize, summarizeFloors } from '../src/reporter/aggregate.ts'
import { lastAttempt } from '../src/reporter/collect.ts'
import { renderHeader } from '../src/reporter/render-table.ts'
import { type LocatedJudgment, locatedJudgment, simulationTurn } from './support/records.ts'

function record(overrides: Partial<LocatedJudgment> = {}): LocatedJudgment {
  const score = overrides.score === undefined ? 0.8 : overrides.score
  const floor = overrides.floor ?? 0.5
  return locatedJudgment({
    file: 'qa.eval.ts',
    test: 'answers > refunds',
    project: 'evals',
    state: 'passed',
    assertion: 'toSatisfyRubric',
    callId: 'call-1',
    dimension: 'faithfulness',
    score,
    floor,
    pass: score === null ? null : score >= floor,
    reason: 'grounded in the context',
    judgeId: 'judge-a',
    judgeName: 'heuristic@1 (offline)',
    rubricId: 'rubric-1',
    latencyMs: 3,
    source: 'stored',
    retry: 0,
    output: 'Refunds take 14 days.',
    ...overrides,
  })
}

const scores = (values: (number | null)[]) => values.map((score) => record({ score }))

describe('percentile', () => {
  test('interpolates linearly between order statistics, like numpy', () => {
    // rank (5 - 1) * 0.1 = 0.4: 0.1 + 0.4 * (0.2 - 0.1)
    expect(percentile([0.1, 0.2, 0.3, 0.4, 0.5], 0.1)).toBeCloseTo(0.14)
    // rank (11 - 1) * 0.1 = 1: exactly the second value
    expect(percentile([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1], 0.1)).toBeCloseTo(0.1)
    expect(percentile([0.2, 0.6], 0.5)).toBeCloseTo(0.4)
  })

  test('one value is its own percentile, ties stay ties, no values have none', () => {
    expect(percentile([0.7], 0.1)).toBe(0.7)
    expect(percentile([0.5, 0.5, 0.5, 1], 0.1)).toBe(0.5)
    expect(percentile([], 0.1)).toBeNull()
    expect(percentile([0.25, 0.75], 0)).toBe(0.25)
    expect(percentile([0.25, 0.75], 1)).toBe(0.75)
  })
})

describe('dimensionStats', () => {
  test('mean, p10, min and pass rate of the scores', () => {
    const stats = dimensionStats('faithfulness', scores([1, 0.4, 0.6, 0.8, 0.2]))
    expect(stats).toMatchObject({ dimension: 'faithfulness', n: 5, min: 0.2, passed: 3, errors: 0 })
    expect(stats.mean).toBeCloseTo(0.6)
    // sorted 0.2 0.4 0.6 0.8 1, rank 0.4: 0.2 + 0.4 * 0.2
    expect(stats.p10).toBeCloseTo(0.28)
    expect(stats.passRate).toBeCloseTo(0.6)
  })

  test('a single score is its own mean, p10 and min', () => {
    const stats = dimensionStats('tone', scores([0.75]))
    expect(stats).toMatchObject({ n: 1, mean: 0.75, p10: 0.75, min: 0.75, passed: 1, passRate: 1 })
    // One score has no spread to measure: no standard error, no interval.
    expect(stats).toMatchObject({ meanSe: null, meanLow: null, meanHigh: null })
  })

  test('standard error and 95% interval of the mean, by hand', () => {
    // mean 0.6, sample variance 0.4 / 4 = 0.1, se = √(0.1 / 5) = 0.141421; t(0.975, 4) = 2.7764: ± 0.39264.
    const stats = dimensionStats('faithfulness', scores([1, 0.4, 0.6, 0.8, 0.2]))
    expect(stats.meanSe).toBeCloseTo(0.141421, 6)
    expect(stats.meanLow).toBeCloseTo(0.20736, 4)
    expect(stats.meanHigh).toBeCloseTo(0.99264, 4)
  })

  test('with trials each output counts once, by its combined score: the interval is clustered by output', () => {
    // Three outputs of two trials each, scored by their trial mean: 0.75, 0.5, 1. Over outputs: mean 0.75,
    // sample variance (0.0625 + 0 + 0.0625) / 2 = 0.0625, se = 0.25 / √3 = 0.144338. Counting the six trials as
    // independent would give 0.3162 / √6 = 0.129099, narrower than the data supports.
    const trials = [
      [0.5, 1],
      [0.25, 0.75],
      [1, 1],
    ]
    const records = trials.map((scores, i) =>
      record({ score: (scores[0]! + scores[1]!) / 2, trials: scores, callId: `call-${i}` }),
    )
    const stats = dimensionStats('faithfulness', records)
    expect(stats.n).toBe(3)
    expect(stats.meanSe).toBeCloseTo(0.25 / Math.sqrt(3), 12)
    // t(0.975, 2) = 4.3027: 0.75 ± 0.62104, cut at the top of the scale.
    expect(stats.meanLow).toBeCloseTo(0.75 - 0.62104, 4)
    expect(stats.meanHigh).toBe(1)
  })

  test('errors are counted apart and never as scores', () => {
    const stats = dimensionStats('faithfulness', scores([1, null, 0.5, null]))
    expect(stats).toMatchObject({ n: 2, errors: 2, mean: 0.75, min: 0.5, passed: 2, passRate: 1 })
  })

  test('only errors: no score statistics', () => {
    const stats = dimensionStats('faithfulness', scores([null]))
    expect(stats).toMatchObject({ n: 0, errors: 1, mean: null, p10: null, min: null, passRate: null })
  })

  test('each record is held to its own floor', () => {
    const stats = dimensionStats('faithfulness', [
      record({ score: 0.6, floor: 0.5 }),
      record({ score: 0.6, floor: 0.7 }),
      record({ score: 0.9, floor: 0.7 }),
    ])
    expect(stats).toMatchObject({ passed: 2, floor: { common: 0.7, min: 0.5, max: 0.7 } })
  })

  test('tokens and live or stored records', () => {
    const tokens = { prompt: 30, completion: 10, total: 40 }
    const stats = dimensionStats('faithfulness', [
      record({ source: 'live', tokens }),
      record({ source: 'live', tokens }),
      record({ source: 'stored' }),
    ])
    expect(stats).toMatchObject({ tokens: 80, live: 2, stored: 1 })
  })
})

test('summarizeFloors names the most common floor, the higher one on a tie', () => {
  expect(summarizeFloors([0.5, 0.5, 0.8])).toEqual({ common: 0.5, min: 0.5, max: 0.8 })
  expect(summarizeFloors([0.5, 0.8])).toEqual({ common: 0.8, min: 0.5, max: 0.8 })
})

test('lastAttempt keeps only the records of the highest retry', () => {
  const records = [
    record({ retry: 0, score: 0.1 }),
    record({ retry: 1, score: 0.2 }),
    record({ retry: 2, score: 0.9 }),
    record({ retry: 2, dimension: 'relevance', score: 0.8 }),
  ]
  expect(lastAttempt(records).map((r) => [r.dimension, r.score])).toEqual([
    ['faithfulness', 0.9],
    ['relevance', 0.8],
  ])
  expect(lastAttempt([])).toEqual([])
})

describe('summarize', () => {
  const tokens = { prompt: 20, completion: 10, total: 30 }
  const records = [
    // one live call scoring two dimensions
    record({ file: 'b.eval.ts', callId: 'b1', source: 'live', tokens, dimension: 'relevance', score: 0.6 }),
    record({ file: 'b.eval.ts', callId: 'b1', source: 'live', tokens, dimension: 'faithfulness', score: 1 }),
    // two stored judgments in another file
    record({ file: 'a.eval.ts', callId: 'a1', score: 0.2, judgeId: 'judge-b', judgeName: 'gpt-4.1-mini' }),
    record({
      file: 'a.eval.ts',
      callId: 'a2',
      score: null,
      error: { code: 'RUBRIC_JUDGE_HTTP', message: '500' },
    }),
  ]
  const summary = summarize(records)

  test('run header data: judges, distinct calls, tokens', () => {
    expect(summary.judges.map((judge) => judge.name)).toEqual(['gpt-4.1-mini', 'heuristic@1 (offline)'])
    expect(summary).toMatchObject({ liveCalls: 1, storedCalls: 2, tokens: 60, records: 4 })
  })

  test('files and dimensions sorted by name', () => {
    expect(summary.files.map((file) => file.file)).toEqual(['a.eval.ts', 'b.eval.ts'])
    expect(summary.run.map((stats) => stats.dimension)).toEqual(['faithfulness', 'relevance'])
    expect(summary.files[1]?.dimensions.map((stats) => stats.dimension)).toEqual([
      'faithfulness',
      'relevance',
    ])
  })

  test('the run aggregates every file', () => {
    const faithfulness = summary.run[0]
    expect(faithfulness).toMatchObject({ n: 2, errors: 1, min: 0.2, passed: 1, live: 1, stored: 2 })
    expect(faithfulness?.mean).toBeCloseTo(0.6)
  })
})

describe('summarize: simulated user turns', () => {
  const turn = (overrides: Partial<SimulationRecord>) => simulationTurn({ project: '', ...overrides })
  const tokens = { prompt: 100, completion: 20, total: 120 }
  const located = [
    // one judge call, live: 60 tokens, $0.001
    record({
      callId: 'j1',
      source: 'live',
      tokens: { prompt: 50, completion: 10, total: 60 },
      costUsd: 0.001,
    }),
    // two live turns, one with a retry, and a stored one (its recorded tokens cost nothing in this run)
    turn({ callId: 's1', tokens, costUsd: 0.0003, store: { file: 'a.json', key: 'k1', written: true } }),
    turn({ callId: 's2', turn: 2, tokens, costUsd: 0.0003, retries: 1 }),
    turn({ callId: 's3', turn: 3, source: 'stored', tokens, action: 'done', output: '' }),
    // a turn the budget stopped: no call
    turn({
      callId: 's4',
      turn: 4,
      source: 'live',
      error: { code: 'RUBRIC_BUDGET_EXCEEDED', message: 'budget spent', unsent: 'budget' },
    }),
  ]
  const summary = summarize(located)

  test("count with the judge's calls: live, stored, unsent, written, tokens, cost and retries", () => {
    expect(summary).toMatchObject({
      liveCalls: 3,
      storedCalls: 1,
      unsentCalls: { budget: 1 },
      writtenCalls: 1,
      simulatedCalls: 4,
      tokens: 300,
      retries: 1,
    })
    expect(summary.costUsd).toBeCloseTo(0.0016)
  })

  test('are spend, not quality: no dimension, no judge, no record of the quality statistics', () => {
    expect(summary.run.map((stats) => stats.dimension)).toEqual(['faithfulness'])
    expect(summary.files.map((file) => file.file)).toEqual(['qa.eval.ts'])
    expect(summary.judges.map((judge) => judge.id)).toEqual(['judge-a'])
    expect(summary.records).toBe(1)
  })

  test('the header says how many of the calls played a user', () => {
    expect(renderHeader(summary)).toContain(
      '3 live calls · 1 stored · 1 skipped (budget spent) · incl. 4 simulated user turns · 1 written · 300 tokens · $0.0016',
    )
    expect(renderHeader(summarize(located.slice(0, 1)))).not.toContain('simulated')
  })
})
