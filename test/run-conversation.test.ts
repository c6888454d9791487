import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions'
import { describe, expect, test } from 'vitest'
import { type RubricError, runConversation, TranscriptError } from '../src/index.ts'
import '../src/setup.ts'
import { errorOf } from './support/errors.ts'

// A small agent on Chat Completions messages: it looks an order up when a message names one, and remembers it.
function orderAgent() {
  let orderId: string | undefined
  let calls = 0
  return ({ message }: { message: string }): ChatCompletionMessageParam[] => {
    orderId = /\bA-\d+\b/.exec(message)?.[0] ?? orderId
    if (!orderId) return [{ role: 'assistant', content: 'Which order is it about?' }]
    const id = `call_${++calls}`
    return [
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id, type: 'function', function: { name: 'lookupOrder', arguments: JSON.stringify({ orderId }) } },
        ],
      },
      { role: 'tool', tool_call_id: id, content: '{"status":"shipped"}' },
      { role: 'assistant', content: `Order ${orderId} has shipped.` },
    ]
  }
}

describe('runConversation with a scripted user', () => {
  test('plays every user turn and returns the transcript for the matchers', async ({ expect }) => {
    const transcript = await runConversation({
      agent: orderAgent(),
      system: 'You help with orders.',
      user: ['Hello', 'It is order A-17.', 'And is it still A-17?'],
    })
    expect(transcript.messages.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
      'assistant',
      'tool',
      'assistant',
    ])
    expect(transcript).toHaveCalledToolTimes('lookupOrder', 2, { orderId: 'A-17' })
    expect(transcript).toContainAll(['Order A-17 has shipped.'])
    expect(transcript).toTakeAtMostSteps(5)
  })

  test('gives the agent the transcript so far, and stops when stopWhen says so', async () => {
    const seen: number[] = []
    const transcript = await runConversation({
      agent: ({ transcript, turn }) => {
        seen.push(transcript.messages.length)
        return turn === 2 ? 'Goodbye.' : 'Go on.'
      },
      user: ['one', 'two', 'three'],
      stopWhen: (so) => so.messages.at(-1)?.content === 'Goodbye.',
    })
    expect(seen).toEqual([1, 3])
    expect(transcript.messages).toHaveLength(4)
    expect(
      (await runConversation({ agent: () => 'ok', user: ['a', 'b', 'c'], maxTurns: 2 })).messages,
    ).toHaveLength(4)
  })

  test('an agent that throws, or replies in no shape, fails naming the turn', async () => {
    const thrown = await errorOf(() =>
      runConversation({
        agent: ({ turn }) => {
          if (turn === 2) throw new Error('model overloaded')
          return 'fine'
        },
        user: ['a', 'b'],
      }),
    )
    expect(thrown.code).toBe('RUBRIC_AGENT_FAILED')
    expect(thrown.message).toContain('the agent threw on turn 2 (user: "b"): model overloaded.')
    expect((thrown as RubricError).cause).toBeInstanceOf(Error)
    const shapeless = await errorOf(() => runConversation({ agent: () => ({ answer: 42 }), user: ['a'] }))
    expect(shapeless).toBeInstanceOf(TranscriptError)
    expect(shapeless.message).toContain("runConversation(): the agent's reply on turn 1 cannot be read:")
    expect((await errorOf(() => runConversation({ agent: () => 'x', user: [] }))).message).toContain(
      "needs `user`, the scripted user's messages",
    )
  })
})
