import type { RubricRecord } from '../record/schema.ts'
import type { Held } from './record-spool.ts'

/**
 * What the judges said the reader must know (for example that a server returned no log-probabilities), each
 * once per run however many judgments carry it.
 */
export function judgeNotes(records: readonly Held<RubricRecord>[]): string[] {
  const notes = new Set<string>()
  for (const record of records) if (record.kind === 'judgment' && record.note) notes.add(record.note)
  return [...notes].sort()
}
