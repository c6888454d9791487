import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { judgeAt, useJudgeServer } from './support/judge-hooks.ts'
import { reply } from './support/judge-server.ts'
import { copyFixture, runEvals } from './support/run-vitest.ts'
import { scriptQualityJudge } from './support/scripted-judge.ts'

const server = useJudgeServer(scriptQualityJudge)
const judge = () => judgeAt(server)
const storeOf = (root: string) => join(root, '__judgments__', 'answers.eval.ts.json')
const readStore = (root: string) => JSON.parse(readFileSync(storeOf(root), 'utf8'))

/** The boundary fixture with a scorer beside the judged dimensions, so that a row always has some score. */
function boundaryWithScorer(): string {
  const root = copyFixture('boundary')
  const file = join(root, 'answers.eval.ts')
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(
      '  rubric,\n',
      "  rubric,\n  scorers: [{ name: 'length', score: (output) => (output.length > 10 ? 1 : 0) }],\n",
    ),
  )
  return root
}

describe('a judge outage', () => {
  test('in record mode keeps every stored verdict and row score, reports them kept, and -u removes none', async () => {
    const root = boundaryWithScorer()
    const recorded = await runEvals(root, { judge: judge(), store: 'auto' })
    expect(recorded.output).toContain('6 live calls · 0 stored · 6 written')
    const before = readFileSync(storeOf(root), 'utf8')
    expect(Object.keys(readStore(root).judgments)).toHaveLength(6)
    expect(readStore(root).rows.answers.q3).toEqual({ length: 1, relevance: 0.5, tone: 0.5 })

    server.reset()
    server.respond(() => reply.status(500, {}, { error: { message: 'judge exploded' } }))
    const failed = await runEvals(root, { judge: judge(), store: 'record' })
    expect(failed.exitCode).toBe(1)
    expect(server.chatRequests).toHaveLength(6)
    expect(failed.report.judgments.filter((j) => j.error?.code === 'RUBRIC_JUDGE_HTTP')).toHaveLength(12)
    expect(failed.output).toContain('6 kept (re-judging failed)')
    expect(failed.output).not.toContain('obsolete')
    expect(readFileSync(storeOf(root), 'utf8')).toBe(before)

    const updated = await runEvals(root, { judge: judge(), store: 'record' }, { cli: { update: true } })
    expect(updated.exitCode).toBe(1)
    expect(updated.output).not.toContain('removed')
    expect(readFileSync(storeOf(root), 'utf8')).toBe(before)
    // Three whole Vitest runs: on a busy machine this takes longer than one test.
  }, 90_000)

  test('-u that removes the judgment of a row gone from its suite removes its row scores', async () => {
    const root = copyFixture('boundary')
    await runEvals(root, { judge: judge(), store: 'auto' })
    expect(Object.keys(readStore(root).rows.answers)).toHaveLength(6)
    const rows = join(root, 'rows.jsonl')
    writeFileSync(
      rows,
      readFileSync(rows, 'utf8')
        .split('\n')
        .filter((line) => !line.includes('"q2"'))
        .join('\n'),
    )

    const kept = await runEvals(root, { judge: judge(), store: 'auto' })
    expect(kept.output).toContain('1 obsolete judgment in __judgments__/answers.eval.ts.json')
    expect(Object.keys(readStore(root).rows.answers)).toContain('q2')

    const updated = await runEvals(root, { judge: judge(), store: 'auto' }, { cli: { update: true } })
    expect(updated.output).toContain('removed 1 obsolete judgment from __judgments__/answers.eval.ts.json')
    const store = readStore(root)
    expect(Object.keys(store.judgments)).toHaveLength(5)
    expect(Object.keys(store.rows.answers).sort()).toEqual(['pinned', 'q1', 'q3', 'q4', 'q5'])
  }, 90_000)
})
