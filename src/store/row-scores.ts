import { BatchedWrites } from './batched-writes.ts'
import { readStoreFile, type StoredRowScores, writeStoreRows } from './store-file.ts'

/**
 * The row index of one eval file's store inside a worker: keeps the last scores of each `describeEval` row.
 * The file is read once; a row's scores are written only when they changed, so a replayed run leaves the file
 * as it was, and rows finishing together go out in one write (as judgments do).
 */
export class RowScoresWriter {
  private known: Promise<StoredRowScores> | undefined
  private readonly writes: BatchedWrites<StoredRowScores>

  constructor(readonly file: string) {
    this.writes = new BatchedWrites<StoredRowScores>(
      () => ({}),
      (batch) => writeStoreRows(file, batch),
    )
  }

  /** Keeps the scores of one row of a suite; resolves once they are on disk. */
  async put(suite: string, rowId: string, scores: Readonly<Record<string, number>>): Promise<void> {
    this.known ??= readStoreFile(this.file).then((document) => document.rows ?? {})
    const known = await this.known
    if (sameScores(known[suite]?.[rowId], scores)) return
    const entry = { ...scores }
    known[suite] = { ...known[suite], [rowId]: entry }
    await this.writes.write((batch) => {
      batch[suite] = { ...batch[suite], [rowId]: entry }
    })
  }
}

function sameScores(
  a: Readonly<Record<string, number>> | undefined,
  b: Readonly<Record<string, number>>,
): boolean {
  if (!a) return false
  const keys = Object.keys(b)
  return Object.keys(a).length === keys.length && keys.every((key) => a[key] === b[key])
}
