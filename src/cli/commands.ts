/**
 * Internal: the `vitest-rubric` subcommands, each imported only when it runs. Add a subcommand by adding its
 * module here.
 */
import type { Command } from './command.ts'

export const commands: Record<string, () => Promise<Command>> = {
  baseline: async () => (await import('./baseline.ts')).command,
  calibrate: async () => (await import('./calibrate.ts')).command,
  compare: async () => (await import('./compare.ts')).command,
  report: async () => (await import('./report.ts')).command,
  sample: async () => (await import('./sample.ts')).command,
}
