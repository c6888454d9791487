/**
 * Internal to `evals()`: the rubric reporter with its code (report schema, baselines, history, Markdown, HTML)
 * loaded once the first eval file has run, when the main process mostly waits on the judge, instead of when the
 * config loads, which delays the start of every run. The options are checked when the config loads.
 */
import type { Reporter, SerializedError, TestModule, TestRunEndReason, Vitest } from 'vitest/node'
import { holdRecords } from './collect.ts'
import type { EvalsReporter } from './rubric-reporter.ts'

export class DeferredRubricReporter implements Reporter {
  private vitest: Vitest | undefined
  private loaded: Promise<Reporter> | undefined

  constructor(private readonly settings: EvalsReporter) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  onTestModuleEnd(testModule: TestModule): void {
    if (this.vitest) holdRecords(testModule, this.vitest)
    // A failure to load is reported when the run ends, where the reporter is needed.
    this.reporter().catch(() => {})
  }

  async onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): Promise<void> {
    const reporter = await this.reporter()
    await reporter.onTestRunEnd?.(testModules, unhandledErrors, reason)
  }

  private reporter(): Promise<Reporter> {
    this.loaded ??= import('./rubric-reporter.ts').then(({ RubricReporter }) => {
      const reporter = new RubricReporter(this.settings.options, this.settings)
      if (this.vitest) reporter.onInit(this.vitest)
      return reporter
    })
    return this.loaded
  }
}
