import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { type JudgeServer, startJudgeServer } from './support/judge-server.ts'
import { copyFixture, runEvals } from './support/run-vitest.ts'
import { scriptQualityJudge } from './support/scripted-judge.ts'

let server: JudgeServer
const SECRET = 'sk-test-SECRET-KEY-0123456789'

beforeAll(async () => {
  server = await startJudgeServer()
})
beforeEach(() => {
  server.reset()
  scriptQualityJudge(server)
})
afterAll(() => server.close())

const judge = () => ({ model: 'judge-model', baseURL: server.baseURL, apiKey: SECRET, maxRetries: 0 })
const storeOf = (root: string) => join(root, '__judgments__', 'answers.eval.ts.json')
const evalFile = (root: string) => join(root, 'answers.eval.ts')

describe('judgment store', () => {
  test('records once, then replays without calling the judge', async () => {
    const root = copyFixture('store')
    const first = await runEvals(root, { judge: judge(), store: 'auto' })
    expect(first.exitCode).toBe(1) // warranty scores 3: tone 0.5 is below its floor
    expect(server.chatRequests).toHaveLength(3)
    expect(first.output).toContain('3 live calls · 0 stored · 3 written · 360 tokens')

    const text = readFileSync(storeOf(root), 'utf8')
    const stored = JSON.parse(text)
    expect(Object.keys(stored.judgments)).toHaveLength(3)
    expect(Object.keys(stored.judgments)).toEqual(Object.keys(stored.judgments).sort())
    expect(
      Object.values(stored.judgments)
        .map((entry) => (entry as { output: string }).output)
        .sort(),
    ).toEqual([
      'quality:3 The warranty lasts two years.',
      'quality:4 Shipping is free over 50 euros.',
      'quality:5 Refunds are paid within 14 days.',
    ])
    expect(stored.judgments[Object.keys(stored.judgments)[0]!]).toMatchObject({
      judgeName: 'judge-model',
      model: 'judge-model',
      tokens: { prompt: 100, completion: 20, total: 120 },
      scores: { relevance: { reason: expect.any(String), score: expect.any(Number) } },
      judgedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    })
    expect(text).not.toContain(SECRET)
    expect(text).not.toMatch(/authorization|bearer/i)

    server.reset()
    const second = await runEvals(root, { judge: judge(), store: 'replay' })
    expect(server.chatRequests).toHaveLength(0)
    expect(second.output).toContain('0 live calls · 3 stored · 0 tokens')
    expect(readFileSync(storeOf(root), 'utf8')).toBe(text)
    const scoresOf = (run: typeof first) =>
      Object.values(run.report.summary.run).map(({ dimension, n, mean, p10, min, passRate }) => ({
        dimension,
        n,
        mean,
        p10,
        min,
        passRate,
      }))
    expect(scoresOf(second)).toEqual(scoresOf(first))

    const third = await runEvals(root, { judge: judge(), store: 'replay' })
    expect(JSON.stringify(third.report.summary)).toBe(JSON.stringify(second.report.summary))
  })

  test('replay fails an output that has no stored judgment, with the way to record it', async () => {
    const root = copyFixture('store')
    const run = await runEvals(root, { judge: judge(), store: 'replay' })
    expect(run.exitCode).toBe(1)
    expect(server.chatRequests).toHaveLength(0)
    expect(run.output).toContain(
      'no stored judgment for this output in __judgments__/answers.eval.ts.json; run locally with a judge key to record it',
    )
    expect(run.report.judgments.every((j) => j.score === null && j.error?.code === 'RUBRIC_STORE_MISS')).toBe(
      true,
    )
  })

  test('a changed output is judged again alone; its old entry is obsolete until -u removes it', async () => {
    const root = copyFixture('store')
    await runEvals(root, { judge: judge(), store: 'auto' })
    writeFileSync(
      evalFile(root),
      readFileSync(evalFile(root), 'utf8').replace('within 14 days', 'within 10 days'),
    )
    server.reset()
    scriptQualityJudge(server)

    const changed = await runEvals(root, { judge: judge(), store: 'auto' })
    expect(server.chatRequests).toHaveLength(1)
    expect(changed.output).toContain('1 live call · 2 stored · 1 written · 1 obsolete · 120 tokens')
    expect(changed.output).toContain(
      '1 obsolete judgment in __judgments__/answers.eval.ts.json: no test used them. Run with -u to remove them.',
    )
    expect(Object.keys(JSON.parse(readFileSync(storeOf(root), 'utf8')).judgments)).toHaveLength(4)

    const filtered = await runEvals(
      root,
      { judge: judge(), store: 'auto' },
      { cli: { update: true, testNamePattern: 'refunds' } },
    )
    expect(filtered.output).not.toContain('obsolete')
    expect(Object.keys(JSON.parse(readFileSync(storeOf(root), 'utf8')).judgments)).toHaveLength(4)

    const updated = await runEvals(root, { judge: judge(), store: 'auto' }, { cli: { update: true } })
    expect(updated.output).toContain('removed 1 obsolete judgment from __judgments__/answers.eval.ts.json')
    const left = JSON.parse(readFileSync(storeOf(root), 'utf8')).judgments
    expect(Object.values(left).map((entry) => (entry as { output: string }).output)).not.toContain(
      'quality:5 Refunds are paid within 14 days.',
    )
    expect(Object.keys(left)).toHaveLength(3)
  })

  test('a corrupt store fails its assertions naming the file and line, and is not overwritten', async () => {
    const root = copyFixture('store')
    await runEvals(root, { judge: judge(), store: 'auto' })
    const broken = readFileSync(storeOf(root), 'utf8').replace(
      '"judgments": {',
      '"judgments": {\n<<<<<<< HEAD',
    )
    writeFileSync(storeOf(root), broken)
    const run = await runEvals(root, { judge: judge(), store: 'auto' })
    expect(run.exitCode).toBe(1)
    expect(run.output).toMatch(/the judgment store .*answers\.eval\.ts\.json is not valid: line 3/)
    expect(run.output).toContain('It was left untouched')
    expect(readFileSync(storeOf(root), 'utf8')).toBe(broken)
  })

  test('record judges everything again and overwrites', async () => {
    const root = copyFixture('store')
    await runEvals(root, { judge: judge(), store: 'auto' })
    server.reset()
    scriptQualityJudge(server)
    const run = await runEvals(root, { judge: judge(), store: 'record' })
    expect(server.chatRequests).toHaveLength(3)
    expect(run.output).toContain('3 live calls · 0 stored · 3 written')
  })

  test('off neither reads nor writes', async () => {
    const root = copyFixture('store')
    await runEvals(root, { judge: judge(), store: 'off' })
    expect(() => readFileSync(storeOf(root))).toThrow(/ENOENT/)
  })
})
