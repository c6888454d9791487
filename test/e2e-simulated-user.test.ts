import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import type { LocatedRecord, SimulationRecord, TaskRecord } from '../src/record/schema.ts'
import { type JudgeServer, startJudgeServer } from './support/judge-server.ts'
import { copyFixture, runEvals } from './support/run-vitest.ts'
import { isSimulatorCall, shownConversation, userTurn } from './support/simulated-user.ts'

const customer = {
  persona: 'Sam, who writes short messages and gives the order number only when asked.',
  goal: 'a refund for order BW-10428',
  model: 'user-model',
}

let server: JudgeServer
beforeAll(async () => {
  server = await startJudgeServer()
})
afterAll(() => server.close())
beforeEach(() => {
  server.reset()
  // The customer answers what the conversation so far asks: an opening, the order number when asked, then done.
  server.respond((request) => {
    const shown = shownConversation(request)
    if (shown.length === 0) return userTurn.say('Hi, I want my money back.')
    if (shown.at(-1)?.includes('Which order')) return userTurn.say('It is BW-10428.')
    return userTurn.done()
  })
})

const judge = (extra: object = {}) => ({
  model: 'judge-model',
  baseURL: server.baseURL,
  apiKey: 'test-key',
  maxRetries: 0,
  ...extra,
})

function fixtureWith(user: object): string {
  const root = copyFixture('simulated-user')
  writeFileSync(join(root, 'user.json'), JSON.stringify(user))
  return root
}
const transcriptOf = (root: string) => readFileSync(join(root, 'transcript.json'), 'utf8')
const simulationsOf = (judgments: readonly LocatedRecord[]) =>
  judgments.filter((record) => record.kind === 'simulation') as (LocatedRecord & SimulationRecord)[]

