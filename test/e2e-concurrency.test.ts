import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import type { EvalsOptions } from '../src/types.ts'
import {
  gate,
  type JudgeServer,
  type RecordedRequest,
  reply,
  requestedVerdict,
  startJudgeServer,
} from './support/judge-server.ts'
import { asJudgment } from './support/records.ts'
import { copyFixture, fixture, runEvals } from './support/run-vitest.ts'
import { judgedOutput } from './support/scripted-judge.ts'

// The global judge limit, end to end: four eval files in several workers, each call held by the judge server
// for a while so that calls overlap, and the server counting how many it is answering at once.

let server: JudgeServer
const held = gate()

beforeAll(async () => {
  server = await startJudgeServer()
})
afterAll(async () => {
  held.open()
  await server.close()
})
/** The verdict the output asks for with `quality:<n>`. */
function verdictFor(request: RecordedRequest) {
  const quality = Number(/quality:(\d)/.exec(judgedOutput(request))?.[1] ?? 3)
  return reply.verdict(
    Object.fromEntries(requestedVerdict(request.body).dimensions.map((name) => [name, quality])),
  )
}

beforeEach(() => {
  server.reset()
  server.respond((request) =>
    reply.held(judgedOutput(request).includes('hold') ? held.promise : delay(40), verdictFor(request)),
  )
})

const judge = (concurrency: number) => ({
  model: 'judge-model',
  baseURL: server.baseURL,
  apiKey: 'test-key',
  maxRetries: 0,
  concurrency,
})

function run(name: string, options: EvalsOptions, maxWorkers = 3) {
  return runEvals(fixture('e2e', name), { store: 'off', maxWorkers, ...options })
}

describe('global judge concurrency', () => {
  test('with concurrent tests, calls in flight across workers never exceed the limit', async () => {
    const { exitCode, report } = await run('concurrency', { judge: judge(3) })
    expect(exitCode).toBe(0)
    expect(report.summary.totals.liveCalls).toBe(18)
    expect(server.chatRequests).toHaveLength(18)
    expect(server.maxInFlight).toBe(3)
  })

  test("with Vitest's default (sequential tests, parallel files), the limit holds too", async () => {
    const { exitCode } = await run('concurrency', { judge: judge(2), concurrent: false })
    expect(exitCode).toBe(0)
    expect(server.chatRequests).toHaveLength(18)
    expect(server.maxInFlight).toBe(2)
  })

  test('without a tight limit the same suite has more calls in flight (the check can fail)', async () => {
    // Every call is held until four have arrived, which only a looser limit lets happen.
    const four = server.received(4)
    server.respond((request) => reply.held(four, verdictFor(request)))
    const { exitCode } = await run('concurrency', { judge: judge(100) })
    expect(exitCode).toBe(0)
    expect(server.maxInFlight).toBeGreaterThan(3)
  })
})

describe('judge access', () => {
  test("a key set in the workers' environment (a setup file) reaches the judge in the main process", async () => {
    const root = copyFixture('concurrency')
    const setup = join(root, 'set-key.ts')
    writeFileSync(setup, "process.env.OPENAI_API_KEY = 'key-from-setup'\n")
    vi.stubEnv('OPENAI_API_KEY', '')
    try {
      const { model, baseURL } = judge(3)
      const { exitCode } = await runEvals(root, {
        store: 'off',
        maxWorkers: 3,
        judge: { model, baseURL, maxRetries: 0 },
        setupFiles: [setup],
      })
      expect(exitCode).toBe(0)
      expect(server.chatRequests).toHaveLength(18)
      expect(new Set(server.chatRequests.map((request) => request.headers.authorization))).toEqual(
        new Set(['Bearer key-from-setup']),
      )
    } finally {
      vi.unstubAllEnvs()
    }
  })
})

