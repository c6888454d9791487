import type { Transcript } from './schema.ts'

/**
 * The transcript as a judge reads it and a store keeps it: one JSON object per line, numbered by message.
 * Each message's text is a JSON string, so nothing inside it (a tool result that says "assistant:", a line
 * that imitates a new turn) can end the message or pose as another turn.
 */
export function renderTranscript(transcript: Transcript): string {
  return transcript.messages
    .map((message, index) => JSON.stringify({ message: index, ...message }))
    .join('\n')
}
