import { describe, expect, test } from 'vitest'
import { aiSdkIds, aiSdkMessages, aiSdkPrompt, aiSdkResult } from '../fixtures/conversations/ai-sdk.ts'
import { anthropicIds, anthropicMessage, anthropicRequest } from '../fixtures/conversations/anthropic.ts'
import { expectedTranscript } from '../fixtures/conversations/expected.ts'
import { chatCompletion, chatIds, chatMessages } from '../fixtures/conversations/openai-chat.ts'
import { response, responsesIds, responsesInput } from '../fixtures/conversations/openai-responses.ts'
import { type Transcript, TranscriptError, toTranscript } from '../src/index.ts'
import { canonicalTranscript } from '../src/transcript/canonical.ts'
import { transcriptSchema } from '../src/transcript/schema.ts'
import { detectTranscriptShape, isConversation } from '../src/transcript/to-transcript.ts'
import { contentHash } from '../src/util/hash.ts'
import { errorOf } from './support/errors.ts'

const shapes = {
  'openai-chat': { value: [...chatMessages, chatCompletion], ids: chatIds },
  'openai-responses': { value: [...responsesInput, response], ids: responsesIds },
  'ai-sdk messages': { value: aiSdkMessages, ids: aiSdkIds },
  'ai-sdk steps': { value: [...aiSdkPrompt, aiSdkResult], ids: aiSdkIds },
  anthropic: {
    value: { system: anthropicRequest.system, messages: [...anthropicRequest.messages, anthropicMessage] },
    ids: anthropicIds,
  },
} as const

const withoutUsage = ({ messages }: Transcript): Transcript => ({ messages })

describe('toTranscript', () => {
  test.each(Object.entries(shapes))('reads %s', (_name, { value, ids }) => {
    expect(withoutUsage(toTranscript(value))).toEqual(expectedTranscript(ids))
  })

  test.each(Object.entries(shapes))('%s gives a transcript its schema accepts', (_name, { value }) => {
    const transcript = toTranscript(value)
    expect(transcriptSchema.parse(transcript)).toEqual(transcript)
  })

  test.each(Object.entries(shapes))(
    'round-trips %s: a transcript reads as itself, also through JSON',
    (_name, { value }) => {
      const transcript = toTranscript(value)
      expect(toTranscript(transcript)).toEqual(transcript)
      expect(toTranscript(JSON.parse(JSON.stringify(transcript)))).toEqual(transcript)
    },
  )

  test('the same conversation in every shape is the same canonical transcript and the same key', () => {
    const keys = Object.values(shapes).map(({ value }) =>
      contentHash(canonicalTranscript(toTranscript(value))),
    )
    expect(new Set(keys).size).toBe(1)
    expect(canonicalTranscript(toTranscript(shapes.anthropic.value))).toEqual(
      expectedTranscript(['call_1', 'call_2', 'call_3']),
    )
  })

  test('detects each shape', () => {
    expect(
      Object.fromEntries(
        Object.entries(shapes).map(([name, { value }]) => [name, detectTranscriptShape(value)]),
      ),
    ).toEqual({
      'openai-chat': 'openai-chat',
      'openai-responses': 'openai-responses',
      'ai-sdk messages': 'ai-sdk',
      'ai-sdk steps': 'ai-sdk',
      anthropic: 'anthropic',
    })
  })

  test.each(Object.entries(shapes))(
    '%s is recognised as a conversation by the matchers',
    (_name, { value }) => {
      expect(isConversation(JSON.parse(JSON.stringify(value)))).toBe(true)
    },
  )

  test('keeps the token usage each shape reports, per model call', () => {
    expect(toTranscript(shapes['openai-chat'].value).usage).toEqual([
      { model: 'gpt-4.1-mini-2025-04-14', inputTokens: 412, outputTokens: 31 },
    ])
    expect(toTranscript(shapes['openai-responses'].value).usage).toEqual([
      { model: 'gpt-4.1-mini-2025-04-14', inputTokens: 380, outputTokens: 29 },
    ])
    expect(toTranscript(shapes.anthropic.value).usage).toEqual([
      { model: 'claude-sonnet-4-5', inputTokens: 530, outputTokens: 34 },
    ])
    expect(toTranscript(shapes['ai-sdk steps'].value).usage?.map((usage) => usage.inputTokens)).toEqual([
      300, 350, 410,
    ])
  })

  test('reads a response on its own as the assistant turn', () => {
    expect(toTranscript(chatCompletion).messages).toEqual([
      { role: 'assistant', content: expect.stringContaining('refund R-91') },
    ])
    expect(toTranscript(anthropicMessage).messages).toHaveLength(1)
    expect(toTranscript(response).messages).toHaveLength(1)
  })

  test('plain role-and-text messages read the same in every shape', () => {
    const plain = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello' }] },
    ]
    expect(toTranscript(plain)).toEqual({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'Hello' },
      ],
    })
  })

  test('AI SDK error results, Anthropic error results and media parts', () => {
    const transcript = toTranscript([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'see' },
          { type: 'image', image: 'data:...' },
        ],
      },
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c', toolName: 'f', input: {} }] },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'c',
            toolName: 'f',
            output: { type: 'error-text', value: 'boom' },
          },
        ],
      },
    ])
    expect(transcript.messages[0]).toEqual({ role: 'user', content: 'see\n[image]' })
    expect(transcript.messages[2]).toEqual({
      role: 'tool',
      toolCallId: 'c',
      name: 'f',
      content: 'boom',
      isError: true,
    })
    const anthropic = toTranscript([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'g', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't', content: 'down', is_error: true },
          { type: 'text', text: 'well?' },
        ],
      },
    ])
    expect(anthropic.messages.slice(2)).toEqual([
      { role: 'tool', toolCallId: 't', name: 'g', content: 'down', isError: true },
      { role: 'user', content: 'well?' },
    ])
  })
})

