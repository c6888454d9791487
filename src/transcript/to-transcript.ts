import { isAiSdk, readAiSdk } from './ai-sdk.ts'
import { isAnthropic, readAnthropic, readAnthropicSystem } from './anthropic.ts'
import { contentText, isRecord, TranscriptBuilder, textOf, toolInput } from './builder.ts'
import { ACCEPTED_SHAPES, describeValue, messageError, TranscriptError } from './errors.ts'
import { isOpenAiChat, readOpenAiChat } from './openai-chat.ts'
import { isOpenAiResponses, readOpenAiResponses } from './openai-responses.ts'
import type { Transcript, TranscriptUsage } from './schema.ts'

/** The shapes a conversation can arrive in. */
export type TranscriptShape = 'transcript' | 'openai-chat' | 'openai-responses' | 'ai-sdk' | 'anthropic'

type Reader = (item: Record<string, unknown>, index: number, builder: TranscriptBuilder) => void

const SHAPES: ReadonlyArray<{
  shape: TranscriptShape
  label: string
  is: (item: Record<string, unknown>) => boolean
  read: Reader
}> = [
  { shape: 'transcript', label: 'a Transcript', is: isNormalised, read: readNormalised },
  { shape: 'openai-chat', label: 'OpenAI Chat Completions', is: isOpenAiChat, read: readOpenAiChat },
  { shape: 'anthropic', label: 'Anthropic Messages', is: isAnthropic, read: readAnthropic },
  { shape: 'openai-responses', label: 'OpenAI Responses', is: isOpenAiResponses, read: readOpenAiResponses },
  { shape: 'ai-sdk', label: 'Vercel AI SDK', is: isAiSdk, read: readAiSdk },
]

/**
 * Turns a conversation in any accepted shape into a `Transcript`: OpenAI Chat Completions messages (a
 * `ChatCompletion` response may follow its request messages), OpenAI Responses API items or a `Response`,
 * Vercel AI SDK model messages or a `generateText` result with `steps`, Anthropic messages or
 * `{ system, messages }`, or a `Transcript`. Tool-call arguments are parsed, each tool result is tied to its
 * call, reasoning/thinking parts are left out and media parts become placeholders such as `[image]`.
 *
 * @throws TranscriptError for a value in no accepted shape, and for a message that cannot be read (no role,
 * arguments that are not JSON, a result whose call id no call has), naming the message index and the fix.
 */
export function toTranscript(value: unknown): Transcript {
  const { items, system, usage } = unwrap(value)
  const { shape, read } = detect(items)
  const builder = new TranscriptBuilder()
  if (system !== undefined) readAnthropicSystem(system, builder)
  items.forEach((item, index) => {
    read(item as Record<string, unknown>, index, builder)
  })
  const transcript = builder.build()
  if (shape === 'transcript' && usage !== undefined) return { ...transcript, usage }
  return transcript
}

/** The shape `toTranscript` reads `value` as; throws as `toTranscript` does for a value in no shape. */
export function detectTranscriptShape(value: unknown): TranscriptShape {
  return detect(unwrap(value).items).shape
}

/** Whether `value` looks like a conversation (so that a matcher reads it as one rather than as JSON data). */
export function isConversation(value: unknown): boolean {
  if (Array.isArray(value))
    return (
      value.length > 0 &&
      value.every((item) => isRecord(item) && ('role' in item || 'type' in item || isResponseObject(item)))
    )
  if (!isRecord(value)) return false
  return (
    (Array.isArray(value.messages) && value.messages.every((item) => isRecord(item) && 'role' in item)) ||
    Array.isArray(value.choices) ||
    Array.isArray(value.steps) ||
    (value.object === 'response' && Array.isArray(value.output)) ||
    (value.type === 'message' && value.role === 'assistant')
  )
}

interface Unwrapped {
  items: unknown[]
  system?: unknown
  usage?: Transcript['usage']
}

function unwrap(value: unknown): Unwrapped {
  if (Array.isArray(value)) return { items: value }
  if (isRecord(value)) {
    if (Array.isArray(value.messages) && !('role' in value)) {
      return {
        items: value.messages,
        ...(value.system === undefined ? {} : { system: value.system }),
        ...(Array.isArray(value.usage) && value.usage.every(isUsage) ? { usage: value.usage } : {}),
      }
    }
    if (
      Array.isArray(value.choices) ||
      Array.isArray(value.steps) ||
      Array.isArray(value.output) ||
      'role' in value ||
      typeof value.type === 'string'
    ) {
      return { items: [value] }
    }
  }
  throw unknownShape(value)
}

