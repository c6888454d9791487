import { describe, expect as globalExpect, test } from 'vitest'
import { z } from 'zod'
import { toBeValidJSON } from '../src/matchers/checks.ts'
import '../src/setup.ts'
import type { RubricRecord } from '../src/types.ts'

// The checks run through Vitest's own `expect` (the test context's, so records land on their test), and leave
// their records in `task.meta.rubric` as they would in an eval file.

type Task = { meta: { rubric?: RubricRecord[] } }
const records = (task: Task) => task.meta.rubric ?? []
const last = (task: Task) => records(task).at(-1)!

const answerSchema = z.object({
  answer: z.string(),
  sources: z.array(z.object({ url: z.url() })).min(1),
})

describe('toMatchSchema', () => {
  test('passes on JSON text or a value the schema accepts, and records dimension schema', ({
    expect,
    task,
  }) => {
    expect('{"answer": "30 days", "sources": [{"url": "https://shop.example/refunds"}]}').toMatchSchema(
      answerSchema,
    )
    expect({ answer: '30 days', sources: [{ url: 'https://shop.example/refunds' }] }).toMatchSchema(
      answerSchema,
    )
    expect(records(task)).toHaveLength(2)
    expect(last(task)).toMatchObject({
      assertion: 'toMatchSchema',
      dimension: 'schema',
      score: 1,
      floor: 1,
      assertionPassed: true,
      reason: 'matches the schema',
      judgeName: 'check',
      scorer: 'schema',
      source: 'live',
      kind: 'check',
      retry: 0,
    })
    expect(last(task).judgeId).toMatch(/^[0-9a-f]{16}$/)
    expect(last(task)).not.toHaveProperty('tokens')
    expect(last(task).latencyMs).toBeGreaterThanOrEqual(0)
  })

  test('fails with zod issues prettified and the path of the first', ({ expect, task }) => {
    const output = '{"answer": 30, "sources": [{"url": "not a url"}]}'
    expect(() => expect(output).toMatchSchema(answerSchema)).toThrow(
      'expected the output to match the schema, but it has 2 issues (first at answer):\n' +
        '  ✖ Invalid input: expected string, received number\n' +
        '    → at answer\n' +
        '  ✖ Invalid URL\n' +
        '    → at sources[0].url\n' +
        'received:\n' +
        `  ${output}`,
    )
    expect(last(task)).toMatchObject({
      dimension: 'schema',
      score: 0,
      assertionPassed: false,
      reason: '2 issues, first at answer: Invalid input: expected string, received number',
    })
  })

  test('says when the text is not JSON, and where', ({ expect }) => {
    expect(() => expect('{"answer": "30 days",}').toMatchSchema(answerSchema)).toThrow(
      /^expected the output to match the schema, but it is not JSON: line 1, column 22: Expected double-quoted property name/,
    )
    expect(() => expect('```json\n{"answer": "x"}\n```').toMatchSchema(answerSchema)).toThrow(
      'it is wrapped in a Markdown code fence',
    )
  })

  test('.not flips the result; the record keeps the real score under a dimension of its own', ({
    expect,
    task,
  }) => {
    expect('{"answer": 1}').not.toMatchSchema(answerSchema)
    expect(last(task)).toMatchObject({ dimension: 'not schema', score: 0, pass: true, assertionPassed: true })
    expect(() =>
      expect({ answer: 'x', sources: [{ url: 'https://a.example' }] }).not.toMatchSchema(answerSchema),
    ).toThrow('expected the output not to match the schema, but it does')
    expect(last(task)).toMatchObject({
      dimension: 'not schema',
      score: 1,
      pass: false,
      assertionPassed: false,
    })
  })

  test('takes a dimension of its own', ({ expect, task }) => {
    expect('{"answer": "x", "sources": [{"url": "https://a.example"}]}').toMatchSchema(answerSchema, {
      dimension: 'answer-format',
    })
    expect(last(task).dimension).toBe('answer-format')
  })

  test('refuses what is not a schema, and async refinements, with the fix', ({ expect }) => {
    expect(() => expect('{}').toMatchSchema({ type: 'object' } as never)).toThrow(
      'toMatchSchema() needs a zod 4 schema, for example `toMatchSchema(z.object({ answer: z.string() }))`',
    )
    const slow = z.string().refine(async () => true)
    expect(() => expect('"x"').toMatchSchema(slow)).toThrow(
      'checks synchronously, but the schema has an async refinement',
    )
    expect(() => expect('{}').toMatchSchema(answerSchema, { dimension: '' })).toThrow(
      'toMatchSchema() option `dimension` is ""; pass a non-empty name such as \'schema\'',
    )
  })
})

