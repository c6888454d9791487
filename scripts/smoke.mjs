/**
 * The smoke test: uses the packed package the way a new user would, with the Node on PATH.
 *
 *   node scripts/smoke.mjs --tarball .tmp/pack/vitest-rubric-0.1.0.tgz --vitest ^4.1.0
 *
 * In an empty folder outside the repository: `npm init -y`, a strict (linked) install of vitest, typescript and the
 * tarball, the `vitest.config.ts` and eval file exactly as README.md shows them (fenced blocks after
 * `<!-- smoke:PATH -->` markers; this script's copies while the README has none), then
 * `npx vitest run --project evals` against a local OpenAI-compatible judge. Checks the exit code, the per-dimension
 * table, the type tests against the packed typings, and the `vitest-rubric` bin.
 */
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, stripVTControlCharacters } from 'node:util'
import { startJudgeServer } from './judge-server.mjs'

const repoRoot = fileURLToPath(new URL('..', import.meta.url))

/** The README's snippets, used until README.md carries them behind `<!-- smoke:PATH -->` markers. */
const FALLBACK_SNIPPETS = {
  'vitest.config.ts': `import { defineConfig } from 'vitest/config'
import { evals } from 'vitest-rubric/config'

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/**/*.test.ts'] } },
      evals({ include: ['**/*.eval.ts'], judge: { model: 'gpt-4.1-mini' } }),
    ],
  },
})
`,
  'support.eval.ts': `import { describe, test } from 'vitest'
import { defineRubric } from 'vitest-rubric'

const support = defineRubric({
  name: 'support',
  dimensions: {
    helpfulness: { description: 'Answers the question that was asked, with the steps the customer needs.', floor: 0.75 },
    tone: { description: 'Polite, calm and free of blame.' },
  },
})

// The application under test.
async function answerQuestion(input: string): Promise<string> {
  return input.includes('refund') ? 'Refunds are paid within 30 days of the return arriving.' : 'Please contact us.'
}

describe('support answers', () => {
  test('answers the refund question', async ({ expect }) => {
    const input = 'How long does a refund take?'
    const answer = await answerQuestion(input)
    await expect(answer).toScoreAtLeast('relevance', 0.5, { input })
    await expect(answer).toSatisfyRubric(support, { input })
  })
})
`,
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'bundler',
    strict: true,
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
    tarball,
  ])

  const snippets = readmeSnippets()
  for (const [path, text] of Object.entries(snippets)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }

  step('npx vitest run --project evals')
  judge = await startJudgeServer()
  const evalRun = await run('npx', ['vitest', 'run', '--project', 'evals'], {
    env: { OPENAI_BASE_URL: judge.baseURL, OPENAI_API_KEY: 'smoke-test-key' },
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

  step('type tests against the packed typings (tsc --noEmit)')
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

/** The fenced code block after each `<!-- smoke:PATH -->` marker in README.md, else this script's copies. */
function readmeSnippets() {
  const readme = existsSync(join(repoRoot, 'README.md'))
    ? readFileSync(join(repoRoot, 'README.md'), 'utf8')
    : ''
  const found = {}
  for (const match of readme.matchAll(/<!--\s*smoke:(\S+)\s*-->\s*\n(`{3,})[^\n]*\n([\s\S]*?)\n\2/g)) {
    found[match[1]] = `${match[3]}\n`
  }
  if (Object.keys(found).length === 0) {
    console.log(
      'smoke: README.md has no <!-- smoke:PATH --> snippets yet; using the copies in scripts/smoke.mjs',
    )
    return FALLBACK_SNIPPETS
  }
  if (!found['vitest.config.ts'] || !Object.keys(found).some((path) => path.endsWith('.eval.ts'))) {
    fail(`README.md's smoke snippets need a vitest.config.ts and an *.eval.ts; found ${Object.keys(found)}`)
  }
  console.log(`smoke: using README.md's snippets: ${Object.keys(found).join(', ')}`)
  return found
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