function unknownShape(value: unknown): TranscriptError {
  return new TranscriptError(
    `toTranscript() cannot read ${describeValue(value)} as a conversation. It accepts:\n` +
      ACCEPTED_SHAPES.map((shape) => `  - ${shape}`).join('\n') +
      '\nPass the messages your agent returned (or the SDK response) as they are.',
  )
}

/** The one shape of the conversation: the first message only one shape has decides it; a second conflicts. */
function detect(items: readonly unknown[]) {
  let found: { entry: (typeof SHAPES)[number]; index: number } | undefined
  items.forEach((item, index) => {
    if (!isRecord(item)) {
      throw messageError(
        index,
        `is ${describeValue(item)}, not a message`,
        'Every message is an object with a role (or a Responses item with a type).',
      )
    }
    if (!('role' in item) && !('type' in item) && !isResponseObject(item)) {
      throw messageError(
        index,
        `has no role (${describeValue(item)})`,
        "Give every message its role: 'system', 'user', 'assistant' or 'tool'.",
      )
    }
    const entry = SHAPES.find((candidate) => candidate.is(item))
    if (!entry) return
    if (found && found.entry !== entry) {
      throw messageError(
        index,
        `is ${entry.label}, but message ${found.index} is ${found.entry.label}; a conversation is in one shape`,
        'Convert each part with toTranscript() and concatenate their `messages`, or pass the whole conversation ' +
          'in the shape your SDK returned it.',
      )
    }
    found ??= { entry, index }
  })
  // Messages of plain role and text read the same in every shape.
  return found?.entry ?? SHAPES[0]!
}

function isResponseObject(item: Record<string, unknown>): boolean {
  return Array.isArray(item.choices) || Array.isArray(item.steps) || Array.isArray(item.output)
}

function isNormalised(item: Record<string, unknown>): boolean {
  return (item.role === 'assistant' && 'toolCalls' in item) || (item.role === 'tool' && 'toolCallId' in item)
}

const GENERIC_PARTS = { text: textOf(), input_text: textOf(), output_text: textOf() }

/** A Transcript's own messages, and the plain `{ role, content }` messages every shape shares. */
function readNormalised(item: Record<string, unknown>, index: number, builder: TranscriptBuilder) {
  const plain =
    (item.role === 'system' ||
      item.role === 'developer' ||
      item.role === 'user' ||
      item.role === 'assistant') &&
    !('toolCalls' in item)
  if (plain) {
    const text = contentText(
      index,
      item.content,
      GENERIC_PARTS,
      'Content is a string or an array of text parts.',
    )
    if (item.role === 'user') return builder.user(text)
    if (item.role === 'assistant') return builder.assistant(index, text, [])
    return builder.system(text)
  }
  const fix =
    "A message is { role: 'system' | 'user', content }, { role: 'assistant', content, toolCalls? } or " +
    "{ role: 'tool', toolCallId, name, content, isError? }, with text content."
  if (typeof item.content !== 'string') {
    throw messageError(index, `has content that is ${describeValue(item.content)}, not text`, fix)
  }
  if (item.role === 'tool') {
    if (typeof item.name !== 'string')
      throw messageError(index, "is a tool message without the tool's name", fix)
    builder.toolResult(index, item.toolCallId, item.content, item.isError === true, item.name)
    return
  }
  if (!Array.isArray(item.toolCalls)) {
    throw messageError(index, `has toolCalls that is ${describeValue(item.toolCalls)}, not an array`, fix)
  }
  const calls = item.toolCalls.map((call: unknown) => {
    if (!isRecord(call) || typeof call.id !== 'string' || typeof call.name !== 'string') {
      throw messageError(index, `has a tool call without a string id and name (${describeValue(call)})`, fix)
    }
    return { id: call.id, name: call.name, arguments: toolInput(index, call.arguments, call.name, call.id) }
  })
  builder.assistant(index, item.content, calls)
}

function isUsage(value: unknown): value is TranscriptUsage {
  return (
    isRecord(value) &&
    Number.isInteger(value.inputTokens) &&
    Number.isInteger(value.outputTokens) &&
    (value.model === undefined || typeof value.model === 'string')
  )
}
