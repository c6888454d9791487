/**
 * Type tests of the trajectory matchers and of `toTranscript`: the matchers decide at once, their options are
 * checked, and a transcript is the documented shape.
 */
import { describe, expect, expectTypeOf, test } from 'vitest'
import {
  runConversation,
  type SimulatedUser,
  type ToolCall,
  type Transcript,
  toTranscript,
} from 'vitest-rubric'

const conversation = [{ role: 'user', content: 'Where is A-1?' }]

describe('trajectory matchers', () => {
  test('decide at once and accept asymmetric argument matchers', () => {
    expectTypeOf(expect(conversation).toHaveCalledTool('lookupOrder')).toBeVoid()
    expectTypeOf(
      expect(conversation).toHaveCalledTool('lookupOrder', expect.objectContaining({ orderId: 'A-1' })),
    ).toBeVoid()
    expectTypeOf(expect(conversation).not.toHaveCalledTool('issueRefund')).toBeVoid()
    expectTypeOf(expect(conversation).toHaveCalledToolTimes('lookupOrder', 1)).toBeVoid()
    expectTypeOf(
      expect(conversation).toHaveToolSequence(
        ['lookupOrder', { name: 'issueRefund', args: { amount: 25 } }],
        {
          order: 'inOrder',
        },
      ),
    ).toBeVoid()
    expectTypeOf(expect(conversation).toTakeAtMostSteps(4, { count: 'toolCalls' })).toBeVoid()
    expectTypeOf(expect(conversation).toContainAll(['A-1'], { messages: 'all' })).toBeVoid()
  })

  test('reject unknown orders and step units', () => {
    // @ts-expect-error: no such order
    expect(conversation).toHaveToolSequence(['a'], { order: 'sorted' })
    // @ts-expect-error: no such unit
    expect(conversation).toTakeAtMostSteps(4, { count: 'tokens' })
    // @ts-expect-error: `messages` is 'last' or 'all'
    expect(conversation).toContainAll(['A-1'], { messages: 'first' })
  })
})

describe('toTranscript', () => {
  test('returns a Transcript of typed messages', () => {
    const transcript = toTranscript(conversation)
    expectTypeOf(transcript).toEqualTypeOf<Transcript>()
    const message = transcript.messages[0]
    if (message?.role === 'assistant') expectTypeOf(message.toolCalls).toEqualTypeOf<ToolCall[] | undefined>()
    if (message?.role === 'tool') expectTypeOf(message.toolCallId).toBeString()
  })
})

describe('runConversation', () => {
  const agent = () => 'ok'

  test('takes a scripted or a simulated user; resolves to a transcript', () => {
    expectTypeOf(runConversation({ agent, user: ['Hello'] })).resolves.toEqualTypeOf<Transcript>()
    const user: SimulatedUser = { persona: 'a customer', goal: 'a refund', model: 'gpt-4.1-mini' }
    expectTypeOf(runConversation({ agent, user, maxTurns: 4 })).resolves.toEqualTypeOf<Transcript>()
    // @ts-expect-error a simulated user needs a goal
    void runConversation({ agent, user: { persona: 'a customer' } })
  })

  test("takes the test context's task to record on", ({ task }) => {
    expectTypeOf(runConversation).toBeCallableWith({ agent, user: ['Hello'], test: task })
  })
})
