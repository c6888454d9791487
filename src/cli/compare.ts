/** `vitest-rubric compare base.json head.json`: the baseline comparison of two reports, exit 1 on a regression. */
import { parseArgs } from 'node:util'
import picocolors from 'picocolors'
import { RubricArgumentError } from '../errors.ts'
import { compareReports, regressionAlerts } from '../reporter/baseline.ts'
import { readReport } from '../reporter/read-report.ts'
import { renderChecks, renderComparison } from '../reporter/render-checks.ts'
import { stdoutColors, withUsage } from './args.ts'
import type { Command } from './command.ts'

const usage = `Usage: vitest-rubric compare <base.json> <head.json> [--json]

Compares two report.json files per dimension: the change of the mean over the outputs both runs scored
(paired by project, file, test name, dimension and occurrence in the test), with a 95% paired bootstrap
interval (seeded: the same reports give the same interval), and a verdict: improved, unchanged (within
noise), regressed.

Options:
  --json   print the comparison as JSON instead of a table

Exit code: 1 when a dimension regressed, else 0.`

export const command: Command = {
  summary: 'compare two report.json files per dimension; exit 1 on a significant drop',
  usage,
  async run(args) {
    const { values, positionals } = withUsage(usage, () =>
      parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true }),
    )
    const [basePath, headPath, ...rest] = positionals
    if (!basePath || !headPath || rest.length > 0) {
      throw new RubricArgumentError(`compare takes two reports, the baseline then the new run.\n\n${usage}`)
    }
    const [base, head] = await Promise.all([readReport(basePath), readReport(headPath)])
    const comparison = compareReports(base, head, { file: basePath })
    const alerts = regressionAlerts(comparison)
    if (values.json) {
      console.log(JSON.stringify(comparison, null, 2))
    } else {
      const c = picocolors.createColors(stdoutColors())
      console.log(renderComparison(comparison, `compare ${basePath} → ${headPath}`, c))
      const checks = renderChecks([], alerts, c)
      console.log(checks === '' ? ` ${c.green('no regression')}` : checks)
    }
    return alerts.length > 0 ? 1 : 0
  },
}
