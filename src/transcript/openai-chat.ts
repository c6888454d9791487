import {
  contentText,
  isRecord,
  type PartRules,
  parseArguments,
  placeholder,
  type TranscriptBuilder,
  textOf,
} from './builder.ts'
import { describeValue, messageError } from './errors.ts'
import type { ToolCall } from './schema.ts'

/** OpenAI Chat Completions: `ChatCompletionMessageParam`s, and `ChatCompletion` responses among them. */

const FIX =
  'Pass the messages as the OpenAI SDK types them (ChatCompletionMessageParam): content is a string or an ' +
  'array of text/image_url/input_audio/file parts.'

const PARTS: PartRules = {
  text: textOf(),
  refusal: textOf('refusal'),
  image_url: placeholder('image'),
  input_audio: placeholder('audio'),
  file: placeholder('file'),
}

/** Whether an item can only be a Chat Completions message or response. */
export function isOpenAiChat(item: Record<string, unknown>): boolean {
  if (Array.isArray(item.choices)) return true
  if (item.role === 'tool') return 'tool_call_id' in item
  if (item.role === 'assistant') return 'tool_calls' in item || 'refusal' in item || 'function_call' in item
  if (item.role === 'function') return true
  return (
    Array.isArray(item.content) && item.content.some((part) => isRecord(part) && part.type === 'image_url')
  )
}

export function readOpenAiChat(item: Record<string, unknown>, index: number, builder: TranscriptBuilder) {
  if (Array.isArray(item.choices)) return readCompletion(item, index, builder)
  switch (item.role) {
    case 'system':
    case 'developer':
      return builder.system(contentText(index, item.content, PARTS, FIX))
    case 'user':
      return builder.user(contentText(index, item.content, PARTS, FIX))
    case 'assistant': {
      const text = contentText(index, item.content, PARTS, FIX)
      const refusal = typeof item.refusal === 'string' ? item.refusal : ''
      return builder.assistant(index, text || refusal, toolCalls(item.tool_calls, index))
    }
    case 'tool':
      return builder.toolResult(index, item.tool_call_id, contentText(index, item.content, PARTS, FIX), false)
    case 'function':
      throw messageError(
        index,
        "has the legacy role 'function'",
        "Use tools: assistant messages with tool_calls and 'tool' messages with tool_call_id.",
      )
    default:
      throw messageError(
        index,
        `has role ${JSON.stringify(item.role)}, which Chat Completions does not have`,
        'Use one of system, developer, user, assistant, tool.',
      )
  }
}

function readCompletion(completion: Record<string, unknown>, index: number, builder: TranscriptBuilder) {
  const choices = completion.choices as unknown[]
  const choice = choices[0]
  if (choices.length !== 1 || !isRecord(choice) || !isRecord(choice.message)) {
    throw messageError(
      index,
      `is a ChatCompletion with ${choices.length} choices`,
      'A conversation continues one choice: pass completion.choices[i].message for the choice you kept, or ' +
        'request one choice (n: 1).',
    )
  }
  readOpenAiChat(choice.message, index, builder)
  const usage = completion.usage
  if (isRecord(usage)) builder.addUsage(completion.model, usage.prompt_tokens, usage.completion_tokens)
}

function toolCalls(value: unknown, index: number): ToolCall[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) {
    throw messageError(
      index,
      `has tool_calls that is ${describeValue(value)}`,
      'tool_calls is an array of calls.',
    )
  }
  return value.map((call: unknown): ToolCall => {
    if (!isRecord(call) || typeof call.id !== 'string') {
      throw messageError(index, `has a tool call without an id (${describeValue(call)})`, FIX)
    }
    if (isRecord(call.function) && typeof call.function.name === 'string') {
      const { name } = call.function
      return { id: call.id, name, arguments: parseArguments(index, call.function.arguments, name, call.id) }
    }
    if (isRecord(call.custom) && typeof call.custom.name === 'string') {
      // A custom tool takes free text: its input is the argument, as it is.
      return { id: call.id, name: call.custom.name, arguments: String(call.custom.input ?? '') }
    }
    throw messageError(
      index,
      `has a tool call "${call.id}" without function.name (${describeValue(call)})`,
      'A function tool call is { id, type: "function", function: { name, arguments } }.',
    )
  })
}
