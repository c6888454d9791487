/**
 * The smoke test: uses the packed package the way a new user would, with the Node on PATH.
 *
 *   node scripts/smoke.mjs --tarball .tmp/pack/vitest-rubric-0.1.0.tgz --vitest ^4.1.0
 *
 * In an empty folder outside the repository: `npm init -y`, a strict (linked) install of vitest, typescript, zod,
 * @types/node, the SDKs the README's agents use (openai, ai with @ai-sdk/openai, @anthropic-ai/sdk) and the tarball,
 * then every code block of README.md written to a file (see `readmeFiles`), then `npx vitest run --project evals`
 * against a local server that is the judge and the agents' model (`scripted-agent.mjs`), found by the SDKs through
 * OPENAI_BASE_URL and ANTHROPIC_BASE_URL as a user's would: the README's eval files, and a generated eval file that
 * imports every other TypeScript block so that it runs too. Checks the exit code, the per-dimension table, that
 * every README block ran and every agent's SDK reached the model, the type check of every block and of the type
 * tests against the packed typings, any other Vitest config the README shows, and the `vitest-rubric` bin.
 */
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, stripVTControlCharacters } from 'node:util'
import { startJudgeServer } from './judge-server.mjs'
import { agentAnswer } from './scripted-agent.mjs'

const repoRoot = fileURLToPath(new URL('..', import.meta.url))

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'bundler',
    strict: true,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
  },
  include: ['**/*.ts'],
}

const { values: args } = parseArgs({
  options: {
    tarball: { type: 'string' },
    vitest: { type: 'string', default: 'latest' },
    keep: { type: 'boolean', default: false },
  },
})
if (!args.tarball) {
  console.error(
    'usage: node scripts/smoke.mjs --tarball <npm pack output> [--vitest <version range>] [--keep]',
  )
  process.exit(2)
}
const tarball = resolve(args.tarball)

const dir = mkdtempSync(join(tmpdir(), 'vitest-rubric-smoke-'))
let judge
try {
  step(`scratch project ${dir} (node ${process.version}, vitest@${args.vitest})`)
  await run('npm', ['init', '-y'])
  // Linked (isolated) installs resolve only declared dependencies, like pnpm: undeclared imports in the package fail.
  await run('npm', [
    'install',
    '--save-dev',
    '--install-strategy=linked',
    '--no-audit',
    '--no-fund',
    `vitest@${args.vitest}`,
    'typescript',
    'zod',
    '@types/node',
    'openai',
    'ai',
    '@ai-sdk/openai',
    '@anthropic-ai/sdk',
    tarball,
  ])

  const { files, runner, configs } = readmeFiles()
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }

  step('npx vitest run --project evals')
  const agentRoutes = new Set()
  judge = await startJudgeServer({
    agent: (method, url, body) => {
      const answer = agentAnswer(method, url, body)
      if (answer !== undefined) agentRoutes.add(url)
      return answer
    },
  })
  const evalRun = await run('npx', ['vitest', 'run', '--project', 'evals'], {
    env: {
      OPENAI_BASE_URL: judge.baseURL,
      OPENAI_API_KEY: 'smoke-test-key',
      ANTHROPIC_BASE_URL: judge.baseURL.replace(/\/v1$/, ''),
      ANTHROPIC_API_KEY: 'smoke-test-key',
    },
    allowFailure: true,
  })
  const output = stripVTControlCharacters(evalRun.output)
  if (evalRun.code !== 0) fail(`vitest exited with ${evalRun.code}`)
  if (judge.chatRequests === 0) fail('the judge server received no request')
  if (!/^\s*dimension\s+n\s+mean\b/m.test(output)) fail('no per-dimension table was printed')
  // Every dimension the judge was asked to score has a row: name, n, mean, ...
  for (const dimension of judge.dimensions) {
    const name = dimension.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    if (!new RegExp(`^\\s*${name}\\s+\\d+\\s+\\d\\.\\d\\d\\b`, 'm').test(output)) {
      fail(`the per-dimension table has no row for ${dimension}`)
    }
  }
  console.log(`smoke: ${judge.chatRequests} judge calls; table rows for ${judge.dimensions.join(', ')}`)
  // The README's agents, one per SDK, reached the model in their wire formats: no example ran against nothing.
  const agentFormats = ['/v1/chat/completions', '/v1/responses', '/v1/messages']
  const missing = agentFormats.filter((url) => !agentRoutes.has(url))
  if (missing.length > 0) fail(`no README agent called the model at ${missing.join(', ')}`)
  console.log(`smoke: ${judge.agentRequests} agent calls (${agentFormats.join(', ')})`)
  // Every README eval file ran, and the generated file ran every other block: none was skipped or left out.
  for (const path of Object.keys(files).filter((file) => file.endsWith('.eval.ts'))) {
    if (!output.includes(` ${path} (`)) fail(`the README's ${path} did not run`)
  }
  if (!output.includes(` ${runner.path} (`)) fail(`${runner.path} did not run`)
  if (
    /\bskipped\b/.test(
      output
        .split('\n')
        .filter((line) => /Tests\s/.test(line))
        .join('\n'),
    )
  ) {
    fail('some README tests were skipped')
  }

  for (const config of configs) {
    step(`npx vitest run --config ${config} (a README config without evals())`)
    await run('npx', ['vitest', 'run', '--config', config, '--passWithNoTests'])
  }

  step('the README blocks and the type tests against the packed typings (tsc --noEmit)')
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`)
  cpSync(join(repoRoot, 'test/types/matchers.test-d.ts'), join(dir, 'types/matchers.test-d.ts'))
  await run('npx', ['tsc', '-p', '.'])

  step('the vitest-rubric bin')
  const version = await run('npx', ['--no-install', 'vitest-rubric', '--version'])
  const expected = JSON.parse(
    readFileSync(join(dir, 'node_modules/vitest-rubric/package.json'), 'utf8'),
  ).version
  if (version.stdout.trim() !== expected) fail(`vitest-rubric --version printed ${version.stdout.trim()}`)
  const help = await run('npx', ['--no-install', 'vitest-rubric', '--help'])
  if (!/Usage: vitest-rubric/.test(help.output)) fail('vitest-rubric --help printed no usage')
  const unknown = await run('npx', ['--no-install', 'vitest-rubric', 'no-such-command'], {
    allowFailure: true,
  })
  if (unknown.code === 0) fail('vitest-rubric exits 0 on an unknown command')

  console.log('smoke: passed')
  if (!args.keep) rmSync(dir, { recursive: true, force: true })
} catch (error) {
  console.error(`smoke: FAILED: ${error.message}`)
  console.error(`smoke: the scratch project is kept in ${dir}`)
  process.exitCode = 1
} finally {
  await judge?.close()
  if (args.keep && existsSync(dir)) console.log(`smoke: kept ${dir}`)
}

/**
 * Every code block of README.md that the scratch project needs:
 * - a TypeScript block goes to the file its first line names (`// support.eval.ts`), else to
 *   `readme/block-<line>.ts`;
 * - any block after a `<!-- smoke:PATH -->` line goes to PATH (data files such as `refunds.jsonl`);
 * - a TypeScript block after a `<!-- fragment: reason -->` line is left out, with its reason printed.
 * Eval files run in the evals project; every other TypeScript file but the Vitest configs is imported by a
 * generated eval file (`runner`), so that it runs too; the configs other than `vitest.config.ts` are run on their
 * own (`configs`).
 */
