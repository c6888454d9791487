import { describe, expect, test } from 'vitest'
import { RubricArgumentError } from '../src/errors.ts'
import {
  BudgetSpentError,
  createLocalLimiter,
  describeShardLimits,
  formatUsd,
  judgeLimits,
  shardLimits,
} from '../src/judge/limiter/limiter.ts'
import {
  type Clock,
  type Grant,
  type JudgeLimits,
  LimiterCore,
  OVERDUE_MS,
} from '../src/judge/limiter/limits.ts'

/** A clock whose time moves only when a test says so. */
function manualClock() {
  let time = 0
  let timers: { at: number; callback: () => void; id: number }[] = []
  let ids = 0
  const clock: Clock = {
    now: () => time,
    setTimeout: (callback, ms) => {
      timers.push({ at: time + ms, callback, id: ++ids })
      return ids
    },
    clearTimeout: (id) => {
      timers = timers.filter((timer) => timer.id !== id)
    },
  }
  const advance = (ms: number) => {
    time += ms
    for (;;) {
      const due = timers.filter((timer) => timer.at <= time).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      timers = timers.filter((timer) => timer !== due)
      due.callback()
    }
  }
  return { clock, advance }
}

function limiter(limits: JudgeLimits) {
  const { clock, advance } = manualClock()
  const core = new LimiterCore(limits, clock)
  const grants: { name: string; grant: Grant }[] = []
  const ask = (name: string, tokens = 0, costUsd = 0) =>
    core.request({ tokens, costUsd }, (grant) => grants.push({ name, grant }))
  const granted = () => grants.filter((entry) => entry.grant.ok).map((entry) => entry.name)
  const leaseOf = (name: string) => {
    const entry = grants.find((candidate) => candidate.name === name)
    if (!entry?.grant.ok) throw new Error(`${name} holds no slot`)
    return entry.grant.lease
  }
  return { core, ask, grants, granted, leaseOf, advance }
}

