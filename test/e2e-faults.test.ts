import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import type { LlmJudgeOptions, RubricRecord } from '../src/types.ts'
import {
  gate,
  type JudgeServer,
  reply,
  requestedVerdict,
  type ScriptedReply,
  startJudgeServer,
} from './support/judge-server.ts'
import { asJudgment } from './support/records.ts'
import { copyFixture, type EvalRun, fixture, runEvals } from './support/run-vitest.ts'
import { judgedOutput } from './support/scripted-judge.ts'

// The fault suite, end to end through Vitest: every way a judge server can fail, each either recovered by a
// retry (the test passes and the report counts the retry) or an error judgment naming the cause. The run
// completes, the other tests are unaffected, the store keeps only verdicts, and no error is a score.

let server: JudgeServer
const never = gate()

beforeAll(async () => {
  server = await startJudgeServer()
})
afterAll(async () => {
  never.open()
  await server.close()
})
beforeEach(() => {
  server.reset()
  const seen = new Map<string, number>()
  server.respond((request) => {
    const output = judgedOutput(request)
    const fault = /fault:(\S+)/.exec(output)?.[1] ?? ''
    const count = (seen.get(fault) ?? 0) + 1
    seen.set(fault, count)
    const quality = Number(/quality:(\d)/.exec(output)?.[1] ?? 3)
    const verdict = reply.verdict(
      Object.fromEntries(requestedVerdict(request.body).dimensions.map((name) => [name, quality])),
    )
    const once = (fault: ScriptedReply) => (count === 1 ? fault : verdict)
    switch (fault) {
      case '429-retry-after-once':
        return once(reply.status(429, { 'retry-after': '0' }))
      case '429-once':
        return once(reply.status(429))
      case '500-once':
        return once(reply.status(500))
      case '503-always':
        return reply.status(503, { 'retry-after': '0' })
      case 'timeout-once':
        return once(reply.held(never.promise))
      case 'timeout-always':
        return reply.held(never.promise)
      case 'drop-mid-body-once':
        return once(reply.dropMidBody())
      case 'drop-always':
        return reply.drop()
      case 'invalid-json':
        return reply.malformed()
      case 'schema-invalid':
        return reply.text('{"relevance": {"why": "no score given"}}')
      case 'empty-choice':
        return reply.emptyChoices()
      case 'finish-length':
        return reply.truncated()
      case 'refusal':
        return reply.refusal('I will not grade this.')
      case 'score-out-of-scale':
        return reply.verdict({ relevance: 9 })
      default:
        return verdict
    }
  })
})

// The judge's timeout is left at its default (60 s) so that no answer is late on a loaded machine; the timeouts
// are a run of their own, where every call is held and so times out whatever the load. A retry after a timeout
// is checked in limiter-judge.test.ts, with time that passes only when the test says: here, the retry of
// `timeout-once` would have to beat a short timeout, which a loaded machine can make it miss.
const judge = (overrides: Partial<LlmJudgeOptions> = {}): LlmJudgeOptions => ({
  model: 'judge-model',
  baseURL: server.baseURL,
  apiKey: 'test-key',
  maxRetries: 2,
  maxRetryDelayMs: 5,
  ...overrides,
})

/** Every test but the timeouts. */
const NOT_TIMEOUTS = { testNamePattern: '^(?!timeout-)' }

/** Recovered by a retry: the test passes, with this many retries on its judgment. */
const RECOVERED: Record<string, number> = {
  '429-retry-after-once': 1,
  '429-once': 1,
  '500-once': 1,
  'drop-mid-body-once': 1,
  unaffected: 0,
}

/** An error judgment naming the cause. */
const FAILED: Record<string, { code: string; says: string; status?: number; retries?: number }> = {
  '503-always': { code: 'RUBRIC_JUDGE_HTTP', says: 'answered HTTP 503', status: 503, retries: 2 },
  'drop-always': { code: 'RUBRIC_JUDGE_HTTP', says: 'could not reach the judge', retries: 2 },
  'invalid-json': { code: 'RUBRIC_JUDGE_HTTP', says: 'could not be read' },
  'schema-invalid': { code: 'RUBRIC_JUDGE_SCHEMA', says: 'no usable verdict after being asked twice' },
  'empty-choice': { code: 'RUBRIC_JUDGE_EMPTY', says: 'answered with no choices' },
  'finish-length': { code: 'RUBRIC_JUDGE_TRUNCATED', says: 'cut off at the token limit' },
  refusal: { code: 'RUBRIC_JUDGE_REFUSAL', says: 'refused to score the output: "I will not grade this."' },
  'score-out-of-scale': { code: 'RUBRIC_JUDGE_SCHEMA', says: 'expected an integer from 1 to 5' },
}

function byTest(run: EvalRun) {
  const states: Record<string, string> = {}
  const records: Record<string, RubricRecord[]> = {}
  for (const module of run.modules) {
    for (const testCase of module.children.allTests()) {
      states[testCase.name] = testCase.result().state
      records[testCase.name] = testCase.meta().rubric ?? []
    }
  }
  return { states, records }
}

