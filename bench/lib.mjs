// Shared helpers of the benchmark scripts: generated suites under .tmp/bench and timed runs of the real CLI.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('..', import.meta.url))
// BENCH_TMP names another folder under .tmp, so that two builds can be measured side by side.
const benchRoot = join(repoRoot, '.tmp', process.env.BENCH_TMP ?? 'bench')
const vitestBin = join(repoRoot, 'node_modules/vitest/vitest.mjs')
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined

/** A fresh folder under .tmp/bench (inside the repository, so generated configs resolve its node_modules). */
export function scratch(name) {
  const dir = join(benchRoot, name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  return dir
}

export function write(dir, files) {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
}

/**
 * Where the build leaves tsc's output, one module per source file, that a benchmark may import one by one (dist/
 * holds the bundle, scripts/build.mjs).
 */
export const modulesDir = join(repoRoot, '.tmp', 'build')

/** Builds the package into dist/ and its modules into `modulesDir`. */
export function buildPackage() {
  const build = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' })
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`)
}

/**
 * Builds the package and installs it under .tmp/bench/node_modules, so that benchmarks load vitest-rubric the
 * way a user's project does: compiled, from node_modules (which Vitest imports natively, without transforming).
 */
export function installPackage() {
  buildPackage()
  mkdirSync(join(repoRoot, '.tmp', 'bench'), { recursive: true })
  // The suites' own package scope: without it, `vitest-rubric` in a suite under this repository would resolve
  // to the repository itself (a package may import itself by name), and Vitest would transform its files.
  mkdirSync(benchRoot, { recursive: true })
  writeFileSync(
    join(benchRoot, 'package.json'),
    `${JSON.stringify({ name: 'vitest-rubric-bench-suites', private: true })}\n`,
  )
  const target = join(benchRoot, 'node_modules', 'vitest-rubric')
  rmSync(target, { recursive: true, force: true })
  mkdirSync(target, { recursive: true })
  // BENCH_DIST measures another build of the package (for example the main branch's) with the same script.
  cpSync(process.env.BENCH_DIST ?? join(repoRoot, 'dist'), join(target, 'dist'), { recursive: true })
  cpSync(join(repoRoot, 'package.json'), join(target, 'package.json'))
}

/**
 * `files` test files of `perFile` tests each in `dir`: `expect(x).toBe(x)` without the plugin (`plain`), or one
 * `toScoreAtLeast` assertion per test (`eval`), on outputs that differ per test.
 */
export function writeSuite(dir, kind, files, perFile) {
  const suite = {}
  for (let file = 0; file < files; file++) {
    const lines = ["import { test } from 'vitest'", `for (let index = 0; index < ${perFile}; index++) {`]
    const output = `\`Refunds are paid within 14 days of the return (case \${index}, file ${file}).\``
    if (kind === 'plain') {
      lines.push(
        '  test(`case ${index}`, ({ expect }) => {',
        `    const x = ${output}`,
        '    expect(x).toBe(x)',
        '  })',
      )
    } else {
      lines.push(
        '  test(`case ${index}`, async ({ expect }) => {',
        `    await expect(${output}).toScoreAtLeast('relevance', 0, { input: 'How long do refunds take?' })`,
        '  })',
      )
    }
    lines.push('}', '')
    suite[`file-${String(file).padStart(2, '0')}.${kind === 'plain' ? 'test' : 'eval'}.ts`] = lines.join('\n')
  }
  write(dir, suite)
}

/** The vitest.config.ts of an evals project, as a user writes it. */
export function evalsConfig(options) {
  return [
    "import { defineConfig } from 'vitest/config'",
    "import { evals } from 'vitest-rubric/config'",
    `export default defineConfig({ test: { projects: [evals(${JSON.stringify(options)})] } })`,
    '',
  ].join('\n')
}

/**
 * Runs `vitest run` in `dir` and measures wall time, and with GNU time (when installed) peak memory (the largest
 * resident set of the process tree's processes) and CPU time. `reporters` are added to Vitest's dot reporter.
 */
export function timedRun(dir, env = {}, reporters = []) {
  const args = [vitestBin, 'run', '--reporter=dot', ...reporters.map((reporter) => `--reporter=${reporter}`)]
  const started = process.hrtime.bigint()
  const result = gnuTime
    ? spawnSync(gnuTime, ['-f', '__TIME__ %M %U %S', process.execPath, ...args], {
        cwd: dir,
        env: { ...process.env, ...env },
        encoding: 'utf8',
      })
    : spawnSync(process.execPath, args, { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' })
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6
  const [, peak, user, system] = /__TIME__ (\d+) ([\d.]+) ([\d.]+)/.exec(result.stderr ?? '') ?? []
  if (result.status !== 0) {
    throw new Error(
      `vitest run failed in ${dir} (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
    )
  }
  return {
    wallMs,
    peakRssMb: peak ? Number(peak) / 1024 : undefined,
    // CPU time of the process tree (user + system): unlike wall time, hardly moved by other load on the machine.
    cpuMs: user ? (Number(user) + Number(system)) * 1000 : undefined,
    stdout: result.stdout,
  }
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`
export const mb = (value) => (value === undefined ? 'n/a' : `${value.toFixed(0)} MB`)

/**
 * Starts scripts/judge-server.mjs answering after `delayMs`: its base URL, its `/stats` (a fresh connection each
 * time: the runs in between block this process longer than a keep-alive lasts) and a way to stop it.
 */
export async function startBenchJudge(delayMs) {
  const judge = spawn(
    process.execPath,
    [fileURLToPath(new URL('../scripts/judge-server.mjs', import.meta.url)), '--delay', String(delayMs)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const baseURL = await new Promise((resolve) =>
    createInterface({ input: judge.stdout }).once('line', resolve),
  )
  const stats = async (path = '/stats', method = 'GET') =>
    (
      await fetch(new URL(path, baseURL.replace(/\/v1$/, '/')), { method, headers: { connection: 'close' } })
    ).json()
  return { baseURL, stats, stop: () => judge.kill('SIGTERM') }
}

/** `files` eval files of `perFile` tests, each asserting one judged output. */
export function judgedSuiteFiles(files, perFile) {
  const suite = {}
  for (let file = 0; file < files; file++) {
    suite[`file-${file}.eval.ts`] = [
      "import { test } from 'vitest'",
      `for (let index = 0; index < ${perFile}; index++) {`,
      '  test(`case ${index}`, async ({ expect }) => {',
      `    await expect(\`Refunds are paid within 14 days (case \${index}, file ${file}).\`).toScoreAtLeast('relevance', 0.5)`,
      '  })',
      '}',
      '',
    ].join('\n')
  }
  return suite
}

/** A one-test suite without the plugin: Vitest's own start-up, the part of a run no judge call can shorten. */
function emptySuite(name) {
  const dir = scratch(`${name}-empty`)
  write(dir, {
    'empty.test.ts': "import { test } from 'vitest'\n\ntest('nothing', () => {})\n",
    'vitest.config.ts': "export default { test: { include: ['**/*.test.ts'] } }\n",
  })
  return dir
}

/**
 * Runs judged suites against a live judge and relates their wall time to the ideal: `calls` x `delayMs` /
 * `concurrency` (the judge kept busy at the global limit, nothing else costing time) plus Vitest's start-up,
 * measured in the same rounds on a one-test suite. Each round times the start-up, then every suite of `suites`
 * (label to folder), each after resetting the judge's count and checking that it served exactly `calls` calls.
 * `check(stdout)` may throw on a run whose output is not what the suite should print.
 * Resolves to `{ startupMs, idealMs, maxInFlight, runs, cpu, startupCpu, ratio }`: `runs` the wall times per
 * label, `cpu` their CPU times (empty without GNU time), `ratio(ms)` against ideal + median start-up.
 */
export async function measureAgainstIdeal({
  name,
  judge,
  suites,
  calls,
  delayMs,
  concurrency,
  rounds,
  check,
}) {
  const emptyDir = emptySuite(name)
  const runs = Object.fromEntries(Object.keys(suites).map((label) => [label, []]))
  const cpu = Object.fromEntries(Object.keys(suites).map((label) => [label, []]))
  const startup = []
  const startupCpu = []
  let maxInFlight = 0
  for (let round = 0; round < rounds; round++) {
    const empty = timedRun(emptyDir)
    startup.push(empty.wallMs)
    if (empty.cpuMs !== undefined) startupCpu.push(empty.cpuMs)
    for (const [label, dir] of Object.entries(suites)) {
      await judge.stats('/stats/reset', 'POST')
      const run = timedRun(dir)
      const served = await judge.stats()
      if (served.calls !== calls) {
        throw new Error(`expected ${calls} live calls, the judge served ${served.calls}:\n${run.stdout}`)
      }
      check?.(run.stdout)
      maxInFlight = Math.max(maxInFlight, served.maxInFlight)
      runs[label].push(run.wallMs)
      if (run.cpuMs !== undefined) cpu[label].push(run.cpuMs)
    }
  }
  const startupMs = median(startup)
  const idealMs = (calls * delayMs) / concurrency
  const ratio = (ms) => ms / (idealMs + startupMs)
  return { startupMs, idealMs, maxInFlight, runs, cpu, startupCpu, ratio }
}

/** The lines every live benchmark prints: start-up, ideal, and per suite the median and each round's ratio. */
export function printAgainstIdeal(
  { startupMs, idealMs, runs, cpu, startupCpu, ratio },
  { ideal, target, labels = {} },
) {
  const times = (value) => `${ratio(value).toFixed(2)}x`
  // CPU time (median) beside the wall time: on a loaded machine it shows what a run costs whatever the load.
  const cpuNote = (values) => (values.length > 0 ? `   CPU ${fmt(median(values))}` : '')
  console.log(`  vitest start-up (one-test suite)  ${fmt(startupMs).padStart(8)}${cpuNote(startupCpu)}`)
  console.log(`  ${`ideal (${ideal})`.padEnd(32)}  ${fmt(idealMs).padStart(8)}`)
  for (const [label, values] of Object.entries(runs)) {
    const middle = median(values)
    const note = labels[label] ?? `of ideal + start-up (target: within ${target}x)`
    console.log(`  ${label.padEnd(32)}  ${fmt(middle).padStart(8)}   ${times(middle).padStart(8)} ${note}`)
    // Each round against the same median start-up: the spread shows how much the machine's load moves the ratio.
    console.log(`  ${`${label}, each`.padEnd(32)}  ${values.map(times).join(', ')}${cpuNote(cpu[label])}`)
  }
}
