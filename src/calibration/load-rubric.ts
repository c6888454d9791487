/**
 * Internal to calibration: loads the rubric a `--rubric <file>[#export]` option names. A TypeScript module is run
 * through Vitest's module runner (Node 20 cannot strip types), with `vitest-rubric` resolved to this package.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { RubricArgumentError } from '../errors.ts'
import { entryFile } from '../own-files.ts'
import type { Rubric } from '../types.ts'

/** Imports `spec` (`path/to/rubric.ts`, or `path/to/rubric.ts#supportRubric`) and returns the rubric it exports. */
export async function loadRubricModule(spec: string, cwd: string): Promise<Rubric> {
  const hash = spec.lastIndexOf('#')
  const path = hash > 0 ? spec.slice(0, hash) : spec
  const name = hash > 0 ? spec.slice(hash + 1) : undefined
  const file = resolve(cwd, path)
  if (!existsSync(file)) {
    throw new RubricArgumentError(
      `--rubric ${path}: no such file in ${cwd}. Give the module that exports the rubric.`,
    )
  }
  const exports = await importModule(file)
  if (name !== undefined) {
    const value = exports[name]
    if (!isRubric(value)) {
      throw new RubricArgumentError(
        `--rubric ${spec}: ${path} has no rubric export "${name}"; its rubric exports: ${rubricExports(exports).join(', ') || 'none'}.`,
      )
    }
    return value
  }
  if (isRubric(exports.default)) return exports.default
  const found = rubricExports(exports)
  if (found.length === 1) return exports[found[0]!] as Rubric
  throw new RubricArgumentError(
    found.length === 0
      ? `--rubric ${path} exports no rubric; export one made with defineRubric().`
      : `--rubric ${path} exports several rubrics (${found.join(', ')}); name one: --rubric ${path}#${found[0]}.`,
  )
}

function rubricExports(exports: Record<string, unknown>): string[] {
  return Object.keys(exports).filter((key) => key !== 'default' && isRubric(exports[key]))
}

function isRubric(value: unknown): value is Rubric {
  const rubric = value as Rubric | null | undefined
  return (
    typeof rubric === 'object' &&
    rubric !== null &&
    typeof rubric.id === 'string' &&
    typeof rubric.name === 'string' &&
    typeof rubric.dimensions === 'object' &&
    typeof rubric.scale === 'object'
  )
}

async function importModule(file: string): Promise<Record<string, unknown>> {
  if (/\.[cm]?js$/.test(file)) return (await import(pathToFileURL(file).href)) as Record<string, unknown>
  const { createVitest } = await import('vitest/node')
  const self = entryFile('index')
  const vitest = await createVitest(
    'test',
    { config: false, watch: false, root: resolve(file, '..') } as never,
    { resolve: { alias: { 'vitest-rubric': self } }, logLevel: 'silent' },
  )
  try {
    return await vitest.import<Record<string, unknown>>(file)
  } finally {
    await vitest.close()
  }
}
