/**
 * `vitest-rubric report report.json --html out.html`: renders a report as HTML or Markdown, or sends its judgments
 * to an OpenTelemetry collector (`--otel <endpoint>`).
 */

import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { RubricArgumentError, RubricError } from '../errors.ts'
import { compareReports } from '../reporter/baseline.ts'
import { readHistory } from '../reporter/history.ts'
import { renderHtml } from '../reporter/html.ts'
import { renderMarkdown } from '../reporter/markdown.ts'
import { emitEvaluationEvents, resolveOtelTarget } from '../reporter/otel.ts'
import { readReport } from '../reporter/read-report.ts'
import { sourceLinks } from '../reporter/source-links.ts'
import { writeFileAtomic } from '../util/atomic-write.ts'
import { withUsage } from './args.ts'
import type { Command } from './command.ts'

const usage = `Usage: vitest-rubric report <report.json> [--html <out.html>] [--markdown <out.md>]
                            [--baseline <baseline.json>] [--history <history.jsonl>] [--worst <n>]
                            [--otel <endpoint>]

Renders a report.json. Without --html, --markdown or --otel, prints the Markdown summary.

Options:
  --html <file>       write the self-contained HTML report (charts inline, no script, no network); run it
                      from the project's root, which its links to each output's test file are relative to
  --markdown <file>   write the Markdown summary
  --baseline <file>   compare with this report: the change column, and a diff of each shown output
                      against the baseline's
  --history <file>    the run history for the trend (default: history.jsonl beside the report, if any)
  --worst <n>         lowest-scoring outputs shown per dimension (default 5)
  --otel <endpoint>   send each judgment as an OpenTelemetry gen_ai.evaluation.result event to this
                      OTLP/HTTP collector (for example http://localhost:4318); needs @opentelemetry/api,
                      @opentelemetry/sdk-logs and @opentelemetry/exporter-logs-otlp-http`

export const command: Command = {
  summary: 'render a report.json as a self-contained HTML report or a Markdown summary',
  usage,
  async run(args) {
    const { values, positionals } = withUsage(usage, () =>
      parseArgs({
        args,
        options: {
          html: { type: 'string' },
          markdown: { type: 'string' },
          baseline: { type: 'string' },
          history: { type: 'string' },
          worst: { type: 'string' },
          otel: { type: 'string' },
        },
        allowPositionals: true,
      }),
    )
    const [reportPath, ...rest] = positionals
    if (!reportPath || rest.length > 0)
      throw new RubricArgumentError(`report takes one report.json.\n\n${usage}`)
    const worst = values.worst === undefined ? 5 : Number(values.worst)
    if (!Number.isInteger(worst) || worst < 0) {
      throw new RubricArgumentError(
        `--worst is "${values.worst}"; give a whole number of outputs, such as 5.`,
      )
    }
    let report = await readReport(reportPath)
    const baseline = values.baseline ? await readReport(values.baseline) : undefined
    if (baseline && values.baseline) {
      report = { ...report, baseline: compareReports(baseline, report, { file: values.baseline }) }
    }
    const historyPath = values.history ?? join(dirname(reportPath), 'history.jsonl')
    const history = values.history || existsSync(historyPath) ? await readHistory(historyPath) : []

    if (values.html === undefined && values.markdown === undefined && values.otel === undefined) {
      console.log(renderMarkdown(report, { worst }).trimEnd())
      return 0
    }
    if (values.html !== undefined) {
      // Run from the project's root, as the report's file paths are relative to it.
      const sources = sourceLinks(process.cwd(), resolve(values.html), report.commit)
      await write(values.html, renderHtml(report, { baseline, history, worst, sources }))
    }
    if (values.markdown !== undefined) await write(values.markdown, renderMarkdown(report, { worst }))
    if (values.otel !== undefined) {
      const target = resolveOtelTarget({ endpoint: values.otel }, '--otel')
      const outcome = target && (await emitEvaluationEvents(report, target))
      if (outcome && 'warning' in outcome) {
        console.error(outcome.warning)
        return 1
      }
      if (outcome) console.log(`sent ${outcome.sent} gen_ai.evaluation.result events to ${values.otel}`)
    }
    return 0
  },
}

async function write(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text)
  } catch (error) {
    throw new RubricError(
      'RUBRIC_REPORT_WRITE',
      `could not write ${path}. Check that its directory is writable.`,
      {
        cause: error,
      },
    )
  }
  console.log(`wrote ${path}`)
}
