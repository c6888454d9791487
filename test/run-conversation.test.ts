import type { ChatCompletion, ChatCompletionMessageParam } from 'openai/resources/chat/completions'
import { describe, expect, type RunnerTestCase, test } from 'vitest'
import { type RubricError, type RubricRecord, runConversation, TranscriptError } from '../src/index.ts'
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
      "needs `user`: the scripted user's messages (a non-empty array of strings, one per turn), or a simulated user",
    )
    const personaless = await errorOf(() =>
      runConversation({ agent: () => 'x', user: { persona: ' ', goal: 'a refund' } }),
    )
    expect(personaless.code).toBe('RUBRIC_INVALID_ARGUMENT')
  })
})

describe('runConversation with a simulated user', () => {
  test('the offline heuristic judge cannot play one: a clear error before the agent is called', async () => {
    let called = false
    const error = await errorOf(() =>
      runConversation({
        agent: () => {
          called = true
          return 'hello'
        },
        user: { persona: 'a customer', goal: 'a refund for order A-17' },
      }),
    )
    expect(error.code).toBe('RUBRIC_SIMULATOR_UNAVAILABLE')
    expect(error.message).toBe(
      "runConversation(): the simulated user's turn 1 cannot be played: the offline heuristic judge cannot " +
        "simulate a user. Configure an LLM judge (evals({ judge: { model: 'gpt-4.1-mini' } }), or OPENAI_API_KEY " +
        "in the demo), script the user's messages (`user: [...]`), or name the `model` whose stored turns to replay.",
    )
    expect(called).toBe(false)
  })

  test('an `opening` is the first message as written; the next turn needs the simulator', async () => {
    const seen: string[] = []
    const error = await errorOf(() =>
      runConversation({
        agent: ({ message }) => {
          seen.push(message)
          return 'Which order is it?'
        },
        user: { persona: 'a customer', goal: 'a refund for order A-17', opening: 'I want a refund.' },
      }),
    )
    expect(seen).toEqual(['I want a refund.'])
    expect(error.code).toBe('RUBRIC_SIMULATOR_UNAVAILABLE')
    expect(error.message).toContain("the simulated user's turn 2 cannot be played")
  })
})

// A reply with its usage, as the Chat Completions API answers it.
function completion(content: string, model: string, prompt: number, output: number): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [
      {
        index: 0,
        finish_reason: 'stop',
        logprobs: null,
        message: { role: 'assistant', content, refusal: null },
      },
    ],
    usage: { prompt_tokens: prompt, completion_tokens: output, total_tokens: prompt + output },
  }
}

const taskRecords = (test: Readonly<RunnerTestCase>) =>
  ((test.meta as { rubric?: RubricRecord[] }).rubric ?? []).filter((record) => record.kind === 'task')

describe("the agent's cost as the test's task record", () => {
  test('records the time the agent took and the tokens its replies reported, per model', async ({ task }) => {
    await runConversation({
      agent: ({ turn }) => [completion(`reply ${turn}`, turn === 1 ? 'gpt-4.1' : 'gpt-4.1-mini', 100, 20)],
      user: ['Hello', 'Thanks'],
    })
    const [record, ...more] = taskRecords(task)
    expect(more).toEqual([])
    expect(record).toMatchObject({
      kind: 'task',
      assertion: 'runConversation',
      dimension: 'latency',
      score: null,
      pass: null,
      tokensByModel: {
        'gpt-4.1': { input: 100, output: 20, total: 120 },
        'gpt-4.1-mini': { input: 100, output: 20, total: 120 },
      },
    })
    expect(record!.latencyMs).toBeGreaterThanOrEqual(0)
    expect(record!.reason).toMatch(/^the agent took \d+ ms over 2 turns$/)
  })

  test('a reply without usage is recorded with its time only', async ({ task }) => {
    await runConversation({ agent: () => 'ok', user: ['Hello'] })
    const [record] = taskRecords(task)
    expect(record).toBeDefined()
    expect(record).not.toHaveProperty('tokensByModel')
  })

  describe.concurrent('in concurrent tests', () => {
    test('records on the test it is given', async ({ task }) => {
      await runConversation({ agent: () => 'ok', user: ['Hello'], test: task })
      expect(taskRecords(task)).toHaveLength(1)
    })

    // Vitest's current test may be another concurrent test: without `test`, nothing is recorded anywhere.
    test('records nothing without the test', async ({ task }) => {
      await runConversation({ agent: () => 'ok', user: ['Hello'] })
      expect(taskRecords(task)).toHaveLength(0)
    })
  })
})
