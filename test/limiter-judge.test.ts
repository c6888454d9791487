import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { RubricArgumentError } from '../src/errors.ts'
import { createLocalLimiter } from '../src/judge/limiter/limiter.ts'
import { createLlmJudge, type LlmJudgeInternals } from '../src/judge/llm-judge.ts'
import { retryDelayMs } from '../src/judge/retry.ts'
import { dimensions } from '../src/rubric/builtin.ts'
import { defineRubric } from '../src/rubric/define-rubric.ts'
import type { JudgeRequest, LlmJudgeOptions } from '../src/types.ts'
import { gate, type JudgeServer, reply, startJudgeServer } from './support/judge-server.ts'
import { isSimulatorCall, userTurn } from './support/simulated-user.ts'

// Retries, backoff, timeouts, cost and budget of the LLM judge, against the local OpenAI-compatible server.

const rubric = defineRubric({ name: 'support', dimensions: { relevance: dimensions.relevance } })
const request: JudgeRequest = { rubric, dimensions: ['relevance'], output: 'Refunds take 14 days.' }
const price = { inputPerMillion: 1, outputPerMillion: 10 }
// The test server's usage: 100 prompt and 20 completion tokens per call.
const CALL_COST = (100 * 1 + 20 * 10) / 1_000_000

let server: JudgeServer

beforeAll(async () => {
  server = await startJudgeServer()
})
afterAll(() => server.close())
beforeEach(() => server.reset())
afterEach(() => realTimers())

let unwrap = () => {}
/** Back to real timers, the wrapper of `fakeTimeouts` removed first so that the real `setTimeout` is restored. */
function realTimers() {
  unwrap()
  unwrap = () => {}
  vi.useRealTimers()
}

/**
 * Fakes `setTimeout` (the judge's backoff and the SDK's request timeout) so that time passes only when the test
 * says; `set(ms)` resolves once a timer of `ms` (or of a length `ms` accepts) has been set, and gives its length.
 * The HTTP client's own timers are faked too: they never fire unless the test lets that much time pass.
 */
function fakeTimeouts() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  const fake = globalThis.setTimeout
  const delays: number[] = []
  let notify = () => {}
  globalThis.setTimeout = ((callback: () => void, ms?: number, ...args: unknown[]) => {
    delays.push(ms ?? 0)
    notify()
    return Reflect.apply(fake, globalThis, [callback, ms, ...args])
  }) as typeof setTimeout
  unwrap = () => {
    globalThis.setTimeout = fake
  }
  return {
    async set(ms: number | ((ms: number) => boolean)): Promise<number> {
      const wanted = typeof ms === 'number' ? (length: number) => length === ms : ms
      for (;;) {
        const index = delays.findIndex(wanted)
        if (index >= 0) return delays.splice(0, index + 1).at(-1)!
        await new Promise<void>((resolve) => {
          notify = resolve
        })
      }
    },
  }
}

function llmJudge(options: Partial<LlmJudgeOptions> = {}, internals: LlmJudgeInternals = {}) {
  return createLlmJudge(
    {
      model: 'judge-model',
      baseURL: server.baseURL,
      apiKey: 'test-key',
      maxRetries: 2,
      maxRetryDelayMs: 5,
      ...options,
    },
    internals,
  )
}

