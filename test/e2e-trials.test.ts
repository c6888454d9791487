import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { type JudgeServer, startJudgeServer } from './support/judge-server.ts'
import { copyFixture, runEvals } from './support/run-vitest.ts'
import { scriptTrialJudge } from './support/scripted-judge.ts'

let server: JudgeServer

beforeAll(async () => {
  server = await startJudgeServer()
})
beforeEach(() => {
  server.reset()
  scriptTrialJudge(server)
})
afterAll(() => server.close())

const judge = (trials: number) => ({
  model: 'judge-model',
  baseURL: server.baseURL,
  apiKey: 'sk-test',
  maxRetries: 0,
  trials,
})
const storeOf = (root: string) =>
  JSON.parse(readFileSync(join(root, '__judgments__', 'answers.eval.ts.json'), 'utf8')) as {
    judgments: Record<string, unknown>
  }
const recordsOf = (run: Awaited<ReturnType<typeof runEvals>>, test: string) =>
  run.report.judgments.filter(
    (record): record is Extract<typeof record, { kind: 'judgment' }> =>
      record.test === test && record.kind === 'judgment',
  )

describe('trials', () => {
  test('each trial is a call, stored by index; raising 3 to 5 calls only the new two; replay returns all', async () => {
    const root = copyFixture('trials')
    const first = await runEvals(root, { judge: judge(3), store: 'auto', unstable: 'pass' })
    expect(server.chatRequests).toHaveLength(6)
    expect(Object.keys(storeOf(root).judgments)).toHaveLength(6)
    const [steady] = recordsOf(first, 'steady')
    expect(steady).toMatchObject({ score: 0.75, trials: [0.75, 0.75, 0.75], unstable: false })
    const [flip] = recordsOf(first, 'coin flip')
    expect(flip?.trials?.slice().sort()).toEqual([0.25, 1, 1])
    expect(flip?.score).toBeCloseTo(0.75)
    expect(flip?.unstable).toBe(true)

    server.reset()
    scriptTrialJudge(server) // a fresh script: each output's next calls answer its list from the start
    const raised = await runEvals(root, { judge: judge(5), store: 'auto', unstable: 'pass' })
    expect(server.chatRequests).toHaveLength(4)
    expect(Object.keys(storeOf(root).judgments)).toHaveLength(10)
    // Trials 0-2 come from the store (5, 2, 5 in some order), trials 3-4 from the fresh calls (5, 2).
    expect(recordsOf(raised, 'coin flip')[0]?.trials).toHaveLength(5)
    expect(recordsOf(raised, 'coin flip')[0]?.score).toBeCloseTo((1 + 0.25 + 1 + 1 + 0.25) / 5)

    server.reset()
    const replayed = await runEvals(root, { judge: judge(5), store: 'replay', unstable: 'pass' })
    expect(server.chatRequests).toHaveLength(0)
    expect(recordsOf(replayed, 'coin flip')[0]?.trials).toEqual(recordsOf(raised, 'coin flip')[0]?.trials)
    expect(replayed.output).toContain('0 live calls')
  })

  test("unstable: 'fail' fails a mean above the floor, with every trial's score", async () => {
    const root = copyFixture('trials')
    const run = await runEvals(root, { judge: judge(3), store: 'off' })
    expect(run.exitCode).toBe(1)
    expect(run.output).toContain('relevance is unstable: its 3 trials scored')
    expect(run.output).toMatch(
      /trials scored (1\.00|0\.25), (1\.00|0\.25), (1\.00|0\.25), on both sides of the floor 0\.50/,
    )
    expect(recordsOf(run, 'coin flip')[0]).toMatchObject({
      pass: true,
      assertionPassed: false,
      unstable: true,
    })
    expect(recordsOf(run, 'steady')[0]).toMatchObject({ assertionPassed: true, unstable: false })
    // The table: mean spread and unstable outputs.
    expect(run.output).toMatch(/spread\s+unstable/)
    expect(run.output).toMatch(/relevance\s+2\s+0\.75\s.*\s0\.38\s+1\/2/)
  })

  test("unstable: 'warn' lets the mean decide and warns; 'pass' lets it decide quietly", async () => {
    const root = copyFixture('trials')
    const warned = await runEvals(root, { judge: judge(3), store: 'off', unstable: 'warn' })
    expect(warned.exitCode).toBe(0)
    expect(warned.output).toContain('toScoreAtLeast(): relevance is unstable')
    expect(recordsOf(warned, 'coin flip')[0]).toMatchObject({ assertionPassed: true, unstable: true })

    server.reset()
    scriptTrialJudge(server)
    const quiet = await runEvals(root, { judge: judge(3), store: 'off', unstable: 'pass' })
    expect(quiet.exitCode).toBe(0)
    expect(quiet.output).not.toContain('is unstable')
    expect(quiet.output).toMatch(/relevance\s+2\s+0\.75\s.*\s0\.38\s+1\/2/)
  })

  test('one trial is the judgment of old: same store key, no trial fields', async () => {
    const root = copyFixture('trials')
    const run = await runEvals(root, { judge: judge(1), store: 'auto' })
    expect(server.chatRequests).toHaveLength(2)
    expect(recordsOf(run, 'steady')[0]?.trials).toBeUndefined()
    expect(run.output).not.toContain('spread')
    server.reset()
    scriptTrialJudge(server)
    // The single stored judgment is trial 0 of three: two more calls per output.
    await runEvals(root, { judge: judge(3), store: 'auto', unstable: 'pass' })
    expect(server.chatRequests).toHaveLength(4)
  })
})

