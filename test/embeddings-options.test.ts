import { describe, expect, test } from 'vitest'
import { resolveEmbeddings, validateEmbeddings } from '../src/embeddings/options.ts'

const env = { OPENAI_BASE_URL: 'http://env.example/v1', OPENAI_API_KEY: 'env-key' }
const judge = { model: 'judge-model', baseURL: 'http://judge.example/v1', apiKey: 'judge-key' }

describe('embedding options', () => {
  test('fall back to the LLM judge, then to the environment, field by field', () => {
    expect(resolveEmbeddings(undefined, 'heuristic', undefined, env)).toEqual({
      model: 'text-embedding-3-small',
      baseURL: 'http://env.example/v1',
      apiKey: 'env-key',
      timeout: 60_000,
      maxRetries: 2,
    })
    expect(resolveEmbeddings({ model: 'embed' }, judge, undefined, env)).toMatchObject({
      model: 'embed',
      baseURL: 'http://judge.example/v1',
      apiKey: 'judge-key',
    })
    expect(
      resolveEmbeddings(
        { baseURL: 'http://own.example/v1', dimensions: 256 },
        { model: 'judge-model' },
        'other',
        env,
      ),
    ).toMatchObject({ model: 'other', baseURL: 'http://own.example/v1', apiKey: 'env-key', dimensions: 256 })
    expect(resolveEmbeddings(undefined, 'heuristic', undefined, {})).toEqual({
      model: 'text-embedding-3-small',
      timeout: 60_000,
      maxRetries: 2,
    })
  })

  test('are checked when the config is loaded', () => {
    expect(validateEmbeddings(undefined)).toBeUndefined()
    expect(validateEmbeddings({ model: 'm', dimensions: 512, maxRetries: 0 })).toEqual({
      model: 'm',
      dimensions: 512,
      maxRetries: 0,
    })
    expect(() => validateEmbeddings('text-embedding-3-small')).toThrow(
      'evals({ embeddings }) is "text-embedding-3-small"; pass for example { model: \'text-embedding-3-small\' }',
    )
    expect(() => validateEmbeddings({ model: '' })).toThrow('evals({ embeddings }) has an empty `model`')
    expect(() => validateEmbeddings({ dimensions: 0.5 })).toThrow('has `dimensions` 0.5, not a whole number')
    expect(() => validateEmbeddings({ apiKey: 42 })).toThrow('has `apiKey` 42, not text')
  })
})