describe('retries', () => {
  test.each([
    ['429 without Retry-After', reply.status(429)],
    ['429 with Retry-After: 0', reply.status(429, { 'retry-after': '0' })],
    ['408', reply.status(408)],
    ['409', reply.status(409)],
    ['500', reply.status(500)],
    ['503', reply.status(503)],
    ['a dropped connection', reply.drop()],
    ['a connection dropped mid-body', reply.dropMidBody()],
  ])('recovers from %s, counting the retry', async (_, fault) => {
    server.enqueue(fault)
    const judgment = await llmJudge().judge(request)
    expect(judgment.error).toBeUndefined()
    expect(judgment.scores.relevance?.score).toBe(1)
    expect(judgment.retries).toBe(1)
    expect(server.chatRequests).toHaveLength(2)
  })

  test('a judgment without retries has no retries field', async () => {
    const judgment = await llmJudge().judge(request)
    expect(judgment).not.toHaveProperty('retries')
  })

  test('honours Retry-After in seconds and retry-after-ms', async () => {
    const clock = fakeTimeouts()
    server.enqueue(
      reply.status(429, { 'retry-after': '0.2' }),
      reply.status(503, { 'retry-after-ms': '100' }),
    )
    const pending = llmJudge().judge(request)
    for (const [attempt, ms] of [
      [1, 200],
      [2, 100],
    ] as const) {
      await clock.set(ms)
      // The retry waits for the whole delay the server asked for, and goes once it has passed.
      await vi.advanceTimersByTimeAsync(ms - 1)
      expect(server.chatRequests).toHaveLength(attempt)
      await vi.advanceTimersByTimeAsync(1)
      await server.received(attempt + 1)
    }
    expect((await pending).retries).toBe(2)
  })

  test('does not retry what the server says not to, nor client errors', async () => {
    server.enqueue(reply.status(500, { 'x-should-retry': 'false' }))
    expect((await llmJudge().judge(request)).error).toMatchObject({ status: 500 })
    server.enqueue(reply.status(422))
    expect((await llmJudge().judge(request)).error).toMatchObject({ status: 422 })
    expect(server.chatRequests).toHaveLength(2)
  })

  test('gives an error judgment with status, request id and the retries made once they are spent', async () => {
    server.respond(() => reply.status(429))
    const judgment = await llmJudge().judge(request)
    expect(server.chatRequests).toHaveLength(3)
    expect(judgment.scores).toEqual({})
    expect(judgment.retries).toBe(2)
    expect(judgment.error).toMatchObject({ code: 'RUBRIC_JUDGE_HTTP', status: 429, requestId: 'req_test_3' })
    expect(judgment.error?.message).toContain('Still rate-limited after 2 retries')
  })

  test('retries a call that times out, then reports the timeout with the retries made', async () => {
    const never = gate()
    // The first call is held until it times out; the retry's answer cannot be late, for time stands still.
    const clock = fakeTimeouts()
    server.enqueue(reply.held(never.promise))
    const pending = llmJudge({ timeout: 50 }).judge(request)
    await server.received(1)
    await clock.set(50)
    await vi.advanceTimersByTimeAsync(50)
    // The backoff: at most maxRetryDelayMs (5 ms), less some jitter.
    await vi.advanceTimersByTimeAsync(await clock.set((ms) => ms > 0 && ms <= 5))
    expect(await pending).toMatchObject({ retries: 1, scores: { relevance: { score: 1 } } })
    realTimers()

    // Every call held: each attempt times out, whatever the load.
    server.respond(() => reply.held(never.promise))
    const judgment = await llmJudge({ timeout: 50, maxRetries: 1 }).judge(request)
    never.open()
    expect(judgment.error?.code).toBe('RUBRIC_JUDGE_TIMEOUT')
    expect(judgment.error?.message).toContain('did not answer within 50 ms (after 1 retry)')
  })

  test("the test's signal ends a long Retry-After wait at once", async () => {
    // Time stands still: only the abort can end the 60 s wait.
    const clock = fakeTimeouts()
    server.enqueue(reply.status(429, { 'retry-after': '60' }))
    const controller = new AbortController()
    const pending = llmJudge({ timeout: 30_000 }).judge({ ...request, signal: controller.signal })
    await clock.set(60_000)
    controller.abort(new Error('test timed out'))
    const judgment = await pending
    expect(judgment.error?.code).toBe('RUBRIC_JUDGE_ABORTED')
    expect(server.chatRequests).toHaveLength(1)
  })

  test('backs off 0.5 s doubling with jitter, capped, unless the server says how long', () => {
    const none = () => 0
    expect([0, 1, 2, 3, 4, 5].map((retry) => retryDelayMs(undefined, retry, 8000, none))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000,
    ])
    expect(retryDelayMs(undefined, 0, 8000, () => 1)).toBe(375)
    expect(retryDelayMs(undefined, 3, 50, none)).toBe(50)
    expect(retryDelayMs(new Headers({ 'retry-after': '3' }), 0, 50, none)).toBe(3000)
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'))
    const date = new Date(Date.now() + 2000).toUTCString()
    expect(retryDelayMs(new Headers({ 'retry-after': date }), 0, 50, none)).toBe(2000)
  })
})

describe('limiter', () => {
  test('takes a slot per attempt and frees it while backing off', async () => {
    const clock = fakeTimeouts()
    const limiter = createLocalLimiter({ concurrency: 1 })
    const judge = llmJudge({ maxRetryDelayMs: 8000 }, { limiter })
    server.enqueue(reply.status(429, { 'retry-after-ms': '150' }), reply.verdict({ relevance: 2 }))
    const first = judge.judge({ ...request, output: 'first' })
    await clock.set(150)
    // While the first backs off, the second takes the only slot and finishes.
    const second = await judge.judge({ ...request, output: 'second' })
    expect(second.scores.relevance?.raw).toBe(2)
    await vi.advanceTimersByTimeAsync(150)
    expect((await first).retries).toBe(1)
    const outputs = server.chatRequests.map(
      (sent) => /first|second/.exec(sent.body.messages?.[1]?.content ?? '')?.[0],
    )
    expect(outputs).toEqual(['first', 'second', 'first'])
    expect(limiter.core.snapshot()).toMatchObject({ inFlight: 0, maxInFlight: 1, granted: 3 })
  })

  test('holds concurrent judgments of one judge to its concurrency', async () => {
    const release = gate()
    server.respond(() => reply.held(release.promise))
    const judge = llmJudge({ concurrency: 2 })
    const pending = Array.from({ length: 5 }, (_, index) =>
      judge.judge({ ...request, output: `out ${index}` }),
    )
    await server.received(2)
    release.open()
    const judgments = await Promise.all(pending)
    expect(judgments.every((judgment) => judgment.error === undefined)).toBe(true)
    expect(server.chatRequests).toHaveLength(5)
    expect(server.maxInFlight).toBe(2)
  })

  test('with a looser concurrency the same calls overlap more (the check above can fail)', async () => {
    const release = gate()
    server.respond(() => reply.held(release.promise))
    const judge = llmJudge({ concurrency: 5 })
    const pending = Array.from({ length: 5 }, (_, index) =>
      judge.judge({ ...request, output: `out ${index}` }),
    )
    await server.received(5)
    release.open()
    await Promise.all(pending)
    expect(server.maxInFlight).toBe(5)
  })
})

