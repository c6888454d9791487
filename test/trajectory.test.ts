import { describe, expect as globalExpect, test } from 'vitest'
import { anthropicMessage, anthropicRequest } from '../fixtures/conversations/anthropic.ts'
import { chatCompletion, chatMessages } from '../fixtures/conversations/openai-chat.ts'
import '../src/setup.ts'
import { compareToolSequence } from '../src/transcript/tool-sequence.ts'
import type { RubricRecord } from '../src/types.ts'

// The conversation: lookupOrder(A-4417), then issueRefund(A-4417, 25) and escalate in parallel.
const chat = [...chatMessages, chatCompletion]
const anthropic = {
  system: anthropicRequest.system,
  messages: [...anthropicRequest.messages, anthropicMessage],
}

type Task = { meta: { rubric?: RubricRecord[] } }
const last = (task: Task) => task.meta.rubric!.at(-1)!

describe('toHaveCalledTool', () => {
  test('passes on a call by name, and with arguments equal or matched asymmetrically', ({ expect, task }) => {
    expect(chat).toHaveCalledTool('lookupOrder')
    expect(chat).toHaveCalledTool('issueRefund', { orderId: 'A-4417', amount: 25 })
    expect(anthropic).toHaveCalledTool('issueRefund', expect.objectContaining({ orderId: 'A-4417' }))
    expect(anthropic).toHaveCalledTool('issueRefund', {
      orderId: expect.stringMatching(/^A-/),
      amount: expect.any(Number),
    })
    expect(last(task)).toMatchObject({
      assertion: 'toHaveCalledTool',
      dimension: 'tool-called',
      score: 1,
      pass: true,
      assertionPassed: true,
      kind: 'check',
      scorer: 'tool-called',
      reason: 'called issueRefund({"amount": Any<Number>, "orderId": StringMatching /^A-/})',
    })
    expect(last(task).output).toBe(
      'lookupOrder({"orderId":"A-4417"})\nissueRefund({"orderId":"A-4417","amount":25})\nescalate({"reason":"damaged in transit"})',
    )
  })

  test('fails with the calls made and how the arguments of the nearest call differ', ({ expect, task }) => {
    expect(() => expect(chat).toHaveCalledTool('issueRefund', { orderId: 'A-4417', amount: 30 })).toThrow(
      /expected a call to issueRefund\(\{"amount": 30, "orderId": "A-4417"\}\), but there is none; the first call to issueRefund has other arguments:[\s\S]*"amount": 30[\s\S]*"amount": 25[\s\S]*the calls, in order:\n {2}lookupOrder/,
    )
    expect(last(task)).toMatchObject({ score: 0, pass: false })
    expect(() => expect(chat).toHaveCalledTool('cancelOrder')).toThrow(
      'expected a call to cancelOrder, but there is none',
    )
  })

  test('.not forbids a tool: passes when it was never called, fails naming the calls', ({ expect, task }) => {
    expect(chat).not.toHaveCalledTool('cancelOrder')
    expect(last(task)).toMatchObject({
      dimension: 'not tool-called',
      score: 0,
      pass: true,
      assertionPassed: true,
    })
    expect(() => expect(chat).not.toHaveCalledTool('issueRefund')).toThrow(
      'expected no call to issueRefund, but found 1:\nissueRefund({"orderId":"A-4417","amount":25})',
    )
    expect(last(task)).toMatchObject({
      dimension: 'not tool-called',
      score: 1,
      pass: false,
      assertionPassed: false,
    })
  })

  test('toHaveCalledToolTimes counts the matching calls', ({ expect, task }) => {
    expect(chat).toHaveCalledToolTimes('lookupOrder', 1)
    expect(chat).toHaveCalledToolTimes('lookupOrder', 0, { orderId: 'B-1' })
    expect(() => expect(chat).toHaveCalledToolTimes('lookupOrder', 2)).toThrow(
      'expected 2 calls to lookupOrder, found 1',
    )
    expect(last(task)).toMatchObject({ dimension: 'tool-call-count', score: 0, pass: false })
  })

  test('a conversation in a bad shape fails with the matcher named and the message index', () => {
    globalExpect(() =>
      globalExpect([{ role: 'user', content: 'hi' }, { content: 'x' }]).toHaveCalledTool('f'),
    ).toThrow('toHaveCalledTool() received a conversation, but: message 1 has no role')
  })
})

