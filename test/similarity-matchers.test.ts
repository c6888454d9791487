import { afterAll, beforeAll, beforeEach, describe, test, vi } from 'vitest'
import { NotAwaitedError } from '../src/errors.ts'
import { cosineSimilarity, jaccard, levenshtein, rouge1, rouge2, rougeL } from '../src/scorers/index.ts'
import '../src/setup.ts'
import type { RubricRecord } from '../src/types.ts'
import { errorAtTestEnd } from './support/errors.ts'
import { embed, type JudgeServer, startJudgeServer } from './support/judge-server.ts'

type Task = { meta: { rubric?: RubricRecord[] } }
const last = (task: Task) => task.meta.rubric!.at(-1)!

const reference = 'Refunds take 30 days to process.'
const output = 'Refunds take 14 business days.'

describe('toBeSimilarTo with a lexical method', () => {
  test('defaults to ROUGE-L and records the method as the dimension', ({ expect, task }) => {
    expect(output).toBeSimilarTo(reference, 0.5)
    expect(last(task)).toMatchObject({
      assertion: 'toBeSimilarTo',
      dimension: 'rouge-l',
      score: rougeL(output, reference),
      floor: 0.5,
      assertionPassed: true,
      reason: `rouge-l ${rougeL(output, reference).toFixed(2)} against the reference`,
      judgeName: 'scorer',
      scorer: 'rouge-l',
      source: 'live',
      kind: 'similarity',
      output,
    })
  })

  test('fails with the score, the floor and a word diff of the reference against the output', ({
    expect,
    task,
  }) => {
    expect(() => expect(output).toBeSimilarTo(reference, 0.9)).toThrow(
      'expected the output to be similar to the reference (rouge-l at least 0.90), but it scored 0.55\n' +
        'difference ([-only in the reference-] {+only in the output+}):\n' +
        '  Refunds take [-30-]{+14 business+} days[- to process-].',
    )
    expect(last(task)).toMatchObject({ score: rougeL(output, reference), assertionPassed: false })
  })

  test('.not asserts dissimilarity; the record keeps the score', ({ expect, task }) => {
    expect('Shipping is free over 50 euros.').not.toBeSimilarTo(reference, 0.5)
    expect(last(task)).toMatchObject({
      dimension: 'not rouge-l',
      pass: true,
      assertionPassed: true,
      score: rougeL('Shipping is free over 50 euros.', reference),
    })
    expect(() => expect(reference).not.toBeSimilarTo(reference, 0.5)).toThrow(
      'expected the output not to be similar to the reference (rouge-l below 0.50), but it scored 1.00',
    )
    expect(last(task)).toMatchObject({
      dimension: 'not rouge-l',
      pass: false,
      assertionPassed: false,
      score: 1,
    })
  })

  test.for([
    ['rouge-1', {}, output, reference, rouge1(output, reference)],
    ['rouge-2', {}, output, reference, rouge2(output, reference)],
    ['jaccard', {}, output, reference, jaccard(output, reference)],
    ['levenshtein', {}, output, reference, levenshtein(output, reference)],
    [
      'levenshtein',
      { ignoreCase: true, collapseWhitespace: true },
      'REFUNDS  take 30\ndays',
      'refunds take 30 days',
      1,
    ],
    ['rouge-l', { stem: true }, 'processing refunds', 'processed refund', 1],
    ['jaccard', { stem: true }, 'processing refunds', 'processed refund', 1],
  ] as const)(
    'method %s %o scores as the plain scorer does',
    ([method, settings, candidate, against, score], { expect, task }) => {
      expect(candidate).toBeSimilarTo(against, 0, { method, ...settings })
      expect(last(task)).toMatchObject({ dimension: method, score, scorer: method })
    },
  )

  test('records every method under its name, with its own judge id per setting', ({ expect, task }) => {
    expect(output).toBeSimilarTo(reference, 0, { method: 'jaccard' })
    expect(output).toBeSimilarTo(reference, 0, { method: 'jaccard', stem: true })
    expect(output).toBeSimilarTo(reference, 0, { method: 'levenshtein', dimension: 'edit-similarity' })
    const [plain, stemmed, edit] = task.meta.rubric!
    expect([plain!.dimension, stemmed!.dimension, edit!.dimension]).toEqual([
      'jaccard',
      'jaccard',
      'edit-similarity',
    ])
    expect(plain!.score).toBe(jaccard(output, reference))
    expect(edit!.score).toBe(levenshtein(output, reference))
    expect(plain!.judgeId).not.toBe(stemmed!.judgeId)
  })

  test('bad arguments fail with the fix', ({ expect }) => {
    expect(() => expect(output).toBeSimilarTo(reference, 1.5)).toThrow(
      'toBeSimilarTo(reference, 1.5): the floor is 1.5; a floor is a normalised score between 0 and 1',
    )
    expect(() => expect(output).toBeSimilarTo(reference, 0.5, { method: 'bleu' } as never)).toThrow(
      'toBeSimilarTo() has no method "bleu". Use one of rouge-l, rouge-1, rouge-2, levenshtein, jaccard, embedding.',
    )
    expect(() => expect(output).toBeSimilarTo(42 as never, 0.5)).toThrow(
      'toBeSimilarTo() compares the output with a reference text, but the reference is number.',
    )
  })
})

