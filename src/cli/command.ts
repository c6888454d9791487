/** Internal: what every `vitest-rubric` subcommand module exports as `command`. */
export interface Command {
  /** One line for `vitest-rubric --help`. */
  summary: string
  /** The options, for `vitest-rubric <command> --help`. */
  usage: string
  /** Parses its own arguments and resolves to the exit code. */
  run(args: string[]): Promise<number>
}
