import { afterAll, beforeAll, expect, test } from 'vitest'
import { type JudgeServer, startJudgeServer } from './support/judge-server.ts'
import { copyFixture, watchEvals } from './support/run-vitest.ts'
import { judgedOutput, scriptQualityJudge } from './support/scripted-judge.ts'

let server: JudgeServer

beforeAll(async () => {
  server = await startJudgeServer()
  scriptQualityJudge(server)
})
afterAll(async () => {
  delete process.env.RUBRIC_E2E_TUNED_ANSWER
  await server.close()
})

test('watch re-runs judge only changed outputs and the table covers the whole suite', async () => {
  const root = copyFixture('watch')
  const judge = { model: 'judge-model', baseURL: server.baseURL, apiKey: 'test-key', maxRetries: 0 }
  const watcher = await watchEvals(root, { judge, store: 'auto' })
  try {
    expect(server.chatRequests).toHaveLength(3)
    expect(watcher.output()).toContain('3 live calls · 0 stored · 3 written')

    await watcher.rerun(['prompt.eval.ts'])
    expect(server.chatRequests).toHaveLength(3)
    const unchanged = watcher.output()
    expect(unchanged).toContain('0 live calls · 2 stored · 0 tokens')
    expect(unchanged).toContain('other.eval.ts')
    expect(unchanged).toContain('all files (2)')

    process.env.RUBRIC_E2E_TUNED_ANSWER = 'quality:5 Shipping takes 2 to 4 working days.'
    await watcher.rerun(['prompt.eval.ts'])
    expect(server.chatRequests.map(judgedOutput).slice(3)).toEqual([
      'quality:5 Shipping takes 2 to 4 working days.',
    ])
    const changed = watcher.output()
    expect(changed).toContain('1 live call · 1 stored · 1 written · 120 tokens')
    expect(changed).not.toContain('obsolete')
  } finally {
    await watcher.close()
  }
})