describe('toBeValidJSON', () => {
  test('passes on JSON text, fails with the line and column', ({ expect, task }) => {
    expect('[1, 2, {"a": null}]').toBeValidJSON()
    expect(last(task)).toMatchObject({ dimension: 'json', score: 1, assertionPassed: true })
    expect(() => expect('{"a": 1\n "b": 2}').toBeValidJSON()).toThrow(
      /^expected the output to be valid JSON, but line 2, column 2: Expected ',' or '}' after property value in JSON/,
    )
    expect(last(task)).toMatchObject({ dimension: 'json', score: 0, assertionPassed: false })
    expect(() => expect('  ').toBeValidJSON()).toThrow(
      'expected the output to be valid JSON, but the output is empty',
    )
  })

  test('.not asserts the text is not JSON; values are refused', ({ expect }) => {
    expect('Sure! Here is the JSON you asked for.').not.toBeValidJSON()
    expect(() => expect('{}').not.toBeValidJSON()).toThrow(
      'expected the output not to be valid JSON, but it is',
    )
    expect(() => expect({ a: 1 }).toBeValidJSON()).toThrow(
      'toBeValidJSON() checks text, but received object. Pass the raw model output; to check the shape of a parsed value use toMatchSchema(schema).',
    )
  })
})

describe('toMatchPattern', () => {
  test('passes when the pattern matches, fails showing the output', ({ expect, task }) => {
    const pattern = /order #\d{6}/g
    pattern.lastIndex = 99
    expect('Your order #123456 has shipped.').toMatchPattern(pattern)
    expect(pattern.lastIndex).toBe(99)
    expect(last(task)).toMatchObject({
      dimension: 'pattern',
      score: 1,
      reason: 'matches /order #\\d{6}/g at line 1, column 6',
    })
    expect(() => expect('Your order has shipped.').toMatchPattern(/order #\d{6}/)).toThrow(
      'expected the output to match /order #\\d{6}/, but it does not\nreceived:\n  Your order has shipped.',
    )
  })

  test('.not names where it matched', ({ expect }) => {
    expect(() => expect('Call us.\nOr mail sales@shop.example').not.toMatchPattern(/\S+@\S+/)).toThrow(
      'expected the output not to match /\\S+@\\S+/, but it does at line 2, column 9: "sales@shop.example"',
    )
    expect(() => expect('x').toMatchPattern('order' as never)).toThrow(
      'toMatchPattern() needs a regular expression',
    )
  })
})

describe('toContainAll and toContainNone', () => {
  const answer = 'Refunds take 30 days. Keep your receipt.'

  test('toContainAll scores the share found and lists what is missing', ({ expect, task }) => {
    expect(answer).toContainAll(['30 days', /receipt/i])
    expect(last(task)).toMatchObject({ dimension: 'contains-all', score: 1, assertionPassed: true })
    expect(() => expect(answer).toContainAll(['30 days', 'store credit', /original packaging/i])).toThrow(
      'expected the output to contain all 3 items, but 2 are missing:\n' +
        '  - "store credit"\n' +
        '  - /original packaging/i\n' +
        'received:\n' +
        `  ${answer}`,
    )
    expect(last(task)).toMatchObject({
      score: 1 / 3,
      assertionPassed: false,
      reason: 'missing "store credit", /original packaging/i',
    })
  })

  test('toContainAll can ignore case', ({ expect }) => {
    expect(answer).toContainAll(['REFUNDS', 'keep'], { ignoreCase: true })
    expect(() => expect(answer).toContainAll(['REFUNDS'])).toThrow('1 is missing')
  })

  test('toContainNone scores the share absent and says where each one is', ({ expect, task }) => {
    expect(answer).toContainNone(['guarantee', /\bfree\b/i])
    expect(last(task)).toMatchObject({ dimension: 'contains-none', score: 1, assertionPassed: true })
    expect(() => expect(answer).toContainNone(['guarantee', /\breceipt\b/, 'days'])).toThrow(
      'expected the output to contain none of the 3 items, but it contains 2:\n' +
        '  - /\\breceipt\\b/ ("receipt") at line 1, column 33\n' +
        '  - "days" at line 1, column 17',
    )
    expect(last(task)).toMatchObject({ score: 1 / 3, assertionPassed: false })
  })

  test('.not and bad items', ({ expect, task }) => {
    expect(answer).not.toContainAll(['30 days', 'store credit'])
    expect(last(task)).toMatchObject({
      dimension: 'not contains-all',
      score: 0.5,
      pass: true,
      assertionPassed: true,
    })
    expect(() => expect(answer).not.toContainNone(['guarantee'])).toThrow(
      'expected the output to contain at least one of the 1 item, but it contains none',
    )
    expect(() => expect(answer).toContainAll([])).toThrow(
      'toContainAll() needs a non-empty array of texts and regular expressions',
    )
    expect(() => expect(answer).toContainNone(['ok', 3] as never)).toThrow(
      'toContainNone() needs a non-empty array',
    )
  })
})

describe('toHaveLengthWithin', () => {
  test('counts words and code points against the bounds', ({ expect, task }) => {
    expect('One two three.').toHaveLengthWithin({ minWords: 2, maxWords: 3, maxChars: 14 })
    expect(last(task)).toMatchObject({
      dimension: 'length',
      score: 1,
      reason: '3 words and 14 characters, within 2 to 3 words and at most 14 characters',
    })
    expect('👍👍').toHaveLengthWithin({ maxChars: 2 })
    expect(() => expect('One two three four.').toHaveLengthWithin({ maxWords: 3, minChars: 40 })).toThrow(
      'expected the output to have at most 3 words and at least 40 characters, but it has 4 words, more than 3 ' +
        'and 19 characters, fewer than 40',
    )
    expect(last(task)).toMatchObject({ score: 0, assertionPassed: false })
  })

  test('.not, and bounds that make no sense', ({ expect }) => {
    expect('short').not.toHaveLengthWithin({ minWords: 5 })
    expect(() => expect('x').toHaveLengthWithin({})).toThrow('toHaveLengthWithin() needs at least one bound')
    expect(() => expect('x').toHaveLengthWithin({ maxWords: 2.5 })).toThrow(
      'bound `maxWords` is 2.5, not a whole number of 0 or more',
    )
    expect(() => expect('x').toHaveLengthWithin({ minChars: 9, maxChars: 3 })).toThrow(
      'bound `minChars` (9) is above `maxChars` (3)',
    )
  })
})

describe('toContainNoPII', () => {
  test('fails naming each finding masked, with where it is; the record masks it too', ({ expect, task }) => {
    const output = 'Write to jane.doe@example.com.\nCard on file: 4242 4242 4242 4242.'
    expect(() => expect(output).toContainNoPII()).toThrow(
      'expected the output to contain no personal data, but found 2:\n' +
        '  - email j***@e***.com at line 1, column 10\n' +
        '  - credit-card **** **** **** 4242 at line 2, column 15',
    )
    expect(last(task)).toMatchObject({ dimension: 'no-pii', score: 0, assertionPassed: false })
    expect(last(task).output).toBe('Write to j***@e***.com.\nCard on file: **** **** **** 4242.')
    expect(JSON.stringify(last(task))).not.toContain('jane.doe')
  })

  test('passes on clean text, near misses, and what is allowed', ({ expect, task }) => {
    expect('Your order 4242 4242 4242 4241 ships on version 1.2.3.4 of the app.').toContainNoPII()
    expect(last(task)).toMatchObject({ score: 1, assertionPassed: true, reason: 'no personal data found' })
    expect('Mail support@shop.example for help.').toContainNoPII({ allow: ['support@shop.example'] })
    expect('Example: `admin@example.com`').toContainNoPII({ allowInCode: true })
    expect('Server at 10.0.0.1').toContainNoPII({ allow: ['ip-address'], dimension: 'privacy' })
    expect(last(task).dimension).toBe('privacy')
  })

  test('.not asserts that personal data is there', ({ expect }) => {
    expect('Call +1 415 555 0132').not.toContainNoPII()
    expect(() => expect('Nothing here').not.toContainNoPII()).toThrow(
      'expected the output to contain personal data, but none was found',
    )
  })
})

describe('toBeRefusal', () => {
  test('passes on a refusal, and .not asserts an answer', ({ expect, task }) => {
    expect("I'm sorry, but I can't help with that request.").toBeRefusal()
    expect(last(task)).toMatchObject({ dimension: 'refusal', score: 1, assertionPassed: true })
    expect('Refunds take 30 days.').not.toBeRefusal()
    expect(last(task)).toMatchObject({
      dimension: 'not refusal',
      score: 0,
      pass: true,
      assertionPassed: true,
    })
  })

  test('the failures quote the refusal phrase, or show the answer', ({ expect, task }) => {
    expect(() => expect('As an AI, I cannot share that.').not.toBeRefusal()).toThrow(
      'expected the output to answer, but it refuses: "As an AI, I cannot"',
    )
    expect(last(task)).toMatchObject({ score: 1, assertionPassed: false })
    expect(() => expect('Refunds take 30 days.').toBeRefusal()).toThrow(
      'expected the output to be a refusal, but it contains no refusal phrase\nreceived:\n  Refunds take 30 days.',
    )
  })

  test('takes extra phrases', ({ expect }) => {
    expect('That is outside what this assistant covers.').toBeRefusal({
      extraPhrases: ['outside what this assistant covers'],
    })
  })
})

describe('records', () => {
  test('a check called without a test decides and records nothing', ({ task }) => {
    const outcome = toBeValidJSON.call({ isNot: false } as never, '{}')
    globalExpect(outcome.pass).toBe(true)
    // Not on the test that is running either.
    globalExpect(records(task)).toEqual([])
    // Given the test, the same call records on it: the check above can fail.
    toBeValidJSON.call({ isNot: false, task } as never, '{}')
    globalExpect(records(task)).toMatchObject([{ assertion: 'toBeValidJSON', pass: true }])
  })

  test('each check has a stable judge id per check', ({ expect, task }) => {
    expect('{}').toBeValidJSON()
    expect('[]').toBeValidJSON({ dimension: 'other' })
    expect('x').toMatchPattern(/x/)
    const [json, renamed, pattern] = records(task)
    expect(json!.judgeId).toBe(renamed!.judgeId)
    expect(json!.judgeId).not.toBe(pattern!.judgeId)
    expect(json!.callId).not.toBe(renamed!.callId)
  })
})
