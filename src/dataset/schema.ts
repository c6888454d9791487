import { z } from 'zod'
import type { DatasetRow } from '../types.ts'

const KNOWN = new Set(['id', 'input', 'output', 'context', 'reference', 'expected', 'metadata'])

/**
 * The schema `loadDataset` uses when given none. It reads `id` (text or number), `input` (text), and the
 * optional `output`, `context` (text or list of texts), `reference`, `expected` (any value) and `metadata`
 * (object). Other fields are moved into `metadata`, where a key written in `metadata` itself wins: a CSV column
 * `segment` becomes `metadata.segment`, so reports can group by it.
 */
export const datasetRowSchema = z
  .looseObject({
    id: z
      .union([z.string().min(1), z.number()], {
        error: 'Invalid id: expected a non-empty string or a number',
      })
      .optional(),
    input: z.string(),
    output: z.string().optional(),
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
  })
