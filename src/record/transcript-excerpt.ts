/**
 * The transcript a judgment record keeps for reports. Records travel from each worker to the main process and
 * stay there until the run's report is written, so a conversation is kept cut: a report of a thousand judged
 * conversations stays a few megabytes at most.
 */
import { shorten } from '../reporter/worst.ts'
import type { JsonValue, TranscriptMessage } from '../transcript/schema.ts'
import type { ReportedTranscript } from './schema.ts'

/**
 * The cut: the first `head` messages (the system prompt and the user's opening, which state the goal) and the
 * last `tail` (where the judged answer is), and `text` characters of each text and of each tool call's arguments
 * as JSON. At most about 24 × 500 characters, some 12 kB, per conversation.
 */
export const TRANSCRIPT_EXCERPT = { head: 4, tail: 20, text: 500 } as const

/** `messages`, the conversation's from index `start`, cut as {@link TRANSCRIPT_EXCERPT} says. */
export function transcriptExcerpt(messages: readonly TranscriptMessage[], start = 0): ReportedTranscript {
  const { head, tail } = TRANSCRIPT_EXCERPT
  const cut = messages.map(cutMessage)
  if (cut.length <= head + tail) return { start, messages: cut }
  return {
    start,
    messages: [...cut.slice(0, head), ...cut.slice(-tail)],
    omitted: { after: head, count: cut.length - head - tail },
  }
}

function cutMessage(message: TranscriptMessage): TranscriptMessage {
  const content = shorten(message.content, TRANSCRIPT_EXCERPT.text)
  if (message.role !== 'assistant' || !message.toolCalls) return { ...message, content }
  return {
    ...message,
    content,
    toolCalls: message.toolCalls.map((call) => ({ ...call, arguments: cutArguments(call.arguments) })),
  }
}

/** Arguments whose JSON is longer than the cut become that JSON's text, cut: a string, still JSON. */
function cutArguments(value: JsonValue): JsonValue {
  const json = JSON.stringify(value)
  return json.length <= TRANSCRIPT_EXCERPT.text ? value : shorten(json, TRANSCRIPT_EXCERPT.text)
}
