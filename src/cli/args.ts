/** Internal: helpers shared by the `vitest-rubric` subcommands. */
import { RubricArgumentError } from '../errors.ts'

/** Runs node:util's `parseArgs`; an unknown option or a missing value becomes an error that shows the usage. */
export function withUsage<T>(usage: string, parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    throw new RubricArgumentError(`${(error as Error).message.replace(/\.$/, '')}.\n\n${usage}`)
  }
}

/** Colours when stdout is a terminal, unless `NO_COLOR` asks for none or `FORCE_COLOR` for some. */
export function stdoutColors(): boolean {
  const { NO_COLOR, FORCE_COLOR } = process.env
  if (NO_COLOR) return false
  if (FORCE_COLOR && FORCE_COLOR !== '0' && FORCE_COLOR !== 'false') return true
  return Boolean(process.stdout.isTTY)
}
