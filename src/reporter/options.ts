/**
 * Internal to the reporter: checks the options of gates, baseline, history and the Markdown and HTML outputs,
 * and fills in their defaults. Pure; called when the config loads, so a mistake stops the run before any test.
 */
import { dirname, join } from 'node:path'
import { validateCalibrationGate } from '../calibration/status.ts'
import { RubricArgumentError } from '../errors.ts'
import type {
  CalibrationGateOptions,
  DriftOptions,
  EvalsOptions,
  RegressionPolicy,
  RubricReporterOptions,
  SuiteGates,
} from '../types.ts'
import { validateGates } from './gates.ts'
import { type OtelTarget, resolveOtelTarget } from './otel.ts'

/**
 * Drift alerts look at the last `runs` comparable runs and flag a steady fall of more than `slope` a run; a run
 * with more than a tenth of its results in error is left out (its mean stands on the outputs the judge managed).
 */
export const DEFAULT_DRIFT: Required<DriftOptions> = { runs: 5, slope: 0.01, maxErrorShare: 0.1 }

/** What the reporter does after the table, every default filled in. */
export interface ReportOptions {
  gates: SuiteGates
  baseline: string | false
  regression: RegressionPolicy
  history: string | false
  drift: Required<DriftOptions> | false
  markdown: string | false
  githubSummary: boolean
  html: string | false
  worst: number
  /** Where the OpenTelemetry evaluation events go, if anywhere. */
  otel: OtelTarget | false
}

export const DEFAULT_HISTORY_FILE = '.vitest-rubric/history.jsonl'

/**
 * The history lives beside report.json: `.vitest-rubric/history.jsonl` unless `outputFile` moves the report, and
 * none when `outputFile` is false (a reporter told to write no report writes no file).
 */
function defaultHistory(outputFile: string | false | undefined): string | false {
  if (outputFile === false) return false
  if (typeof outputFile !== 'string' || outputFile.trim() === '') return DEFAULT_HISTORY_FILE
  return join(dirname(outputFile), 'history.jsonl')
}
export const DEFAULT_WORST = 5

/** What a run is checked against: options of `evals()`, validated, and passed on to the reporter. */
export interface RunChecks {
  gates?: SuiteGates
  baseline?: string | false
  regression?: RegressionPolicy
  calibration?: CalibrationGateOptions
}

/** The options that `evals()` alone takes, which an earlier version also took under `reporter`. */
const CHECK_OPTIONS = ['gates', 'baseline', 'regression', 'calibration'] as const

/**
 * Validates the reporter options and the run's checks, and fills in defaults; `where` names the reporter options
 * in errors, for example `evals({ reporter })`.
 */
export function resolveReportOptions(
  options: RubricReporterOptions,
  checks: RunChecks = {},
  where = 'the reporter options',
): ReportOptions {
  const moved = CHECK_OPTIONS.filter((name) => (options as Record<string, unknown>)[name] !== undefined)
  if (moved.length > 0) {
    throw new RubricArgumentError(
      `${where}: ${moved.map((name) => `\`${name}\``).join(', ')} ${moved.length === 1 ? 'is an option' : 'are options'} ` +
        `of evals() only: write evals({ ${moved.join(', ')} }) and leave ${moved.length === 1 ? 'it' : 'them'} out of the reporter options.`,
    )
  }
  return {
    gates: checks.gates ?? {},
    baseline: checks.baseline ?? false,
    regression: checks.regression ?? 'warn',
    history: pathOption(options.history, 'history', where) ?? defaultHistory(options.outputFile),
    drift: driftOption(options.drift, where),
    markdown: pathOption(options.markdown, 'markdown', where) ?? false,
    githubSummary: booleanOption(options.githubSummary, 'githubSummary', where) ?? true,
    html: pathOption(options.html, 'html', where) ?? false,
    worst: worstOption(options.worst, where),
    otel: resolveOtelTarget(options.otel, where),
  }
}

/** What the reporter of an `evals()` project gets: its `reporter` options and the project's checks. */
export interface EvalsReporterSettings {
  options: RubricReporterOptions
  checks: RunChecks
}

/**
 * The reporter settings of an `evals()` project: its `reporter` options, and its `gates`, `baseline`, `regression`
 * and `calibration`, validated now so that a mistake fails when the config loads, before any test runs.
 */
export function evalsReporterSettings(options: EvalsOptions): EvalsReporterSettings {
  const reporter: RubricReporterOptions = { ...(options.reporter || {}) }
  const checks: RunChecks = {}
  if (options.gates !== undefined) checks.gates = validateGates(options.gates)
  const baseline = pathOption(options.baseline, 'baseline', 'evals()')
  if (baseline !== undefined) checks.baseline = baseline
  if (options.regression !== undefined) checks.regression = regressionOption(options.regression, 'evals()')
  if (options.calibration !== undefined) checks.calibration = validateCalibrationGate(options.calibration)
  resolveReportOptions(reporter, checks, 'evals({ reporter })')
  return { options: reporter, checks }
}

/** Checks `evals({ regression })`. */
export function regressionOption(value: unknown, where: string): RegressionPolicy {
  if (value === undefined) return 'warn'
  if (value === 'warn' || value === 'fail') return value
  throw new RubricArgumentError(
    `${where}: regression is ${JSON.stringify(value)}; use 'warn' (print a P1 alert) or 'fail' (also fail the run).`,
  )
}

/** A file path option: a non-empty string, or `false` for none. */
export function pathOption(value: unknown, name: string, where: string): string | false | undefined {
  if (value === undefined || value === false) return value
  if (typeof value === 'string' && value.trim() !== '') return value
  throw new RubricArgumentError(
    `${where}: ${name} is ${JSON.stringify(value)}; give a file path relative to the Vitest root, or false for none.`,
  )
}

function booleanOption(value: unknown, name: string, where: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value
  throw new RubricArgumentError(`${where}: ${name} is ${JSON.stringify(value)}; use true or false.`)
}

function driftOption(value: unknown, where: string): Required<DriftOptions> | false {
  if (value === false) return false
  if (value === undefined) return DEFAULT_DRIFT
  const drift = value as DriftOptions
  const runs = drift.runs ?? DEFAULT_DRIFT.runs
  const slope = drift.slope ?? DEFAULT_DRIFT.slope
  const maxErrorShare = drift.maxErrorShare ?? DEFAULT_DRIFT.maxErrorShare
  if (typeof value !== 'object' || value === null || !Number.isInteger(runs) || runs < 3) {
    throw new RubricArgumentError(
      `${where}: drift.runs is ${JSON.stringify(drift?.runs)}; give a whole number of runs, at least 3 (default 5).`,
    )
  }
  if (typeof slope !== 'number' || !(slope >= 0 && slope <= 1)) {
    throw new RubricArgumentError(
      `${where}: drift.slope is ${JSON.stringify(slope)}; give the fall of the mean per run, between 0 and 1 (default 0.01).`,
    )
  }
  if (typeof maxErrorShare !== 'number' || !(maxErrorShare >= 0 && maxErrorShare <= 1)) {
    throw new RubricArgumentError(
      `${where}: drift.maxErrorShare is ${JSON.stringify(maxErrorShare)}; give the share of results in error above ` +
        'which a run is left out of drift, between 0 and 1 (default 0.1).',
    )
  }
  return { runs, slope, maxErrorShare }
}

function worstOption(value: unknown, where: string): number {
  if (value === undefined) return DEFAULT_WORST
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value
  throw new RubricArgumentError(
    `${where}: worst is ${JSON.stringify(value)}; give how many outputs to show per dimension, a whole number (default 5).`,
  )
}
