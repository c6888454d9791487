import { isAbsolute, relative, resolve } from 'node:path'
import picocolors from 'picocolors'
import type { Reporter, SerializedError, TestModule, TestRunEndReason, Vitest } from 'vitest/node'
import { runCalibration } from '../calibration/run-status.ts'
import { RubricError } from '../errors.ts'
import type { StorePolicy } from '../store/mode.ts'
import { countObsolete, findObsolete, type ObsoleteEntries, removeObsolete } from '../store/obsolete.ts'
import type { RubricReporterOptions } from '../types.ts'
import { writeChunksAtomic } from '../util/atomic-write.ts'
import { summarize } from './aggregate.ts'
import { verdictText } from './baseline.ts'
import { collectRecords, holdRecords } from './collect.ts'
import { formatCostChange } from './cost-change.ts'
import { evaluateRun, failureReasons, type RunEvaluation, withEvaluation } from './evaluate-run.ts'
import { readGitCommit } from './git-commit.ts'
import { groupFields, renderGroups, summarizeGroups } from './group-by.ts'
import { appendHistory, type HistoryEntry, historyEntry, readHistory } from './history.ts'
import { judgeNotes } from './judge-notes.ts'
import {
  type EvalsReporterSettings,
  type ReportOptions,
  type RunChecks,
  resolveReportOptions,
} from './options.ts'
import { emitEvaluationEvents } from './otel.ts'
import type { HeldReport } from './record-spool.ts'
import { paintVerdict, renderChecks, verdictCounts } from './render-checks.ts'
import { renderSummary, terminalWidth } from './render-table.ts'
import { buildReport, reportChunks } from './report-json.ts'
import { type LoadedBaseline, loadBaseline, resolveFrom, shown, writeSummaries } from './run-outputs.ts'
import { storeUsage } from './store-usage.ts'

const DEFAULT_OUTPUT_FILE = '.vitest-rubric/report.json'

/** What the reporter of an `evals()` project is made with. */
export interface EvalsReporter extends EvalsReporterSettings {
  /** How the project uses the judgment store. */
  store: StorePolicy
  /** In a shard of a sharded run with an LLM judge, the limits this shard enforces, as a line for its header. */
  limitsNote?: string
}

/**
 * Aggregates the scores that vitest-rubric matchers record, per dimension, for each file and for the run:
 * prints a table after Vitest's summary, checks the suite gates and the baseline, and writes `report.json`, the
 * run history and, on request, the Markdown summary and the HTML report. A broken gate (or a regression with
 * `regression: 'fail'`) fails the run. A shard of a sharded run only prints its table: the whole run is checked
 * and written by `vitest --merge-reports`.
 *
 * @example
 * ```ts
 * export default defineConfig({ test: { reporters: ['default', 'vitest-rubric/reporter'] } })
 * ```
 */
export class RubricReporter implements Reporter {
  private readonly options: RubricReporterOptions
  private readonly checks: ReportOptions
  private readonly calibration: RunChecks['calibration']
  private readonly store: StorePolicy | undefined
  private readonly limitsNote: string | undefined
  private vitest: Vitest | undefined

