/** `vitest-rubric baseline`: keeps a run's report as the baseline later runs are compared with. */
import { parseArgs } from 'node:util'
import { RubricError } from '../errors.ts'
import { readReportFile } from '../reporter/read-report.ts'
import { REPORT_SCHEMA_VERSION, stringifyReport } from '../reporter/report-json.ts'
import { writeFileAtomic } from '../util/atomic-write.ts'
import { withUsage } from './args.ts'
import type { Command } from './command.ts'

const DEFAULT_FROM = '.vitest-rubric/report.json'
const DEFAULT_TO = 'evals/baseline.json'

const usage = `Usage: vitest-rubric baseline [--from <report.json>] [--to <baseline.json>]

Validates a run's report and writes it, atomically, as the baseline that evals({ baseline }) and
\`vitest-rubric compare\` compare later runs with. Commit the baseline with the change that earned it.

Options:
  --from <file>   the report of the run to keep (default ${DEFAULT_FROM})
  --to <file>     where the baseline goes (default ${DEFAULT_TO}; use the path of evals({ baseline }))`

export const command: Command = {
  summary: "write a run's report.json as the new baseline",
  usage,
  async run(args) {
    const { values, positionals } = withUsage(usage, () =>
      parseArgs({
        args,
        options: { from: { type: 'string' }, to: { type: 'string' } },
        allowPositionals: true,
      }),
    )
    if (positionals.length > 0) {
      throw new RubricError(
        'RUBRIC_INVALID_ARGUMENT',
        `baseline takes no file names without --from or --to.\n\n${usage}`,
      )
    }
    const from = values.from ?? DEFAULT_FROM
    const to = values.to ?? DEFAULT_TO
    const { report, text } = await readReportFile(from)
    try {
      // A report of this version is kept as written; an older one is written upgraded.
      const written =
        JSON.parse(text).schemaVersion === REPORT_SCHEMA_VERSION ? text : stringifyReport(report)
      await writeFileAtomic(to, written)
    } catch (error) {
      throw new RubricError(
        'RUBRIC_REPORT_WRITE',
        `could not write ${to}. Check that its directory is writable.`,
        {
          cause: error,
        },
      )
    }
    const commit = report.commit ? `, commit ${report.commit.slice(0, 7)}` : ''
    console.log(`baseline ${to} written from ${from} (${report.judgments.length} judgments${commit})`)
    return 0
  },
}
