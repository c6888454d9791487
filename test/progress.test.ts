import { describe, expect, test } from 'vitest'
import type { TestCase, Vitest } from 'vitest/node'
import type { JudgmentRecord } from '../src/record/schema.ts'
import {
  CI_THROTTLE,
  countJudgments,
  emptyCounts,
  formatBudget,
  formatElapsed,
  formatProgress,
  INTERACTIVE_THROTTLE,
  ProgressReporter,
  ProgressThrottle,
} from '../src/reporter/progress.ts'
import type { RubricRecord } from '../src/types.ts'
import { judgmentRecord } from './support/records.ts'

function record(overrides: Partial<JudgmentRecord> = {}): JudgmentRecord {
  return judgmentRecord({
    assertion: 'toSatisfyRubric',
    callId: 'c1',
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

describe('countJudgments', () => {
  test('counts each judgment once, its cost over all its records, and only the last attempt', () => {
    const counts = emptyCounts()
    countJudgments(counts, [
      record({ callId: 'a', dimension: 'relevance', costUsd: 0.001 }),
      record({ callId: 'a', dimension: 'tone', costUsd: 0.001 }),
      record({ callId: 'b', source: 'stored' }),
      record({ callId: 'c', score: null, pass: null, error: { code: 'RUBRIC_JUDGE_HTTP', message: '500' } }),
    ])
    countJudgments(counts, [
      record({ callId: 'old', retry: 0 }),
      record({
        callId: 'd',
        retry: 1,
        score: null,
        error: { code: 'RUBRIC_JUDGE_BUDGET', message: 'spent' },
      }),
      { ...record({ callId: 'e', retry: 1 }), kind: 'check', scorer: 'schema' } as RubricRecord,
    ])
    expect(counts).toEqual({ live: 1, stored: 1, errors: 2, skipped: 1, costUsd: 0.002 })
  })
})

describe('formatting', () => {
  test('a progress line with live, stored, errors, cost and time', () => {
    const counts = { live: 1234, stored: 56, errors: 0, skipped: 0, costUsd: 0 }
    expect(formatProgress(counts, 8_400)).toBe(' Rubric 1,234 judged live · 56 from store · 0 errors · 8s')
    expect(formatProgress({ ...counts, errors: 1, costUsd: 0.0421 }, 65_000)).toBe(
      ' Rubric 1,234 judged live · 56 from store · 1 error · $0.042 · 1m 05s',
    )
    expect(formatProgress({ ...counts, errors: 3 }, 0, true)).toContain('\u001b[31m3 errors')
  })

  test('the budget line says what was spent, reserved and skipped', () => {
    const account = (budgetUsd: number, spentUsd: number, reservedUsd = 0) => ({
      budgetUsd,
      spentUsd,
      reservedUsd,
    })
    expect(formatBudget(account(5, 1.2345), 0)).toBe(' judge budget $5.00: spent $1.23; nothing skipped')
    expect(formatBudget(account(0.01, 0.0123), 37)).toBe(
      ' judge budget $0.010: spent $0.012; 37 outputs not judged (budget spent)',
    )
    expect(formatBudget(account(1, 1), 1)).toContain('; 1 output not judged')
    expect(formatBudget(account(1, 0.5, 0.25), 0)).toBe(
      ' judge budget $1.00: spent $0.50, $0.25 reserved; nothing skipped',
    )
  })

  test('with a budget, the progress line gives what is spent and reserved', () => {
    const counts = { live: 3, stored: 0, errors: 0, skipped: 0, costUsd: 0.3 }
    expect(formatProgress(counts, 4_000, false, { budgetUsd: 5, spentUsd: 0.3, reservedUsd: 0.12 })).toBe(
      ' Rubric 3 judged live · 0 from store · 0 errors · $0.30 spent + $0.12 reserved of $5.00 · 4s',
    )
  })

  test('elapsed time', () => {
    expect([0, 999, 59_999, 60_000, 61_000, 3_725_000].map(formatElapsed)).toEqual([
      '0s',
      '0s',
      '59s',
      '1m 00s',
      '1m 01s',
      '62m 05s',
    ])
  })
})

describe('ProgressThrottle', () => {
  test('nothing before the delay, then at most one line per interval', () => {
    const throttle = new ProgressThrottle({ delayMs: 2000, intervalMs: 1000 }, 100)
    expect([500, 2099].map((now) => throttle.due(now))).toEqual([false, false])
    expect(throttle.due(2100)).toBe(true)
    expect(throttle.due(2500)).toBe(false)
    expect(throttle.due(3099)).toBe(false)
    expect(throttle.due(3100)).toBe(true)
    expect(throttle.due(9000)).toBe(true)
  })

  test('CI is quieter than a terminal', () => {
    expect(CI_THROTTLE.intervalMs).toBeGreaterThan(INTERACTIVE_THROTTLE.intervalMs)
    expect(CI_THROTTLE.intervalMs).toBeGreaterThanOrEqual(5_000)
  })
})

describe('ProgressReporter', () => {
  function setup(options: { tty?: boolean; env?: NodeJS.ProcessEnv; budgetUsd?: number } = {}) {
    let time = 0
    const lines: string[] = []
    const vitest = {
      logger: { log: (line: string) => lines.push(line), outputStream: { isTTY: options.tty ?? false } },
    } as unknown as Vitest
    let resets = 0
    const budget =
      options.budgetUsd === undefined
        ? undefined
        : {
            budgetUsd: options.budgetUsd,
            resetRun: () => resets++,
            stats: () => ({ spentUsd: 0.5, reservedUsd: 0, refused: 3 }),
          }
    const reporter = new ProgressReporter({ env: options.env ?? { CI: 'true' }, now: () => time }, budget)
    reporter.onInit(vitest)
    const finish = (at: number, records: RubricRecord[] = [record({ callId: `c${at}` })]) => {
      time = at
      reporter.onTestCaseResult({ meta: () => ({ rubric: records }) } as unknown as TestCase)
    }
    return { reporter, lines, finish, resets: () => resets }
  }

  test('in CI prints the first line after 10 s and then every 10 s at most', () => {
    const { reporter, lines, finish } = setup()
    reporter.onTestRunStart()
    for (let at = 1000; at <= 25_000; at += 1000) finish(at)
    expect(lines).toEqual([
      ' Rubric 10 judged live · 0 from store · 0 errors · 10s',
      ' Rubric 20 judged live · 0 from store · 0 errors · 20s',
    ])
  })

  test('in a terminal prints every 2 s; tests without records print nothing', () => {
    const { reporter, lines, finish } = setup({ tty: true, env: {} })
    reporter.onTestRunStart()
    finish(2500, [])
    expect(lines).toEqual([])
    finish(2600)
    finish(3000)
    finish(4600)
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain('3 judged live')
  })

  test('is silent between watch-mode runs and counts each run from zero', () => {
    const { reporter, lines, finish } = setup()
    reporter.onTestRunStart()
    finish(11_000)
    reporter.onTestRunEnd()
    finish(50_000)
    expect(lines).toHaveLength(1)
    reporter.onTestRunStart()
    finish(61_000)
    expect(lines.at(-1)).toContain(' 1 judged live')
  })

  test('progress: false prints no progress line', () => {
    const lines: string[] = []
    const reporter = new ProgressReporter({ progress: false, now: () => 60_000 })
    reporter.onInit({ logger: { log: (line: string) => lines.push(line) } } as unknown as Vitest)
    reporter.onTestRunStart()
    reporter.onTestCaseResult({ meta: () => ({ rubric: [record()] }) } as unknown as TestCase)
    expect(lines).toEqual([])
  })

  test('with a budget: resets it when a run starts and accounts for it when the run ends', () => {
    const { reporter, lines, resets } = setup({ budgetUsd: 5 })
    reporter.onTestRunStart()
    expect(resets()).toBe(1)
    reporter.onTestRunEnd()
    expect(lines).toEqual([' judge budget $5.00: spent $0.50; 3 outputs not judged (budget spent)'])
  })
})
