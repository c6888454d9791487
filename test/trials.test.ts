import { describe, expect, test } from 'vitest'
import { combinePanel } from '../src/reliability/panel.ts'
import {
  assertTrialAggregate,
  assertTrials,
  combineTrials,
  isUnstable,
  trialJudge,
} from '../src/reliability/trials.ts'
import type { Judge, Judgment } from '../src/types.ts'

const trial = (score: number, extra: Partial<Judgment> = {}): Judgment => ({
  judgeId: 'j',
  judgeName: 'judge',
  rubricId: 'r',
  scores: { tone: { score, reason: `scored ${score}` } },
  tokens: { prompt: 10, completion: 2, total: 12 },
  costUsd: 0.01,
  latencyMs: score * 100,
  source: 'live',
  ...extra,
})

describe('combineTrials', () => {
  test('mean, median and min over the trials, every trial kept, usage added up', () => {
    const trials = [trial(1), trial(0.25), trial(0.5)]
    const mean = combineTrials(trials, ['tone'], 'mean')
    expect(mean.scores.tone).toEqual({ score: 1.75 / 3, reason: 'scored 0.5' })
    expect(mean.trials).toEqual({ tone: [1, 0.25, 0.5] })
    expect(mean.tokens).toEqual({ prompt: 30, completion: 6, total: 36 })
    expect(mean.costUsd).toBeCloseTo(0.03)
    expect(mean.latencyMs).toBe(100)
    expect(combineTrials(trials, ['tone'], 'median').scores.tone?.score).toBe(0.5)
    expect(combineTrials(trials, ['tone'], 'min').scores.tone).toEqual({ score: 0.25, reason: 'scored 0.25' })
    expect(mean.judgeId).not.toBe(combineTrials(trials, ['tone'], 'min').judgeId)
    expect(combineTrials([trial(1)], ['tone'], 'mean')).toEqual(trial(1))
  })

  test('a failed trial makes the judgment an error, never a score', () => {
    const failed = trial(0, { scores: {}, error: { code: 'RUBRIC_JUDGE_HTTP', message: 'boom' } })
    const combined = combineTrials([trial(1), failed, trial(1)], ['tone'], 'mean')
    expect(combined.scores).toEqual({})
    expect(combined.error).toEqual({ code: 'RUBRIC_JUDGE_HTTP', message: 'trial 2 of 3: boom' })
  })

  test('stored only when every trial was', () => {
    const stored = trial(1, { source: 'stored' })
    expect(combineTrials([stored, stored], ['tone'], 'mean').source).toBe('stored')
    expect(combineTrials([stored, trial(1)], ['tone'], 'mean').source).toBe('live')
  })
})

test('unstable: trials on both sides of the floor', () => {
  expect(isUnstable([1, 0.25], 0.5)).toBe(true)
  expect(isUnstable([0.5, 0.75], 0.5)).toBe(false)
  expect(isUnstable([0.25, 0.25], 0.5)).toBe(false)
  expect(isUnstable([0.25], 0.5)).toBe(false)
  expect(isUnstable(undefined, 0.5)).toBe(false)
})

test('trial 0 is the judge itself; other trials have an identity per index', () => {
  const judge: Judge = { id: 'base', name: 'm', judge: async () => trial(1) }
  expect(trialJudge(judge, 0)).toBe(judge)
  const ids = [1, 2, 3].map((index) => trialJudge(judge, index).id)
  expect(new Set([...ids, 'base']).size).toBe(4)
  expect(trialJudge(judge, 2).id).toBe(trialJudge(judge, 2).id)
})

test('bad trials and aggregates are errors that name the fix', () => {
  for (const bad of [0, -1, 1.5, '3', Number.NaN]) {
    expect(() => assertTrials(bad, 'toScoreAtLeast()')).toThrow(/whole number of at least 1/)
  }
  expect(assertTrials(3, 'x')).toBe(3)
  expect(() => assertTrialAggregate('max', 'toScoreAtLeast()')).toThrow(
    "`aggregate` is \"max\"; use one of 'mean', 'median', 'min'",
  )
})

describe('combinePanel', () => {
  const panel = (aggregate: 'mean' | 'median' | 'majority', quorum = 2) => ({
    id: 'p',
    name: 'panel(a, b, c)',
    aggregate,
    quorum,
    members: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
  })
  const request = { dimensions: ['tone'], rubric: { id: 'r' } as never }
  test('mean, median and majority of the members', () => {
    const members = [trial(1), trial(0.25), trial(0.25)]
    expect(combinePanel(members, request, panel('mean')).scores.tone?.score).toBe(0.5)
    expect(combinePanel(members, request, panel('median')).scores.tone?.score).toBe(0.25)
    expect(combinePanel(members, request, panel('majority')).scores.tone?.score).toBe(0.25)
    expect(combinePanel(members, request, panel('mean')).members?.map((m) => m.scores.tone)).toEqual([
      1, 0.25, 0.25,
    ])
  })
})
