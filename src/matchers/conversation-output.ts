import type { MatcherState } from 'vitest'
import { RubricArgumentError } from '../errors.ts'
import { type AssistantMessages, assistantText } from '../transcript/assistant-text.ts'
import { TranscriptError } from '../transcript/errors.ts'
import type { Transcript } from '../transcript/schema.ts'
import { isConversation, toTranscript } from '../transcript/to-transcript.ts'

/** The transcript a matcher received in any accepted shape; a bad one fails with the matcher's name. */
export function receivedTranscript(received: unknown, matcher: string): Transcript {
  try {
    return toTranscript(received)
  } catch (error) {
    if (!(error instanceof TranscriptError)) throw error
    throw new TranscriptError(
      error.message.replace(/^toTranscript\(\)/, `${matcher}() received a conversation, but`),
      {
        ...(error.messageIndex === undefined ? {} : { messageIndex: error.messageIndex }),
        cause: error,
      },
    )
  }
}

/**
 * What a text check reads of what it received: a conversation becomes the text of its last assistant message
 * (or of all of them with `{ messages: 'all' }`); anything else is passed on as it is.
 */
export function conversationText(received: unknown, which: unknown, matcher: string): unknown {
  if (which !== undefined && which !== 'last' && which !== 'all') {
    throw new RubricArgumentError(
      `${matcher}() option \`messages\` is ${JSON.stringify(which)}; use 'last' (the default: the last assistant ` +
        "message) or 'all' (every assistant message).",
    )
  }
  if (typeof received === 'string' || !isConversation(received)) return received
  const text = assistantText(receivedTranscript(received, matcher), (which ?? 'last') as AssistantMessages)
  if (text === undefined) {
    throw new RubricArgumentError(
      `${matcher}() received a conversation without an assistant message that has text, so there is nothing to ` +
        'check. Pass the conversation after the assistant has answered, or check its tool calls with ' +
        'toHaveCalledTool() / toHaveToolSequence().',
    )
  }
  return text
}

// biome-ignore lint/suspicious/noExplicitAny: wraps matchers of every signature
type Matcher = (this: MatcherState, received: unknown, ...args: any[]) => any

/**
 * Lets a text check accept a conversation: its `messages` option is read from the last argument, which is the
 * options object of every check.
 */
export function readingConversations<M extends Matcher>(matcher: M, name: string): M {
  return function (this: MatcherState, received: unknown, ...args: unknown[]) {
    const options = args.at(-1)
    const which =
      typeof options === 'object' && options !== null
        ? (options as { messages?: unknown }).messages
        : undefined
    return matcher.call(this, conversationText(received, which, name), ...args)
  } as M
}