describe('cost and budget', () => {
  test('prices each judgment from its usage, the re-ask included', async () => {
    const judge = llmJudge({ prices: { 'judge-model': price } })
    const judgment = await judge.judge(request)
    expect(judgment.costUsd).toBeCloseTo(CALL_COST, 12)
    server.enqueue(reply.verdict({ relevance: 9 }))
    expect((await judge.judge(request)).costUsd).toBeCloseTo(2 * CALL_COST, 12)
  })

  test('a model without a price has tokens but no cost', async () => {
    const judgment = await llmJudge().judge(request)
    expect(judgment.tokens?.total).toBe(120)
    expect(judgment).not.toHaveProperty('costUsd')
  })

  test('stops live calls once the budget is spent, with an error naming it', async () => {
    const judge = llmJudge({ prices: { 'judge-model': price }, budgetUsd: 1.5 * CALL_COST })
    expect((await judge.judge(request)).error).toBeUndefined()
    expect((await judge.judge(request)).error).toBeUndefined()
    const skipped = await judge.judge(request)
    expect(skipped.scores).toEqual({})
    expect(skipped.error?.code).toBe('RUBRIC_JUDGE_BUDGET')
    expect(skipped.error?.message).toContain('the judge budget of $0.00045 for this run is spent ($0.00060')
    expect(skipped).not.toHaveProperty('costUsd')
    expect(server.chatRequests).toHaveLength(2)
  })

  test('a budget for a model without a price is refused when the judge is made', () => {
    expect(() => llmJudge({ budgetUsd: 5 })).toThrow(RubricArgumentError)
    expect(() => llmJudge({ prices: { 'judge-model': { inputPerMillion: 1 } as never } })).toThrow(
      "judge.prices['judge-model']",
    )
  })
})

describe('simulator calls are judge calls: limits, budget and cost', () => {
  const turn = {
    model: 'judge-model',
    persona: 'a customer',
    goal: 'a refund for order BW-10428',
    conversation: '',
    turn: 1,
  }

  test('a turn is priced from its usage and spends the judge budget; once spent, no call is made', async () => {
    const limiter = createLocalLimiter({ concurrency: 16, budgetUsd: 1.5 * CALL_COST })
    const judge = llmJudge({ prices: { 'judge-model': price } }, { limiter })
    server.respond((call) => (isSimulatorCall(call) ? userTurn.say('Hi') : undefined))
    const played = await judge.simulate(turn)
    expect(played).toMatchObject({ action: 'continue', message: 'Hi', tokens: { total: 120 } })
    expect(played.costUsd).toBeCloseTo(CALL_COST, 12)
    expect(limiter.core.snapshot().spentUsd).toBeCloseTo(CALL_COST, 12)
    expect((await judge.judge(request)).error).toBeUndefined()
    const refused = await judge.simulate(turn)
    expect(refused.error).toMatchObject({ code: 'RUBRIC_JUDGE_BUDGET', unsent: 'budget' })
    expect(refused.error?.message).toContain('the judge budget of $0.00045 for this run is spent')
    expect(server.chatRequests).toHaveLength(2)
  })

  test('a turn waits for a slot of the limiter that judgments take', async () => {
    const limiter = createLocalLimiter({ concurrency: 1 })
    const judge = llmJudge({}, { limiter })
    const release = gate()
    server.enqueue(reply.held(release.promise), userTurn.say('Hi'))
    const judged = judge.judge(request)
    await server.received(1)
    const played = judge.simulate(turn)
    // The slot is the judgment's: the turn waits for it, without a request.
    await expect.poll(() => limiter.core.snapshot().waiting).toBe(1)
    expect(server.chatRequests).toHaveLength(1)
    release.open()
    expect((await judged).error).toBeUndefined()
    expect(await played).toMatchObject({ message: 'Hi' })
    expect(limiter.core.snapshot()).toMatchObject({ granted: 2, maxInFlight: 1 })
  })

  test('another model plays the user on the judge server, priced as that model', async () => {
    const judge = llmJudge({ prices: { 'user-model': { inputPerMillion: 2, outputPerMillion: 20 } } })
    server.enqueue(userTurn.say('Hi'))
    const played = await judge.simulate({ ...turn, model: 'user-model' })
    expect(server.chatRequests[0]!.body.model).toBe('user-model')
    expect(played).toMatchObject({ model: 'user-model' })
    expect(played.costUsd).toBeCloseTo(2 * CALL_COST, 12)
  })
})
