import type { AssistantMessage, Transcript } from './schema.ts'

/** Which assistant messages a text check reads: the last one, or all of them joined by blank lines. */
export type AssistantMessages = 'last' | 'all'

/** The text of the assistant's messages that say something (a turn that only calls tools has no text). */
export function assistantText(transcript: Transcript, which: AssistantMessages): string | undefined {
  const texts = transcript.messages
    .filter((message): message is AssistantMessage => message.role === 'assistant' && message.content !== '')
    .map((message) => message.content)
  if (texts.length === 0) return undefined
  return which === 'all' ? texts.join('\n\n') : texts.at(-1)
}

/** Every tool call in the order it was made. */
export function toolCalls(transcript: Transcript) {
  return transcript.messages.flatMap((message) =>
    message.role === 'assistant' ? (message.toolCalls ?? []) : [],
  )
}