describe('simulated users end to end', () => {
  test('recorded through the coordinator over HTTP, then replayed with the server stopped: the same transcript', async () => {
    const root = fixtureWith(customer)
    const recorded = await runEvals(root, { judge: judge(), store: 'auto' })
    expect(recorded.exitCode).toBe(0)
    // Three turns asked of the user's model: the opening, the order number, and "done".
    expect(server.chatRequests).toHaveLength(3)
    expect(server.chatRequests.every(isSimulatorCall)).toBe(true)
    expect(server.chatRequests.map((request) => request.body.model)).toEqual([
      'user-model',
      'user-model',
      'user-model',
    ])
    const transcript = transcriptOf(root)
    const said = (JSON.parse(transcript) as { messages: { role: string; content: string }[] }).messages
      .filter((message) => message.content)
      .map((message) => `${message.role}: ${message.content}`)
    expect(said).toEqual([
      'user: Hi, I want my money back.',
      'assistant: Which order is it about?',
      'user: It is BW-10428.',
      'tool: {"found":true}',
      'tool: {"status":"refund issued"}',
      'assistant: Order BW-10428 is refunded (refund R-2).',
    ])

    // The agent's cost is the test's task record: its model's tokens only; the user's calls are the judge's.
    // A describeEval row's task that holds a conversation has one task record, the row's.
    const tasks = recorded.report.judgments.filter((record) => record.kind === 'task') as TaskRecord[]
    expect(tasks.map((task) => `${task.assertion} ${task.rowId ?? '-'}`).sort()).toEqual([
      'describeEval thanks',
      'runConversation -',
    ])
    expect(tasks.find((task) => task.assertion === 'runConversation')).toMatchObject({
      tokensByModel: { 'agent-model': { input: 100, output: 20, total: 120 } },
    })
    expect(recorded.output).toMatch(/latency\s+2 tasks/)

    // Each turn is a simulation record on the test it ran in: the judge's spend, counted with its calls.
    const turns = simulationsOf(recorded.report.judgments)
    expect(
      turns.map((record) => [
        record.test,
        record.turn,
        record.action,
        record.source,
        record.model,
        record.score,
      ]),
    ).toEqual([
      ['simulated customer > gets a refund', 1, 'continue', 'live', 'user-model', null],
      ['simulated customer > gets a refund', 2, 'continue', 'live', 'user-model', null],
      ['simulated customer > gets a refund', 3, 'done', 'live', 'user-model', null],
    ])
    expect(turns[0]).toMatchObject({
      tokens: { prompt: 100, completion: 20, total: 120 },
      store: { file: '__judgments__/customer.eval.ts.json', written: true },
    })
    expect(recorded.report.summary.totals).toMatchObject({
      liveCalls: 3,
      storedCalls: 0,
      simulatedCalls: 3,
      tokens: 360,
    })
    expect(recorded.output).toContain(
      '3 live calls · 0 stored · incl. 3 simulated user turns · 3 written · 360 tokens',
    )
    // Spend is no quality score: no dimension row for it.
    expect(recorded.report.summary.run['simulated user']).toBeUndefined()

    // Replayed with the server stopped: the same conversation from the store, no call, no key needed.
    const stopped = await startJudgeServer()
    const gone = stopped.baseURL
    await stopped.close()
    server.reset()
    const replayed = await runEvals(root, {
      judge: { model: 'judge-model', baseURL: gone, maxRetries: 0 },
      store: 'replay',
    })
    expect(replayed.exitCode).toBe(0)
    expect(transcriptOf(root)).toBe(transcript)
    expect(server.chatRequests).toHaveLength(0)
    expect(
      simulationsOf(replayed.report.judgments).map((record) => [
        record.turn,
        record.source,
        record.store?.written,
      ]),
    ).toEqual([
      [1, 'stored', false],
      [2, 'stored', false],
      [3, 'stored', false],
    ])
    expect(replayed.report.summary.totals).toMatchObject({ liveCalls: 0, storedCalls: 3, tokens: 0 })
    expect(replayed.output).toContain('0 live calls · 3 stored · incl. 3 simulated user turns · 0 tokens')

    // Another persona is another user: its turns are not stored, and replay says how to record them.
    writeFileSync(join(root, 'user.json'), JSON.stringify({ ...customer, persona: 'An impatient customer.' }))
    const missed = await runEvals(root, { judge: judge(), store: 'replay' })
    expect(missed.exitCode).toBe(1)
    expect(missed.output).toContain(
      "runConversation(): the simulated user's turn 1: no stored turn of this simulated user after this " +
        'conversation in __judgments__/customer.eval.ts.json; run locally with a judge key to record it',
    )
    expect(server.chatRequests).toHaveLength(0)
  })

  test('-u keeps the turns a conversation played, recorded on a test or not, and removes the others', async () => {
    const root = fixtureWith(customer)
    expect((await runEvals(root, { judge: judge(), store: 'auto' })).exitCode).toBe(0)
    const storeFile = join(root, '__judgments__', 'customer.eval.ts.json')
    const storedTurns = () => Object.keys(JSON.parse(readFileSync(storeFile, 'utf8')).simulatedTurns ?? {})
    const played = storedTurns()
    expect(played).toHaveLength(3)

    // A concurrent test without `test`: no record of its turns, but the eval file notes their keys as used.
    const evalFile = join(root, 'customer.eval.ts')
    writeFileSync(
      evalFile,
      readFileSync(evalFile, 'utf8')
        .replace(
          "test('gets a refund', async ({ expect, task })",
          "test.concurrent('gets a refund', async ({ expect })",
        )
        .replace('maxTurns: 4, test: task', 'maxTurns: 4'),
    )
    const calls = server.chatRequests.length
    const replayed = await runEvals(root, { judge: judge(), store: 'replay' }, { cli: { update: true } })
    expect(replayed.exitCode).toBe(0)
    expect(server.chatRequests).toHaveLength(calls)
    expect(simulationsOf(replayed.report.judgments)).toEqual([])
    expect(replayed.output).not.toContain('obsolete')
    expect(storedTurns()).toEqual(played)

    // Another persona plays other turns: the first persona's three are obsolete, and -u removes them.
    writeFileSync(join(root, 'user.json'), JSON.stringify({ ...customer, persona: 'An impatient customer.' }))
    const kept = await runEvals(root, { judge: judge(), store: 'auto' })
    expect(kept.exitCode).toBe(0)
    expect(kept.output).toContain(
      '3 obsolete simulated user turns in __judgments__/customer.eval.ts.json: no test used them. Run with -u to remove them.',
    )
    expect(storedTurns()).toHaveLength(6)
    const updated = await runEvals(root, { judge: judge(), store: 'replay' }, { cli: { update: true } })
    expect(updated.output).toContain(
      'removed 3 obsolete simulated user turns from __judgments__/customer.eval.ts.json',
    )
    const left = storedTurns()
    expect(left).toHaveLength(3)
    expect(left.some((key) => played.includes(key))).toBe(false)
  })

  test("simulated turns spend the run's judge budget in the main process", async () => {
    const root = fixtureWith(customer)
    const price = { inputPerMillion: 1, outputPerMillion: 10 }
    // The server's usage is 100 prompt and 20 completion tokens a call: $0.0003 a call, so two calls spend it.
    const run = await runEvals(root, {
      judge: judge({ prices: { 'user-model': price, 'judge-model': price }, budgetUsd: 0.00045 }),
      store: 'auto',
    })
    expect(run.exitCode).toBe(1)
    expect(server.chatRequests).toHaveLength(2)
    expect(run.output).toContain(
      "runConversation(): the simulated user's turn 3 failed: the judge budget of $0.00045",
    )
    expect(run.output).toContain('judge budget $0.00045: spent $0.00060')
    // The header's cost is what the budget spent; the third turn, skipped, made no call.
    expect(run.output).toContain(
      '2 live calls · 0 stored · 1 skipped (budget spent) · incl. 3 simulated user turns · 2 written · 240 tokens · $0.0006',
    )
  })
})
