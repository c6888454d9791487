/**
 * Node-side entry: the `evals()` project helper and the Vite plugin behind it.
 */
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'
import type { TestProjectInlineConfiguration } from 'vitest/config'
import type { Vitest } from 'vitest/node'
import './augment.ts'
import { RubricArgumentError } from './errors.ts'
import { PROVIDED_KEY, type ProvidedRubricOptions } from './matchers/provided.ts'
import { RubricReporter } from './reporter/rubric-reporter.ts'
import { resolveStorePolicy } from './store/mode.ts'
import type { EvalsOptions, JudgeOption } from './types.ts'

export type { EvalsOptions, JudgeOption, LlmJudgeOptions, RubricReporterOptions, StoreMode } from './types.ts'

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
  return {
    name: 'vitest-rubric',
    configureVitest({ vitest, project }) {
      if (project.name !== options.name) return
      // Vitest 5 concatenates the root's `include` into inline projects; an evals project runs eval files only.
      project.config.include = options.include ?? DEFAULT_INCLUDE
      const store = resolveStorePolicy(options.store, judge)
      const provided: ProvidedRubricOptions = { judge, store, root: project.config.root }
      project.provide(PROVIDED_KEY, provided)
      if (options.reporter !== false && !attached.has(vitest)) {
        attached.add(vitest)
        vitest.config.reporters.push(new RubricReporter(options.reporter ?? {}, store))
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
  return judge
}

/** The setup file beside this module: `setup.ts` when run from source, `setup.js` from the package. */
function setupFile(): string {
  const here = fileURLToPath(import.meta.url)
  return fileURLToPath(new URL(`./setup${extname(here)}`, import.meta.url))
}