describe('fault suite', () => {
  test('each fault is recovered by a retry or ends in an error judgment naming it; the run completes', async () => {
    const root = copyFixture('faults')
    const run = await runEvals(root, { judge: judge(), store: 'auto' }, { cli: NOT_TIMEOUTS })
    const { states, records } = byTest(run)
    expect(run.exitCode).toBe(1)
    expect(Object.keys(states).sort()).toEqual(
      [...Object.keys(RECOVERED), ...Object.keys(FAILED), 'timeout-always', 'timeout-once'].sort(),
    )
    expect([states['timeout-always'], states['timeout-once']]).toEqual(['skipped', 'skipped'])

    for (const [name, retries] of Object.entries(RECOVERED)) {
      expect(states[name], name).toBe('passed')
      expect(records[name], name).toMatchObject([{ score: expect.any(Number), pass: true }])
      expect(asJudgment(records[name]![0]).retries ?? 0, name).toBe(retries)
    }
    for (const [name, { code, says, status, retries }] of Object.entries(FAILED)) {
      expect(states[name], name).toBe('failed')
      const [record] = records[name]!
      expect(record, name).toMatchObject({ score: null, pass: null, error: { code } })
      expect(record!.error!.message, name).toContain(says)
      if (status)
        expect(record!.error, name).toMatchObject({ status, requestId: expect.stringMatching(/^req_test_/) })
      expect(asJudgment(record).retries ?? 0, name).toBe(retries ?? 0)
      expect(run.output, name).toContain(
        `toScoreAtLeast() could not be decided: the judge judge-model failed`,
      )
    }

    // The report: no error is a score, and the retries are counted per judgment and for the run.
    const judgments = run.report.judgments
    expect(
      judgments.filter((j) => j.error !== undefined).every((j) => j.score === null && j.pass === null),
    ).toBe(true)
    expect(judgments.filter((j) => j.error !== undefined)).toHaveLength(Object.keys(FAILED).length)
    expect(Object.fromEntries(judgments.map((j) => [j.test, asJudgment(j).retries ?? 0]))).toMatchObject(
      RECOVERED,
    )
    expect(run.report.summary.totals.retries).toBe(4 + 2 + 2)
    expect(run.report.summary.run.relevance).toMatchObject({ n: 5, errors: 8, passed: 5 })
    expect(run.output).toContain('8 retries')

    // A judge that never answers: every attempt times out, and the test fails naming the timeout.
    const timeout = await runEvals(
      root,
      { judge: judge({ timeout: 200 }), store: 'auto' },
      { cli: { testNamePattern: '^timeout-always$' } },
    )
    const timedOut = byTest(timeout)
    expect(timeout.exitCode).toBe(1)
    expect(timedOut.states['timeout-always']).toBe('failed')
    expect(timedOut.records['timeout-always']).toMatchObject([
      { score: null, pass: null, retries: 2, error: { code: 'RUBRIC_JUDGE_TIMEOUT' } },
    ])
    expect(timedOut.records['timeout-always']![0]!.error!.message).toContain(
      'did not answer within 200 ms (after 2 retries)',
    )
    expect(timeout.report.summary.totals.retries).toBe(2)

    // The store holds the six verdicts, and nothing of the errors.
    const store = JSON.parse(readFileSync(join(root, '__judgments__', 'faults.eval.ts.json'), 'utf8'))
    const entries = Object.values(store.judgments) as { output: string; scores: object }[]
    expect(entries.map((entry) => /fault:(\S+)|no fault/.exec(entry.output)?.[0]).sort()).toEqual(
      [
        ...Object.keys(RECOVERED)
          .filter((name) => name !== 'unaffected')
          .map((n) => `fault:${n}`),
        'no fault',
      ].sort(),
    )
    expect(entries.every((entry) => Object.keys(entry.scores).length === 1)).toBe(true)

    // Replayed, the recovered verdicts come from the store and the failures are misses, not scores.
    server.reset()
    const replay = await runEvals(
      root,
      { judge: judge(), store: 'replay' },
      { cli: { testNamePattern: '^(?!timeout-once$)' } },
    )
    const again = byTest(replay)
    expect(server.chatRequests).toHaveLength(0)
    for (const name of Object.keys(RECOVERED)) expect(again.states[name], name).toBe('passed')
    for (const name of [...Object.keys(FAILED), 'timeout-always']) {
      expect(again.records[name], name).toMatchObject([{ score: null, error: { code: 'RUBRIC_STORE_MISS' } }])
    }
  })

  test('a judge server that is down gives error judgments, and the run completes', async () => {
    const closed = await closedPort()
    const run = await runEvals(fixture('e2e', 'passing'), {
      judge: judge({ baseURL: `http://127.0.0.1:${closed}/v1` }),
      store: 'off',
    })
    expect(run.exitCode).toBe(1)
    const { states } = byTest(run)
    expect(Object.values(states).every((state) => state === 'failed')).toBe(true)
    expect(run.report.judgments.length).toBeGreaterThan(0)
    for (const judgment of run.report.judgments) {
      expect(judgment).toMatchObject({
        score: null,
        pass: null,
        retries: 2,
        error: { code: 'RUBRIC_JUDGE_HTTP' },
      })
      expect(judgment.error?.message).toContain(
        `could not reach the judge "judge-model" at http://127.0.0.1:${closed}/v1`,
      )
      expect(judgment.error?.message).toContain('(after 2 retries): Connection error')
    }
  })
})

/** A port on which nothing listens: taken, then freed. */
async function closedPort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return port
}
