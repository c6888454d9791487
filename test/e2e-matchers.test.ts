import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { isHeld, spooledText } from '../src/reporter/record-spool.ts'
import type { RubricRecord } from '../src/types.ts'
import { type JudgeServer, startJudgeServer } from './support/judge-server.ts'
import { asJudgment } from './support/records.ts'
import { fixture, runEvals } from './support/run-vitest.ts'
import { scriptQualityJudge } from './support/scripted-judge.ts'

let server: JudgeServer
let release = () => {}

beforeAll(async () => {
  server = await startJudgeServer()
})
beforeEach(() => {
  release()
  server.reset()
  release = scriptQualityJudge(server).release
})
afterAll(async () => {
  release()
  await server.close()
})

const judge = () => ({ model: 'judge-model', baseURL: server.baseURL, apiKey: 'test-key', maxRetries: 0 })
const run = (name: string) => runEvals(fixture('e2e', name), { judge: judge(), store: 'off' })

function recordsOf(modules: Awaited<ReturnType<typeof run>>['modules']) {
  const byTest: Record<string, RubricRecord[]> = {}
  for (const module of modules) {
    // Once its file has ended, a test's records are held: their text is read back from the reporter's spool.
    for (const testCase of module.children.allTests())
      byTest[testCase.name] = (testCase.meta().rubric ?? []).map((record) =>
        isHeld(record) ? spooledText(record) : record,
      )
  }
  return byTest
}

describe('matchers end to end', () => {
  test('a passing suite passes and reports every dimension', async () => {
    const { exitCode, report, output } = await run('passing')
    expect(exitCode).toBe(0)
    expect(output).toContain('judge-model')
    const rows = report.judgments.map((j) => `${j.test} ${j.dimension} ${j.score} ${j.pass}`)
    expect(rows.sort()).toEqual([
      'answers > asserts a low score with .not relevance 0 false',
      'answers > satisfies the rubric relevance 0.75 true',
      'answers > satisfies the rubric tone 0.75 true',
      'answers > scores one dimension relevance 1 true',
    ])
    expect(
      report.judgments.every(
        (j) => (asJudgment(j).tokens?.total ?? 0) > 0 && j.judgeId && j.source === 'live',
      ),
    ).toBe(true)
  })

  test('a missed floor fails with the dimension, score, floor, reason and judge', async () => {
    const { exitCode, output, report } = await run('failing-floor')
    expect(exitCode).toBe(1)
    expect(output).toContain(
      "expected relevance at least 0.80, but judge-model scored it 0.25 (2 on the rubric's scale)\nreason: relevance looks like 2",
    )
    expect(output).toContain(
      'expected the output to satisfy rubric "e2e", but 1 of 2 dimensions are below their floor (judge: judge-model)',
    )
    expect(output).toContain('✗ tone       0.50 < 0.75  tone looks like 3')
    expect(output).toMatch(/-\s+"tone": ">= 0.75",\n\+\s+"tone": 0.5,/)
    expect(output).toMatch(/✓ .*passes/)
    const soft = report.judgments.filter((j) => j.test === 'misses one dimension of the rubric, softly')
    expect(soft.map((j) => [j.dimension, j.pass])).toEqual([
      ['relevance', true],
      ['tone', false],
    ])
  })

  test('a judge error fails the assertion, with or without .not, and is never a score', async () => {
    const { exitCode, output, modules } = await run('judge-error')
    expect(exitCode).toBe(1)
    expect(output).toContain(
      'toScoreAtLeast() could not be decided: the judge judge-model failed to score relevance.',
    )
    expect(output).toContain('500')
    const records = recordsOf(modules)
    for (const name of ['the judge fails', 'the judge fails under .not too']) {
      expect(records[name]).toMatchObject([
        { score: null, pass: null, error: { code: 'RUBRIC_JUDGE_HTTP', status: 500 } },
      ])
    }
    expect(records['another test is unaffected']).toMatchObject([{ score: 1, pass: true }])
    // The failure crossed from the main process to the worker as a value and is thrown once, at the assertion,
    // with the HTTP status, the request id and the SDK's error as its cause.
    const [failed] = modules[0]!.children.allTests()
    expect(failed?.result().errors?.[0]).toMatchObject({
      name: 'JudgeFailureError',
      code: 'RUBRIC_JUDGE_HTTP',
      status: 500,
      requestId: expect.stringMatching(/^req_test_\d+$/),
      // Vitest's serialiser prefixes the cause's name with "Caused by: ".
      cause: { name: expect.stringContaining('InternalServerError'), message: '500 judge exploded' },
    })
    const states = Array.from(modules[0]!.children.allTests(), (t) => [t.name, t.result().state])
    expect(states).toEqual([
      ['the judge fails', 'failed'],
      ['the judge fails under .not too', 'failed'],
      ['another test is unaffected', 'passed'],
    ])
  })

  test('a matcher that is not awaited fails its test', async () => {
    const { exitCode, output, modules } = await run('unawaited')
    expect(exitCode).toBe(1)
    const states = Array.from(modules[0]!.children.allTests(), (t) => [t.name, t.result().state])
    expect(states).toEqual([
      ['forgets to await', 'failed'],
      ['awaits', 'passed'],
    ])
    expect(recordsOf(modules)['forgets to await']).toEqual([])
    // The message names the test's own line, and the held judge call was cancelled, not left to finish.
    expect(output).toMatch(/toScoreAtLeast\(\) at \S*unawaited\.eval\.ts:5:\d+ must be awaited/)
    // Its judge call never got its answer: cancelled before it was sent, or aborted while the judge held it.
    const held = server.chatRequests.filter((request) =>
      JSON.stringify(request.body).includes('hold quality'),
    )
    if (held.length > 0) await server.abortedAtLeast(held.length)
    expect(server.chatRequests.length - held.length).toBe(1)
  })

  test('an assertion that cannot be decided fails a test.fails test; describeEval pins known issues per row', async () => {
    const { exitCode, output, modules } = await run('known-issues')
    expect(exitCode).toBe(1)
    const states = Object.fromEntries(
      Array.from(modules[0]!.children.allTests(), (t) => [t.fullName, t.result().state]),
    )
    expect(states).toEqual({
      'a pinned flaw is still caught': 'passed',
      'a judge outage is not the pinned flaw': 'failed',
      'a fixed flaw shows up': 'failed',
      'rows > good': 'passed',
      'rows > flawed (known issue: answers off topic)': 'passed',
      'rows > outage (known issue: answers off topic)': 'failed',
    })
    expect(output).toContain(
      'is marked as an expected failure (test.fails), but an assertion that could not be decided',
    )
  })

  test.each(['concurrent', 'concurrent-default'])(
    'eight concurrent tests with the context expect each get their own judgment (%s)',
    async (name) => {
      const { exitCode, modules } = await run(name)
      expect(exitCode).toBe(0)
      const records = recordsOf(modules)
      for (let index = 1; index <= 8; index++) {
        const own = records[`row ${index}`]!
        expect(own).toHaveLength(1)
        expect(own[0]!.output).toBe(`row:${index} quality:${(index % 5) + 1}`)
        expect(own[0]!.score).toBe(((index % 5) + 1 - 1) / 4)
      }
    },
  )
})
