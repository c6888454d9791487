import { describeValue, messageError } from './errors.ts'
import type { JsonValue, ToolCall, Transcript, TranscriptMessage, TranscriptUsage } from './schema.ts'

/**
 * Collects the normalised messages of one conversation while an adapter reads its shape, and checks what the
 * shapes leave to the caller: tool results answer a call made earlier, call ids are unique, arguments are JSON.
 */
export class TranscriptBuilder {
  readonly messages: TranscriptMessage[] = []
  readonly usage: TranscriptUsage[] = []
  private readonly callNames = new Map<string, string>()

  system(content: string): void {
    this.messages.push({ role: 'system', content })
  }

  user(content: string): void {
    this.messages.push({ role: 'user', content })
  }

  /** Adds an assistant turn; `merge` appends to the assistant turn just added (Responses items split turns). */
  assistant(index: number, content: string, calls: readonly ToolCall[], merge = false): void {
    for (const call of calls) {
      if (this.callNames.has(call.id)) {
        throw messageError(
          index,
          `has a tool call with id "${call.id}", which an earlier call already has`,
          'Give every tool call its own id, as the SDK does, so that each result names the call it answers.',
        )
      }
      this.callNames.set(call.id, call.name)
    }
    const last = this.messages.at(-1)
    if (merge && last?.role === 'assistant') {
      if (content) last.content = last.content ? `${last.content}\n${content}` : content
      if (calls.length > 0) last.toolCalls = [...(last.toolCalls ?? []), ...calls]
      return
    }
    this.messages.push({ role: 'assistant', content, ...(calls.length > 0 ? { toolCalls: [...calls] } : {}) })
  }

  /** Adds the result of the call `callId`, which an earlier assistant message must have made. */
  toolResult(index: number, callId: unknown, content: string, isError: boolean, name?: unknown): void {
    if (typeof callId !== 'string' || callId === '') {
      throw messageError(
        index,
        `is a tool result without the id of its call (${describeValue(callId)})`,
        'Keep the call id the SDK put on the result (tool_call_id, call_id, toolCallId or tool_use_id).',
      )
    }
    const callName = this.callNames.get(callId)
    if (callName === undefined) {
      const known = [...this.callNames.keys()]
      throw messageError(
        index,
        `is a tool result for call id "${callId}", but no earlier tool call has that id` +
          (known.length > 0 ? ` (the calls so far: ${known.join(', ')})` : ' (no tool was called before it)'),
        'Include the assistant message that made the call before its result, and keep the ids unchanged.',
      )
    }
    if (typeof name === 'string' && name !== callName) {
      throw messageError(
        index,
        `is a result of tool "${name}" for call "${callId}", but that call is to tool "${callName}"`,
        'Keep the tool name and call id of each result as the SDK returned them.',
      )
    }
    this.messages.push({
      role: 'tool',
      toolCallId: callId,
      name: callName,
      content,
      ...(isError ? { isError: true } : {}),
    })
  }

  addUsage(model: unknown, inputTokens: unknown, outputTokens: unknown): void {
    if (!isTokenCount(inputTokens) || !isTokenCount(outputTokens)) return
    this.usage.push({ ...(typeof model === 'string' ? { model } : {}), inputTokens, outputTokens })
  }

  build(): Transcript {
    return { messages: this.messages, ...(this.usage.length > 0 ? { usage: this.usage } : {}) }
  }
}

function isTokenCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0
}

/** A tool call whose arguments arrive as JSON text (OpenAI); an empty text means no arguments. */
export function parseArguments(index: number, text: unknown, name: string, id: string): JsonValue {
  if (typeof text !== 'string') return toolInput(index, text, name, id)
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text) as JsonValue
  } catch (cause) {
    throw messageError(
      index,
      `has a call to tool "${name}" (id "${id}") whose arguments are not valid JSON: ${excerpt(text)}`,
      'Pass the arguments string exactly as the model returned it; if the model produced broken JSON, that ' +
        'is a failure of the agent to assert on, not to convert: repair or drop the call before toTranscript().',
      cause,
    )
  }
}

/** A tool call whose arguments arrive as a value (Anthropic, AI SDK): it must be JSON. */
export function toolInput(index: number, value: unknown, name: string, id: string): JsonValue {
  if (value === undefined) return {}
  if (!isJson(value)) {
    throw messageError(
      index,
      `has a call to tool "${name}" (id "${id}") whose arguments are not JSON (${describeValue(value)} holding ` +
        'a function, a bigint, a cycle or a non-finite number)',
      'Pass arguments as plain JSON data, as the model produced them.',
    )
  }
  return value
}

function isJson(value: unknown, depth = 0): value is JsonValue {
  if (depth > 100) return false
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (Array.isArray(value)) return value.every((item) => isJson(item, depth + 1))
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).every((item) => item === undefined || isJson(item, depth + 1))
  }
  return false
}

/** A tool result that arrives as a value: text as it is, anything else as compact JSON. */
export function resultText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === undefined) return ''
  return JSON.stringify(value) ?? String(value)
}

function excerpt(text: string): string {
  return text.length <= 80 ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, 80))}…`
}

/** What each type of content part becomes: its text, a placeholder, or `null` to leave it out. */
export type PartRules = Readonly<Record<string, (part: Record<string, unknown>) => string | null>>

/** The text of a message's `content`: a string, nothing, or parts read by `rules`, joined by line breaks. */
export function contentText(index: number, content: unknown, rules: PartRules, fix: string): string {
  if (typeof content === 'string') return content
  if (content === null || content === undefined) return ''
  if (!Array.isArray(content)) {
    throw messageError(index, `has content that is ${describeValue(content)}`, fix)
  }
  const texts: string[] = []
  content.forEach((part: unknown, partIndex) => {
    const type = isRecord(part) ? part.type : undefined
    const rule = typeof type === 'string' && Object.hasOwn(rules, type) ? rules[type] : undefined
    if (!rule || !isRecord(part)) {
      throw messageError(
        index,
        `has a content part ${partIndex} of type ${typeof type === 'string' ? `"${type}"` : `(none: ${describeValue(part)})`}, ` +
          `which this shape does not have here (known: ${Object.keys(rules).join(', ')})`,
        fix,
      )
    }
    const text = rule(part)
    if (text !== null) texts.push(text)
  })
  return texts.join('\n')
}

/** Reads a part's `text` field, which must be a string. */
export function textOf(field = 'text') {
  return (part: Record<string, unknown>): string => {
    const text = part[field]
    return typeof text === 'string' ? text : ''
  }
}

export const placeholder = (label: string) => () => `[${label}]`
export const skip = () => null

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
