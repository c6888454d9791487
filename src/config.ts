/**
 * Node-side entry: the `evals()` project helper and the Vite plugin behind it.
 */
import { availableParallelism } from 'node:os'
// `vite` is not a dependency of this package (strict installs cannot resolve it from here); Vitest re-exports its types.
import type { Plugin, TestProjectInlineConfiguration } from 'vitest/config'
import type { Vitest } from 'vitest/node'
import './augment.ts'
import { validateEmbeddings } from './embeddings/options.ts'
import { RubricArgumentError } from './errors.ts'
import { createJudge } from './judge/create-judge.ts'
import { startCoordinator } from './judge/limiter/coordinator.ts'
import { describeShardLimits, judgeLimits, shardLimits } from './judge/limiter/limiter.ts'
import { resolveLlmJudge } from './judge/llm-options.ts'
import { PROVIDED_KEY, type ProvidedRubricOptions } from './matchers/provided.ts'
import { entryFile } from './own-files.ts'
import { assertPanel, isPanel } from './reliability/panel.ts'
import { assertTrials, UNSTABLE_POLICIES } from './reliability/trials.ts'
import { DeferredRubricReporter } from './reporter/deferred.ts'
import { evalsReporterSettings } from './reporter/options.ts'
import { assertOtelLoadable, resolveOtelTarget } from './reporter/otel.ts'
import { ProgressReporter } from './reporter/progress.ts'
import { resolveStoreText } from './store/judgment-store.ts'
import { resolveStorePolicy } from './store/mode.ts'
import type { EvalsOptions, JudgeOption } from './types.ts'

export type {
  CalibrationGateOptions,
  DimensionGate,
  DriftOptions,
  EmbeddingsOptions,
  EvalsOptions,
  GateBoundOn,
  GateStatistic,
  JudgeOption,
  LlmJudgeOptions,
  ModelPrice,
  OtelExportOptions,
  RegressionPolicy,
  RubricReporterOptions,
  StoreMode,
  SuiteGates,
  TrialAggregate,
  UnstablePolicy,
} from './types.ts'

const DEFAULT_INCLUDE = ['**/*.eval.ts']
const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/dist/**']
const DEFAULT_TEST_TIMEOUT = 120_000
const DEFAULT_MAX_CONCURRENCY = 16
const DEFAULT_GROUP_ORDER = 1

/**
 * A Vitest project that runs eval files: `vitest --project evals`. It runs only the files matched by
 * `include`, registers the matchers, gives tests a long timeout, runs the tests of a file concurrently (use the
 * test context's `expect` in them) and more files at once than Vitest's default (they wait on the judge), and
 * attaches the per-dimension reporter.
 */
export function evals(options: EvalsOptions = {}): TestProjectInlineConfiguration {
  const name = options.name ?? 'evals'
  for (const [option, least] of [
    ['maxWorkers', 1],
    ['groupOrder', 0],
  ] as const) {
    const value = options[option]
    if (value !== undefined && !(Number.isInteger(value) && value >= least)) {
      throw new RubricArgumentError(
        `evals({ ${option} }) is ${JSON.stringify(value)}; give a whole number of at least ${least}, or leave it out.`,
      )
    }
  }
  return {
    plugins: [rubricPlugin({ ...options, name })],
    test: {
      name,
      include: options.include ?? DEFAULT_INCLUDE,
      exclude: options.exclude ?? DEFAULT_EXCLUDE,
      setupFiles: [entryFile('setup'), ...(options.setupFiles ?? [])],
      testTimeout: options.testTimeout ?? DEFAULT_TEST_TIMEOUT,
      // Records of `describeEval` rows, made in library code, link to the line that declared their test.
      includeTaskLocation: true,
      sequence: {
        concurrent: options.concurrent ?? true,
        groupOrder: options.groupOrder ?? DEFAULT_GROUP_ORDER,
      },
      maxConcurrency: options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
      maxWorkers: options.maxWorkers ?? defaultMaxWorkers(),
    },
  }
}

/** Eval files wait on the judge, not the CPU: one more at once than there are CPUs. */
function defaultMaxWorkers(): number {
  return availableParallelism() + 1
}

const attached = new WeakSet<Vitest>()

/**
 * The plugin that `evals()` adds: provides the resolved options to the project's workers and registers the
 * reporter on the Vitest instance once (project-level `reporters` are ignored by Vitest, and a plugin's hook can
 * run once per project).
 */