function readmeFiles() {
  const lines = readFileSync(join(repoRoot, 'README.md'), 'utf8').split('\n')
  const files = {}
  const blocks = []
  let marker
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]
    const open = /^(`{3,})(\w*)\s*$/.exec(line)
    if (!open) {
      if (line.trim() !== '')
        marker = /^<!--\s*(smoke|fragment):\s*(.*?)\s*-->$/.exec(line.trim()) ?? undefined
      continue
    }
    const start = index + 1
    const body = []
    for (index++; index < lines.length && lines[index] !== open[1]; index++) body.push(lines[index])
    blocks.push({ line: start, language: open[2], text: `${body.join('\n')}\n`, marker })
    marker = undefined
  }
  const add = (path, text, line) => {
    if (files[path] !== undefined) fail(`README.md names ${path} twice (again at line ${line})`)
    files[path] = text
  }
  for (const block of blocks) {
    if (block.marker?.[1] === 'smoke') {
      add(block.marker[2], block.text, block.line)
      continue
    }
    if (block.language !== 'ts') continue
    if (block.marker?.[1] === 'fragment') {
      console.log(`smoke: README.md line ${block.line} is a fragment: ${block.marker[2]}`)
      continue
    }
    const named = /^\/\/ ([\w./-]+\.m?ts)\s*$/.exec(block.text.split('\n')[0])
    add(named ? named[1] : `readme/block-${block.line}.ts`, block.text, block.line)
  }
  const isConfig = (path) => /(^|\/)vitest(\.[\w-]+)?\.config\.m?ts$/.test(path)
  if (!files['vitest.config.ts'] || !Object.keys(files).some((path) => path.endsWith('.eval.ts'))) {
    fail(
      `README.md needs a vitest.config.ts block and an *.eval.ts block; found ${Object.keys(files).join(', ')}`,
    )
  }
  const modules = Object.keys(files).filter(
    (path) => path.endsWith('.ts') && !path.endsWith('.eval.ts') && !isConfig(path),
  )
  const runner = {
    path: 'readme-blocks.eval.ts',
    text: [
      "import { test } from 'vitest'",
      '',
      ...modules.map(
        (path) => `test('README block ${path} runs', async () => {\n  await import('./${path}')\n})`,
      ),
      '',
    ].join('\n'),
  }
  add(runner.path, runner.text, 0)
  const configs = Object.keys(files).filter((path) => isConfig(path) && path !== 'vitest.config.ts')
  console.log(`smoke: README.md's blocks: ${Object.keys(files).join(', ')}`)
  return { files, runner, configs }
}

/** Runs a command in the scratch project; its output is shown, and returned with stdout apart. */
function run(command, commandArgs, { env = {}, allowFailure = false } = {}) {
  console.log(`$ ${command} ${commandArgs.join(' ')}`)
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, commandArgs, {
      cwd: dir,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    let stdout = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      output += chunk
      process.stdout.write(chunk)
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
      process.stdout.write(chunk)
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0 && !allowFailure)
        reject(new Error(`${command} ${commandArgs.join(' ')} exited with ${code}`))
      else resolvePromise({ code, output, stdout })
    })
  })
}

function step(title) {
  console.log(`\n-- smoke: ${title}`)
}

function fail(message) {
  throw new Error(message)
}
