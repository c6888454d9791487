import { isAbsolute, relative, resolve } from 'node:path'
import type { Reporter, SerializedError, TestModule, TestRunEndReason, Vitest } from 'vitest/node'
import { RubricError } from '../errors.ts'
import type { StorePolicy } from '../store/mode.ts'
import { findObsolete, type ObsoleteEntries, removeObsolete } from '../store/obsolete.ts'
import type { RubricReporterOptions } from '../types.ts'
import { writeFileAtomic } from '../util/atomic-write.ts'
import { summarize } from './aggregate.ts'
import { collectRecords } from './collect.ts'
import { renderSummary } from './render-table.ts'
import { buildReport, stringifyReport } from './report-json.ts'
import { storeUsage } from './store-usage.ts'

const DEFAULT_OUTPUT_FILE = '.vitest-rubric/report.json'

/**
 * Aggregates the scores that vitest-rubric matchers record, per dimension, for each file and for the run:
 * prints a table after Vitest's summary and writes `report.json`.
 *
 * @example
 * ```ts
 * export default defineConfig({ test: { reporters: ['default', 'vitest-rubric/reporter'] } })
 * ```
 */
export class RubricReporter implements Reporter {
  private readonly options: RubricReporterOptions
  private readonly store: StorePolicy | undefined
  private vitest: Vitest | undefined

  /** @param store How the evals project uses the judgment store (set by `evals()`). */
  constructor(options: RubricReporterOptions = {}, store?: StorePolicy) {
    this.options = options
    this.store = store
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
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
      summary.storedCalls = rerun.storedCalls
      summary.writtenCalls = rerun.writtenCalls
      summary.tokens = rerun.tokens
    }
    const obsolete = await this.obsoleteEntries(testModules)
    summary.obsolete = obsolete.reduce((sum, entries) => sum + entries.keys.length, 0)
    const colors = useColors(vitest.logger.outputStream)
    const perFile = this.options.perFile ?? true
    vitest.logger.log(`\n${renderSummary(summary, { colors, perFile })}\n`)
    if (obsolete.length > 0) await this.settleObsolete(vitest, obsolete)

    const outputFile = this.options.outputFile ?? DEFAULT_OUTPUT_FILE
    if (outputFile === false) return
    const path = isAbsolute(outputFile) ? outputFile : resolve(root, outputFile)
    const report = buildReport(records, { vitestVersion: vitest.version, summary })
    try {
      await writeFileAtomic(path, stringifyReport(report))
    } catch (error) {
      throw new RubricError(
        'RUBRIC_REPORT_WRITE',
        `could not write the rubric report to ${path}. Check that the directory is writable, or set the ` +
          'reporter option `outputFile` to another path (or to false to write none).',
        { cause: error },
      )
    }
    vitest.logger.log(` report ${relative(root, path).replaceAll('\\', '/')}\n`)
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
    const count = obsolete.reduce((sum, entries) => sum + entries.keys.length, 0)
    const files = obsolete
      .map((entries) => relative(root, entries.storeFile).replaceAll('\\', '/'))
      .join(', ')
    const update = vitest.config.snapshotOptions.updateSnapshot === 'all'
    if (update && this.store?.prune) {
      await removeObsolete(obsolete)
      vitest.logger.log(
        ` removed ${count} obsolete ${count === 1 ? 'judgment' : 'judgments'} from ${files}\n`,
      )
    } else {
      vitest.logger.log(
        ` ${count} obsolete ${count === 1 ? 'judgment' : 'judgments'} in ${files}: no test used them. ` +
          `${this.store?.prune ? 'Run with -u to remove them.' : 'They are kept in CI; run with -u locally to remove them.'}\n`,
      )
    }
  }
}

/** Colours when Vitest's output is a terminal, unless `NO_COLOR` asks for none or `FORCE_COLOR` for some. */
function useColors(stream: object | undefined): boolean {
  const { NO_COLOR, FORCE_COLOR } = process.env
  if (NO_COLOR) return false
  if (FORCE_COLOR && FORCE_COLOR !== '0' && FORCE_COLOR !== 'false') return true
  return Boolean(stream ? (stream as { isTTY?: boolean }).isTTY : process.stdout.isTTY)
}
