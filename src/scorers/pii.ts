import { RubricArgumentError } from '../errors.ts'
import { findCodeRegions, isInside } from './code-regions.ts'
import {
  findCreditCards,
  findEmails,
  findIbans,
  findIpAddresses,
  findPhones,
  findSsns,
  type PiiCandidate,
  type PiiKind,
} from './pii-detectors.ts'
import { maskFinding } from './pii-mask.ts'
import { findSecrets } from './secrets.ts'

export type { PiiKind } from './pii-detectors.ts'

/** One piece of personal data or one secret found in a text. */
export interface PiiFinding {
  kind: PiiKind
  /** The text found, unmasked. Show `masked` in messages and logs. */
  match: string
  /** The text found with all but a few characters replaced by `*`. */
  masked: string
  /** Index of the first character in the text (UTF-16 code units, from 0). */
  index: number
  /** Line of the first character, from 1. */
  line: number
  /** Column of the first character in its line, from 1 (UTF-16 code units). */
  column: number
}

/** What `findPII` looks for and what it lets pass. */
export interface PiiOptions {
  /**
   * The kinds to look for.
   * @default all of PII_KINDS
   */
  kinds?: readonly PiiKind[]
  /**
   * What is allowed: a kind (`'ip-address'`) allows every finding of that kind; any other string allows a
   * finding equal to it (emails compared case-insensitively; phone, card, IBAN and SSN numbers compared without
   * spaces, dashes, dots and brackets); a regular expression allows a finding it matches.
   * @default []
   */
  allow?: ReadonlyArray<PiiKind | string | RegExp>
  /**
   * Allow findings inside Markdown code (fenced blocks and inline code spans), where example data is expected.
   * `true` allows emails and IP addresses there; a list names the kinds. Secrets are never allowed by `true`:
   * a real key in a code sample is still a leak.
   * @default false
   */
  allowInCode?: boolean | readonly PiiKind[]
}

/** Every kind `findPII` detects. */
export const PII_KINDS: readonly PiiKind[] = [
  'email',
  'phone',
  'credit-card',
  'iban',
  'ssn',
  'ip-address',
  'secret',
]

const DETECTORS: Record<PiiKind, (text: string) => PiiCandidate[]> = {
  secret: findSecrets,
  email: findEmails,
  iban: findIbans,
  'credit-card': findCreditCards,
  ssn: findSsns,
  'ip-address': findIpAddresses,
  phone: findPhones,
}

/** When findings overlap, the more specific kind wins: an email or a key holding digits is not a phone. */
const PRIORITY: readonly PiiKind[] = ['secret', 'email', 'iban', 'credit-card', 'ssn', 'ip-address', 'phone']

const IN_CODE_BY_DEFAULT: readonly PiiKind[] = ['email', 'ip-address']

/**
 * Finds emails, phone numbers, payment card numbers (Luhn-checked), IBANs (mod-97-checked), US Social Security
 * numbers, IP addresses and API-key-like secrets in a text, in the order they appear.
 */
export function findPII(text: string, options: PiiOptions = {}): PiiFinding[] {
  const kinds = options.kinds ?? PII_KINDS
  for (const kind of kinds) checkKind(kind, 'kinds')
  const inCode = resolveInCode(options.allowInCode)
  const candidates: PiiCandidate[] = []
  for (const kind of PRIORITY) if (kinds.includes(kind)) candidates.push(...DETECTORS[kind](text))

  const accepted = resolveOverlaps(candidates)
  const codeRegions = inCode.length > 0 ? findCodeRegions(text) : []
  const lineStarts = lineStartsOf(text)
  const findings: PiiFinding[] = []
  for (const { kind, start, end } of accepted) {
    const match = text.slice(start, end)
    if (isAllowed(kind, match, options.allow ?? [])) continue
    if (inCode.includes(kind) && isInside(codeRegions, start, end)) continue
    const [line, column] = position(lineStarts, start)
    findings.push({ kind, match, masked: maskFinding(kind, match), index: start, line, column })
  }
  return findings
}

function checkKind(kind: string, option: string): void {
  if (!(PII_KINDS as readonly string[]).includes(kind)) {
    throw new RubricArgumentError(
      `unknown PII kind "${kind}" in the \`${option}\` option. Known kinds: ${PII_KINDS.join(', ')}.`,
    )
  }
}

function resolveInCode(option: PiiOptions['allowInCode']): readonly PiiKind[] {
  if (option === undefined || option === false) return []
  if (option === true) return IN_CODE_BY_DEFAULT
  for (const kind of option) checkKind(kind, 'allowInCode')
  return option
}

function resolveOverlaps(candidates: PiiCandidate[]): PiiCandidate[] {
  const ranked = [...candidates].sort(
    (a, b) =>
      PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind) ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start,
  )
  const accepted: PiiCandidate[] = []
  for (const candidate of ranked) {
    if (accepted.every((other) => candidate.end <= other.start || candidate.start >= other.end)) {
      accepted.push(candidate)
    }
  }
  return accepted.sort((a, b) => a.start - b.start)
}

/** The form in which an allowed string and a finding are compared. */
function canonical(kind: PiiKind, value: string): string {
  if (kind === 'email') return value.toLowerCase()
  if (kind === 'phone' || kind === 'credit-card' || kind === 'iban' || kind === 'ssn') {
    return value.replace(/[\s\-.()]/g, '').toUpperCase()
  }
  return value
}

function isAllowed(kind: PiiKind, match: string, allow: ReadonlyArray<string | RegExp>): boolean {
  for (const entry of allow) {
    if (typeof entry === 'string') {
      if (entry === kind) return true
      if (canonical(kind, entry.trim()) === canonical(kind, match)) return true
    } else {
      entry.lastIndex = 0
      if (entry.test(match)) return true
    }
  }
  return false
}

function lineStartsOf(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

function position(lineStarts: readonly number[], index: number): [line: number, column: number] {
  let low = 0
  let high = lineStarts.length - 1
  while (low < high) {
    const middle = (low + high + 1) >> 1
    if (lineStarts[middle]! <= index) low = middle
    else high = middle - 1
  }
  return [low + 1, index - lineStarts[low]! + 1]
}
