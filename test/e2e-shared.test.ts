import { expect, test } from 'vitest'
import { judgeAt, useJudgeServer } from './support/judge-hooks.ts'
import { asJudgment } from './support/records.ts'
import { copyFixture, runEvals } from './support/run-vitest.ts'
import { scriptQualityJudge } from './support/scripted-judge.ts'

// Fewer calls for the same verdict, over HTTP: a judgment of the rubric answers a later assertion of one of its
// dimensions on the same output, identical requests in flight make one call, and the stored judgment of the
// rubric answers both again when replayed.

const server = useJudgeServer(scriptQualityJudge)
const judge = () => judgeAt(server)

test('one call answers every assertion it covers, live and replayed from the store', async () => {
  const root = copyFixture('shared')
  const first = await runEvals(root, { judge: judge(), store: 'auto' })
  // rubric + relevance: 1 call; tone twice at once: 1 call; relevance, then the rubric: 2 calls.
  expect(server.chatRequests).toHaveLength(4)
  expect(first.output).toContain(
    ' Rubric  judge judge-model · 4 live calls · 0 stored · 2 shared · 4 written',
  )
  expect(first.report.summary.totals).toMatchObject({ liveCalls: 4, sharedCalls: 2 })
  const shared = first.report.judgments.filter((record) => asJudgment(record).shared)
  expect(shared.map((record) => [record.test, record.dimension, record.score])).toEqual([
    ['rubric, then one dimension', 'relevance', 0.75],
    ['identical requests in flight at once', 'tone', 1],
  ])
  // A shared record carries no tokens or cost of its own: the call is counted once.
  expect(shared.every((record) => asJudgment(record).tokens === undefined)).toBe(true)
  expect(first.report.summary.totals.tokens).toBe(4 * 120)

  server.reset()
  const replayed = await runEvals(root, { judge: judge(), store: 'replay' })
  expect(server.chatRequests).toHaveLength(0)
  expect(replayed.exitCode).toBe(0)
  expect(replayed.output).toContain(
    ' Rubric  judge judge-model · 0 live calls · 4 stored · 2 shared · 0 tokens',
  )
  expect(replayed.output).not.toContain('obsolete')
})