describe('toTranscript: bad input', () => {
  test('an unknown shape names the accepted shapes and the keys it saw', async () => {
    const error = await errorOf(() => toTranscript({ answer: 'hi', score: 3 }))
    expect(error).toBeInstanceOf(TranscriptError)
    expect(error.code).toBe('RUBRIC_INVALID_TRANSCRIPT')
    expect(error.message).toContain('an object with keys answer, score')
    expect(error.message).toContain('OpenAI Chat Completions')
    expect(error.message).toContain('Anthropic Messages')
    expect(error.message).toContain('Vercel AI SDK')
    expect(error.message).toContain('OpenAI Responses')
    expect((await errorOf(() => toTranscript('hello'))).message).toContain('cannot read a string')
  })

  test('arguments that are not JSON name the message, the tool and the fix', async () => {
    const messages = structuredClone(chatMessages)
    const broken = messages[2] as { tool_calls: { function: { arguments: string } }[] }
    broken.tool_calls[0]!.function.arguments = '{"orderId": A-4417}'
    const error = (await errorOf(() => toTranscript(messages))) as TranscriptError
    expect(error.messageIndex).toBe(2)
    expect(error.message).toMatch(
      /^toTranscript\(\): message 2 has a call to tool "lookupOrder" \(id "call_Qm1"\) whose arguments are not valid JSON: "\{\\"orderId\\": A-4417\}"\. Pass the arguments string exactly/,
    )
    expect(error.cause).toBeInstanceOf(SyntaxError)
  })

  test('a tool result whose call id no call has', async () => {
    const messages = structuredClone(chatMessages)
    ;(messages[3] as { tool_call_id: string }).tool_call_id = 'call_nope'
    const error = (await errorOf(() => toTranscript(messages))) as TranscriptError
    expect(error.messageIndex).toBe(3)
    expect(error.message).toBe(
      'toTranscript(): message 3 is a tool result for call id "call_nope", but no earlier tool call has that id ' +
        '(the calls so far: call_Qm1). Include the assistant message that made the call before its result, and ' +
        'keep the ids unchanged.',
    )
    const anthropic = await errorOf(() =>
      toTranscript([
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_X', content: 'x' }] },
      ]),
    )
    expect(anthropic.message).toContain(
      'message 0 is a tool result for call id "toolu_X", but no earlier tool call has that id (no tool was called before it)',
    )
  })

  test('a message without a role', async () => {
    const error = (await errorOf(() =>
      toTranscript([{ role: 'user', content: 'hi' }, { content: 'hello' }]),
    )) as TranscriptError
    expect(error.messageIndex).toBe(1)
    expect(error.message).toBe(
      "toTranscript(): message 1 has no role (an object with keys content). Give every message its role: 'system', 'user', 'assistant' or 'tool'.",
    )
  })

  test('a conversation that mixes shapes', async () => {
    const error = await errorOf(() => toTranscript([...chatMessages, anthropicMessage]))
    expect(error.message).toContain(
      'message 7 is Anthropic Messages, but message 2 is OpenAI Chat Completions; a conversation is in one shape',
    )
  })

  test('a duplicated call id, a tool name that contradicts its call, an unknown part type', async () => {
    const duplicate = await errorOf(() =>
      toTranscript([
        { role: 'assistant', toolCalls: [{ id: 'a', name: 'f', arguments: {} }], content: '' },
        { role: 'assistant', toolCalls: [{ id: 'a', name: 'g', arguments: {} }], content: '' },
      ]),
    )
    expect(duplicate.message).toContain(
      'message 1 has a tool call with id "a", which an earlier call already has',
    )
    const renamed = await errorOf(() =>
      toTranscript([
        { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'f', arguments: {} }] },
        { role: 'tool', toolCallId: 'a', name: 'g', content: '' },
      ]),
    )
    expect(renamed.message).toContain(
      'message 1 is a result of tool "g" for call "a", but that call is to tool "f"',
    )
    const part = await errorOf(() =>
      toTranscript([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'video', url: 'x' },
          ],
        },
      ]),
    )
    expect(part.message).toContain('message 0 has a content part 1 of type "video"')
  })

  test('a ChatCompletion with several choices, and a normalised message with content that is not text', async () => {
    const two = { ...chatCompletion, choices: [chatCompletion.choices[0], chatCompletion.choices[0]] }
    expect((await errorOf(() => toTranscript([...chatMessages, two]))).message).toContain(
      'message 7 is a ChatCompletion with 2 choices. A conversation continues one choice',
    )
    const bad = await errorOf(() => toTranscript([{ role: 'tool', toolCallId: 'x', content: 1 }]))
    expect(bad.message).toContain('message 0 has content that is a number, not text. A message is')
  })
})