  /**
   * @param evals What an `evals()` project adds: the run's checks (gates, baseline, regression, calibration) and
   * how it uses the judgment store. A reporter added by name has neither.
   */
  constructor(options: RubricReporterOptions = {}, evals?: Partial<EvalsReporter>) {
    this.options = options
    this.checks = resolveReportOptions(options, evals?.checks)
    this.calibration = evals?.checks?.calibration
    this.store = evals?.store
    this.limitsNote = evals?.limitsNote
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  /** Keeps what the run's end needs of the module's records in memory, and the rest on disk (record-spool.ts). */
  onTestModuleEnd(testModule: TestModule): void {
    if (this.vitest) holdRecords(testModule, this.vitest)
  }

  /**
   * Reads the records from the tests' meta (they survive `--merge-reports`, unlike annotations), prints the
   * tables and writes the report. Prints nothing when no test recorded a score.
   */
  async onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    _unhandledErrors?: ReadonlyArray<SerializedError>,
    _reason?: TestRunEndReason,
  ): Promise<void> {
    const vitest = this.vitest
    if (!vitest) return
    const root = vitest.config.root
    // In watch mode only the re-run modules arrive here; the tables cover the whole suite.
    const modules = vitest.config.watch ? vitest.state.getTestModules() : testModules
    const records = collectRecords(modules, root)
    if (records.length === 0) return

    const summary = summarize(records)
    if (modules !== testModules) {
      // The tables cover the whole suite; the header counts what this re-run did (and cost).
      const rerun = summarize(collectRecords(testModules, root))
      summary.liveCalls = rerun.liveCalls
      summary.unsentCalls = rerun.unsentCalls
      summary.storedCalls = rerun.storedCalls
      summary.simulatedCalls = rerun.simulatedCalls
      summary.sharedCalls = rerun.sharedCalls
      summary.writtenCalls = rerun.writtenCalls
      summary.keptCalls = rerun.keptCalls
      summary.tokens = rerun.tokens
      summary.costUsd = rerun.costUsd
      summary.retries = rerun.retries
    }
    const obsolete = await this.obsoleteEntries(testModules)
    const { judgments, turns } = countObsolete(obsolete)
    summary.obsolete = judgments + turns
    const colors = useColors(vitest.logger.outputStream)
    const width = terminalWidth(vitest.logger.outputStream)
    const perFile = this.options.perFile ?? true
    const shard = vitest.config.shard
    if (shard) {
      // A shard holds part of the run: gates, the baseline and the history would judge a part as the whole.
      vitest.logger.log(`\n${renderSummary(summary, { colors, perFile, width })}\n`)
      vitest.logger.log(
        ` shard ${shard.index}/${shard.count}: these scores are part of the run; gates, the baseline comparison, ` +
          'report.json and the history come from `vitest --merge-reports`.\n' +
          (this.limitsNote ? ` ${this.limitsNote}\n` : ''),
      )
      if (obsolete.length > 0) await this.settleObsolete(vitest, obsolete)
      return
    }

    const built = buildReport(records, {
      vitestVersion: vitest.version,
      summary,
      commit: await readGitCommit(root),
    })
    const filtered = vitest.config.watch ? 'a watch re-run' : await runFilter(vitest, testModules)
    const { evaluation, baseline, history } = await this.evaluate(built, root, filtered)
    // A judge that is uncalibrated, stale or weak on a dimension breaks the calibration gate (a P0 alert).
    const calibration = await runCalibration(root, records, this.calibration)
    evaluation.alerts.unshift(...calibration.alerts)
    // Merged from a sharded run: each shard's eval files carry the share of the judge limits it held.
    const shardLimits = [
      ...new Set(
        modules.map((module) => module.meta().rubricShardLimits).filter((line) => line !== undefined),
      ),
    ].sort()
    const report = {
      ...withEvaluation(built, evaluation),
      ...(calibration.cells ? { calibration: Object.fromEntries(calibration.cells) } : {}),
      ...(shardLimits.length > 0 ? { shardLimits } : {}),
    }
    const changes = evaluation.baseline
      ? new Map(evaluation.baseline.dimensions.map((change) => [change.dimension, change]))
      : undefined
    vitest.logger.log(
      `\n${renderSummary(summary, { colors, perFile, changes, calibration: calibration.cells, width })}\n`,
    )
    for (const field of groupFields(this.options.groupBy)) {
      vitest.logger.log(`${renderGroups(summarizeGroups(records, field), { colors, width })}\n`)
    }
    const c = picocolors.createColors(colors)
    const notes = [
      baselineNote(baseline, evaluation, c),
      renderChecks(evaluation.gates, evaluation.alerts, c, filtered),
      calibration.notes.length > 0 ? c.yellow(calibration.notes.join('\n')) : '',
      shardLimits.map((line) => ` merged: ${line}`).join('\n'),
      ...judgeNotes(records).map((note) => c.yellow(` ${note}`)),
    ]
    if (notes.some(Boolean)) vitest.logger.log(`${notes.filter(Boolean).join('\n')}\n`)
    if (obsolete.length > 0) await this.settleObsolete(vitest, obsolete)

    const written = await this.writeReport(report, root)
    written.push(
      ...(await writeSummaries(report, root, this.checks, {
        baseline: baseline?.status === 'loaded' ? baseline.report : undefined,
        history: history && [...history, historyEntry(report)],
      })),
    )
    if (history && this.checks.history !== false) {
      await appendHistory(resolveFrom(root, this.checks.history), historyEntry(report), history)
    }
    if (written.length > 0) vitest.logger.log(` report ${written.join(', ')}\n`)
    if (this.checks.otel !== false) {
      const outcome = await emitEvaluationEvents(report, this.checks.otel)
      if ('warning' in outcome) vitest.logger.log(`${c.yellow(` ${outcome.warning}`)}\n`)
      else vitest.logger.log(` otel ${outcome.sent} gen_ai.evaluation.result events\n`)
    }

    const failures = failureReasons(evaluation, this.checks.regression)
    const unreadable = baseline?.status === 'invalid' && this.checks.regression === 'fail'
    if (failures.length > 0 || unreadable) {
      const reasons = [...new Set(failures.map((alert) => `${alert.tier} ${alert.kind}`))]
      if (unreadable) reasons.push('unreadable baseline')
      vitest.logger.log(`${c.red(c.bold(' rubric checks failed'))} ${c.dim(`(${reasons.join(', ')})`)}\n`)
      // Vitest has set its own exit code before reporters run; a broken gate fails the run as a failed test would.
      process.exitCode = 1
    }
  }

