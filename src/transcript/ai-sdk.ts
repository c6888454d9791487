import {
  contentText,
  isRecord,
  type PartRules,
  placeholder,
  resultText,
  skip,
  type TranscriptBuilder,
  textOf,
  toolInput,
} from './builder.ts'
import { describeValue, messageError } from './errors.ts'
import type { ToolCall } from './schema.ts'

/**
 * Vercel AI SDK: `ModelMessage`s (and v4's `CoreMessage`s), and `generateText`/`streamText` results whose
 * `steps` hold the assistant's turns.
 */

const FIX =
  'Pass the messages as the AI SDK types them (ModelMessage): content is a string or an array of text, image, ' +
  'file, reasoning, tool-call and tool-result parts.'

const TEXT_PARTS: PartRules = {
  text: textOf(),
  image: placeholder('image'),
  file: placeholder('file'),
  reasoning: skip,
  'redacted-reasoning': skip,
  source: skip,
  'tool-approval-request': skip,
  'tool-approval-response': skip,
}

const AI_SDK_ONLY = new Set(['tool-call', 'tool-result', 'tool-error', 'reasoning', 'tool-approval-request'])

/** Whether an item can only be an AI SDK model message or result. */
export function isAiSdk(item: Record<string, unknown>): boolean {
  if (Array.isArray(item.steps)) return true
  return (
    Array.isArray(item.content) &&
    item.content.some((part) => isRecord(part) && AI_SDK_ONLY.has(String(part.type)))
  )
}

export function readAiSdk(item: Record<string, unknown>, index: number, builder: TranscriptBuilder) {
  if (Array.isArray(item.steps)) return readSteps(item.steps as unknown[], index, builder)
  switch (item.role) {
    case 'system':
      return builder.system(contentText(index, item.content, TEXT_PARTS, FIX))
    case 'user':
      return builder.user(contentText(index, item.content, TEXT_PARTS, FIX))
    case 'assistant':
    case 'tool':
      return readParts(item.role, asParts(item.content, index), index, builder, modelOutputText)
    default:
      throw messageError(
        index,
        `has role ${JSON.stringify(item.role)}`,
        'An AI SDK model message has role system, user, assistant or tool.',
      )
  }
}

/** Each step is one model call: its content becomes an assistant turn, then the results of its tool calls. */
function readSteps(steps: unknown[], index: number, builder: TranscriptBuilder) {
  for (const step of steps) {
    if (!isRecord(step)) throw messageError(index, `has a step that is ${describeValue(step)}`, FIX)
    const parts = Array.isArray(step.content) ? step.content : legacyStepParts(step)
    readParts('assistant', parts, index, builder, rawOutputText)
    const usage = step.usage
    const response = step.response
    const model = isRecord(response) ? response.modelId : undefined
    if (isRecord(usage)) {
      builder.addUsage(
        model,
        usage.inputTokens ?? usage.promptTokens,
        usage.outputTokens ?? usage.completionTokens,
      )
    }
  }
}

/** AI SDK 4 steps have no `content`: their text, tool calls and tool results are separate fields. */
function legacyStepParts(step: Record<string, unknown>): unknown[] {
  const text = typeof step.text === 'string' && step.text ? [{ type: 'text', text: step.text }] : []
  const calls = Array.isArray(step.toolCalls) ? step.toolCalls : []
  const results = Array.isArray(step.toolResults) ? step.toolResults : []
  return [...text, ...calls, ...results]
}

/**
 * Reads text, tool calls and tool results in order: the calls join the assistant turn, each result becomes a
 * tool message after it.
 */
function readParts(
  role: 'assistant' | 'tool',
  parts: unknown[],
  index: number,
  builder: TranscriptBuilder,
  output: (part: Record<string, unknown>, index: number) => { text: string; isError: boolean },
): void {
  const texts: unknown[] = []
  const calls: ToolCall[] = []
  const results: Record<string, unknown>[] = []
  for (const part of parts) {
    if (!isRecord(part)) throw messageError(index, `has a content part that is ${describeValue(part)}`, FIX)
    if (part.type === 'tool-call' && role === 'assistant') {
      const name = String(part.toolName)
      const id = String(part.toolCallId)
      calls.push({ id, name, arguments: toolInput(index, part.input ?? part.args, name, id) })
    } else if (part.type === 'tool-result' || part.type === 'tool-error') {
      results.push(part)
    } else if (role === 'tool' && part.type !== 'tool-approval-response') {
      throw messageError(index, `is a tool message with a part of type ${JSON.stringify(part.type)}`, FIX)
    } else {
      texts.push(part)
    }
  }
  if (role === 'assistant') builder.assistant(index, contentText(index, texts, TEXT_PARTS, FIX), calls)
  for (const result of results) {
    const { text, isError } = output(result, index)
    builder.toolResult(index, result.toolCallId, text, isError, result.toolName)
  }
}

function asParts(content: unknown, index: number): unknown[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }]
  if (Array.isArray(content)) return content
  throw messageError(index, `has content that is ${describeValue(content)}`, FIX)
}

/** A tool result of a model message: v5's typed `output`, or v4's `result`. */
function modelOutputText(part: Record<string, unknown>, index: number): { text: string; isError: boolean } {
  if (part.type === 'tool-error') return rawOutputText(part, index)
  const output = part.output
  if (!isRecord(output) || typeof output.type !== 'string') {
    return { text: resultText(part.result ?? output), isError: part.isError === true }
  }
  switch (output.type) {
    case 'text':
    case 'json':
      return { text: resultText(output.value), isError: false }
    case 'error-text':
    case 'error-json':
      return { text: resultText(output.value), isError: true }
    case 'execution-denied':
      return {
        text: `execution denied${typeof output.reason === 'string' ? `: ${output.reason}` : ''}`,
        isError: true,
      }
    case 'content':
      return {
        text: contentText(index, output.value, { ...TEXT_PARTS, media: placeholder('media') }, FIX),
        isError: false,
      }
    default:
      throw messageError(
        index,
        `has a tool result whose output is of type ${JSON.stringify(output.type)}`,
        'A tool result output is of type text, json, error-text, error-json, execution-denied or content.',
      )
  }
}

/** A tool result of a step: the tool's own return value (or its error). */
function rawOutputText(part: Record<string, unknown>, _index: number): { text: string; isError: boolean } {
  if (part.type === 'tool-error') {
    const error = part.error
    return { text: error instanceof Error ? error.message : resultText(error), isError: true }
  }
  return { text: resultText('output' in part ? part.output : part.result), isError: false }
}
