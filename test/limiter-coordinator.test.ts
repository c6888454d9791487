import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { RubricError } from '../src/errors.ts'
import { connectJudge } from '../src/judge/limiter/client.ts'
import { type Coordinator, startCoordinator } from '../src/judge/limiter/coordinator.ts'
import type { JudgeLimiter } from '../src/judge/limiter/limiter.ts'
import type { JudgeLimits } from '../src/judge/limiter/limits.ts'
import { dimensions } from '../src/rubric/builtin.ts'
import { defineRubric } from '../src/rubric/define-rubric.ts'
import type { Judge, JudgeRequest, Judgment } from '../src/types.ts'

const rubric = defineRubric({
  name: 'support',
  dimensions: { relevance: dimensions.relevance, faithfulness: dimensions.faithfulness },
})

/**
 * The judge the coordinator runs in these tests: each call takes a slot of the run's limiter and holds it until
 * the test lets it finish (`finish(output)`) or the call is aborted.
 */
class HeldJudge implements Judge {
  readonly id = 'held-judge'
  readonly name = 'held judge'
  readonly received: JudgeRequest[] = []
  inFlight = 0
  most = 0
  private readonly finishers = new Map<string, () => void>()
  private readonly arrivals = new Map<string, () => void>()

  constructor(
    private readonly limiter: JudgeLimiter,
    private readonly costUsd = 0,
  ) {}

  /** Resolves once a request for `output` has reached the judge. */
  arrived(output: string): Promise<void> {
    if (this.received.some((request) => request.output === output)) return Promise.resolve()
    return new Promise((resolve) => this.arrivals.set(output, resolve))
  }

  /** Lets the call for `output` finish; one that holds no slot yet finishes as soon as it gets one. */
  finish(output: string): void {
    this.finishers.get(output)?.()
    this.finishers.set(output, () => {})
  }

  async judge(request: JudgeRequest): Promise<Judgment> {
    this.received.push(request)
    this.arrivals.get(request.output)?.()
    if (request.output === 'throw') {
      const cause = Object.assign(new TypeError('socket hang up'), { code: 'ECONNRESET' })
      throw Object.assign(new RubricError('RUBRIC_TEST_THROWN', 'the judge threw', { cause }), {
        status: 502,
        requestId: 'req_thrown',
      })
    }
    const base = { judgeId: this.id, judgeName: this.name, rubricId: request.rubric.id, latencyMs: 0 }
    let lease: Awaited<ReturnType<JudgeLimiter['acquire']>>
    try {
      lease = await this.limiter.acquire({ tokens: 10, signal: request.signal })
    } catch (error) {
      const aborted = request.signal?.aborted
      const failure = aborted ? { code: 'RUBRIC_JUDGE_ABORTED', message: 'aborted' } : toError(error)
      return { ...base, source: 'live', scores: {}, error: failure }
    }
    this.inFlight++
    this.most = Math.max(this.most, this.inFlight)
    try {
      const aborted = await new Promise<boolean>((resolve) => {
        if (request.signal?.aborted) return resolve(true)
        if (this.finishers.has(request.output)) return resolve(false)
        this.finishers.set(request.output, () => resolve(false))
        request.signal?.addEventListener('abort', () => resolve(true), { once: true })
      })
      if (aborted) {
        return {
          ...base,
          source: 'live',
          scores: {},
          error: { code: 'RUBRIC_JUDGE_ABORTED', message: 'aborted' },
        }
      }
      const scores = Object.fromEntries(
        request.dimensions.map((name) => [name, { score: 1, reason: `judged ${request.output}` }]),
      )
      return { ...base, source: 'live', scores }
    } finally {
      this.inFlight--
      lease.release({ tokens: 10, costUsd: this.costUsd })
    }
  }
}

function toError(error: unknown) {
  return { code: (error as RubricError).code, message: (error as Error).message }
}

let coordinator: Coordinator | undefined
const clients: { close(): void }[] = []

afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  await coordinator?.close()
  coordinator = undefined
})

async function start(limits: JudgeLimits, costUsd = 0) {
  let judge: HeldJudge | undefined
  coordinator = await startCoordinator(limits, (limiter) => {
    judge = new HeldJudge(limiter, costUsd)
    return judge
  })
  return { main: coordinator, judge: judge! }
}

function worker(main: Coordinator) {
  const judge = connectJudge(main, { id: 'held-judge', name: 'held judge' })
  clients.push(judge)
  return judge
}

const request = (output: string, signal?: AbortSignal): JudgeRequest => ({
  output,
  input: 'When are refunds paid?',
  context: 'Refunds are paid within 14 days.',
  rubric,
  dimensions: ['relevance'],
  ...(signal ? { signal } : {}),
})

