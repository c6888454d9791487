import { createRequire } from 'node:module'

type DiffModule = typeof import('diff')

// `diff` is loaded on the first failure that shows one: a passing suite never pays for the import.
const require = createRequire(import.meta.url)
let diffModule: DiffModule | undefined

const MAX_DIFF_CHARS = 1500

/** The `diff` package, loaded on first use. */
export function loadDiff(): DiffModule {
  diffModule ??= require('diff') as DiffModule
  return diffModule
}

/**
 * A word diff of the expected text against the received one, in the notation of `git diff --word-diff=plain`:
 * `[-words only in the expected text-]{+words only in the received text+}`, unchanged words as they are.
 */
export function wordDiff(
  expected: string,
  received: string,
  labels = { expected: 'expected', received: 'received' },
) {
  const changes = loadDiff().diffWords(expected, received)
  let body = ''
  for (const change of changes) {
    if (change.added) body += `{+${change.value}+}`
    else if (change.removed) body += `[-${change.value}-]`
    else body += change.value
  }
  if (body.length > MAX_DIFF_CHARS) body = `${body.slice(0, MAX_DIFF_CHARS)}…`
  return `difference ([-only in the ${labels.expected}-] {+only in the ${labels.received}+}):\n${indent(body)}`
}

/** Indents every line by two spaces, for text quoted inside a message. */
export function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n')
}

/** Text shortened for a message, with how much was left out. */
export function excerpt(text: string, max = 400): string {
  if (text.length <= max) return text
  return `${text.slice(0, max)}… (${text.length - max} more characters)`
}
