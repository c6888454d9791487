#!/usr/bin/env node
/**
 * The `vitest-rubric` command: each subcommand lives in `src/cli/<name>.ts` and is loaded only when called.
 */
import { readFileSync, realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { commands } from './cli/commands.ts'
import { RubricError } from './errors.ts'

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

async function help(): Promise<string> {
  const lines = ['Usage: vitest-rubric <command> [options]', '', 'Commands:']
  for (const [name, load] of Object.entries(commands).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${name.padEnd(10)} ${(await load()).summary}`)
  }
  lines.push('', 'Run `vitest-rubric <command> --help` for the options of a command.')
  return lines.join('\n')
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await help())
    return name === undefined ? 1 : 0
  }
  if (name === '--version' || name === '-v') {
    console.log(version())
    return 0
  }
  const load = commands[name]
  if (!load) {
    console.error(`vitest-rubric: unknown command "${name}".\n\n${await help()}`)
    return 1
  }
  const command = await load()
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`${command.summary}\n\n${command.usage}`)
    return 0
  }
  try {
    return await command.run(args)
  } catch (error) {
    if (error instanceof RubricError) {
      console.error(`vitest-rubric ${name}: ${error.message}`)
      return 1
    }
    throw error
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1]
  if (!script) return false
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      console.error(error)
      process.exitCode = 1
    },
  )
}
