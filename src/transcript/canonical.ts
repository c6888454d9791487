import type { Transcript, TranscriptMessage } from './schema.ts'

/**
 * The transcript as judgments are keyed and judged: tool-call ids renumbered `call_1`, `call_2`, ... in call
 * order, and usage left out. SDKs mint a new random id for every call, so the same conversation run twice (or
 * returned by two SDKs) would otherwise never meet its stored judgment.
 */
export function canonicalTranscript(transcript: Transcript): Transcript {
  const ids = new Map<string, string>()
  const messages = transcript.messages.map((message): TranscriptMessage => {
    if (message.role === 'assistant' && message.toolCalls) {
      return {
        ...message,
        toolCalls: message.toolCalls.map((call) => {
          const id = `call_${ids.size + 1}`
          ids.set(call.id, id)
          return { ...call, id }
        }),
      }
    }
    if (message.role === 'tool')
      return { ...message, toolCallId: ids.get(message.toolCallId) ?? message.toolCallId }
    return message
  })
  return { messages }
}