describe('LimiterCore', () => {
  test('serves waiting calls of a lower rank first, and first come, first served within a rank', () => {
    const { core, grants, leaseOf } = limiter({ concurrency: 1 })
    const ask = (name: string, rank: number) =>
      core.request({ tokens: 0 }, (grant) => grants.push({ name, grant }), rank)
    ask('holder', 5)
    for (const [name, rank] of [
      ['late-1', 2],
      ['early-1', 0],
      ['late-2', 2],
      ['early-2', 0],
    ] as const) {
      ask(name, rank)
    }
    const order: string[] = []
    for (let served = 0; served < 5; served++) {
      const name = grants.at(-1)!.name
      order.push(name)
      core.release(leaseOf(name))
    }
    expect(order).toEqual(['holder', 'early-1', 'early-2', 'late-1', 'late-2'])
  })

  test('serves a call that has waited 10 s before calls of lower ranks, so that no rank starves', () => {
    const { core, grants, leaseOf, advance } = limiter({ concurrency: 1 })
    const ask = (name: string, rank: number) =>
      core.request({ tokens: 0 }, (grant) => grants.push({ name, grant }), rank)
    ask('holder', 0)
    ask('late file', 3)
    advance(OVERDUE_MS - 1)
    ask('early file', 0)
    core.release(leaseOf('holder'))
    expect(grants.at(-1)?.name).toBe('early file')
    ask('early file again', 0)
    advance(1)
    core.release(leaseOf('early file'))
    expect(grants.at(-1)?.name).toBe('late file')
    core.release(leaseOf('late file'))
    expect(grants.at(-1)?.name).toBe('early file again')
  })

  test('never has more calls in flight than the concurrency, and serves waiters first come first served', () => {
    const { core, ask, granted, leaseOf } = limiter({ concurrency: 2 })
    for (const name of ['a', 'b', 'c', 'd']) ask(name)
    expect(granted()).toEqual(['a', 'b'])
    expect(core.snapshot()).toMatchObject({ inFlight: 2, waiting: 2 })
    core.release(leaseOf('b'))
    expect(granted()).toEqual(['a', 'b', 'c'])
    core.release(leaseOf('a'))
    core.release(leaseOf('c'))
    core.release(leaseOf('d'))
    expect(core.snapshot()).toMatchObject({ inFlight: 0, maxInFlight: 2, waiting: 0, granted: 4 })
  })

  test("reserves each call's estimate, so that spending passes the budget by at most one estimate", () => {
    // 16 calls of an estimated $0.10 each, all asked for at once, under a budget of $0.0005: without
    // reservations all 16 start (the budget is checked against what is spent, and nothing is spent yet).
    const { core, ask, grants, granted, leaseOf } = limiter({ concurrency: 16, budgetUsd: 0.0005 })
    for (let index = 0; index < 16; index++) ask(`call ${index}`, 100, 0.1)
    expect(granted()).toEqual(['call 0'])
    expect(core.snapshot()).toMatchObject({ inFlight: 1, waiting: 15, reservedUsd: 0.1, spentUsd: 0 })
    core.release(leaseOf('call 0'), { tokens: 100, costUsd: 0.08 })
    expect(granted()).toEqual(['call 0'])
    expect(grants.filter((entry) => !entry.grant.ok)).toHaveLength(15)
    expect(grants[1]?.grant).toEqual({
      ok: false,
      reason: 'budget',
      spentUsd: 0.08,
      reservedUsd: 0,
      budgetUsd: 0.0005,
    })
    expect(core.snapshot()).toMatchObject({ inFlight: 0, reservedUsd: 0, spentUsd: 0.08, refused: 15 })
  })

  test('starts calls together while the budget has room for every reservation', () => {
    const { core, ask, granted, leaseOf } = limiter({ concurrency: 8, budgetUsd: 1 })
    for (const name of ['a', 'b', 'c', 'd', 'e']) ask(name, 100, 0.3)
    // 3 x $0.30 fits in $1; a fourth waits for what the first three spend.
    expect(granted()).toEqual(['a', 'b', 'c'])
    expect(core.snapshot().reservedUsd).toBeCloseTo(0.9, 10)
    core.release(leaseOf('a'), { tokens: 50, costUsd: 0.05 })
    // $0.05 spent + $0.60 reserved + $0.30 = $0.95: d starts, e waits.
    expect(granted()).toEqual(['a', 'b', 'c', 'd'])
    core.release(leaseOf('b'), { tokens: 50, costUsd: 0.3 })
    core.release(leaseOf('c'), { tokens: 50, costUsd: 0.3 })
    // $0.65 spent + $0.30 reserved + $0.30 > $1: e waits for d.
    expect(granted()).toEqual(['a', 'b', 'c', 'd'])
    core.release(leaseOf('d'), { tokens: 50, costUsd: 0.3 })
    // Nothing in flight and $0.95 spent, under the budget: e may start, the one call that can pass it.
    expect(granted()).toEqual(['a', 'b', 'c', 'd', 'e'])
  })

  test('a cancelled request leaves the queue; a released lease is released once', () => {
    const { core, ask, granted, leaseOf } = limiter({ concurrency: 1 })
    ask('a')
    const b = ask('b')
    ask('c')
    expect(core.cancel(b)).toBe(true)
    expect(core.cancel(b)).toBe(false)
    core.release(leaseOf('a'))
    core.release(leaseOf('a'))
    expect(granted()).toEqual(['a', 'c'])
    expect(core.snapshot().inFlight).toBe(1)
  })

  test('starts at most requestsPerMinute calls in any 60 s window', () => {
    const { core, ask, granted, leaseOf, advance } = limiter({ concurrency: 10, requestsPerMinute: 2 })
    ask('a')
    advance(10_000)
    ask('b')
    ask('c')
    core.release(leaseOf('a'))
    expect(granted()).toEqual(['a', 'b'])
    advance(49_999)
    expect(granted()).toEqual(['a', 'b'])
    advance(1)
    expect(granted()).toEqual(['a', 'b', 'c'])
  })

  test('keeps tokensPerMinute, counting the usage once known instead of the estimate', () => {
    const { core, ask, granted, leaseOf, advance } = limiter({ concurrency: 10, tokensPerMinute: 1000 })
    ask('a', 600)
    ask('b', 600)
    expect(granted()).toEqual(['a'])
    // a used far less than estimated: b fits now.
    core.release(leaseOf('a'), { tokens: 300, costUsd: 0 })
    expect(granted()).toEqual(['a', 'b'])
    ask('c', 200)
    expect(granted()).toEqual(['a', 'b'])
    advance(60_000)
    expect(granted()).toEqual(['a', 'b', 'c'])
    expect(core.snapshot().tokens).toBe(300)
  })

  test('lets a call bigger than the whole token allowance run alone', () => {
    const { ask, granted } = limiter({ concurrency: 10, tokensPerMinute: 100 })
    ask('huge', 5000)
    expect(granted()).toEqual(['huge'])
  })

  test('refuses every call once the budget is spent, counting them, and starts afresh on a new run', () => {
    const { core, ask, grants, granted, leaseOf } = limiter({ concurrency: 1, budgetUsd: 0.01 })
    ask('a')
    ask('b')
    ask('c')
    core.release(leaseOf('a'), { tokens: 100, costUsd: 0.004 })
    core.release(leaseOf('b'), { tokens: 100, costUsd: 0.007 })
    expect(granted()).toEqual(['a', 'b'])
    expect(grants.at(-1)).toEqual({
      name: 'c',
      grant: { ok: false, reason: 'budget', spentUsd: 0.011, reservedUsd: 0, budgetUsd: 0.01 },
    })
    ask('d')
    expect(core.snapshot()).toMatchObject({ refused: 2, spentUsd: 0.011, granted: 2 })
    core.resetRun()
    ask('e')
    expect(granted()).toEqual(['a', 'b', 'e'])
    expect(core.snapshot()).toMatchObject({ refused: 0, spentUsd: 0, granted: 1, inFlight: 1 })
  })
})