describe('describeEval with trials', () => {
  test('each row is judged in n trials, stored by index and replayed; the mean decides', async () => {
    const root = copyFixture('trials-rows')
    // `warn`: both rows' trials straddle the floor, and the mean, not the unstable policy, must decide.
    const first = await runEvals(root, { judge: judge(1), store: 'auto', unstable: 'warn' })
    expect(server.chatRequests).toHaveLength(6)
    const store = JSON.parse(readFileSync(join(root, '__judgments__', 'rows.eval.ts.json'), 'utf8'))
    expect(Object.keys(store.judgments)).toHaveLength(6)
    // Scores of 5, 1, 1 in some order (the trials run at once): their mean 1/3 fails the floor 0.5, though the first
    // call alone would pass; 1, 5, 5 passes with 2/3.
    const [refunds] = recordsOf(first, 'rows > refunds')
    expect(refunds?.trials?.slice().sort()).toEqual([0, 0, 1])
    expect(refunds).toMatchObject({ score: expect.closeTo(1 / 3), pass: false, unstable: true })
    const [shipping] = recordsOf(first, 'rows > shipping')
    expect(shipping?.trials?.slice().sort()).toEqual([0, 1, 1])
    expect(shipping).toMatchObject({ score: expect.closeTo(2 / 3), pass: true, unstable: true })
    expect(first.exitCode).toBe(1)

    server.reset()
    const replayed = await runEvals(root, { judge: judge(1), store: 'replay', unstable: 'warn' })
    expect(server.chatRequests).toHaveLength(0)
    expect(recordsOf(replayed, 'rows > refunds')[0]?.trials).toEqual(refunds?.trials)
    expect(recordsOf(replayed, 'rows > shipping')[0]?.trials).toEqual(shipping?.trials)
    expect(recordsOf(replayed, 'rows > shipping')[0]?.score).toBe(shipping?.score)
    expect(replayed.output).toContain('0 live calls')
  })
})

describe("scoring: 'expected' in a run", () => {
  test('a server without log-probabilities: sampled scores and one note for the run, not one per call', async () => {
    const root = copyFixture('trials')
    const run = await runEvals(root, {
      judge: { ...judge(3), scoring: 'expected' },
      store: 'off',
      unstable: 'pass',
    })
    expect(server.chatRequests).toHaveLength(6)
    expect(server.chatRequests[0]?.body).toMatchObject({ logprobs: true })
    const note = `scoring 'expected': the judge server ${server.baseURL} returned no log-probabilities for model "judge-model"`
    expect(run.output.split(note)).toHaveLength(2)
    expect(recordsOf(run, 'steady')[0]).toMatchObject({ score: 0.75, note: expect.stringContaining(note) })
  })
})
