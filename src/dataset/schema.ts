import { z } from 'zod'
import { TranscriptError } from '../transcript/errors.ts'
import { toTranscript } from '../transcript/to-transcript.ts'
import type { ExpectedToolCall } from '../transcript/tool-sequence.ts'
import type { DatasetRow } from '../types.ts'

const KNOWN = new Set([
  'id',
  'input',
  'output',
  'context',
  'reference',
  'expected',
  'messages',
  'expectedTools',
  'metadata',
])

/**
 * The schema `loadDataset` uses when given none. It reads `id` (text or number), `input` (text), and the
 * optional `output`, `context` (text or list of texts), `reference`, `expected` (any value) and `metadata`
 * (object). Other fields are moved into `metadata`, where a key written in `metadata` itself wins: a CSV column
 * `segment` becomes `metadata.segment`, so reports can group by it.
 */
export const datasetRowSchema = z.preprocess(
  withInputFromMessages,
  z
    .looseObject({
      id: z
        .union([z.string().min(1), z.number()], {
          error: 'Invalid id: expected a non-empty string or a number',
        })
        .optional(),
      input: z.string(),
      output: z.string().optional(),
      messages: z.array(z.record(z.string(), z.unknown())).optional(),
      expectedTools: z
        .array(
          z.union([z.string().min(1), z.object({ name: z.string().min(1), args: z.unknown().optional() })]),
        )
        .optional(),
      context: z
        .union([z.string(), z.array(z.string())], {
          error: 'Invalid input: expected a string or an array of strings',
        })
        .optional(),
      reference: z.string().optional(),
      expected: z.unknown().optional(),
      metadata: z.record(z.string(), z.unknown()).optional(),
    })
    .transform((value): DatasetRow => {
      const row: DatasetRow = { input: value.input }
      if (value.messages !== undefined) row.messages = value.messages
      if (value.expectedTools !== undefined) row.expectedTools = value.expectedTools as ExpectedToolCall[]
      if (value.id !== undefined) row.id = String(value.id)
      if (value.output !== undefined) row.output = value.output
      if (value.context !== undefined) row.context = value.context
      if (value.reference !== undefined) row.reference = value.reference
      if (value.expected !== undefined) row.expected = value.expected
      const extra: Record<string, unknown> = {}
      for (const [key, item] of Object.entries(value)) {
        if (!KNOWN.has(key) && item !== undefined) extra[key] = item
      }
      const metadata = { ...extra, ...value.metadata }
      if (Object.keys(metadata).length > 0) row.metadata = metadata
      return row
    }),
)

/**
 * A row with `messages` and no `input` takes its last user turn as the input; a conversation that cannot be read
 * is an issue of the row, naming the message.
 */
function withInputFromMessages(value: unknown, context: { issues: z.core.$ZodRawIssue[] }): unknown {
  if (value === null || typeof value !== 'object' || !('messages' in value)) return value
  const row = value as { input?: unknown; messages?: unknown }
  if (!Array.isArray(row.messages)) return value
  try {
    const turn = toTranscript(row.messages).messages.findLast((message) => message.role === 'user')
    return row.input === undefined && turn ? { ...row, input: turn.content } : value
  } catch (error) {
    if (!(error instanceof TranscriptError)) throw error
    context.issues.push({ code: 'custom', input: row.messages, path: ['messages'], message: error.message })
    return value
  }
}
