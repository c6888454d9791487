import { RubricArgumentError, RubricError } from '../errors.ts'
import { TranscriptError } from '../transcript/errors.ts'
import type { Transcript, TranscriptMessage, TranscriptUsage } from '../transcript/schema.ts'
import { toTranscript } from '../transcript/to-transcript.ts'

/** What the agent is given on each turn. */
export interface AgentTurn {
  /** The conversation so far, the user's new message last. */
  transcript: Transcript
  /** The user's new message. */
  message: string
  /** The turn, from 1. */
  turn: number
}

/** Options of `runConversation`. */
export interface RunConversationOptions {
  /**
   * The system under test. Given the conversation so far, it returns the messages it adds: its reply in any
   * shape `toTranscript` reads (Chat Completions messages, Responses items, AI SDK messages or a `generateText`
   * result, Anthropic messages), a `Transcript`, or plain text for a reply without tool calls.
   */
  agent: (turn: AgentTurn) => unknown
  /** A scripted user: the user's messages, one per turn, in order. */
  user: readonly string[]
  /** A system prompt to open the transcript with. */
  system?: string
  /** The most user turns to play. @default every scripted message */
  maxTurns?: number
  /** Ends the conversation early when it returns `true` after an agent's reply. */
  stopWhen?: (transcript: Transcript) => boolean
}

/**
 * Drives an agent through a conversation with a scripted user and returns the transcript, for the matchers.
 * Each turn appends the user's message, then the agent's reply converted with `toTranscript`; the token usage
 * the replies report is kept in `usage`.
 *
 * @throws RubricError `RUBRIC_AGENT_FAILED` when the agent throws (the cause kept), `TranscriptError` when its
 * reply is in no accepted shape, naming the turn.
 */
export async function runConversation(options: RunConversationOptions): Promise<Transcript> {
  const { agent, user, stopWhen } = options
  if (typeof agent !== 'function') {
    throw new RubricArgumentError(
      'runConversation() needs `agent`, a function that takes { transcript, message, turn } and returns its reply.',
    )
  }
  if (!Array.isArray(user) || user.length === 0 || !user.every((message) => typeof message === 'string')) {
    throw new RubricArgumentError(
      "runConversation() needs `user`, the scripted user's messages: a non-empty array of strings, one per turn.",
    )
  }
  const maxTurns = options.maxTurns ?? user.length
  if (!Number.isInteger(maxTurns) || maxTurns < 1) {
    throw new RubricArgumentError(
      `runConversation() option \`maxTurns\` is ${String(maxTurns)}; pass a whole number of 1 or more.`,
    )
  }
  const messages: TranscriptMessage[] =
    options.system === undefined ? [] : [{ role: 'system', content: options.system }]
  const usage: TranscriptUsage[] = []
  const transcript = (): Transcript => ({
    messages: [...messages],
    ...(usage.length > 0 ? { usage: [...usage] } : {}),
  })
  for (let turn = 1; turn <= Math.min(maxTurns, user.length); turn++) {
    const message = user[turn - 1]!
    messages.push({ role: 'user', content: message })
    let reply: unknown
    try {
      reply = await agent({ transcript: transcript(), message, turn })
    } catch (cause) {
      throw new RubricError(
        'RUBRIC_AGENT_FAILED',
        `runConversation(): the agent threw on turn ${turn} (user: ${JSON.stringify(message.slice(0, 80))}): ` +
          `${cause instanceof Error ? cause.message : String(cause)}. Fix the agent, or assert on the error with ` +
          '`await expect(runConversation(...)).rejects...`.',
        { cause },
      )
    }
    const added = readReply(reply, turn)
    messages.push(...added.messages)
    usage.push(...(added.usage ?? []))
    if (stopWhen?.(transcript())) break
  }
  return transcript()
}

function readReply(reply: unknown, turn: number): Transcript {
  if (typeof reply === 'string') return { messages: [{ role: 'assistant', content: reply }] }
  try {
    return toTranscript(reply)
  } catch (error) {
    if (!(error instanceof TranscriptError)) throw error
    throw new TranscriptError(
      error.message.replace(
        /^toTranscript\(\)/,
        `runConversation(): the agent's reply on turn ${turn} cannot be read:`,
      ),
      { ...(error.messageIndex === undefined ? {} : { messageIndex: error.messageIndex }), cause: error },
    )
  }
}