describe('toHaveToolSequence', () => {
  test('exact: the same calls in the same order and nothing else', ({ expect, task }) => {
    expect(chat).toHaveToolSequence(['lookupOrder', 'issueRefund', 'escalate'])
    expect(last(task)).toMatchObject({ dimension: 'tool-sequence', score: 1, pass: true })
    expect(() => expect(chat).toHaveToolSequence(['lookupOrder', 'issueRefund'])).toThrow(
      'tool-call F1 0.80, precision 0.67, recall 1.00\nextra escalate({"reason":"damaged in transit"})',
    )
    expect(last(task).score).toBeCloseTo(0.8)
  })

  test('inOrder: other calls may come between; order still counts', ({ expect, task }) => {
    expect(chat).toHaveToolSequence(['lookupOrder', 'escalate'], { order: 'inOrder' })
    // Other calls are allowed, so the score is the recall: every expected call made in order passes, as the
    // assertion does; the reason still gives the F1.
    expect(last(task)).toMatchObject({ score: 1, pass: true, assertionPassed: true })
    expect(last(task).reason).toContain('F1 0.80 (precision 0.67, recall 1.00)')
    expect(() =>
      expect(chat).toHaveToolSequence(['issueRefund', 'lookupOrder'], { order: 'inOrder' }),
    ).toThrow(
      'tool-call F1 0.40, precision 0.33, recall 0.50\n' +
        'extra escalate({"reason":"damaged in transit"}); out of order issueRefund({"orderId":"A-4417","amount":25})',
    )
    expect(last(task)).toMatchObject({ score: 0.5, pass: false, assertionPassed: false })
    expect(() =>
      expect(chat).toHaveToolSequence(['issueRefund', 'lookupOrder'], { order: 'inOrder' }),
    ).toThrow(
      'difference (- expected, not made in this order; + made, not expected here):\n' +
        '  - issueRefund\n' +
        '    lookupOrder({"orderId":"A-4417"})\n' +
        '  + issueRefund({"orderId":"A-4417","amount":25})\n' +
        '  + escalate({"reason":"damaged in transit"})',
    )
  })

  test('anyOrder: each expected call, in any order; asymmetric arguments', ({ expect, task }) => {
    expect(anthropic).toHaveToolSequence(
      [{ name: 'issueRefund', args: expect.objectContaining({ amount: 25 }) }, 'lookupOrder'],
      { order: 'anyOrder' },
    )
    expect(last(task)).toMatchObject({ score: 1, pass: true, assertionPassed: true })
    expect(last(task).reason).toContain('F1 0.80')
    expect(() =>
      expect(anthropic).toHaveToolSequence([{ name: 'issueRefund', args: { orderId: 'B-2' } }], {
        order: 'anyOrder',
      }),
    ).toThrow('missing issueRefund({"orderId": "B-2"}); extra lookupOrder')
    expect(last(task)).toMatchObject({ score: 0, pass: false })
  })

  test('.not passes when the sequence differs and records the real score', ({ expect, task }) => {
    expect(chat).not.toHaveToolSequence(['issueRefund', 'lookupOrder', 'escalate'])
    expect(last(task)).toMatchObject({ dimension: 'not tool-sequence', pass: true, assertionPassed: true })
    expect(last(task).score).toBeCloseTo(2 / 3)
  })

  test('bad arguments name the fix', () => {
    globalExpect(() => globalExpect(chat).toHaveToolSequence('lookupOrder' as never)).toThrow(
      'toHaveToolSequence() needs an array of tool names or { name, args }, for example',
    )
    globalExpect(() => globalExpect(chat).toHaveToolSequence(['a'], { order: 'sorted' as never })).toThrow(
      `toHaveToolSequence() option \`order\` is "sorted"; use 'exact'`,
    )
  })
})