  /** Reads the baseline and the history the run is checked against, and checks it. */
  private async evaluate(
    report: HeldReport,
    root: string,
    filtered: string | false,
  ): Promise<{ evaluation: RunEvaluation; baseline?: LoadedBaseline; history?: HistoryEntry[] }> {
    const { gates, drift } = this.checks
    const baseline =
      this.checks.baseline === false ? undefined : await loadBaseline(root, this.checks.baseline)
    // A watch re-run or a filtered run is not a run of the suite: it neither extends the history nor is judged
    // against it (its means would read as drift).
    const history =
      this.checks.history === false || filtered
        ? undefined
        : await readHistory(resolveFrom(root, this.checks.history))
    const evaluation = evaluateRun(report, {
      gates,
      drift,
      history,
      filtered,
      baseline: baseline?.status === 'loaded' ? { report: baseline.report, file: baseline.file } : undefined,
    })
    return { evaluation, ...(baseline ? { baseline } : {}), ...(history ? { history } : {}) }
  }

  /** Writes report.json unless `outputFile` is false; returns it, relative to the root, in a list. */
  private async writeReport(report: HeldReport, root: string): Promise<string[]> {
    const outputFile = this.options.outputFile ?? DEFAULT_OUTPUT_FILE
    if (outputFile === false) return []
    const path = isAbsolute(outputFile) ? outputFile : resolve(root, outputFile)
    try {
      // Streamed: a run of many thousands of judgments never holds the whole text in memory.
      await writeChunksAtomic(path, reportChunks(report))
    } catch (error) {
      throw new RubricError(
        'RUBRIC_REPORT_WRITE',
        `could not write the rubric report to ${path}. Check that the directory is writable, or set the ` +
          'reporter option `outputFile` to another path (or to false to write none).',
        { cause: error },
      )
    }
    return [shown(root, path)]
  }

  /**
   * Entries of the store files that no test used, for the modules this run ran whole. Watch re-runs never look
   * (a re-run is a partial run), and neither does a project without a store.
   */
  private async obsoleteEntries(testModules: ReadonlyArray<TestModule>): Promise<ObsoleteEntries[]> {
    const mode = this.store?.mode
    if (!mode || mode === 'off' || this.vitest?.config.watch) return []
    return findObsolete(storeUsage(testModules))
  }

