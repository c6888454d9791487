import { afterAll, beforeAll, beforeEach } from 'vitest'
import type { LlmJudgeOptions } from '../../src/types.ts'
import { type JudgeServer, startJudgeServer } from './judge-server.ts'

/**
 * The judge server of a test file: started before its tests, closed after them, and reset before each test, then
 * scripted by `script` when given (for example `scriptQualityJudge`). The server it returns is usable inside
 * tests and hooks, once `beforeAll` has started it.
 */
export function useJudgeServer(script?: (server: JudgeServer) => unknown): JudgeServer {
  let started: JudgeServer | undefined
  const current = (): JudgeServer => {
    if (!started) {
      throw new Error('useJudgeServer(): the server starts in beforeAll; use it inside a test or a hook')
    }
    return started
  }
  beforeAll(async () => {
    started = await startJudgeServer()
  })
  beforeEach(() => {
    current().reset()
    script?.(current())
  })
  afterAll(() => started?.close())
  return {
    get baseURL() {
      return current().baseURL
    },
    get requests() {
      return current().requests
    },
    get chatRequests() {
      return current().chatRequests
    },
    get inFlight() {
      return current().inFlight
    },
    get maxInFlight() {
      return current().maxInFlight
    },
    get aborted() {
      return current().aborted
    },
    enqueue: (...replies) => current().enqueue(...replies),
    respond: (handler) => current().respond(handler),
    received: (count) => current().received(count),
    abortedAtLeast: (count) => current().abortedAtLeast(count),
    reset: () => current().reset(),
    close: () => current().close(),
  }
}

/** An LLM judge on the test server: no retries, so that a scripted failure is seen at once. */
export function judgeAt(server: JudgeServer, model = 'judge-model') {
  return { model, baseURL: server.baseURL, apiKey: 'test-key', maxRetries: 0 } satisfies LlmJudgeOptions
}
