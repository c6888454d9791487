/**
 * Internal to the reporter: reads `report.json` files (baselines, and reports given to the CLI), validated with the
 * published schema. Reports of schema version 1 are read by filling in what version 2 added.
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
  const parsed = reportSchema.safeParse(
    version === 1 ? upgradeFromVersion1(value as Record<string, unknown>) : value,
  )
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
  return parseReport(text, shownAs)
}

/** Version 1 lacked run metadata, gates, the baseline comparison, alerts, costs and dataset hashes. */
function upgradeFromVersion1(report: Record<string, unknown>): unknown {
  const judgments = Array.isArray(report.judgments) ? (report.judgments as Record<string, unknown>[]) : []
  const summary = (report.summary ?? {}) as Record<string, unknown>
  const totals = (summary.totals ?? {}) as Record<string, unknown>
  const rubricIds = new Set(
    judgments.map((judgment) => judgment.rubricId).filter((id) => typeof id === 'string'),
  )
  return {
    ...report,
    schemaVersion: REPORT_SCHEMA_VERSION,
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
