import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { judgeAt, useJudgeServer } from './support/judge-hooks.ts'
import { perModel, type RecordedRequest, reply } from './support/judge-server.ts'
import { copyFixture, runEvals } from './support/run-vitest.ts'

const scores = (score: number) => (request: RecordedRequest) =>
  reply.everyDimension(request, score, () => `${score}`)
// Each model answers its own way: a 4, b 2, d 5, and c fails.
const server = useJudgeServer((server) =>
  server.respond(
    perModel({
      a: scores(4),
      b: scores(2),
      d: scores(5),
      c: () => reply.status(500, {}, { error: { message: 'member c exploded' } }),
    }),
  ),
)

const member = (model: string) => judgeAt(server, model)
const judgmentsOf = (run: Awaited<ReturnType<typeof runEvals>>) =>
  run.report.judgments.filter(
    (record): record is Extract<typeof record, { kind: 'judgment' }> => record.kind === 'judgment',
  )
const modelsCalled = () => server.chatRequests.map((request) => request.body.model).sort()

describe('judge panels', () => {
  test("each member is stored on its own: adding a member calls only it; members' scores beside the panel's", async () => {
    const root = copyFixture('store')
    const first = await runEvals(root, { judge: { panel: [member('a'), member('b')] }, store: 'auto' })
    expect(modelsCalled()).toEqual(['a', 'a', 'a', 'b', 'b', 'b'])
    const store = JSON.parse(readFileSync(join(root, '__judgments__', 'answers.eval.ts.json'), 'utf8'))
    expect(Object.keys(store.judgments)).toHaveLength(6)
    const [record] = judgmentsOf(first)
    expect(record).toMatchObject({
      judgeName: 'panel(a, b)',
      score: 0.5, // the mean of a's 0.75 and b's 0.25
      members: [
        { name: 'a', score: 0.75 },
        { name: 'b', score: 0.25 },
      ],
    })
    expect(first.output).toContain('judge panel(a, b)')
    // The table and report.json show each member's mean beside the panel's.
    expect(first.output).toMatch(/ members\n[^\n]* 0\.50 [^\n]* a 0\.75, b 0\.25\n/)
    expect(Object.values(first.report.summary.run)[0]?.members).toEqual([
      { name: 'a', judgeId: expect.any(String), n: 3, mean: 0.75 },
      { name: 'b', judgeId: expect.any(String), n: 3, mean: 0.25 },
    ])

    server.reset()
    server.respond(perModel({}, () => reply.verdict()))
    const grown = await runEvals(root, {
      judge: { panel: [member('a'), member('b'), member('d')], aggregate: 'median' },
      store: 'auto',
    })
    expect(modelsCalled()).toEqual(['d', 'd', 'd'])
    const [again] = judgmentsOf(grown)
    expect(again?.members?.map((m) => m.name)).toEqual(['a', 'b', 'd'])
    expect(again?.judgeId).not.toBe(record?.judgeId)
  })

  test('a failing member is reported; the panel scores when the quorum answered, and errs when not', async () => {
    const root = copyFixture('store')
    const met = await runEvals(root, {
      judge: { panel: [member('a'), member('b'), member('c')] },
      store: 'off',
    })
    const [record] = judgmentsOf(met)
    expect(record).toMatchObject({
      score: 0.5,
      members: [{ name: 'a' }, { name: 'b' }, { name: 'c', score: null }],
    })
    expect(record?.members?.[2]?.error).toContain('member c exploded')
    const note = 'panel member failed: c ('
    expect(met.output).toContain(note)

    server.reset()
    server.respond(perModel({ c: () => reply.status(500, {}, { error: { message: 'member c exploded' } }) }))
    const short = await runEvals(root, {
      judge: { panel: [member('a'), member('b'), member('c')], quorum: 3 },
      store: 'off',
    })
    expect(short.exitCode).toBe(1)
    const failed = judgmentsOf(short)
    expect(failed.every((r) => r.score === null && r.error?.code === 'RUBRIC_PANEL_QUORUM')).toBe(true)
    expect(short.output).toContain('only 2 of 3 members of panel(a, b, c) answered, below its quorum of 3')
  })
})
