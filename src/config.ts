/**
 * Node-side entry: the `evals()` project helper and the Vite plugin behind it.
 */
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
// `vite` is not a dependency of this package (strict installs cannot resolve it from here); Vitest re-exports its types.
import type { Plugin, TestProjectInlineConfiguration } from 'vitest/config'
import type { Vitest } from 'vitest/node'
import './augment.ts'
import { validateEmbeddings } from './embeddings/options.ts'
import { RubricArgumentError } from './errors.ts'
import { startCoordinator } from './judge/limiter/coordinator.ts'
import { judgeLimits } from './judge/limiter/limiter.ts'
import { assertBudgetPriced } from './judge/pricing.ts'
import { PROVIDED_KEY, type ProvidedRubricOptions } from './matchers/provided.ts'
import { evalsReporterOptions } from './reporter/options.ts'
import { ProgressReporter } from './reporter/progress.ts'
import { RubricReporter } from './reporter/rubric-reporter.ts'
import { resolveStorePolicy } from './store/mode.ts'
import type { EvalsOptions, JudgeOption } from './types.ts'

export type {
  EmbeddingsOptions,
  EvalsOptions,
  JudgeOption,
  LlmJudgeOptions,
  RubricReporterOptions,
  StoreMode,
} from './types.ts'

const DEFAULT_INCLUDE = ['**/*.eval.ts']
const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/dist/**']
const DEFAULT_TEST_TIMEOUT = 120_000
const DEFAULT_MAX_CONCURRENCY = 16

/**
 * A Vitest project that runs eval files: `vitest --project evals`. It runs only the files matched by
 * `include`, registers the matchers, gives tests a long timeout, runs the tests of a file concurrently (use the
 * test context's `expect` in them), and attaches the per-dimension reporter.
 */
export function evals(options: EvalsOptions = {}): TestProjectInlineConfiguration {
  const name = options.name ?? 'evals'
  return {
    plugins: [rubricPlugin({ ...options, name })],
    test: {
      name,
      include: options.include ?? DEFAULT_INCLUDE,
      exclude: options.exclude ?? DEFAULT_EXCLUDE,
      setupFiles: [setupFile(), ...(options.setupFiles ?? [])],
      testTimeout: options.testTimeout ?? DEFAULT_TEST_TIMEOUT,
      sequence: { concurrent: options.concurrent ?? true },
      maxConcurrency: options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
    },
  }
}

const attached = new WeakSet<Vitest>()

/**
 * The plugin that `evals()` adds: provides the resolved options to the project's workers and registers the
 * reporter on the Vitest instance once (project-level `reporters` are ignored by Vitest, and a plugin's hook can
 * run once per project).
 */
export function rubricPlugin(options: EvalsOptions & { name: string }): Plugin {
  const judge = validateJudge(options.judge ?? 'heuristic')
  const embeddings = validateEmbeddings(options.embeddings)
  const reporterOptions = options.reporter === false ? false : evalsReporterOptions(options)
  const checked = [options.gates, options.baseline, options.calibration].some(
    (option) => option !== undefined,
  )
  if (reporterOptions === false && checked) {
    throw new RubricArgumentError(
      'evals({ gates, baseline, calibration }) are checked by the reporter, but evals({ reporter: false }) turns it ' +
        'off. Remove `reporter: false`, or the gates, the baseline and the calibration gate.',
    )
  }
  return {
    name: 'vitest-rubric',
    async configureVitest({ vitest, project }) {
      if (project.name !== options.name) return
      // Vitest 5 concatenates the root's `include` into inline projects; an evals project runs eval files only.
      project.config.include = options.include ?? DEFAULT_INCLUDE
      const store = resolveStorePolicy(options.store, judge)
      const provided: ProvidedRubricOptions = {
        judge,
        store,
        concurrent: options.concurrent ?? true,
        root: project.config.root,
        ...(embeddings ? { embeddings } : {}),
      }
      // The judge limits hold across workers (module state in a worker is per file): a coordinator in this
      // process hands out the slots, and workers reach it on loopback.
      const coordinator = judge === 'heuristic' ? undefined : await startCoordinator(judgeLimits(judge))
      if (coordinator) {
        vitest.onClose(() => coordinator.close())
        provided.limiter = { host: coordinator.host, port: coordinator.port }
      }
      project.provide(PROVIDED_KEY, provided)
      if (!attached.has(vitest)) {
        attached.add(vitest)
        if (reporterOptions !== false)
          vitest.config.reporters.push(new RubricReporter(reporterOptions, store))
        // Progress lines, and the judge budget: reset when each run starts, accounted for when it ends.
        const budget = coordinator && { ...coordinator, budgetUsd: coordinator.core.limits.budgetUsd }
        const progress = reporterOptions !== false && reporterOptions.progress !== false
        vitest.config.reporters.push(new ProgressReporter({ progress }, budget))
      }
    },
  }
}

function validateJudge(judge: JudgeOption): JudgeOption {
  if (judge === 'heuristic') return judge
  if (typeof judge !== 'object' || judge === null || typeof judge.model !== 'string' || judge.model === '') {
    throw new RubricArgumentError(
      `evals({ judge }) is ${JSON.stringify(judge)}; pass 'heuristic' for the offline judge or ` +
        "{ model: 'gpt-4.1-mini' } (with baseURL and apiKey for servers other than OpenAI) for an LLM judge.",
    )
  }
  judgeLimits(judge)
  assertBudgetPriced(judge)
  return judge
}

/** The setup file beside this module: `setup.ts` when run from source, `setup.js` from the package. */
function setupFile(): string {
  const here = fileURLToPath(import.meta.url)
  return fileURLToPath(new URL(`./setup${extname(here)}`, import.meta.url))
}
