import { openStore, type SharedStore } from './shared-store.ts'

/**
 * The row index of one eval file's store: keeps the last scores of each `describeEval` row. A row's scores are
 * written only when they changed, so a replayed run leaves the file as it was, and rows finishing together go out
 * in one write (as judgments do).
 */
export class RowScoresWriter {
  private readonly store: SharedStore

  constructor(readonly file: string) {
    this.store = openStore(file)
  }

  /**
   * Keeps the scores of one row of a suite; resolves once they are on disk. `failed` names dimensions whose
   * judgment failed in this run: a score stored for them is kept (a failed run overwrites no verdict), and a row
   * never scored on them stays unscored.
   */
  async put(
    suite: string,
    rowId: string,
    scores: Readonly<Record<string, number>>,
    failed: readonly string[] = [],
  ): Promise<void> {
    const known = (await this.store.read()).rows?.[suite]?.[rowId]
    const entry: Record<string, number> = {}
    for (const dimension of failed) {
      const kept = known?.[dimension]
      if (kept !== undefined) entry[dimension] = kept
    }
    Object.assign(entry, scores)
    if (Object.keys(entry).length === 0 || sameScores(known, entry)) return
    await this.store.write({ rows: { [suite]: { [rowId]: entry } } })
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
