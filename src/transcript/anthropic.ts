import {
  contentText,
  isRecord,
  type PartRules,
  placeholder,
  skip,
  type TranscriptBuilder,
  textOf,
  toolInput,
} from './builder.ts'
import { describeValue, messageError } from './errors.ts'
import type { ToolCall } from './schema.ts'

/** Anthropic Messages: `MessageParam`s, `Message` responses among them, and `{ system, messages }`. */

const FIX =
  'Pass the messages as the Anthropic SDK types them (MessageParam): content is a string or an array of ' +
  'text, image, document, tool_use, tool_result and thinking blocks.'

const TEXT_BLOCKS: PartRules = {
  text: textOf(),
  image: placeholder('image'),
  document: placeholder('document'),
  search_result: placeholder('search result'),
  thinking: skip,
  redacted_thinking: skip,
}

const ANTHROPIC_ONLY = new Set(['tool_use', 'tool_result', 'thinking', 'redacted_thinking', 'document'])

/** Whether an item can only be an Anthropic message (a param with Anthropic blocks, or a `Message`). */
export function isAnthropic(item: Record<string, unknown>): boolean {
  if (item.type === 'message' && 'stop_reason' in item) return true
  return (
    Array.isArray(item.content) &&
    item.content.some((block) => isRecord(block) && ANTHROPIC_ONLY.has(String(block.type)))
  )
}

/** The system prompt of `{ system, messages }`: a string or text blocks. */
export function readAnthropicSystem(system: unknown, builder: TranscriptBuilder) {
  const text = contentText(
    0,
    system,
    TEXT_BLOCKS,
    'The system prompt is a string or an array of text blocks.',
  )
  if (text) builder.system(text)
}

export function readAnthropic(item: Record<string, unknown>, index: number, builder: TranscriptBuilder) {
  if (item.role === 'system') return builder.system(contentText(index, item.content, TEXT_BLOCKS, FIX))
  if (item.role !== 'user' && item.role !== 'assistant') {
    throw messageError(
      index,
      `has role ${JSON.stringify(item.role)}`,
      'An Anthropic message has role user or assistant; pass the system prompt as { system, messages }.',
    )
  }
  const blocks = typeof item.content === 'string' ? [{ type: 'text', text: item.content }] : item.content
  if (!Array.isArray(blocks)) throw messageError(index, `has content that is ${describeValue(blocks)}`, FIX)
  const texts: unknown[] = []
  const calls: ToolCall[] = []
  for (const block of blocks as unknown[]) {
    if (!isRecord(block))
      throw messageError(index, `has a content block that is ${describeValue(block)}`, FIX)
    if (block.type === 'tool_use' && item.role === 'assistant') {
      const name = String(block.name)
      const id = String(block.id)
      calls.push({ id, name, arguments: toolInput(index, block.input, name, id) })
    } else if (block.type === 'tool_result' && item.role === 'user') {
      const content = contentText(index, block.content, TEXT_BLOCKS, FIX)
      builder.toolResult(index, block.tool_use_id, content, block.is_error === true)
    } else {
      texts.push(block)
    }
  }
  const text = contentText(index, texts, TEXT_BLOCKS, FIX)
  if (item.role === 'assistant') builder.assistant(index, text, calls)
  // A user message of tool results only is not a user turn; one with text (or no blocks at all) is.
  else if (texts.length > 0 || blocks.length === 0) builder.user(text)
  const usage = item.usage
  if (isRecord(usage)) builder.addUsage(item.model, usage.input_tokens, usage.output_tokens)
}
