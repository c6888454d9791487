import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import type { PairwiseRecord } from '../src/record/schema.ts'
import { renderHtml } from '../src/reporter/html.ts'
import { renderMarkdown } from '../src/reporter/markdown.ts'
import {
  type JudgeServer,
  type RecordedRequest,
  reply,
  requestedVerdict,
  startJudgeServer,
} from './support/judge-server.ts'
import { copyFixture, runEvals } from './support/run-vitest.ts'

/** The text of one of the two outputs of a comparison, read back from its frame in the prompt. */
function framed(request: RecordedRequest, label: 'a' | 'b'): string {
  const prompt = request.body.messages?.find((message) => message.role === 'user')?.content ?? ''
  const tag = `output_${label}_[0-9a-f]+`
  return new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(prompt)?.[1]?.trim() ?? ''
}

/**
 * Answers comparisons as the fixture expects: the output marked [better] wins in either position; when both say
 * position-bias, "A" in every order (a judge that prefers the first position); otherwise a tie.
 */
function scriptPreferences(server: JudgeServer) {
  const respond = (request: RecordedRequest) => {
    const a = framed(request, 'a')
    const b = framed(request, 'b')
    const preference =
      a.includes('position-bias') && b.includes('position-bias')
        ? 'A'
        : a.includes('[better]')
          ? 'A'
          : b.includes('[better]')
            ? 'B'
            : 'tie'
    const { dimensions } = requestedVerdict(request.body)
    return reply.verdict(
      Object.fromEntries(
        dimensions.map((name) => [
          name,
          { reason: `${name}: A is "${a.slice(0, 24)}", B is "${b.slice(0, 24)}"`, preference },
        ]),
      ),
    )
  }
  server.respond(respond)
  return respond
}

let server: JudgeServer
beforeAll(async () => {
  server = await startJudgeServer()
})
beforeEach(() => {
  server.reset()
  scriptPreferences(server)
})
afterAll(() => server.close())

const judgeAt = (baseURL: string) => ({ model: 'judge-model', baseURL, apiKey: 'sk-test', maxRetries: 0 })
const pairwiseOf = (run: Awaited<ReturnType<typeof runEvals>>) =>
  run.report.judgments.filter(
    (record): record is Extract<typeof record, { kind: 'pairwise' }> => record.kind === 'pairwise',
  )
const byTest = (records: readonly PairwiseRecord[], test: string) =>
  records.filter((record) => (record as { test?: string }).test === test)

