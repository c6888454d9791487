import { RubricError } from '../errors.ts'

/** The shapes `toTranscript` accepts, as the errors name them. */
export const ACCEPTED_SHAPES = [
  'a Transcript ({ messages } with roles system, user, assistant, tool)',
  'OpenAI Chat Completions messages (optionally followed by ChatCompletion responses)',
  'OpenAI Responses API items (message, function_call, function_call_output) or a Response',
  'Vercel AI SDK model messages, or a generateText/streamText result with `steps`',
  'Anthropic Messages (tool_use / tool_result blocks), or { system, messages }',
] as const

/** A value that is not a conversation in any accepted shape, or a message in it that cannot be read. */
export class TranscriptError extends RubricError {
  /** The index of the message at fault, when one is. */
  readonly messageIndex: number | undefined

  constructor(message: string, options: { messageIndex?: number; cause?: unknown } = {}) {
    super('RUBRIC_INVALID_TRANSCRIPT', message, options.cause === undefined ? {} : { cause: options.cause })
    this.name = 'TranscriptError'
    this.messageIndex = options.messageIndex
  }
}

/** An error about message `index`: what is wrong, then how to fix it. */
export function messageError(index: number, problem: string, fix: string, cause?: unknown): TranscriptError {
  return new TranscriptError(`toTranscript(): message ${index} ${problem}. ${fix}`, {
    messageIndex: index,
    ...(cause === undefined ? {} : { cause }),
  })
}

/** Names a value's kind and keys for an error, without quoting its content. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value !== 'object') return `a ${typeof value}`
  const keys = Object.keys(value)
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 12).join(', ')}`
}
