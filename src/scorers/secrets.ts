import { shannonEntropy } from './checksums.ts'
import type { PiiCandidate } from './pii-detectors.ts'

/**
 * Detection of API keys, tokens and passwords: the formats of well-known providers, and long random-looking
 * values next to a key-ish name (`api_key = ...`, `Bearer ...`, `token_...`). Placeholders such as
 * `sk-your-key-here`, `AKIAIOSFODNN7EXAMPLE`, `process.env.OPENAI_API_KEY` or `********` are not secrets.
 */

/** Provider formats, each with the part that must look random. */
const PROVIDER_PATTERNS: readonly RegExp[] = [
  // OpenAI, Anthropic and look-alikes: sk-..., sk-proj-..., sk-ant-api03-...
  /(?<![\w-])sk-(?:proj-|ant-(?:api\d{2}-)?|live-|svcacct-)?(?<body>[A-Za-z0-9_-]{20,})/g,
  // AWS access key ids.
  /(?<![\w])(?:AKIA|ASIA|ABIA|ACCA)(?<body>[A-Z0-9]{16})(?![\w])/g,
  // GitHub tokens.
  /(?<![\w])(?:gh[pousr]_(?<body>[A-Za-z0-9]{36,255})|github_pat_(?<fine>[A-Za-z0-9_]{22,255}))(?![\w])/g,
  // Slack tokens.
  /(?<![\w])xox[abposr]-(?<body>[A-Za-z0-9-]{10,})/g,
  // Stripe secret and restricted keys (publishable pk_ keys are public by design).
  /(?<![\w])(?:sk|rk)_(?:live|test)_(?<body>[A-Za-z0-9]{16,})(?![\w])/g,
  // Google API keys.
  /(?<![\w])AIza(?<body>[0-9A-Za-z_-]{35})(?![\w-])/g,
  // JSON Web Tokens: header.payload.signature, both JSON parts starting {"
  /(?<![\w])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.(?<body>[A-Za-z0-9_-]{8,})/g,
  // Tokens named by a key-ish prefix: token_..., key-..., secret_...
  /(?<![\w-])(?:key|token|secret|pat|api|access|session|auth)[_-](?<body>[A-Za-z0-9]{24,})(?![\w])/gi,
]

const PRIVATE_KEY = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----(?:[\s\S]*?-----END \1PRIVATE KEY-----)?/g

const LABELLED_VALUE =
  /(?<![\w])(?:[A-Za-z0-9]{1,24}[_-]){0,4}(?<label>api[_-]?key|secret(?:[_-]?access)?(?:[_-]?key)?|access[_-]?key(?:[_-]?id)?|(?:access|auth|refresh|session|id)[_-]?token|token|client[_-]?secret|private[_-]?key|password|passwd|pwd)["']?(?:\s*[:=]|\s+is:?)\s*["'`]?(?<value>[^\s"'`,;)}\]]+)/gi
const BEARER = /(?<![\w])[Bb]earer\s+(?<value>[A-Za-z0-9._~+/-]{16,}=*)/g

const PLACEHOLDER =
  /your|example|sample|placeholder|dummy|fake|redacted|changeme|change_me|replace|xxxx|\*{3}|\.{3}|<|>|\$\{|\{\{|process\.env|import\.meta|os\.environ|getenv|env\.|secrets\./i

function looksRandom(value: string, minimumEntropy: number): boolean {
  return /\d/.test(value) && /[A-Za-z]/.test(value) && shannonEntropy(value) >= minimumEntropy
}

function isPassword(label: string): boolean {
  return /^(?:password|passwd|pwd)$/i.test(label)
}

function acceptLabelled(label: string, value: string): boolean {
  if (PLACEHOLDER.test(value) || /[([{$]/.test(value)) return false
  // A dotted path (config.auth.token) or an environment variable name (OPENAI_API_KEY) refers to a secret.
  if (
    /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value) ||
    /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value)
  ) {
    return false
  }
  if (isPassword(label)) {
    return value.length >= 8 && /[A-Za-z]/.test(value) && /[^A-Za-z]/.test(value)
  }
  return value.length >= 16 && looksRandom(value, 3)
}

export function findSecrets(text: string): PiiCandidate[] {
  const found: PiiCandidate[] = []
  const push = (start: number, end: number) => found.push({ kind: 'secret', start, end })
  for (const pattern of PROVIDER_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const body = match.groups?.body ?? match.groups?.fine ?? ''
      if (PLACEHOLDER.test(match[0]) || !looksRandom(body, 3)) continue
      push(match.index, match.index + match[0].length)
    }
  }
  for (const match of text.matchAll(PRIVATE_KEY)) push(match.index, match.index + match[0].length)
  for (const match of text.matchAll(LABELLED_VALUE)) {
    const { label = '', value: raw = '' } = match.groups ?? {}
    // Another label ("password: password:") is no value; a full stop after the value ends the sentence.
    if (raw.endsWith(':')) continue
    const value = raw.replace(/[.!?]+$/, '')
    if (!acceptLabelled(label, value)) continue
    const start = match.index + match[0].length - raw.length
    push(start, start + value.length)
  }
  for (const match of text.matchAll(BEARER)) {
    const value = match.groups?.value ?? ''
    if (PLACEHOLDER.test(value) || !looksRandom(value, 3)) continue
    const start = match.index + match[0].length - value.length
    push(start, start + value.length)
  }
  return found
}
