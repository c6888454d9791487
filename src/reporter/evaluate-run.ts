/**
 * Internal to the reporter: everything decided about a run once its report is built: suite gates, the baseline
 * comparison, slow drift and the tiered alerts. Pure: the reporter and the CLI read the files and pass them in.
 */
import type { DriftOptions, RegressionPolicy, SuiteGates } from '../types.ts'
import type { DimensionStats } from './aggregate.ts'
import { compareReports, regressionAlerts } from './baseline.ts'
import { evaluateGates, gateAlerts } from './gates.ts'
import { type DriftFinding, detectDrift, driftAlerts, type HistoryEntry, historyEntry } from './history.ts'
import type { HeldReport } from './record-spool.ts'
import type { BaselineComparison, GateResult, RubricAlert, RubricReport } from './schema.ts'

export interface EvaluateRunOptions {
  gates: SuiteGates
  /** The baseline report and how it is named (its path as configured). */
  baseline?: { report: RubricReport; file: string } | undefined
  /** The history before this run, oldest first; this run is added for the drift test. */
  history?: readonly HistoryEntry[] | undefined
  drift: Required<DriftOptions> | false
  /**
   * How the run was filtered (`a -t pattern`, `file filters`, `a watch re-run`), or false for a run of the whole
   * suite: only a filtered run skips a gate on a dimension it did not score.
   * @default false
   */
  filtered?: string | false
}

export interface RunEvaluation {
  gates: GateResult[]
  baseline: BaselineComparison | null
  drift: DriftFinding[]
  /** P0 (broken gates), then P1 (regressions), then P2 (drift). */
  alerts: RubricAlert[]
}

/** Checks the gates, compares with the baseline and looks for drift. */
export function evaluateRun(report: HeldReport, options: EvaluateRunOptions): RunEvaluation {
  const run = Object.values(report.summary.run) as DimensionStats[]
  const gates = evaluateGates(
    options.gates,
    run,
    options.filtered ?? false,
    report.summary.taskCost?.run ?? null,
  )
  const baseline = options.baseline
    ? compareReports(options.baseline.report, report, { file: options.baseline.file })
    : null
  const drift =
    options.drift && options.history
      ? detectDrift([...options.history, historyEntry(report)], options.drift)
      : []
  const alerts = [
    ...gateAlerts(
      gates,
      run.map((stats) => stats.dimension),
    ),
    ...(baseline ? regressionAlerts(baseline) : []),
    ...driftAlerts(drift),
  ]
  return { gates, baseline, drift, alerts }
}

/** The report with the evaluation's gates, comparison and alerts filled in. */
export function withEvaluation<R extends HeldReport>(report: R, evaluation: RunEvaluation): R {
  return { ...report, gates: evaluation.gates, baseline: evaluation.baseline, alerts: evaluation.alerts }
}

/**
 * Why the run fails, one line each: every broken gate, and every regression when `regression` is `fail`. Empty
 * when the evaluation does not fail the run (drift never does).
 */
export function failureReasons(
  evaluation: Pick<RunEvaluation, 'alerts'>,
  regression: RegressionPolicy,
): RubricAlert[] {
  return evaluation.alerts.filter(
    (alert) => alert.tier === 'P0' || (alert.tier === 'P1' && regression === 'fail'),
  )
}
