import type { PiiKind } from './pii-detectors.ts'

/**
 * Masks a finding so that a failure message can say what was found without repeating it: a few characters
 * stay (`j***@e***.com`, `**** **** **** 4242`, `***-**-6789`, `DE** **** **** **** **30 00`, `sk-proj-********`).
 */
export function maskFinding(kind: PiiKind, match: string): string {
  switch (kind) {
    case 'email':
      return maskEmail(match)
    case 'credit-card':
    case 'ssn':
      return maskKeepingLast(match, 4, /\d/)
    case 'phone':
      return maskKeepingLast(match, 2, /\d/)
    case 'iban':
      return match.slice(0, 2) + maskKeepingLast(match.slice(2), 4, /[A-Za-z0-9]/)
    case 'ip-address':
      return maskIp(match)
    case 'secret':
      return maskSecret(match)
  }
}

/** Replaces every character matching `pattern` by `*`, except the last `keep` of them. */
function maskKeepingLast(text: string, keep: number, pattern: RegExp): string {
  let total = 0
  for (const char of text) if (pattern.test(char)) total++
  let seen = 0
  let out = ''
  for (const char of text) {
    if (pattern.test(char)) {
      seen++
      out += seen > total - keep ? char : '*'
    } else out += char
  }
  return out
}

function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  const domain = email.slice(at + 1)
  const tld = domain.slice(domain.lastIndexOf('.') + 1)
  return `${email[0]}***@${domain[0]}***.${tld}`
}

function maskIp(address: string): string {
  if (!address.includes(':')) {
    const [first] = address.split('.')
    return `${first}.*.*.*`
  }
  const colon = address.indexOf(':')
  return address.slice(0, colon) + address.slice(colon).replace(/[0-9A-Fa-f]/g, '*')
}

const SECRET_PREFIX =
  /^(?:sk-(?:proj-|ant-(?:api\d{2}-)?|live-|svcacct-)?|(?:sk|rk)_(?:live|test)_|gh[pousr]_|github_pat_|xox[abposr]-|AKIA|ASIA|ABIA|ACCA|AIza|eyJ|-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----|(?:key|token|secret|pat|api|access|session|auth)[_-])/i

function maskSecret(secret: string): string {
  const prefix = SECRET_PREFIX.exec(secret)?.[0] ?? secret.slice(0, 2)
  return prefix + '*'.repeat(Math.min(8, Math.max(secret.length - prefix.length, 1)))
}
