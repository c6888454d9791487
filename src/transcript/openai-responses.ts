import {
  contentText,
  isRecord,
  type PartRules,
  parseArguments,
  placeholder,
  resultText,
  type TranscriptBuilder,
  textOf,
} from './builder.ts'
import { messageError } from './errors.ts'

/** OpenAI Responses API: input and output items, and whole `Response` objects among them. */

const FIX =
  'Pass the items as the OpenAI SDK types them (ResponseInputItem / ResponseOutputItem): message content is ' +
  'a string or input_text/output_text/refusal/input_image/input_file parts.'

const PARTS: PartRules = {
  input_text: textOf(),
  output_text: textOf(),
  refusal: textOf('refusal'),
  input_image: placeholder('image'),
  input_file: placeholder('file'),
  input_audio: placeholder('audio'),
}

/** Item types that carry nothing a transcript holds: the model's reasoning and references to stored items. */
const SKIPPED = new Set(['reasoning', 'item_reference', 'compaction'])

/** Whether an item can only be a Responses API item or response. */
export function isOpenAiResponses(item: Record<string, unknown>): boolean {
  if (item.object === 'response' && Array.isArray(item.output)) return true
  if (typeof item.type === 'string' && item.type !== 'message') return true
  if (item.type === 'message' && !('stop_reason' in item)) return true
  return (
    Array.isArray(item.content) &&
    item.content.some((part) => isRecord(part) && typeof part.type === 'string' && part.type in PARTS)
  )
}

export function readOpenAiResponses(
  item: Record<string, unknown>,
  index: number,
  builder: TranscriptBuilder,
) {
  if (item.object === 'response' && Array.isArray(item.output)) {
    for (const output of item.output as unknown[]) {
      if (!isRecord(output))
        throw messageError(index, 'is a Response whose output holds a non-object item', FIX)
      readOpenAiResponses(output, index, builder)
    }
    const usage = item.usage
    if (isRecord(usage)) builder.addUsage(item.model, usage.input_tokens, usage.output_tokens)
    return
  }
  const type = item.type ?? 'message'
  if (typeof type === 'string' && SKIPPED.has(type)) return
  switch (type) {
    case 'message':
      return readMessage(item, index, builder)
    case 'function_call': {
      const name = String(item.name)
      const id = String(item.call_id)
      // The API returns one turn as several items: text, then each call. They are one assistant turn.
      return builder.assistant(
        index,
        '',
        [{ id, name, arguments: parseArguments(index, item.arguments, name, id) }],
        true,
      )
    }
    case 'custom_tool_call':
      return builder.assistant(
        index,
        '',
        [{ id: String(item.call_id), name: String(item.name), arguments: String(item.input ?? '') }],
        true,
      )
    case 'function_call_output':
    case 'custom_tool_call_output':
      return builder.toolResult(index, item.call_id, outputText(item.output, index), false)
    default:
      throw messageError(
        index,
        `is a Responses item of type ${JSON.stringify(type)}, which a transcript does not hold ` +
          '(it holds message, function_call, function_call_output, custom_tool_call and their outputs; reasoning is left out)',
        'Leave hosted-tool items out of what you pass, or pass your own function tools instead.',
      )
  }
}

function readMessage(item: Record<string, unknown>, index: number, builder: TranscriptBuilder) {
  const text = contentText(index, item.content, PARTS, FIX)
  switch (item.role) {
    case 'system':
    case 'developer':
      return builder.system(text)
    case 'user':
      return builder.user(text)
    case 'assistant':
      return builder.assistant(index, text, [])
    default:
      throw messageError(
        index,
        `is a message with role ${JSON.stringify(item.role)}`,
        'A Responses message has role user, assistant, system or developer.',
      )
  }
}

function outputText(output: unknown, index: number): string {
  if (Array.isArray(output)) return contentText(index, output, PARTS, FIX)
  return resultText(output)
}
