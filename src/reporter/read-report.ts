/**
 * Internal to the reporter: reads `report.json` files (baselines, and reports given to the CLI), validated with the
 * published schema. Reports of older schema versions are upgraded step by step to the current one.
 */
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { RubricError } from '../errors.ts'
import { REPORT_SCHEMA_VERSION, type RubricReport, reportSchema } from './schema.ts'

/** A report that cannot be read: missing, not JSON, of an unknown version, or not matching the schema. */
export class ReportReadError extends RubricError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RUBRIC_REPORT_INVALID', message, options)
    this.name = 'ReportReadError'
  }
}

/** Parses and validates the text of a report; `source` names it in errors (a path). */
export function parseReport(text: string, source: string): RubricReport {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new ReportReadError(
      `${source} is not JSON (${(error as Error).message}). Write it again with the reporter or \`vitest-rubric baseline\`.`,
      { cause: error },
    )
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion
  if (typeof version !== 'number') {
    throw new ReportReadError(
      `${source} is not a vitest-rubric report: it has no schemaVersion. Point to a report.json the reporter wrote.`,
    )
  }
  if (version > REPORT_SCHEMA_VERSION) {
    throw new ReportReadError(
      `${source} has schema version ${version}, newer than the ${REPORT_SCHEMA_VERSION} this vitest-rubric reads. ` +
        'Upgrade vitest-rubric.',
    )
  }
  let upgraded = value as Record<string, unknown>
  if (version === 1) upgraded = upgradeFromVersion1(upgraded)
  if (version <= 2) upgraded = upgradeFromVersion2(upgraded)
  // Version 4 only added fields (pairwise records, conversation transcripts and turns, task cost changes): a
  // version 3 report is one without them.
  if (version <= 3) upgraded = { ...upgraded, schemaVersion: REPORT_SCHEMA_VERSION }
  const parsed = reportSchema.safeParse(upgraded)
  if (!parsed.success) {
    throw new ReportReadError(
      `${source} does not match the report schema:\n${z.prettifyError(parsed.error)}\n` +
        'Write it again with the reporter or `vitest-rubric baseline`.',
    )
  }
  return parsed.data
}

/** Reads and validates a report file. */
export async function readReport(path: string, shownAs: string = path): Promise<RubricReport> {
  return (await readReportFile(path, shownAs)).report
}

/** Reads and validates a report file, with its text as written. */
export async function readReportFile(
  path: string,
  shownAs: string = path,
): Promise<{ report: RubricReport; text: string }> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new ReportReadError(
      `cannot read the report ${shownAs} (${(error as NodeJS.ErrnoException).code ?? String(error)}). ` +
        'Check the path; the reporter writes .vitest-rubric/report.json by default.',
      { cause: error },
    )
  }
  return { report: parseReport(text, shownAs), text }
}

/** Version 1 lacked run metadata, gates, the baseline comparison, alerts, costs and dataset hashes. */
function upgradeFromVersion1(report: Record<string, unknown>): Record<string, unknown> {
  const judgments = Array.isArray(report.judgments) ? (report.judgments as Record<string, unknown>[]) : []
  const summary = (report.summary ?? {}) as Record<string, unknown>
  const totals = (summary.totals ?? {}) as Record<string, unknown>
  const rubricIds = new Set(
    judgments.map((judgment) => judgment.rubricId).filter((id) => typeof id === 'string'),
  )
  return {
    ...report,
    schemaVersion: 2,
    commit: null,
    rubricIds: [...rubricIds].sort(),
    datasetHashes: [],
    summary: { ...summary, totals: { ...totals, costUsd: null } },
    gates: [],
    baseline: null,
    alerts: [],
    judgments: judgments.map((judgment) => ({ ...judgment, datasetHash: null })),
  }
}

/**
 * Version 2 wrote a judgment as a copy of its record with `null` for absent values, told checks and scorers
 * apart only by the judge's name, and had no call ids; its `pass` of a check was the assertion's outcome.
 */
function upgradeFromVersion2(report: Record<string, unknown>): Record<string, unknown> {
  const judgments = Array.isArray(report.judgments) ? (report.judgments as Record<string, unknown>[]) : []
  return {
    ...report,
    schemaVersion: 3,
    judgments: judgments.map((judgment) => {
      const present = Object.fromEntries(Object.entries(judgment).filter(([, value]) => value !== null))
      const { rubricId, retries, ...rest } = present
      const score = typeof judgment.score === 'number' ? judgment.score : null
      const floor = typeof judgment.floor === 'number' ? judgment.floor : 0
      const common = {
        ...rest,
        // Unique in the run, as call ids are since version 3: the test's place, then what tells its calls apart.
        callId: [
          judgment.project,
          judgment.file,
          judgment.test,
          judgment.assertion,
          judgment.judgeId,
          judgment.latencyMs,
        ]
          .map(String)
          .join('\u0000'),
        pass: score === null ? null : score >= floor,
        assertionPassed: judgment.pass ?? null,
      }
      if (judgment.judgeName !== 'check' && judgment.judgeName !== 'scorer') {
        return { ...common, kind: 'judgment', rubricId, ...(retries ? { retries } : {}) }
      }
      const scorer = String(rubricId).replace(/^scorer:/, '')
      const kind =
        judgment.judgeName === 'check'
          ? 'check'
          : judgment.assertion === 'toBeSimilarTo'
            ? 'similarity'
            : 'scorer'
      const { tokens: _tokens, costUsd: _cost, ...check } = common as Record<string, unknown>
      return { ...check, kind, scorer }
    }),
  }
}
