import { describe, expect, test } from 'vitest'
import { datasetRowSchema } from '../src/dataset/schema.ts'
import { fixture, runEvals } from './support/run-vitest.ts'

describe('dataset rows with a conversation', () => {
  test('`messages` and `expectedTools` are kept; without `input` the input is the last user turn', () => {
    const row = datasetRowSchema.parse({
      id: 'r1',
      messages: [
        { role: 'user', content: 'Where is A-1?' },
        { role: 'assistant', content: 'Which order?' },
        { role: 'user', content: 'A-1, please.' },
      ],
      expectedTools: ['lookupOrder', { name: 'issueRefund', args: { orderId: 'A-1' } }],
    })
    expect(row).toMatchObject({
      id: 'r1',
      input: 'A-1, please.',
      expectedTools: ['lookupOrder', { name: 'issueRefund', args: { orderId: 'A-1' } }],
    })
    expect(row.messages).toHaveLength(3)
    expect(row.metadata).toBeUndefined()
  })

  test('a conversation that cannot be read is an issue of the row, naming the message', () => {
    const result = datasetRowSchema.safeParse({
      messages: [{ role: 'user', content: 'hi' }, { content: 'x' }],
    })
    expect(result.success).toBe(false)
    expect(result.error?.issues).toMatchObject([
      { path: ['messages'], message: expect.stringContaining('message 1 has no role') },
    ])
    const noInput = datasetRowSchema.safeParse({ messages: [{ role: 'assistant', content: 'hello' }] })
    expect(noInput.error?.issues).toMatchObject([{ path: ['input'] }])
  })

  test('describeEval judges recorded conversations against their expected tools, offline', async () => {
    const { report, exitCode } = await runEvals(fixture('e2e', 'conversation-rows'), {
      judge: 'heuristic',
      store: 'off',
    })
    const rows = report.judgments
      .map((j) => `${j.rowId} ${j.dimension} ${j.score} ${j.assertionPassed}`)
      .sort()
    // The blind refund calls issueRefund only: tool-call F1 0.67, 3.67 on the 1 to 5 scale, answered as 4.
    expect(rows).toEqual([
      'refund-blind mentions-refund 1 true',
      'refund-blind toolUse 0.75 true',
      'refund-looked-up mentions-refund 1 true',
      'refund-looked-up toolUse 1 true',
    ])
    expect(exitCode).toBe(0)
  })
})
