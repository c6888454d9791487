import { z } from 'zod'

/**
 * The normalised conversation every part of vitest-rubric reads: ordered messages with a role. Agents return
 * conversations in their SDK's shape; `toTranscript` turns each accepted shape into this one.
 */

/** One tool call of an assistant message. */
export const toolCallSchema = z.object({
  /** The call's id, which the tool message with its result names as `toolCallId`. */
  id: z.string(),
  /** The tool's name. */
  name: z.string(),
  /** The arguments as parsed JSON (OpenAI's argument strings are parsed; an empty string is `{}`). */
  arguments: z.json(),
})

/** A system (or developer) message: the instructions the assistant works under. */
export const systemMessageSchema = z.object({ role: z.literal('system'), content: z.string() })

/** A user turn: its text, with a placeholder such as `[image]` for parts that are not text. */
export const userMessageSchema = z.object({ role: z.literal('user'), content: z.string() })

/** An assistant turn: its text (empty when it only calls tools) and the tools it called, in order. */
export const assistantMessageSchema = z.object({
  role: z.literal('assistant'),
  content: z.string(),
  toolCalls: z.array(toolCallSchema).optional(),
})

/** The result of one tool call, tied to the call by its id. */
export const toolMessageSchema = z.object({
  role: z.literal('tool'),
  /** The id of the call this result answers; an earlier assistant message has a call with this id. */
  toolCallId: z.string(),
  /** The name of the tool that was called. */
  name: z.string(),
  /** The result as text; structured results are JSON. */
  content: z.string(),
  /** The tool failed and `content` is its error. */
  isError: z.boolean().optional(),
})

export const transcriptMessageSchema = z.discriminatedUnion('role', [
  systemMessageSchema,
  userMessageSchema,
  assistantMessageSchema,
  toolMessageSchema,
])

/** Tokens the system under test spent on one model call, as the SDK reported them. */
export const transcriptUsageSchema = z.object({
  /** The model that answered, when the shape names it. */
  model: z.string().optional(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
})

/** A conversation normalised from any accepted shape. */
export const transcriptSchema = z.object({
  messages: z.array(transcriptMessageSchema),
  /** The token usage of the model calls that produced the assistant's messages, one entry per call. */
  usage: z.array(transcriptUsageSchema).optional(),
})

export type ToolCall = z.infer<typeof toolCallSchema>
export type SystemMessage = z.infer<typeof systemMessageSchema>
export type UserMessage = z.infer<typeof userMessageSchema>
export type AssistantMessage = z.infer<typeof assistantMessageSchema>
export type ToolMessage = z.infer<typeof toolMessageSchema>
export type TranscriptMessage = z.infer<typeof transcriptMessageSchema>
export type TranscriptUsage = z.infer<typeof transcriptUsageSchema>
export type Transcript = z.infer<typeof transcriptSchema>
/** A JSON value, as tool arguments are. */
export type JsonValue = ToolCall['arguments']
