import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import { mergeConfig } from 'vitest/config'
import type { TestModule, Vitest } from 'vitest/node'
import { createVitest } from 'vitest/node'
import { evals } from '../../src/config.ts'
import type { RubricReport } from '../../src/reporter/report-json.ts'
import type { EvalsOptions } from '../../src/types.ts'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
export const fixture = (...parts: string[]) => resolve(repoRoot, 'fixtures', ...parts)

// `vitest-rubric` and its subpaths (`vitest-rubric/dataset`) are this repository's source.
const alias = [
  { find: /^vitest-rubric$/, replacement: resolve(repoRoot, 'src/index.ts') },
  { find: /^vitest-rubric\/(.+)$/, replacement: `${resolve(repoRoot, 'src')}/$1.ts` },
]

export interface EvalRun {
  /** Everything Vitest and the rubric reporter printed, normalised: no colours, timings or absolute paths. */
  output: string
  /** The exit code Vitest set: 0 when every test passed. */
  exitCode: number
  /** report.json, parsed. */
  report: RubricReport
  modules: readonly TestModule[]
}

/**
 * Runs an eval project programmatically on a fixture folder, with the reporter writing report.json to a
 * temporary folder, and gives back the normalised output, the exit code and the report.
 */
export async function runEvals(
  root: string,
  options: EvalsOptions = {},
  { filters = [], cli = {} }: { filters?: string[]; cli?: Record<string, unknown> } = {},
): Promise<EvalRun> {
  return withEvalProject(root, options, cli, (vitest) => vitest.start(filters).then(() => {}))
}

/** Captures what Vitest prints. */
function captureOutput(onChunk?: (chunk: string) => void) {
  let text = ''
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk)
      onChunk?.(String(chunk))
      done()
    },
  })
  // Vitest pipes its workers' stdio into the output stream, and a pipe ends its target when a worker exits:
  // the capture must outlive every worker.
  sink.end = (() => sink) as never
  return {
    sink: sink as never,
    /** What was printed since the last call. */
    take() {
      const printed = text
      text = ''
      return printed
    },
  }
}

/**
 * Creates Vitest on `root` with one eval project (its report written to a temporary folder unless
 * `options.reporter.outputFile` says where), runs `action`, and gives back the output, exit code and report.
 */
async function withEvalProject(
  root: string,
  options: EvalsOptions,
  cli: Record<string, unknown>,
  action: (vitest: Vitest) => Promise<void>,
): Promise<EvalRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'vitest-rubric-e2e-'))
  const reporter = options.reporter || {}
  const outputFile = reporter.outputFile || join(outDir, 'report.json')
  const output = captureOutput()
  const project = mergeConfig(evals({ ...options, reporter: { ...reporter, outputFile } }), {
    resolve: { alias },
  })
  const previousExitCode = process.exitCode
  process.exitCode = undefined
  const vitest = await createVitest(
    'test',
    {
      root,
      config: false,
      watch: false,
      reporters: [['default', { summary: false }]],
      projects: [project],
      ...cli,
    } as never,
    {},
    { stdout: output.sink, stderr: output.sink },
  )
  try {
    await action(vitest)
    const exitCode = Number(process.exitCode ?? 0)
    let report: RubricReport
    try {
      report = JSON.parse(readFileSync(outputFile, 'utf8')) as RubricReport
    } catch {
      report = undefined as never
    }
    return {
      output: normalize(output.take(), root, outDir),
      exitCode,
      report,
      modules: vitest.state.getTestModules(),
    }
  } finally {
    await vitest.close()
    process.exitCode = previousExitCode
    rmSync(outDir, { recursive: true, force: true })
  }
}

/** Strips colours, durations and absolute paths so that output can be compared with a snapshot. */
export function normalize(text: string, root: string, outDir?: string): string {
  let result = stripVTControlCharacters(text)
  if (outDir) result = result.split(outDir).join('<out>')
  result = result.split(root).join('<root>')
  return result.replace(/\d+(\.\d+)?\s?m?s\b/g, '<time>').replace(/[ \t]+$/gm, '')
}

/**
 * Copies a fixture folder (and the shared `fixtures/e2e/rubric.ts`) to a temporary folder, for tests that
 * write judgment stores or edit eval files. Returns the copy of the fixture folder.
 */
export function copyFixture(name: string): string {
  const base = mkdtempSync(join(tmpdir(), 'vitest-rubric-fixture-'))
  cpSync(fixture('e2e', 'rubric.ts'), join(base, 'rubric.ts'))
  cpSync(fixture('e2e', name), join(base, name), { recursive: true })
  return join(base, name)
}

/**
 * Starts an eval project in watch mode on a fixture folder. `output()` gives what was printed since the last
 * call; `rerun(files)` re-runs eval files (relative to `root`) as the watcher would.
 */
export async function watchEvals(root: string, options: EvalsOptions = {}) {
  let idle: (() => void) | undefined
  // Vitest prints "Waiting for file changes" once a run and its reporters are done.
  const output = captureOutput((chunk) => {
    if (chunk.includes('Waiting for file changes')) idle?.()
  })
  const nextIdle = () =>
    new Promise<void>((resolve) => {
      idle = resolve
    })
  const project = mergeConfig(evals({ ...options, reporter: { outputFile: false } }), { resolve: { alias } })
  const firstRun = nextIdle()
  const vitest = await createVitest(
    'test',
    {
      root,
      config: false,
      watch: true,
      reporters: [['default', { summary: false }]],
      projects: [project],
    } as never,
    {},
    { stdout: output.sink, stderr: output.sink },
  )
  await vitest.start()
  await firstRun
  return {
    vitest,
    output: () => normalize(output.take(), root),
    /** Re-runs eval files (relative to `root`) as the watcher would, and waits until the run is reported. */
    async rerun(files: string[]) {
      const done = nextIdle()
      await vitest.rerunTestSpecifications(
        files.flatMap((file) => vitest.getModuleSpecifications(resolve(root, file))),
      )
      await done
    },
    close: () => vitest.close(),
  }
}

/**
 * Merges the blob reports in `blobsDir` (written by runs with `--reporter=blob`, for example shards) as
 * `vitest --merge-reports` does, with the same eval project so that its reporter runs, and gives back what a
 * run gives back. The report is written to a temporary folder unless `options.reporter.outputFile` says where.
 */
export async function mergeEvalReports(
  root: string,
  blobsDir: string,
  options: EvalsOptions = {},
): Promise<EvalRun> {
  return withEvalProject(root, options, { mergeReports: blobsDir }, (vitest) =>
    vitest.mergeReports(blobsDir).then(() => {}),
  )
}
