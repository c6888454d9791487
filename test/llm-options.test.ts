import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createJudge } from '../src/judge/create-judge.ts'
import { dimensions } from '../src/rubric/builtin.ts'
import { defineRubric } from '../src/rubric/define-rubric.ts'
import { judgeThroughStore } from '../src/store/judge-through-store.ts'
import { JudgmentStore } from '../src/store/judgment-store.ts'
import type { JudgeRequest, LlmJudgeOptions } from '../src/types.ts'
import { type JudgeServer, startJudgeServer } from './support/judge-server.ts'

const rubric = defineRubric({ name: 'support', dimensions: { relevance: dimensions.relevance } })
const request: JudgeRequest = { rubric, dimensions: ['relevance'], output: 'Refunds take 14 days.' }

let first: JudgeServer
let second: JudgeServer
let dir: string

beforeAll(async () => {
  ;[first, second] = await Promise.all([startJudgeServer(), startJudgeServer()])
  dir = mkdtempSync(join(tmpdir(), 'vitest-rubric-judge-id-'))
})
afterAll(async () => {
  await Promise.all([first.close(), second.close()])
  rmSync(dir, { recursive: true, force: true })
})

describe('the judge id in the judgment store', () => {
  const on = (server: JudgeServer, extra: Partial<LlmJudgeOptions> = {}) =>
    createJudge({
      model: 'judge-model',
      baseURL: server.baseURL,
      apiKey: 'test-key',
      maxRetries: 0,
      ...extra,
    })
  const miss = 'no stored judgment'

  test('a judgment of one server is not replayed for another that serves the same model name', async () => {
    const store = new JudgmentStore(join(dir, 'servers.eval.ts.json'))
    const judged = await judgeThroughStore(on(first), request, store, 'auto', miss)
    expect(judged).toMatchObject({ written: true, judgment: { source: 'live' } })
    const replayed = await judgeThroughStore(on(second), request, store, 'replay', miss)
    expect(replayed.judgment.error).toEqual({
      code: 'RUBRIC_STORE_MISS',
      message: miss,
      unsent: 'replay-miss',
    })
    // The same server is the same judge: its judgment is served.
    const again = await judgeThroughStore(on(first), request, store, 'replay', miss)
    expect(again.judgment).toMatchObject({ source: 'stored', judgeId: on(first).id })
  })

  test('`id` pins two servers as one judge, which share stored judgments', async () => {
    const store = new JudgmentStore(join(dir, 'pinned.eval.ts.json'))
    const pinned = { id: 'team-judge' }
    await judgeThroughStore(on(first, pinned), request, store, 'auto', miss)
    const replayed = await judgeThroughStore(on(second, pinned), request, store, 'replay', miss)
    expect(replayed.judgment).toMatchObject({ source: 'stored', judgeId: on(second, pinned).id })
    expect(second.chatRequests).toHaveLength(0)
  })
})