describe('createLocalLimiter', () => {
  test('a waiting acquire gives up with the reason of its signal', async () => {
    const local = createLocalLimiter({ concurrency: 1 })
    const held = await local.acquire({ tokens: 0 })
    const controller = new AbortController()
    const waiting = local.acquire({ tokens: 0, signal: controller.signal })
    controller.abort(new Error('test timed out'))
    await expect(waiting).rejects.toThrow('test timed out')
    held.release()
    expect(local.core.snapshot()).toMatchObject({ inFlight: 0, waiting: 0 })
    await expect(local.acquire({ tokens: 0, signal: controller.signal })).rejects.toThrow('test timed out')
  })

  test('rejects with BudgetSpentError once the budget is spent', async () => {
    const local = createLocalLimiter({ concurrency: 2, budgetUsd: 0.5 })
    ;(await local.acquire({ tokens: 0 })).release({ tokens: 10, costUsd: 0.5 })
    const refused = local.acquire({ tokens: 0 })
    await expect(refused).rejects.toBeInstanceOf(BudgetSpentError)
    await expect(refused).rejects.toMatchObject({
      code: 'RUBRIC_JUDGE_BUDGET',
      message: expect.stringContaining(
        'the judge budget of $0.50 for this run is spent ($0.50 on live calls, $0.00 reserved by calls in flight)',
      ),
    })
  })
})

describe('shardLimits', () => {
  const limits = { concurrency: 16, requestsPerMinute: 100, tokensPerMinute: 50_000, budgetUsd: 5 }

  test('a shard of a run whose shards share a key holds 1/N of each limit, at least 1', () => {
    expect(shardLimits(limits, { index: 2, count: 3 }, 'split')).toEqual({
      concurrency: 5,
      requestsPerMinute: 33,
      tokensPerMinute: 16_666,
      budgetUsd: 5 / 3,
    })
    expect(shardLimits({ concurrency: 2 }, { index: 1, count: 4 }, 'split')).toEqual({
      concurrency: 1,
      requestsPerMinute: undefined,
      tokensPerMinute: undefined,
      budgetUsd: undefined,
    })
    expect(
      describeShardLimits(
        shardLimits(limits, { index: 2, count: 3 }, 'split'),
        { index: 2, count: 3 },
        'split',
      ),
    ).toBe(
      'judge limits of shard 2/3 (1/3 each): 5 in flight, 33 requests/min, 16666 tokens/min, budget $1.67',
    )
  })

  test('shards with keys of their own, and an unsharded run, hold the whole limits', () => {
    expect(shardLimits(limits, { index: 1, count: 3 }, 'whole')).toBe(limits)
    expect(shardLimits(limits, undefined, 'split')).toBe(limits)
    expect(describeShardLimits({ concurrency: 16 }, { index: 1, count: 3 }, 'whole')).toBe(
      'judge limits of shard 1/3 (its own key): 16 in flight',
    )
  })
})

describe('judgeLimits', () => {
  test('defaults to 16 calls in flight and no other limit', () => {
    expect(judgeLimits({})).toEqual({
      concurrency: 16,
      requestsPerMinute: undefined,
      tokensPerMinute: undefined,
      budgetUsd: undefined,
    })
  })

  test.each([
    [{ concurrency: 0 }, 'judge.concurrency is 0; give a whole number of at least 1.'],
    [{ concurrency: 2.5 }, 'judge.concurrency is 2.5'],
    [{ requestsPerMinute: -1 }, 'judge.requestsPerMinute is -1; give a number above 0'],
    [{ tokensPerMinute: 0 }, 'judge.tokensPerMinute is 0'],
    [{ budgetUsd: -5 }, 'judge.budgetUsd is -5; give an amount in US dollars'],
  ])('rejects %j', (options, message) => {
    expect(() => judgeLimits(options)).toThrow(RubricArgumentError)
    expect(() => judgeLimits(options)).toThrow(message)
  })
})

test('formatUsd shows sub-cent amounts with two significant digits', () => {
  expect([0, 0.00042, 0.0123, 0.5, 1, 12.345].map(formatUsd)).toEqual([
    '$0.00',
    '$0.00042',
    '$0.012',
    '$0.50',
    '$1.00',
    '$12.35',
  ])
})
