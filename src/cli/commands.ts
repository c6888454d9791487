/**
 * Internal: the `vitest-rubric` subcommands, each imported only when it runs. Add a subcommand by adding its
 * module here.
 */
import type { Command } from './command.ts'

export const commands: Record<string, () => Promise<Command>> = {}
