import { createRequire } from 'node:module'
import { relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RubricArgumentError } from '../errors.ts'
import { DatasetNoFilesError } from './errors.ts'

/** A matched file: its absolute path, and its path relative to `cwd` with forward slashes, for display. */
export interface FoundFile {
  path: string
  file: string
}

const IGNORE = ['**/node_modules/**']

// fast-glob is loaded when a dataset is first read, not with every eval file that imports vitest-rubric.
const require = createRequire(import.meta.url)
let fastGlob: typeof import('fast-glob') | undefined
const glob = () => (fastGlob ??= require('fast-glob') as typeof import('fast-glob'))

/** The patterns as a list, after checking that each is non-empty text. */
export function toPatterns(patterns: string | readonly string[], caller: string): string[] {
  const list = typeof patterns === 'string' ? [patterns] : [...(patterns ?? [])]
  if (list.length === 0 || list.some((pattern) => typeof pattern !== 'string' || pattern.trim() === '')) {
    throw new RubricArgumentError(
      `${caller}() needs one or more file patterns, for example ${caller}('evals/data/*.jsonl'); got ${JSON.stringify(patterns)}.`,
    )
  }
  return list
}

/** The absolute directory patterns are relative to. */
export function resolveCwd(cwd: string | URL | undefined): string {
  if (cwd === undefined) return process.cwd()
  return resolve(cwd instanceof URL ? fileURLToPath(cwd) : cwd)
}

/** Finds the files matching the patterns, sorted by their relative path; none fails naming patterns and cwd. */
export async function findFiles(patterns: string[], cwd: string, what: string): Promise<FoundFile[]> {
  const paths = await glob()(patterns, { cwd, absolute: true, onlyFiles: true, unique: true, ignore: IGNORE })
  return toFound(paths, patterns, cwd, what)
}

/** `findFiles`, synchronously. */
export function findFilesSync(patterns: string[], cwd: string, what: string): FoundFile[] {
  const paths = glob().sync(patterns, { cwd, absolute: true, onlyFiles: true, unique: true, ignore: IGNORE })
  return toFound(paths, patterns, cwd, what)
}

function toFound(paths: string[], patterns: string[], cwd: string, what: string): FoundFile[] {
  if (paths.length === 0) throw new DatasetNoFilesError(patterns, cwd, what)
  const found = [...new Set(paths)].map((path) => ({ path, file: relative(cwd, path).split(sep).join('/') }))
  return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
}