describe('test timeout', () => {
  test("cancels the judge call through the test's signal and gives its slot to the next test", async () => {
    const { exitCode, output, modules } = await run('test-timeout', { judge: judge(1) }, 1)
    expect(exitCode).toBe(1)
    expect(output).toContain('Test timed out in <time>')
    const states = Array.from(modules[0]!.children.allTests(), (t) => [t.name, t.result().state])
    expect(states).toEqual([
      ['times out while the judge holds the call', 'failed'],
      ['gets the slot the timed-out test held', 'passed'],
    ])
    // The held call's connection was closed by the abort: the server holds no call any more.
    expect(server.chatRequests.map((request) => judgedOutput(request))).toEqual([
      'hold quality:4',
      'quality:5 next',
    ])
    expect(server.inFlight).toBe(0)
  })
})

describe('budget', () => {
  test('is kept across workers: once spent, the remaining outputs are skipped and the run says so', async () => {
    // 120 tokens a call at $1,000 per million: $0.12 a call. One call at a time, so that each one's cost is
    // known before the next starts: the fifth starts at $0.48, and the budget is spent after it.
    const pricey = {
      ...judge(1),
      prices: { 'judge-model': { inputPerMillion: 1000, outputPerMillion: 1000 } },
    }
    const { exitCode, output, report } = await run('concurrency', { judge: { ...pricey, budgetUsd: 0.5 } })
    expect(exitCode).toBe(1)
    expect(server.chatRequests).toHaveLength(5)
    expect(output).toContain(' judge budget $0.50: spent $0.60; 13 outputs not judged (budget spent)')
    expect(report.summary.totals.costUsd).toBeCloseTo(0.6, 10)
    const skipped = report.judgments.filter((judgment) => judgment.error?.code === 'RUBRIC_JUDGE_BUDGET')
    expect(new Set(skipped.map((judgment) => judgment.test)).size).toBe(13)
    expect(
      skipped.every((judgment) => judgment.score === null && asJudgment(judgment).costUsd === undefined),
    ).toBe(true)
    expect(skipped[0]?.error?.message).toContain(
      'the judge budget of $0.50 for this run is spent ($0.60 on live',
    )
    // Refused calls never reached the judge: they are skipped, not live calls.
    expect(report.summary.totals).toMatchObject({ liveCalls: 5, unsentCalls: { budget: 13 } })
    expect(output).toContain(
      ' Rubric  judge judge-model · 5 live calls · 0 stored · 13 skipped (budget spent)',
    )
  })

  test('at 16 calls in flight, a tiny budget lets one call through: each call reserves its estimate', async () => {
    // Every call's estimate (prompt and output limit at $1,000 per million tokens) is above the budget, so the
    // first call reserves more than the budget and the others wait for it, then find the budget spent. Without
    // reservations, all 16 start before any has spent anything.
    const pricey = {
      ...judge(16),
      prices: { 'judge-model': { inputPerMillion: 1000, outputPerMillion: 1000 } },
    }
    const { output, report } = await run('concurrency', { judge: { ...pricey, budgetUsd: 0.0005 } })
    expect(server.chatRequests).toHaveLength(1)
    expect(server.maxInFlight).toBe(1)
    expect(report.summary.totals).toMatchObject({ liveCalls: 1, unsentCalls: { budget: 17 } })
    expect(output).toContain(
      ' Rubric  judge judge-model · 1 live call · 0 stored · 17 skipped (budget spent)',
    )
    expect(output).toContain(' judge budget $0.00050: spent $0.12; 17 outputs not judged (budget spent)')
    const skipped = report.judgments.find((judgment) => judgment.error?.code === 'RUBRIC_JUDGE_BUDGET')
    expect(skipped?.error?.message).toContain('($0.12 on live calls, $0.00 reserved by calls in flight)')
  })
})

describe('calls that never leave', () => {
  test('without a key, no call is live: the header counts errors before sending, by cause', async () => {
    vi.stubEnv('OPENAI_API_KEY', '')
    try {
      const { output, report } = await run('concurrency', { judge: { ...judge(4), apiKey: '' } })
      expect(server.chatRequests).toHaveLength(0)
      expect(report.summary.totals).toMatchObject({ liveCalls: 0, unsentCalls: { 'no-key': 18 } })
      expect(output).toContain(
        ' Rubric  judge judge-model · 0 live calls · 0 stored · 18 errors before sending (18 no judge key)',
      )
    } finally {
      vi.unstubAllEnvs()
    }
  })
})