describe('compareToolSequence', () => {
  const call = (name: string) => ({ id: name, name, arguments: {} })
  const byName = (actual: { name: string }, wanted: string | { name: string }) =>
    actual.name === (typeof wanted === 'string' ? wanted : wanted.name)

  test('F1 of precision and recall; missing, extra and out of order', () => {
    const calls = ['a', 'c', 'b', 'x'].map(call)
    const exact = compareToolSequence(calls, ['a', 'b', 'c'], 'exact', byName)
    // In order, a and one of b/c match: precision 2/4, recall 2/3.
    globalExpect(exact).toMatchObject({ pass: false, precision: 0.5, extra: [3] })
    globalExpect(exact.recall).toBeCloseTo(2 / 3)
    globalExpect(exact.f1).toBeCloseTo(4 / 7)
    // b and c were both called: one of them is out of order, neither is missing.
    globalExpect(exact.missing).toEqual([])
    globalExpect(exact.outOfOrder).toHaveLength(1)
    const any = compareToolSequence(calls, ['a', 'b', 'c'], 'anyOrder', byName)
    globalExpect(any).toMatchObject({
      pass: true,
      precision: 0.75,
      recall: 1,
      missing: [],
      extra: [3],
      outOfOrder: [],
    })
  })

  test('no calls and none expected is a perfect score; calls against none expected is zero', () => {
    globalExpect(compareToolSequence([], [], 'exact', byName)).toMatchObject({ pass: true, f1: 1 })
    globalExpect(compareToolSequence([call('a')], [], 'exact', byName)).toMatchObject({ pass: false, f1: 0 })
    globalExpect(compareToolSequence([call('a')], [], 'inOrder', byName)).toMatchObject({
      pass: true,
      precision: 0,
    })
  })
})

describe('toTakeAtMostSteps', () => {
  test('counts assistant turns, or tool calls', ({ expect, task }) => {
    expect(chat).toTakeAtMostSteps(3)
    expect(chat).toTakeAtMostSteps(3, { count: 'toolCalls' })
    expect(() => expect(chat).toTakeAtMostSteps(2)).toThrow(
      'expected at most 2 assistant turns, but there are 3',
    )
    expect(last(task)).toMatchObject({ dimension: 'steps', pass: false })
    expect(last(task).score).toBeCloseTo(2 / 3)
  })
})

describe('text checks on a conversation', () => {
  test('read the last assistant message, or every one with { messages: "all" }', ({ expect, task }) => {
    expect(chat).toContainAll(['refund R-91'])
    expect(last(task).output).toBe(chatCompletion.choices[0]!.message.content)
    expect(() => expect(chat).toContainAll(['look that order up'])).toThrow('expected the output to contain')
    expect(chat).toContainAll(['look that order up', 'refund R-91'], { messages: 'all' })
    expect(anthropic).not.toBeRefusal()
    expect(anthropic).toHaveLengthWithin({ maxWords: 20 })
    expect(anthropic).toBeSimilarTo('I refunded $25 and opened ticket T-7.', 0.3)
  })

  test('a conversation without an assistant answer, and a bad `messages` option', () => {
    globalExpect(() => globalExpect([{ role: 'user', content: 'hi' }]).toContainAll(['x'])).toThrow(
      'toContainAll() received a conversation without an assistant message that has text',
    )
    globalExpect(() => globalExpect(chat).toContainAll(['x'], { messages: 'first' as never })).toThrow(
      'toContainAll() option `messages` is "first"; use \'last\'',
    )
  })
})