describe('toBePreferredOver', () => {
  test('judges both orders over HTTP: a win, a loss, and a position-biased verdict counted as a tie', async () => {
    const root = copyFixture('pairwise')
    const run = await runEvals(root, { judge: judgeAt(server.baseURL), store: 'off' })
    // Five comparisons, two calls each; the identical pair never reaches the judge.
    expect(server.chatRequests).toHaveLength(10)
    const records = pairwiseOf(run)
    expect(byTest(records, 'a consistent win').map((r) => [r.dimension, r.outcome, r.consistent])).toEqual([
      ['relevance', 'win', true],
      ['tone', 'win', true],
    ])
    const [loss] = byTest(records, 'a consistent loss')
    expect(loss).toMatchObject({ outcome: 'loss', consistent: true, score: 0, assertionPassed: false })
    const [biased] = byTest(records, 'a position-biased judge')
    expect(biased).toMatchObject({
      outcome: 'tie',
      consistent: false,
      score: 0.5,
      floor: 1,
      pass: false,
      assertionPassed: false,
      baseline: 'position-bias: paid soon.',
      orders: [
        { order: 'candidate-first', preference: 'A' },
        { order: 'baseline-first', preference: 'A' },
      ],
    })
    expect(byTest(records, 'a position-biased tie, allowed')[0]).toMatchObject({
      outcome: 'tie',
      consistent: false,
      floor: 0.5,
      assertionPassed: true,
    })
    // A tie answered as a tie in both orders is a plain tie; the conversation is judged as its transcript.
    const [plain] = byTest(records, 'a conversation against a plain answer, a tie allowed')
    expect(plain).toMatchObject({ outcome: 'tie', consistent: true, assertionPassed: true })
    expect(plain?.output).toContain('Refunds are paid within two weeks.')

    expect(run.exitCode).toBe(1)
    const states = Object.fromEntries(
      run.modules.flatMap((module) => [...module.children.allTests()].map((t) => [t.name, t.result().state])),
    )
    expect(states).toEqual({
      'a consistent win': 'passed',
      'a consistent loss': 'failed',
      'a position-biased judge': 'failed',
      'a position-biased tie, allowed': 'passed',
      'a conversation against a plain answer, a tie allowed': 'passed',
      'identical outputs': 'passed',
      'trials are refused': 'passed',
    })
    // The failure names each dimension's verdict in both orders and the judge's reasons.
    expect(run.output).toContain('relevance: tie (position-biased: the preference changed with the order)')
    expect(run.output).toContain(
      'candidate as A: A (the candidate). relevance: A is "position-bias: paid with", B is "position-bias: paid soon"',
    )
    expect(run.output).toContain('baseline as A: A (the baseline).')
    expect(run.output).toContain('relevance: loss')

    // Per dimension over the run: 3 relevance pairs (win, loss, two biased ties), consistency 2 of 4.
    expect(run.report.schemaVersion).toBe(4)
    expect(run.report.summary.pairwise).toEqual({
      relevance: {
        dimension: 'relevance',
        n: 4,
        wins: 1,
        ties: 2,
        losses: 1,
        consistent: 2,
        consistencyRate: 0.5,
        winRate: 0.25,
        errors: 0,
      },
      tone: {
        dimension: 'tone',
        n: 2,
        wins: 1,
        ties: 1,
        losses: 0,
        consistent: 2,
        consistencyRate: 1,
        winRate: 0.5,
        errors: 0,
      },
    })
    // Preferences are not scores: the dimension table has no rows of them.
    expect(run.report.summary.run).toEqual({})
    // Each order is a call of the judge; a file of comparisons alone has no dimension table.
    expect(run.output).toContain('Rubric  judge judge-model · 10 live calls · 0 stored · 1,200 tokens')
    expect(run.output).not.toContain('dimension  n  mean')
    const section = run.output.slice(run.output.indexOf(' Pairwise preference'))
    expect(section.split('\n').slice(0, 4).join('\n')).toMatchInlineSnapshot(`
      " Pairwise preference (candidate against baseline, both orders)
         pairwise   pairs  wins  ties  losses  consistent  errors
         relevance      4     1     2       1         50%       0
         tone           2     1     1       0        100%       0"
    `)
    expect(renderMarkdown(run.report)).toContain(
      '| pairwise | pairs | wins | ties | losses | consistent | errors |\n| --- | --: | --: | --: | --: | --: | --: |\n| relevance | 4 | 1 | 2 | 1 | 50% | 0 |\n| tone | 2 | 1 | 1 | 0 | 100% | 0 |',
    )
    const html = renderHtml(run.report)
    expect(html).toContain('<section id="pairwise"><h2>Pairwise preference</h2>')
    expect(html).toContain('<td>relevance</td><td class="num">4</td><td class="num">1</td>')
    expect(html).toContain('<li>baseline-first: A. relevance: A is')
  })

  test('both orders are stored, and replayed with the judge server stopped', async () => {
    const own = await startJudgeServer()
    scriptPreferences(own)
    const root = copyFixture('pairwise')
    const first = await runEvals(root, { judge: judgeAt(own.baseURL), store: 'auto' })
    expect(own.chatRequests).toHaveLength(10)
    const stored = JSON.parse(readFileSync(join(root, '__judgments__', 'answers.eval.ts.json'), 'utf8'))
    const entries = Object.values(stored.judgments) as { output: string; outputB?: string }[]
    expect(entries).toHaveLength(10)
    expect(entries).toContainEqual(
      expect.objectContaining({
        output: 'position-bias: paid soon.',
        outputB: 'position-bias: paid within 14 days.',
      }),
    )
    const [biased] = byTest(pairwiseOf(first), 'a position-biased judge')
    expect(biased?.store?.keys).toHaveLength(2)
    await own.close()

    const replayed = await runEvals(root, { judge: judgeAt(own.baseURL), store: 'replay' })
    const records = pairwiseOf(replayed)
    expect(records.every((record) => record.source === 'stored')).toBe(true)
    const strip = (record: PairwiseRecord) => [
      record.dimension,
      record.outcome,
      record.consistent,
      record.orders,
    ]
    expect(records.map(strip)).toEqual(pairwiseOf(first).map(strip))
    expect(replayed.exitCode).toBe(1)
    expect(replayed.output).toContain('0 live calls')
    expect(replayed.output).not.toContain('obsolete')
  })

  test('the two orders are judged at once', async () => {
    const root = copyFixture('pairwise')
    const respond = scriptPreferences(server)
    // Each call is answered only once both orders have arrived: judged one after the other, they never would be.
    server.respond((request) => reply.held(server.received(2), respond(request)))
    const run = await runEvals(
      root,
      { judge: judgeAt(server.baseURL), store: 'off' },
      { cli: { testNamePattern: '^a consistent win$' } },
    )
    expect(server.maxInFlight).toBe(2)
    expect(pairwiseOf(run).map((record) => record.outcome)).toEqual(['win', 'win'])
  })

  test('a failed call in one order fails the assertion with its cause, never a preference', async () => {
    const root = copyFixture('pairwise')
    const respond = scriptPreferences(server)
    server.respond((request) =>
      framed(request, 'a') === 'Refunds take a while.'
        ? reply.status(500, {}, { error: { message: 'judge exploded' } })
        : respond(request),
    )
    const run = await runEvals(
      root,
      { judge: judgeAt(server.baseURL), store: 'auto' },
      { cli: { testNamePattern: '^a consistent win$' } },
    )
    expect(run.exitCode).toBe(1)
    expect(run.output).toContain(
      'toBePreferredOver() could not be decided: the judge judge-model failed to compare',
    )
    expect(run.output).toContain('judge exploded')
    const records = pairwiseOf(run)
    expect(records.map((record) => [record.score, record.outcome, record.error?.code])).toEqual([
      [null, undefined, 'RUBRIC_JUDGE_HTTP'],
      [null, undefined, 'RUBRIC_JUDGE_HTTP'],
    ])
    // The order that was answered keeps its verdict in the record; no error reaches the store.
    expect(records[0]?.orders.map((order) => order.preference)).toEqual(['A', null])
    expect(run.report.summary.pairwise?.relevance).toMatchObject({ n: 0, errors: 1 })
  })

  test('a replay miss says how to record the comparison', async () => {
    const root = copyFixture('pairwise')
    const run = await runEvals(root, { judge: judgeAt(server.baseURL), store: 'replay' }, { filters: [] })
    expect(server.chatRequests).toHaveLength(0)
    expect(run.output).toContain('toBePreferredOver() could not be decided')
    expect(run.output).toMatch(
      /no stored comparison of these outputs in __judgments__\/answers\.eval\.ts\.json; run locally/,
    )
    expect(
      pairwiseOf(run).every((record) => record.score === null && record.error?.unsent === 'replay-miss'),
    ).toBe(true)
    expect(run.report.summary.pairwise?.relevance).toMatchObject({ n: 0, errors: 4 })
  })

  test('the offline heuristic judge compares its own scores: never position-biased', async () => {
    const root = copyFixture('pairwise')
    const run = await runEvals(root, { judge: 'heuristic', store: 'off' })
    expect(server.chatRequests).toHaveLength(0)
    const records = pairwiseOf(run)
    expect(records.length).toBeGreaterThan(0)
    expect(records.every((record) => record.consistent === true)).toBe(true)
    expect(records[0]?.orders[0]?.reason).toMatch(/^A scores \d\/5 \(.+\); B scores \d\/5/)
  })
})