function rubricPlugin(options: EvalsOptions & { name: string }): Plugin {
  const judge = validateJudge(options.judge ?? 'heuristic')
  const embeddings = validateEmbeddings(options.embeddings)
  const unstable = validateUnstable(options.unstable)
  const reporterSettings = options.reporter === false ? false : evalsReporterSettings(options)
  const shardMode = options.shardLimits ?? 'split'
  if (shardMode !== 'split' && shardMode !== 'whole') {
    throw new RubricArgumentError(
      `evals({ shardLimits }) is ${JSON.stringify(shardMode)}; use 'split' (shards share one key: each enforces ` +
        "1/N of the judge limits) or 'whole' (each shard has its own key).",
    )
  }
  const checked = [options.gates, options.baseline, options.calibration].some(
    (option) => option !== undefined,
  )
  if (reporterSettings === false && checked) {
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
      // A `--sequence.*` flag replaces the project's whole `sequence` on Vitest 4; the group must stay its own.
      project.config.sequence.groupOrder = options.groupOrder ?? DEFAULT_GROUP_ORDER
      const store = resolveStorePolicy(options.store, judge)
      const provided: ProvidedRubricOptions = {
        judge,
        store,
        storeText: resolveStoreText(options.storeText, 'evals()'),
        concurrent: options.concurrent ?? true,
        annotations: options.annotations ?? true,
        root: project.config.root,
        ...(embeddings ? { embeddings } : {}),
        ...(unstable ? { unstable } : {}),
      }
      // An LLM judge's calls are made in this process, under limits that hold across workers (module state in a
      // worker is per file); workers send their requests on loopback and never load the SDK.
      // Each shard of a sharded run makes its own calls: it holds its share of the limits (Vitest 4 and 5 both
      // give the shard in `config.shard`).
      const { shard } = vitest.config
      const limits =
        judge === 'heuristic'
          ? undefined
          : shardLimits(judgeLimits(isPanel(judge) ? judge.panel[0]! : judge), shard, shardMode)
      const coordinator =
        judge === 'heuristic' || limits === undefined
          ? undefined
          : await startCoordinator(limits, (limiter, access) => {
              // A panel's members share the run's limiter: one call of any member takes one slot.
              const { member = 0, ...where } = access
              const options = isPanel(judge) ? judge.panel[member]! : judge
              const coordinated = createJudge({ ...options, ...where }, { limiter })
              // The judge's code, SDK and client load while the workers start, not at the first live call.
              void coordinated.prepare()
              return coordinated
            })
      if (coordinator) {
        vitest.onClose(() => coordinator.close())
        provided.coordinator = { host: coordinator.host, port: coordinator.port }
      }
      const limitsNote =
        limits !== undefined && shard ? describeShardLimits(limits, shard, shardMode) : undefined
      if (limitsNote) provided.shardLimits = limitsNote
      project.provide(PROVIDED_KEY, provided)
      // A missing OpenTelemetry package fails now, not after every eval has run.
      if (reporterSettings !== false)
        await assertOtelLoadable(resolveOtelTarget(reporterSettings.options.otel, 'evals({ reporter })'))
      if (!attached.has(vitest)) {
        attached.add(vitest)
        if (reporterSettings !== false)
          vitest.config.reporters.push(
            new DeferredRubricReporter({ ...reporterSettings, store, ...(limitsNote ? { limitsNote } : {}) }),
          )
        // Progress lines, and the judge budget: reset when each run starts, accounted for when it ends.
        const budget = coordinator && { ...coordinator, budgetUsd: coordinator.core.limits.budgetUsd }
        const progress = reporterSettings !== false && reporterSettings.options.progress !== false
        vitest.config.reporters.push(new ProgressReporter({ progress }, budget))
      }
    },
  }
}

function validateUnstable(unstable: EvalsOptions['unstable']): EvalsOptions['unstable'] {
  if (unstable === undefined || UNSTABLE_POLICIES.includes(unstable)) return unstable
  throw new RubricArgumentError(
    `evals({ unstable }) is ${JSON.stringify(unstable)}; use 'fail' (the default), 'warn' or 'pass'.`,
  )
}

function validateJudge(judge: JudgeOption): JudgeOption {
  if (judge === 'heuristic') return judge
  if (judge && typeof judge === 'object' && judge.trials !== undefined)
    assertTrials(judge.trials, 'evals({ judge })')
  if (isPanel(judge)) {
    assertPanel(judge, 'evals({ judge })')
    for (const member of judge.panel) validateJudge(member)
    return judge
  }
  if (
    typeof judge !== 'object' ||
    judge === null ||
    typeof judge.model !== 'string' ||
    judge.model.trim() === ''
  ) {
    throw new RubricArgumentError(
      `evals({ judge }) is ${JSON.stringify(judge)}; pass 'heuristic' for the offline judge or ` +
        "{ model: 'gpt-4.1-mini' } (with baseURL and apiKey for servers other than OpenAI) for an LLM judge.",
    )
  }
  resolveLlmJudge(judge)
  return judge
}