describe('toBeSimilarTo with embeddings', () => {
  let server: JudgeServer
  const embeddingRequests = () => server.requests.filter((request) => request.path === '/v1/embeddings')

  beforeAll(async () => {
    server = await startJudgeServer()
  })
  afterAll(() => server.close())
  beforeEach(() => {
    server.reset()
    // Without evals() the embeddings fall back to the OpenAI environment variables.
    vi.stubEnv('OPENAI_BASE_URL', server.baseURL)
    vi.stubEnv('OPENAI_API_KEY', 'test-key')
    return () => {
      vi.unstubAllEnvs()
    }
  })

  test('scores the cosine similarity of the two vectors from /v1/embeddings', async ({ expect, task }) => {
    const answer = 'You can return items within 30 days.'
    const expected = Math.max(0, cosineSimilarity(embed(answer), embed(reference)))
    await expect(answer).toBeSimilarTo(reference, 0, { method: 'embedding' })
    const requests = embeddingRequests()
    expect(requests).toHaveLength(1)
    expect(requests[0]!.body).toMatchObject({
      model: 'text-embedding-3-small',
      input: [answer, reference],
      encoding_format: 'float',
    })
    expect(requests[0]!.headers.authorization).toBe('Bearer test-key')
    expect(last(task)).toMatchObject({
      assertion: 'toBeSimilarTo',
      dimension: 'embedding',
      floor: 0,
      assertionPassed: true,
      judgeName: 'scorer',
      model: 'text-embedding-3-small',
      scorer: 'embedding',
      source: 'live',
      kind: 'similarity',
    })
    expect(last(task).score).toBeCloseTo(expected, 6)
    expect(last(task).store).toBeUndefined()
  })

  test('the same text scores 1; a failure shows the score and the diff', async ({ expect, task }) => {
    const text = 'Keep your receipt for the refund.'
    await expect(text).toBeSimilarTo(text, 0.99, { method: 'embedding', model: 'embed-small' })
    expect(last(task)).toMatchObject({ score: 1, assertionPassed: true, model: 'embed-small' })
    expect(embeddingRequests()[0]!.body.model).toBe('embed-small')
    // Two unrelated texts of the test server are far apart.
    const other = 'Completely different words entirely.'
    const score = Math.max(0, cosineSimilarity(embed(other), embed(text)))
    expect(score).toBeLessThan(0.99)
    await expect(expect(other).toBeSimilarTo(text, 0.99, { method: 'embedding' })).rejects.toThrow(
      `expected the output to be similar to the reference (embedding at least 0.99), but it scored ${score.toFixed(2)}\n` +
        'difference ([-only in the reference-] {+only in the output+}):',
    )
  })

  test('texts already embedded in this file are not fetched again', async ({ expect }) => {
    const texts = ['First answer about refunds.', 'Second answer about refunds.']
    const policy = 'Refunds are issued to the original payment method.'
    await Promise.all([
      expect(texts[0]).toBeSimilarTo(policy, 0, { method: 'embedding' }),
      expect(texts[1]).toBeSimilarTo(policy, 0, { method: 'embedding' }),
    ])
    await expect(texts[0]).toBeSimilarTo(policy, 0, { method: 'embedding' })
    const inputs = embeddingRequests().flatMap((request) => request.body.input as string[])
    expect(inputs.filter((input) => input === policy)).toHaveLength(1)
    expect(inputs.sort()).toEqual([...texts, policy].sort())
  })

  test('an embedding similarity that is not awaited fails its test, and its late result is not recorded', async ({
    expect,
    task,
  }) => {
    let pending: Promise<void> | undefined
    const error = await errorAtTestEnd(task.context, () => {
      pending = expect('not awaited').toBeSimilarTo('at all', 0, { method: 'embedding' })
    })
    expect(error).toBeInstanceOf(NotAwaitedError)
    expect(error.message).toMatch(/^toBeSimilarTo\(\) at \S+ must be awaited: /)
    await pending
    // The test ended first: the call was cancelled before it was sent.
    expect(embeddingRequests()).toHaveLength(0)
    expect(task.meta.rubric ?? []).toEqual([])
  })

  test('.not asserts dissimilarity', async ({ expect, task }) => {
    await expect('Shipping is free.').not.toBeSimilarTo('Our office is closed on Sundays.', 0.99, {
      method: 'embedding',
    })
    expect(last(task)).toMatchObject({ assertionPassed: true })
  })

  test('a missing key fails with the ways to provide one, and records an error, not a score', async ({
    expect,
    task,
  }) => {
    vi.stubEnv('OPENAI_API_KEY', '')
    await expect(
      expect('a new text').toBeSimilarTo('another new text', 0.5, { method: 'embedding' }),
    ).rejects.toThrow(
      'toBeSimilarTo() could not be decided: the embedding model "text-embedding-3-small" has no API key. Either:\n' +
        '  1. set OPENAI_API_KEY',
    )
    expect(last(task)).toMatchObject({
      dimension: 'embedding',
      score: null,
      assertionPassed: null,
      error: { code: 'RUBRIC_MISSING_EMBEDDINGS_KEY' },
    })
    expect(embeddingRequests()).toHaveLength(0)
  })

  test('an HTTP error names the model, the status and the fix, with or without .not', async ({
    expect,
    task,
  }) => {
    vi.stubEnv('OPENAI_BASE_URL', `${server.baseURL}/missing`)
    for (const negate of [false, true]) {
      const assertion = negate ? expect('text one').not : expect('text one')
      await expect(assertion.toBeSimilarTo('text two', 0.5, { method: 'embedding' })).rejects.toThrow(
        /could not be decided: the embeddings call to "text-embedding-3-small" at http:\/\/127\.0\.0\.1:\d+\/v1\/missing failed with HTTP 404/,
      )
      expect(last(task)).toMatchObject({
        score: null,
        assertionPassed: null,
        error: { code: 'RUBRIC_EMBEDDINGS_HTTP' },
      })
    }
  })
})
