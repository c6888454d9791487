/**
 * Internal to the reporter: the files around a run (the baseline it is compared with, the history it extends, the
 * Markdown summary and the HTML report it writes). The reporter and the CLI share these; the decisions are in
 * evaluate-run.ts.
 */
import { appendFile } from 'node:fs/promises'
import { isAbsolute, relative, resolve } from 'node:path'
import { RubricError } from '../errors.ts'
import { writeFileAtomic } from '../util/atomic-write.ts'
import type { HistoryEntry } from './history.ts'
import { renderHtml } from './html.ts'
import { renderMarkdown } from './markdown.ts'
import { ReportReadError, readReport } from './read-report.ts'
import type { HeldReport } from './record-spool.ts'
import type { RubricReport } from './schema.ts'
import { sourceLinks } from './source-links.ts'

/** What became of the configured baseline. */
export type LoadedBaseline =
  | { status: 'loaded'; file: string; report: RubricReport }
  | { status: 'missing'; file: string }
  | { status: 'invalid'; file: string; error: ReportReadError }

/** Reads the baseline `file` (relative to `root`): a missing file is not an error, an unreadable one is reported. */
export async function loadBaseline(root: string, file: string): Promise<LoadedBaseline> {
  const path = resolveFrom(root, file)
  try {
    return { status: 'loaded', file, report: await readReport(path, file) }
  } catch (error) {
    if (!(error instanceof ReportReadError)) throw error
    if ((error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
      return { status: 'missing', file }
    return { status: 'invalid', file, error }
  }
}

export interface SummaryTargets {
  /** A file to write the Markdown summary to, relative to `root`. */
  markdown: string | false
  /** Append the summary to `$GITHUB_STEP_SUMMARY` when it is set. */
  githubSummary: boolean
  /** A file to write the HTML report to, relative to `root`. */
  html: string | false
  worst: number
}

/**
 * Writes the Markdown summary and the HTML report where asked. GitHub's step summary is appended to (each step's
 * summary adds to the job's); the files are replaced atomically. Returns the files written, relative to `root`.
 */
export async function writeSummaries(
  report: HeldReport,
  root: string,
  targets: SummaryTargets,
  context: { baseline?: RubricReport | undefined; history?: readonly HistoryEntry[] | undefined },
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const written: string[] = []
  const stepSummary = targets.githubSummary ? env.GITHUB_STEP_SUMMARY : undefined
  if (targets.markdown !== false || stepSummary) {
    const markdown = renderMarkdown(report, { worst: targets.worst })
    if (stepSummary) {
      await writing(stepSummary, 'githubSummary', () => appendFile(stepSummary, `${markdown}\n`, 'utf8'))
    }
    if (targets.markdown !== false) {
      const path = resolveFrom(root, targets.markdown)
      await writing(path, 'markdown', () => writeFileAtomic(path, markdown))
      written.push(shown(root, path))
    }
  }
  if (targets.html !== false) {
    const path = resolveFrom(root, targets.html)
    const html = renderHtml(report, {
      baseline: context.baseline,
      history: context.history,
      worst: targets.worst,
      sources: sourceLinks(root, path, report.commit, env),
    })
    await writing(path, 'html', () => writeFileAtomic(path, html))
    written.push(shown(root, path))
  }
  return written
}

export function resolveFrom(root: string, file: string): string {
  return isAbsolute(file) ? file : resolve(root, file)
}

export function shown(root: string, path: string): string {
  return relative(root, path).replaceAll('\\', '/')
}

async function writing(path: string, option: string, write: () => Promise<void>): Promise<void> {
  try {
    await write()
  } catch (error) {
    throw new RubricError(
      'RUBRIC_REPORT_WRITE',
      `could not write ${path}. Check that its directory is writable, or change the reporter option \`${option}\`.`,
      { cause: error },
    )
  }
}
