import { stripVTControlCharacters } from 'node:util'
import type { RunnerTestCase as Test } from 'vitest'
import type { RubricRecord } from '../record/schema.ts'
import { isPanel } from '../reliability/panel.ts'
import { maskFinding } from '../scorers/pii-mask.ts'
import { findSecrets } from '../scorers/secrets.ts'
import { provided } from './worker-options.ts'

const MAX_REASON = 300

/**
 * The line of the eval file the current assertion is written on: the first frame of the call stack in the test's
 * file (Vitest maps stacks to the source). Called while the matcher runs, where Vitest's own annotation locates
 * itself the same way; `undefined` when no frame is in the eval file (a `describeEval` row runs library code).
 */
export function assertionLine(task: Readonly<Test>): number | undefined {
  const file = task.file.filepath
  for (const frame of withDeepStacks(() => new Error().stack ?? '')
    .split('\n')
    .slice(1)) {
    const at = frame.lastIndexOf(`${file}:`)
    if (at === -1) continue
    const line = Number(/^:(\d+):\d+/.exec(frame.slice(at + file.length))?.[1])
    if (Number.isInteger(line)) return line
  }
  return undefined
}

/**
 * Annotates the test with one record, for Vitest's own reporters and UI: `notice` when its assertion passed,
 * `error` when the assertion failed or could not be decided. Vitest locates the annotation at the eval file's line in the call stack, so this
 * runs synchronously where the record is appended. Display only: reports aggregate from `task.meta`.
 */
export function annotateRecord(task: Readonly<Test>, record: RubricRecord): void {
  const { annotations, judge } = provided()
  if (annotations === false) return
  const members = judge === 'heuristic' ? [] : isPanel(judge) ? judge.panel : [judge]
  const keys = members.flatMap((member) => {
    const key = member.apiKey || process.env.OPENAI_API_KEY
    return key ? [key] : []
  })
  // Vitest awaits the annotation with the test; a test that has already ended (an abandoned matcher) is not
  // annotated.
  if (task.result && task.result.state !== 'run') return
  const text = annotationText(record, keys)
  void withDeepStacks(() => task.context.annotate(text, record.assertionPassed === true ? 'notice' : 'error'))
}

/**
 * Runs `read` with room for 50 frames in stack traces. A synchronous check matcher sits under a dozen frames of
 * Vitest's `expect` and of this package, past V8's default of 10, where the eval file's frame would be cut off.
 */
function withDeepStacks<T>(read: () => T): T {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = Math.max(limit, 50)
  try {
    return read()
  } finally {
    Error.stackTraceLimit = limit
  }
}

/**
 * One line that says what a record found: `relevance 0.40 < floor 0.50 · judge gpt-4.1-mini · the reason`.
 * Control characters are removed and secrets (the judge's key in `secrets`, anything that looks like a key or
 * token) are masked: annotations are printed to terminals and uploaded to CI systems. Its own characters are all
 * Latin-1, so that V8 stores it one byte per character: Vitest keeps every annotation of a run in the main process.
 */
export function annotationText(record: RubricRecord, secrets: readonly string[] = []): string {
  const verdict =
    record.score === null
      ? `${record.dimension} error`
      : record.kind === 'pairwise'
        ? `${record.dimension} ${record.outcome} against the baseline`
        : `${record.dimension} ${record.score.toFixed(2)} ${record.score >= record.floor ? '>=' : '<'} floor ${record.floor.toFixed(2)}`
  const judge =
    record.model && record.judgeName !== record.model
      ? `${record.judgeName} (${record.model})`
      : record.judgeName
  const reason = clip(oneLine(record.reason), MAX_REASON)
  // The turn is written here rather than with the reports' `turnText`: this module loads with the setup file.
  const turn =
    record.kind === 'judgment' && record.turn
      ? ` · turn ${record.turn.index} of ${record.turn.of} (message ${record.turn.message})`
      : ''
  return maskSecrets(oneLine(`${verdict}${turn} · judge ${judge} · ${reason}`), secrets)
}

/** Removes escape sequences and turns every other control character (line breaks included) into a space. */
function oneLine(text: string): string {
  return (
    stripVTControlCharacters(text)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
      .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
      .replace(/ {2,}/g, ' ')
      .trim()
  )
}

function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text
  for (const secret of secrets) if (secret.length >= 8) masked = masked.split(secret).join('********')
  // Findings of several patterns can overlap: mask their union, from the end so that offsets stay valid.
  const spans: { start: number; end: number }[] = []
  for (const { start, end } of findSecrets(masked).sort((a, b) => a.start - b.start)) {
    const last = spans.at(-1)
    if (last && start <= last.end) last.end = Math.max(last.end, end)
    else spans.push({ start, end })
  }
  for (const { start, end } of spans.reverse()) {
    masked = masked.slice(0, start) + maskFinding('secret', masked.slice(start, end)) + masked.slice(end)
  }
  return masked
}

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}...`
}