  /** Removes obsolete entries on `-u` (as Vitest does with snapshots), else says how to. */
  private async settleObsolete(vitest: Vitest, obsolete: ObsoleteEntries[]): Promise<void> {
    const root = vitest.config.root
    const { judgments, turns } = countObsolete(obsolete)
    const what = [
      ...(judgments > 0 ? [`${judgments} obsolete ${judgments === 1 ? 'judgment' : 'judgments'}`] : []),
      ...(turns > 0 ? [`${turns} obsolete simulated user ${turns === 1 ? 'turn' : 'turns'}`] : []),
    ].join(' and ')
    const files = obsolete
      .map((entries) => relative(root, entries.storeFile).replaceAll('\\', '/'))
      .join(', ')
    const update = vitest.config.snapshotOptions.updateSnapshot === 'all'
    if (update && this.store?.prune) {
      await removeObsolete(obsolete)
      vitest.logger.log(` removed ${what} from ${files}\n`)
    } else {
      vitest.logger.log(
        ` ${what} in ${files}: no test used them. ` +
          `${this.store?.prune ? 'Run with -u to remove them.' : 'They are kept in CI; run with -u locally to remove them.'}\n`,
      )
    }
  }
}

/**
 * How the run left out tests of its projects: a `-t` pattern, the boundary slice of `describeEval`, or test files
 * (file filters, `--changed`, `--related`); false for a run of the whole suite. A merged sharded run is whole: it holds the files of every
 * shard.
 */
async function runFilter(vitest: Vitest, testModules: ReadonlyArray<TestModule>): Promise<string | false> {
  if (vitest.config.testNamePattern) return `the test name pattern ${vitest.config.testNamePattern}`
  for (const module of testModules) {
    for (const test of module.children.allTests('skipped')) {
      if (test.meta().rubricSlice === 'boundary') return 'the boundary slice'
    }
  }
  try {
    const ran = new Set(testModules.map((module) => `${module.project.name}\u0000${module.moduleId}`))
    const projects = new Set(testModules.map((module) => module.project.name))
    const specifications = await vitest.globTestSpecifications()
    const left = specifications.filter(
      (specification) =>
        projects.has(specification.project.name) &&
        !ran.has(`${specification.project.name}\u0000${specification.moduleId}`),
    ).length
    return left > 0
      ? `${left} of ${left + ran.size} test ${left + ran.size === 1 ? 'file' : 'files'} left out`
      : false
  } catch {
    // Without the list of test files (a reporter driven by hand), the run is taken as whole.
    return false
  }
}

/** What the baseline comparison found, in one line; empty without a configured baseline. */
function baselineNote(
  baseline: LoadedBaseline | undefined,
  evaluation: RunEvaluation,
  c: ReturnType<typeof picocolors.createColors>,
): string {
  if (!baseline) return ''
  if (baseline.status === 'missing') {
    return c.dim(
      ` no baseline at ${baseline.file} yet; after a run you trust, write one with ` +
        `\`npx vitest-rubric baseline --to ${baseline.file}\``,
    )
  }
  if (baseline.status === 'invalid') return c.yellow(` baseline ${baseline.error.message}`)
  const changes = evaluation.baseline?.dimensions ?? []
  const commit = baseline.report.commit ? ` at ${baseline.report.commit.slice(0, 7)}` : ''
  const costs = (evaluation.baseline?.costs ?? [])
    .filter((change) => change.pairs > 0)
    .map((change) =>
      paintVerdict(change.verdict, `${formatCostChange(change)} ${verdictText(change.verdict)}`, c),
    )
  const verdicts = [verdictCounts(changes, c) || 'no dimension in common', ...costs]
  return ` ${c.bold('baseline')} ${baseline.file}${commit}: ${verdicts.join(c.dim(' · '))}`
}

/** Colours when Vitest's output is a terminal, unless `NO_COLOR` asks for none or `FORCE_COLOR` for some. */
function useColors(stream: object | undefined): boolean {
  const { NO_COLOR, FORCE_COLOR } = process.env
  if (NO_COLOR) return false
  if (FORCE_COLOR && FORCE_COLOR !== '0' && FORCE_COLOR !== 'false') return true
  return Boolean(stream ? (stream as { isTTY?: boolean }).isTTY : process.stdout.isTTY)
}
