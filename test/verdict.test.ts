import { describe, expect, test } from 'vitest'
import { parseVerdict, verdictJsonSchema, verdictSchema } from '../src/judge/verdict.ts'

const scale = { min: 1, max: 5 }
const dims = ['faithfulness', 'relevance']
const valid = {
  faithfulness: { reason: 'Every claim is in the context.', score: 5 },
  relevance: { reason: 'Answers the question, with a digression.', score: 3 },
}

function failure(text: string, dimensions = dims) {
  const result = parseVerdict(text, dimensions, scale)
  if (result.ok) throw new Error('expected the verdict to be rejected')
  return result.message
}

describe('parseVerdict', () => {
  test('normalises scores to [0, 1] and keeps the raw score and reason', () => {
    expect(parseVerdict(JSON.stringify(valid), dims, scale)).toEqual({
      ok: true,
      scores: {
        faithfulness: { score: 1, raw: 5, reason: 'Every claim is in the context.' },
        relevance: { score: 0.5, raw: 3, reason: 'Answers the question, with a digression.' },
      },
    })
  })

  test('normalises on the rubric scale', () => {
    const result = parseVerdict('{"clarity": {"reason": "r", "score": 7}}', ['clarity'], { min: 0, max: 10 })
    expect(result).toEqual({ ok: true, scores: { clarity: { score: 0.7, raw: 7, reason: 'r' } } })
  })

  test('finds the object in a ```json fence or in prose', () => {
    const fenced = `Here is my verdict:\n\`\`\`json\n${JSON.stringify(valid, null, 2)}\n\`\`\`\nThanks.`
    expect(parseVerdict(fenced, dims, scale).ok).toBe(true)
    const prose = `I considered it {carefully}. Verdict: ${JSON.stringify(valid)} -- "done"`
    expect(parseVerdict(prose, dims, scale)).toMatchObject({ ok: true, scores: { relevance: { raw: 3 } } })
  })

  test('copes with braces and quotes inside reasons', () => {
    const tricky = { ...valid, relevance: { reason: 'It says "use {x}" and } then', score: 4 } }
    expect(parseVerdict(`Verdict: ${JSON.stringify(tricky)}`, dims, scale)).toMatchObject({
      ok: true,
      scores: { relevance: { raw: 4, reason: 'It says "use {x}" and } then' } },
    })
  })

  test('rejects an empty reply and a reply without JSON', () => {
    expect(failure('  ')).toBe('the reply is empty')
    expect(failure('The output is great, 5/5.')).toBe(
      'the reply contains no JSON object: "The output is great, 5/5."',
    )
  })

  test('rejects invalid JSON', () => {
    expect(failure('{"faithfulness": {"reason": "x", "score": 5},}')).toMatch(
      /^the reply is not valid JSON \(/,
    )
  })

  test('rejects a missing dimension', () => {
    const message = failure(JSON.stringify({ faithfulness: valid.faithfulness }))
    expect(message).toContain('no verdict for this dimension')
    expect(message).toContain('→ at relevance')
  })

  test('rejects scores outside the scale and non-integer scores', () => {
    expect(failure(JSON.stringify({ ...valid, relevance: { reason: 'r', score: 6 } }))).toContain(
      'expected an integer from 1 to 5\n  → at relevance.score',
    )
    expect(failure(JSON.stringify({ ...valid, relevance: { reason: 'r', score: 0 } }))).toContain(
      'expected an integer from 1 to 5',
    )
    expect(failure(JSON.stringify({ ...valid, relevance: { reason: 'r', score: 3.5 } }))).toContain(
      'expected an integer from 1 to 5',
    )
    expect(failure(JSON.stringify({ ...valid, relevance: { reason: 'r', score: '4' } }))).toContain(
      'expected an integer from 1 to 5',
    )
  })

  test('rejects an empty or blank reason', () => {
    expect(failure(JSON.stringify({ ...valid, relevance: { reason: '   ', score: 3 } }))).toContain(
      'the reason is empty; explain the score before giving it\n  → at relevance.reason',
    )
  })

  test('rejects keys other than the requested dimensions', () => {
    expect(failure(JSON.stringify({ ...valid, overall: { reason: 'r', score: 4 } }))).toContain(
      'Unrecognized key: "overall"',
    )
  })

  test('names the problem in a readable message', () => {
    expect(failure(JSON.stringify({ faithfulness: 5 }))).toMatchInlineSnapshot(`
      "the verdict does not match the schema:
      ✖ expected an object { "reason": "...", "score": <integer> }
        → at faithfulness
      ✖ no verdict for this dimension
        → at relevance"
    `)
  })
})

describe('verdictSchema', () => {
  test('is built for the requested dimensions and scale', () => {
    const schema = verdictSchema(['clarity'], { min: 0, max: 3 })
    expect(schema.safeParse({ clarity: { reason: 'ok', score: 3 } }).success).toBe(true)
    expect(schema.safeParse({ clarity: { reason: 'ok', score: 4 } }).success).toBe(false)
  })
})

describe('verdictJsonSchema', () => {
  test('is a strict JSON schema as OpenAI structured output requires', () => {
    const format = verdictJsonSchema(dims, scale)
    expect(format.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/)
    expect(format.strict).toBe(true)
    expect(format.schema).not.toHaveProperty('$schema')
    const entry = {
      type: 'object',
      properties: {
        reason: { type: 'string', minLength: 1, description: expect.any(String) },
        score: { type: 'integer', minimum: 1, maximum: 5, description: 'The score, an integer from 1 to 5.' },
      },
      required: ['reason', 'score'],
      additionalProperties: false,
    }
    expect(format.schema).toEqual({
      type: 'object',
      properties: { faithfulness: entry, relevance: entry },
      required: ['faithfulness', 'relevance'],
      additionalProperties: false,
    })
  })

  test('lists reason before score, so the model writes the reason first', () => {
    const properties = verdictJsonSchema(['a'], scale).schema.properties as Record<
      string,
      { properties: object }
    >
    expect(Object.keys(properties.a!.properties)).toEqual(['reason', 'score'])
  })
})