describe('coordinator', () => {
  test('listens on 127.0.0.1 on a free port', async () => {
    const { main } = await start({ concurrency: 1 })
    expect(main.host).toBe('127.0.0.1')
    expect(main.port).toBeGreaterThan(0)
  })

  test('judges requests from workers, which keep the judge identity, and answers each to its caller', async () => {
    const { main, judge } = await start({ concurrency: 4 })
    const client = worker(main)
    expect(client).toMatchObject({ id: 'held-judge', name: 'held judge' })
    const answers = [client.judge(request('first')), client.judge(request('second'))]
    judge.finish('second')
    judge.finish('first')
    const [first, second] = await Promise.all(answers)
    expect(first?.scores).toEqual({ relevance: { score: 1, reason: 'judged first' } })
    expect(second?.scores).toEqual({ relevance: { score: 1, reason: 'judged second' } })
    // The request arrives whole; the worker's signal stays in the worker, the call gets the coordinator's.
    const { signal, ...arrived } = judge.received[0]!
    expect(arrived).toEqual(request('first'))
    expect(signal).toBeInstanceOf(AbortSignal)
  })

  test('holds one limit across several workers', async () => {
    const { main, judge } = await start({ concurrency: 3 })
    const workers = [worker(main), worker(main), worker(main)]
    const outputs = Array.from({ length: 30 }, (_, index) => `call ${index}`)
    const answers = outputs.map((output, index) => workers[index % 3]!.judge(request(output)))
    for (const output of outputs) {
      await judge.arrived(output)
      judge.finish(output)
    }
    const judgments = await Promise.all(answers)
    expect(judgments.map((judgment) => judgment.scores.relevance?.reason)).toEqual(
      outputs.map((output) => `judged ${output}`),
    )
    expect(judge.most).toBe(3)
    expect(main.stats()).toMatchObject({ maxInFlight: 3, granted: 30, tokens: 300, inFlight: 0, waiting: 0 })
  })

  test('serves the waiting calls of the worker that connected first before those of later workers', async () => {
    const { main, judge } = await start({ concurrency: 1 })
    const first = worker(main)
    const second = worker(main)
    const holding = first.judge(request('first connects'))
    await judge.arrived('first connects')
    // The second worker asks before the first asks again; the first worker's call still goes first.
    const later = second.judge(request('second worker'))
    await judge.arrived('second worker')
    const sooner = first.judge(request('first worker again'))
    await judge.arrived('first worker again')
    const served: string[] = []
    for (const call of [later, sooner]) {
      void call.then((judgment) => served.push(judgment.scores.relevance!.reason))
    }
    judge.finish('first connects')
    await holding
    judge.finish('second worker')
    judge.finish('first worker again')
    await Promise.all([later, sooner])
    expect(served).toEqual(['judged first worker again', 'judged second worker'])
  })

  test('aborts the calls of a worker whose connection closes (a crashed worker), giving back its slots', async () => {
    const { main, judge } = await start({ concurrency: 2 })
    const crashing = worker(main)
    const lost = [crashing.judge(request('a')), crashing.judge(request('b'))]
    const survivor = worker(main)
    const waiting = survivor.judge(request('c'))
    await judge.arrived('c')
    expect(main.stats()).toMatchObject({ inFlight: 2, waiting: 1 })
    crashing.close()
    await Promise.all(
      lost.map((call) => expect(call).rejects.toMatchObject({ code: 'RUBRIC_JUDGE_LIMITER' })),
    )
    judge.finish('c')
    expect((await waiting).scores.relevance?.reason).toBe('judged c')
    expect(main.stats()).toMatchObject({ inFlight: 0, waiting: 0 })
  })

  test('aborts the call of a worker process killed with SIGKILL', async () => {
    const { main, judge } = await start({ concurrency: 1 })
    // A separate process that asks for a judgment and dies mid-call, as a worker would.
    const wire = JSON.stringify({ op: 'judge', id: 1, request: request('held by the killed worker') })
    const script = `
      const socket = require('node:net').connect(${main.port}, '127.0.0.1')
      socket.write(${JSON.stringify(`${wire}\n`)})
      setInterval(() => {}, 1000)`
    const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' })
    await judge.arrived('held by the killed worker')
    const waiting = worker(main).judge(request('next'))
    await judge.arrived('next')
    expect(main.stats()).toMatchObject({ inFlight: 1, waiting: 1 })
    child.kill('SIGKILL')
    await once(child, 'exit')
    judge.finish('next')
    expect((await waiting).error).toBeUndefined()
  })

  test("the test's signal aborts its call in the main process, whether it holds a slot or waits for one", async () => {
    const { main, judge } = await start({ concurrency: 1 })
    const client = worker(main)
    const holding = new AbortController()
    const queued = new AbortController()
    const held = client.judge(request('holding', holding.signal))
    const waiting = client.judge(request('queued', queued.signal))
    await judge.arrived('queued')
    queued.abort(new Error('the test timed out'))
    expect((await waiting).error?.code).toBe('RUBRIC_JUDGE_ABORTED')
    holding.abort(new Error('the test timed out'))
    expect((await held).error?.code).toBe('RUBRIC_JUDGE_ABORTED')
    expect(main.stats()).toMatchObject({ inFlight: 0, waiting: 0 })
    const aborted = new AbortController()
    aborted.abort()
    expect((await client.judge(request('aborted before it was sent', aborted.signal))).error?.code).toBe(
      'RUBRIC_JUDGE_ABORTED',
    )
  })

  test('refuses calls once the budget is spent, and starts afresh on a new run', async () => {
    const { main, judge } = await start({ concurrency: 4, budgetUsd: 0.01 }, 0.012)
    const client = worker(main)
    judge.finish('paid')
    expect((await client.judge(request('paid'))).error).toBeUndefined()
    const refused = await client.judge(request('refused'))
    expect(refused.error).toEqual({
      code: 'RUBRIC_JUDGE_BUDGET',
      message: expect.stringContaining(
        'the judge budget of $0.010 for this run is spent ($0.012 on live calls',
      ),
    })
    expect(main.stats()).toMatchObject({ spentUsd: 0.012, refused: 1 })
    main.resetRun()
    judge.finish('next run')
    expect((await client.judge(request('next run'))).error).toBeUndefined()
  })

  test('a judge that throws gives the worker an error judgment with its code, status, request id and cause', async () => {
    const { main } = await start({ concurrency: 1 })
    const judgment = await worker(main).judge(request('throw'))
    expect(judgment).toMatchObject({ judgeId: 'held-judge', judgeName: 'held judge', scores: {} })
    expect(judgment.error).toEqual({
      code: 'RUBRIC_TEST_THROWN',
      message: 'the judge threw',
      status: 502,
      requestId: 'req_thrown',
      cause: { name: 'TypeError', message: 'socket hang up', code: 'ECONNRESET' },
    })
  })

  test('a judge that throws before it returns a promise gives an error judgment, and the coordinator serves on', async () => {
    let calls = 0
    coordinator = await startCoordinator({ concurrency: 1 }, () => ({
      id: 'throwing',
      name: 'throwing',
      judge(): Promise<Judgment> {
        calls++
        throw new RubricError('RUBRIC_TEST_SYNC', 'thrown at once')
      },
    }))
    const client = worker(coordinator)
    expect((await client.judge(request('first'))).error).toEqual({
      code: 'RUBRIC_TEST_SYNC',
      message: 'thrown at once',
    })
    expect((await client.judge(request('second'))).error).toMatchObject({ message: 'thrown at once' })
    expect(calls).toBe(2)
  })

  test('drops a connection that sends garbage, aborting its calls', async () => {
    const { main, judge } = await start({ concurrency: 1 })
    const socket = connect(main.port, main.host)
    socket.write(`${JSON.stringify({ op: 'judge', id: 1, request: request('from a bad client') })}\n`)
    await judge.arrived('from a bad client')
    expect(main.stats().inFlight).toBe(1)
    const closed = once(socket, 'close')
    socket.write('not json\n')
    await closed
    judge.finish('after')
    expect((await worker(main).judge(request('after'))).error).toBeUndefined()
    expect(main.stats().inFlight).toBe(0)
  })

  test.each(['null', '[]', '{"op":"judge","id":1}', '{"op":"release","id":1}'])(
    'drops a connection that sends %s, which is not a message',
    async (line) => {
      const { main, judge } = await start({ concurrency: 1 })
      const socket = connect(main.port, main.host)
      const closed = once(socket, 'close')
      socket.write(`${line}\n`)
      await closed
      judge.finish('still serving')
      expect((await worker(main).judge(request('still serving'))).error).toBeUndefined()
    },
  )

  test('a worker whose coordinator went away fails its calls with a clear error', async () => {
    const { main, judge } = await start({ concurrency: 1 })
    const call = worker(main).judge(request('pending'))
    await judge.arrived('pending')
    await main.close()
    await expect(call).rejects.toMatchObject({ code: 'RUBRIC_JUDGE_LIMITER' })
    await expect(call).rejects.toThrow(
      'lost the connection to the judge coordinator in the main Vitest process',
    )
  })
})
