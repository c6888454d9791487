import { spawn } from 'node:child_process'
import { connect } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { connectLimiter } from '../src/judge/limiter/client.ts'
import { type Coordinator, startCoordinator } from '../src/judge/limiter/coordinator.ts'
import { BudgetSpentError, type JudgeLease } from '../src/judge/limiter/limiter.ts'
import type { JudgeLimits } from '../src/judge/limiter/limits.ts'

let coordinator: Coordinator | undefined
const clients: { close(): void }[] = []

afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  await coordinator?.close()
  coordinator = undefined
})

async function start(limits: JudgeLimits) {
  coordinator = await startCoordinator(limits)
  return coordinator
}

function client(address: Coordinator) {
  const limiter = connectLimiter(address)
  clients.push(limiter)
  return limiter
}

/** Resolves once `check` holds, polling the coordinator's state. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
  expect(check()).toBe(true)
}

describe('coordinator', () => {
  test('listens on 127.0.0.1 on a free port', async () => {
    const { host, port } = await start({ concurrency: 1 })
    expect(host).toBe('127.0.0.1')
    expect(port).toBeGreaterThan(0)
  })

  test('holds one limit across several clients (as across workers)', async () => {
    const main = await start({ concurrency: 3 })
    const workers = [client(main), client(main), client(main)]
    let inFlight = 0
    let most = 0
    const calls = Array.from({ length: 30 }, async (_, index) => {
      const lease = await workers[index % 3]!.acquire({ tokens: 10 })
      inFlight++
      most = Math.max(most, inFlight)
      await new Promise((resolve) => setTimeout(resolve, 2))
      inFlight--
      lease.release({ tokens: 10, costUsd: 0 })
    })
    await Promise.all(calls)
    expect(most).toBe(3)
    await until(() => main.stats().inFlight === 0)
    expect(main.stats()).toMatchObject({ maxInFlight: 3, granted: 30, tokens: 300, waiting: 0 })
  })

  test('gives back the slots of a connection that closes without releasing them (a crashed worker)', async () => {
    const main = await start({ concurrency: 2 })
    const crashing = client(main)
    await crashing.acquire({ tokens: 0 })
    await crashing.acquire({ tokens: 0 })
    const survivor = client(main)
    const waiting = survivor.acquire({ tokens: 0 })
    await until(() => main.stats().waiting === 1)
    crashing.close()
    const lease = await waiting
    lease.release()
    await until(() => main.stats().inFlight === 0)
  })

  test('gives back the slots of a worker process killed with SIGKILL', async () => {
    const main = await start({ concurrency: 1 })
    // A separate process that takes the only slot and never lets go, as a worker would mid-call.
    const script = `
      const socket = require('node:net').connect(${main.port}, '127.0.0.1')
      socket.write(JSON.stringify({ op: 'acquire', id: 1, tokens: 0 }) + '\\n')
      socket.on('data', () => process.stdout.write('granted\\n'))
      setInterval(() => {}, 1000)`
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
    expect(main.stats().inFlight).toBe(1)
    const waiting = client(main).acquire({ tokens: 0 })
    child.kill('SIGKILL')
    const lease = await waiting
    expect(main.stats().inFlight).toBe(1)
    lease.release()
  })

  test('withdraws a waiting request when its signal aborts, and frees a slot granted meanwhile', async () => {
    const main = await start({ concurrency: 1 })
    const worker = client(main)
    const held = await worker.acquire({ tokens: 0 })
    const controller = new AbortController()
    const waiting = worker.acquire({ tokens: 0, signal: controller.signal })
    await until(() => main.stats().waiting === 1)
    controller.abort(new Error('the test timed out'))
    await expect(waiting).rejects.toThrow('the test timed out')
    held.release()
    await until(() => main.stats().inFlight === 0 && main.stats().waiting === 0)
    const next = await worker.acquire({ tokens: 0 })
    next.release()
  })

  test('refuses calls over the wire once the budget is spent, and starts afresh on a new run', async () => {
    const main = await start({ concurrency: 4, budgetUsd: 0.01 })
    const worker = client(main)
    ;(await worker.acquire({ tokens: 0 })).release({ tokens: 120, costUsd: 0.012 })
    const refused = worker.acquire({ tokens: 0 })
    await expect(refused).rejects.toBeInstanceOf(BudgetSpentError)
    await expect(refused).rejects.toThrow(
      'the judge budget of $0.010 for this run is spent ($0.012 on live calls)',
    )
    expect(main.stats()).toMatchObject({ spentUsd: 0.012, refused: 1 })
    main.resetRun()
    ;(await worker.acquire({ tokens: 0 })).release()
  })

  test('drops a connection that sends garbage, giving back its slots', async () => {
    const main = await start({ concurrency: 1 })
    const socket = connect(main.port, main.host)
    socket.write(`${JSON.stringify({ op: 'acquire', id: 1, tokens: 0 })}\n`)
    await until(() => main.stats().inFlight === 1)
    socket.write('not json\n')
    await until(() => main.stats().inFlight === 0)
    socket.destroy()
  })

  test('a client whose coordinator went away fails its waiting calls with a clear error', async () => {
    const main = await start({ concurrency: 1 })
    const worker = client(main)
    const held: JudgeLease = await worker.acquire({ tokens: 0 })
    const waiting = worker.acquire({ tokens: 0 })
    await main.close()
    await expect(waiting).rejects.toMatchObject({ code: 'RUBRIC_JUDGE_LIMITER' })
    held.release()
  })

  test('costs well under a millisecond per acquire and release', async () => {
    const main = await start({ concurrency: 16 })
    const worker = client(main)
    ;(await worker.acquire({ tokens: 0 })).release()
    const rounds = 500
    const started = performance.now()
    for (let i = 0; i < rounds; i++)
      (await worker.acquire({ tokens: 100 })).release({ tokens: 100, costUsd: 0 })
    const perCall = (performance.now() - started) / rounds
    expect(perCall).toBeLessThan(1)
  })
})
