import { describe, expect, test } from 'vitest'
import { judgeApiKey } from '../src/judge/llm-options.ts'
import { resolveStorePolicy } from '../src/store/mode.ts'

const llm = { model: 'gpt-4.1-mini' }

describe('store mode', () => {
  test('is auto locally', () => {
    expect(resolveStorePolicy(undefined, llm, {})).toEqual({ mode: 'auto', prune: true })
  })

  test('is replay in CI when the judge has no key', () => {
    expect(resolveStorePolicy(undefined, llm, { CI: 'true' })).toEqual({ mode: 'replay', prune: false })
  })

  test('is auto without pruning in CI when a key is present', () => {
    expect(resolveStorePolicy(undefined, llm, { CI: '1', OPENAI_API_KEY: 'sk-test' })).toEqual({
      mode: 'auto',
      prune: false,
    })
    expect(resolveStorePolicy(undefined, 'heuristic', { CI: 'true' })).toEqual({ mode: 'auto', prune: false })
  })

  test('an empty `apiKey` is no key, as for the judge itself: OPENAI_API_KEY decides', () => {
    const withKey = { CI: 'true', OPENAI_API_KEY: 'sk-test' }
    const empty = { ...llm, apiKey: '' }
    expect(resolveStorePolicy(undefined, empty, withKey)).toEqual(resolveStorePolicy(undefined, llm, withKey))
    expect(resolveStorePolicy(undefined, empty, withKey).mode).toBe('auto')
    expect(resolveStorePolicy(undefined, empty, { CI: 'true', OPENAI_API_KEY: '' }).mode).toBe('replay')
    expect(judgeApiKey(empty, withKey)).toBe('sk-test')
    expect(judgeApiKey(empty, { OPENAI_API_KEY: '' })).toBeUndefined()
    expect(judgeApiKey({ apiKey: 'own' }, withKey)).toBe('own')
  })

  test('takes the config, and the environment over the config', () => {
    expect(resolveStorePolicy('record', llm, { CI: 'true' }).mode).toBe('record')
    expect(resolveStorePolicy('record', llm, { VITEST_RUBRIC_STORE: 'off' }).mode).toBe('off')
  })

  test('rejects an unknown mode with the valid ones', () => {
    expect(() => resolveStorePolicy(undefined, llm, { VITEST_RUBRIC_STORE: 'replays' })).toThrow(
      'VITEST_RUBRIC_STORE is "replays"; use one of auto, replay, record, off.',
    )
  })
})
