/**
 * Internal to the reporter: what the main process keeps of the records in memory during a run. Every test's records
 * arrive in its `task.meta.rubric`, which Vitest holds until the process ends; at 32,000 judgments that copy was most
 * of the plugin's memory. Once a test file has ended, each of its records is written whole to a spool file and
 * replaced in the meta by a held record: the record located (file, test, project, state) without the text fields
 * that only the rendering of single judgments reads (`SPOOLED_FIELDS`), its strings shared, in a compact object.
 * report.json streams the whole records back from the spool one at a time; the Markdown and HTML reports read the
 * few they show. A new kind or field of record needs nothing here: it stays in memory unless listed below, and the
 * spool keeps every field.
 *
 * Nothing is held when a reporter of the run writes the meta itself (`blob` for `--merge-reports`, `json`): they
 * read it whole when the run ends.
 */
import { mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Vitest } from 'vitest/node'
import { RubricError } from '../errors.ts'
import type { LocatedRecord } from '../record/schema.ts'
import type { RubricReport } from './schema.ts'

/** The record fields read only where single judgments are shown (report.json, worst outputs, OpenTelemetry). */
export const SPOOLED_FIELDS = ['output', 'input', 'reason', 'baseline'] as const
export type SpooledField = (typeof SPOOLED_FIELDS)[number]

/** `T` with its spooled fields optional: how a record may be held in memory. */
export type Held<T> = T extends unknown
  ? Omit<T, SpooledField & keyof T> & Partial<Pick<T, SpooledField & keyof T>>
  : never
/** A located record as the reporter holds it: whole, or without its spooled text (`spooledText` reads it). */
export type HeldRecord = Held<LocatedRecord>

/** A report as the reporter holds it: its judgments may be held. */
export type HeldReport = Omit<RubricReport, 'judgments'> & { judgments: HeldRecord[] }

/** The reporters that write `task.meta` as it is when the run ends; with one of them nothing is held. */
const META_WRITERS = new Set(['blob', 'json'])
/** Longer strings are not worth sharing: they are rarely equal. */
const MAX_SHARED_STRING = 200
const SPOOLED = new Set<string>(SPOOLED_FIELDS)
// Registered symbols and a global: the package may be loaded more than once in a process (by a config bundled by
// Vitest and by a test that starts Vitest), and every copy must read the same spool.
const SPOOL_ENTRY = Symbol.for('vitest-rubric.spool-entry')
const SPOOL = Symbol.for('vitest-rubric.spool')

type Spooled = HeldRecord & { [SPOOL_ENTRY]?: number }

/**
 * One spool per process, shared by its Vitest instances (tests start several) and kept across watch-mode re-runs,
 * whose tables still show the records of the files not re-run. Removed when the process exits.
 */
class Spool {
  private fd: number | undefined
  private directory: string | undefined
  private size = 0
  /** Byte offset of each entry, then the end of the last. */
  private readonly offsets: number[] = [0]

  /** Appends the texts as entries; returns the first entry's index. */
  append(texts: readonly string[]): number {
    const fd = this.open()
    const first = this.offsets.length - 1
    const chunk = texts.join('')
    const bytes = Buffer.from(chunk, 'utf8')
    // Written before any entry is counted, so that a failed write leaves no entry pointing past the file.
    let written = 0
    while (written < bytes.length)
      written += writeSync(fd, bytes, written, bytes.length - written, this.size + written)
    for (const text of texts) this.offsets.push(this.offsets.at(-1)! + Buffer.byteLength(text, 'utf8'))
    this.size += bytes.length
    return first
  }

  read(entry: number): string {
    const start = this.offsets[entry]
    const end = this.offsets[entry + 1]
    if (this.fd === undefined || start === undefined || end === undefined) {
      throw new RubricError(
        'RUBRIC_SPOOL_READ',
        `the text of record ${entry} of this run is not in the spool. This is a bug in vitest-rubric; please report it.`,
      )
    }
    const bytes = Buffer.alloc(end - start)
    let read = 0
    try {
      while (read < bytes.length) {
        const count = readSync(this.fd, bytes, read, bytes.length - read, start + read)
        if (count === 0) throw new Error(`the spool ends at byte ${start + read}`)
        read += count
      }
    } catch (error) {
      throw new RubricError(
        'RUBRIC_SPOOL_READ',
        `could not read a record back from ${this.directory}: the run's records are kept there until the report is ` +
          'written. Check that the temporary directory (TMPDIR) is not cleaned while Vitest runs.',
        { cause: error },
      )
    }
    return bytes.toString('utf8')
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd
    const directory = mkdtempSync(join(tmpdir(), 'vitest-rubric-'))
    this.fd = openSync(join(directory, 'records.jsonl'), 'w+')
    this.directory = directory
    process.once('exit', () => rmSync(directory, { recursive: true, force: true }))
    return this.fd
  }
}

const processGlobal = globalThis as { [SPOOL]?: Spool }

/**
 * Writes `records` whole to the spool and returns them held, in order; `undefined` when the spool cannot be written
 * (then the records stay as they are: holding is never needed for a correct report).
 */
export function spoolRecords(records: readonly LocatedRecord[]): HeldRecord[] | undefined {
  let entry: number
  try {
    processGlobal[SPOOL] ??= new Spool()
    entry = processGlobal[SPOOL].append(records.map((record) => `${JSON.stringify(record)}\n`))
  } catch {
    return undefined
  }
  const shared = new Map<string, string>()
  const share = (_key: string, value: unknown) => {
    if (typeof value !== 'string' || value.length > MAX_SHARED_STRING) return value
    const known = shared.get(value)
    if (known !== undefined) return known
    shared.set(value, value)
    return value
  }
  return records.map((record) => {
    // Parsed from JSON, a held record is a compact object whose shape the others of its kind share, which an
    // object built key by key with this many keys is not.
    const held = JSON.parse(JSON.stringify(record, dropSpooled(record)), share) as Spooled
    held[SPOOL_ENTRY] = entry++
    return held
  })
}

/** Whether the run's records may be held: no reporter of the run writes the meta itself. */
export function mayHold(reporters: Vitest['config']['reporters']): boolean {
  return !reporters.some((reporter) => {
    const name = Array.isArray(reporter) ? reporter[0] : reporter
    return typeof name === 'string' && META_WRITERS.has(name)
  })
}

/**
 * The whole located record of `record`: its spooled text read back when it is held, else `record` itself (a record
 * read from a report file, or never held).
 */
export function spooledText(record: HeldRecord): LocatedRecord {
  const entry = (record as Spooled)[SPOOL_ENTRY]
  const spool = processGlobal[SPOOL]
  if (entry === undefined || !spool) return record as LocatedRecord
  return JSON.parse(spool.read(entry)) as LocatedRecord
}

/** Whether `record` is held: its location is already known and its text is in the spool. */
export function isHeld(record: object): record is HeldRecord {
  return (record as Spooled)[SPOOL_ENTRY] !== undefined
}

function dropSpooled(record: object) {
  return function (this: unknown, key: string, value: unknown) {
    return this === record && SPOOLED.has(key) ? undefined : value
  }
}
