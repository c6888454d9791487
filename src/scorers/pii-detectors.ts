import { ibanChecksumValid, luhnValid } from './checksums.ts'

/**
 * Detectors of personal data in text. Each finds candidates with a pattern and keeps those that pass the
 * checks a real value passes (check digits, number ranges, the words around it), because a PII check that
 * flags order numbers, dates and version numbers gets switched off.
 */

/** The kinds of personal data and secrets `findPII` looks for. */
export type PiiKind = 'email' | 'phone' | 'credit-card' | 'iban' | 'ssn' | 'ip-address' | 'secret'

/** Where a detector found one kind of data: the half-open range [start, end) of the text. */
export interface PiiCandidate {
  kind: PiiKind
  start: number
  end: number
}

const ALNUM = /[A-Za-z0-9]/

function isAlnum(char: string | undefined): boolean {
  return char !== undefined && ALNUM.test(char)
}

/** Whether a number stands apart: not continued by a joiner (`-`, `.`, `/`) that leads to more letters or digits. */
function standsAlone(text: string, start: number, end: number, joiners: string): boolean {
  const before = text[start - 1]
  const after = text[end]
  if (before !== undefined && joiners.includes(before) && isAlnum(text[start - 2])) return false
  if (after !== undefined && joiners.includes(after) && isAlnum(text[end + 1])) return false
  return true
}

/** Whether a digit group and a separator come right before: the number is part of a longer one (an IBAN). */
function continuesDigitGroups(text: string, start: number): boolean {
  return (text[start - 1] === ' ' || text[start - 1] === '-') && /\d/.test(text[start - 2] ?? '')
}

/** A label right before a number that says it is an identifier of something else, not personal data. */
const REFERENCE_LABEL =
  /(?:\b(?:order|invoice|tracking|reference|ref|sku|part|model|serial|isbn|issn|ticket|item|product|batch|lot|confirmation|booking|transaction|receipt|coupon|voucher|promo|shipment|parcel|case|build)(?:\s*(?:no\.?|nr\.?|number|num|id|code))?|#)\s*[:#.]?\s*$/i

function hasReferenceLabel(text: string, start: number): boolean {
  return REFERENCE_LABEL.test(text.slice(Math.max(0, start - 40), start))
}

function digitCount(text: string): number {
  let n = 0
  for (const char of text) if (char >= '0' && char <= '9') n++
  return n
}

function collect(
  text: string,
  pattern: RegExp,
  kind: PiiKind,
  accept: (match: RegExpExecArray) => boolean,
): PiiCandidate[] {
  const found: PiiCandidate[] = []
  for (const match of text.matchAll(pattern)) {
    if (accept(match)) found.push({ kind, start: match.index, end: match.index + match[0].length })
  }
  return found
}

// Email -------------------------------------------------------------------------------------------------------

const EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g
// `icon@2x.png` is an image name: these are file extensions, not top-level domains.
const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp', 'ico', 'avif'])

export function findEmails(text: string): PiiCandidate[] {
  return collect(text, EMAIL, 'email', (match) => {
    const end = match.index + match[0].length
    const tld = match[0].slice(match[0].lastIndexOf('.') + 1).toLowerCase()
    if (IMAGE_EXTENSIONS.has(tld)) return false
    // git@github.com:owner/repo.git is an SSH remote, not a mailbox.
    if (text[end] === ':' && /[\w~/]/.test(text[end + 1] ?? '')) return false
    return true
  })
}

// Phone numbers -----------------------------------------------------------------------------------------------

const INTERNATIONAL_PHONE = /(?<![\w+])(?:\+|00)[1-9][\d \-.()/]{5,22}\d(?![\w])/g
const INTERNATIONAL_SHAPE = /^(?:\+|00)\d{1,3}(?:[ .\-/]?(?:\(\d{1,4}\)|\d{1,5})){1,7}$/
const NANP_PHONE =
  /(?<![\w+])(?:1[ .-]?)?(?:\((?<area>\d{3})\) ?|(?<bareArea>\d{3})[ .-])(?<exchange>\d{3})[ .-]\d{4}(?![\w])/g
// After the trunk prefix 0 comes an area code, which never starts with 0 (00 is the international prefix).
const NATIONAL_PHONE =
  /(?<![\w+])(?:\(0[1-9]\d{0,3}\) ?|0[1-9]\d{0,3}[ \-/.])\d{2,8}(?:[ \-.]\d{2,8}){0,3}(?![\w])/g
const BARE_PHONE = /(?<![\w+])\d{10,12}(?![\w])/g
const PHONE_WORDS =
  /\b(?:phone|telephone|tel|mobile|cell|call|fax|whatsapp|sms|text me|reach me|ring)\b[^\d\n]{0,12}$/i
const DATE_SHAPE = /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$/
// A signed amount with thousands separators (+100.000.000), not a number to dial.
const GROUPED_AMOUNT = /^\+\d{1,3}(?:[.,]\d{3})+$/

function phoneAccepted(text: string, start: number, match: string): boolean {
  if (!standsAlone(text, start, start + match.length, '-./') || continuesDigitGroups(text, start))
    return false
  if (hasReferenceLabel(text, start)) return false
  return !DATE_SHAPE.test(match)
}

export function findPhones(text: string): PiiCandidate[] {
  return [
    ...collect(text, INTERNATIONAL_PHONE, 'phone', ({ 0: match, index }) => {
      const digits = digitCount(match)
      const enough = match.startsWith('+') ? digits >= 8 && digits <= 15 : digits >= 10 && digits <= 17
      return (
        enough &&
        INTERNATIONAL_SHAPE.test(match) &&
        !GROUPED_AMOUNT.test(match) &&
        phoneAccepted(text, index, match)
      )
    }),
    ...collect(text, NANP_PHONE, 'phone', ({ 0: match, index, groups }) => {
      // North American numbers: neither the area code nor the exchange starts with 0 or 1.
      const area = groups?.area ?? groups?.bareArea ?? ''
      return /^[2-9]/.test(area) && /^[2-9]/.test(groups?.exchange ?? '') && phoneAccepted(text, index, match)
    }),
    ...collect(text, NATIONAL_PHONE, 'phone', ({ 0: match, index }) => {
      const digits = digitCount(match)
      if (digits < 9 || digits > 12) return false
      // Dots only in the French style 01.42.68.53.00; other dotted numbers are dates or versions.
      if (match.includes('.') && !/^0[1-9](?:\.\d{2}){4}$/.test(match)) return false
      return phoneAccepted(text, index, match)
    }),
    ...collect(text, BARE_PHONE, 'phone', ({ 0: match, index }) => {
      // Ten or more bare digits are more often ids and timestamps; only a word such as "call" makes them a phone.
      return PHONE_WORDS.test(text.slice(Math.max(0, index - 30), index)) && phoneAccepted(text, index, match)
    }),
  ]
}

// Payment cards -----------------------------------------------------------------------------------------------

const CARD = /(?<![\w+])\d(?:[ -]?\d){12,18}(?![\w])/g

function cardGroupingValid(match: string): boolean {
  const separators = new Set(match.match(/[ -]/g) ?? [])
  if (separators.size === 0) return true
  if (separators.size > 1) return false
  const groups = match.split(/[ -]/).map((group) => group.length)
  const shape = groups.join('-')
  // Amex 4-6-5, Diners 4-6-4; otherwise blocks of four with a shorter last block.
  if (shape === '4-6-5' || shape === '4-6-4') return true
  const last = groups[groups.length - 1]!
  return groups.slice(0, -1).every((length) => length === 4) && last >= 1 && last <= 4
}

export function findCreditCards(text: string): PiiCandidate[] {
  return collect(text, CARD, 'credit-card', ({ 0: match, index }) => {
    const digits = match.replace(/[ -]/g, '')
    // Issuer prefixes of the card networks start with 2 to 6 (Mastercard 2-series, Amex, Visa, Mastercard, Discover).
    return (
      /^[2-6]/.test(digits) &&
      cardGroupingValid(match) &&
      luhnValid(digits) &&
      standsAlone(text, index, index + match.length, '-./') &&
      !continuesDigitGroups(text, index) &&
      !hasReferenceLabel(text, index)
    )
  })
}

// IBAN --------------------------------------------------------------------------------------------------------

/** IBAN lengths per country (ISO 13616 registry), as country code and length. */
const IBAN_LENGTHS = new Map(
  (
    'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 ' +
    'EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 ' +
    'KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 ' +
    'PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 ' +
    'XK20'
  )
    .split(' ')
    .map((entry) => [entry.slice(0, 2), Number(entry.slice(2))] as const),
)

const IBAN_START = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}/g

export function findIbans(text: string): PiiCandidate[] {
  const found: PiiCandidate[] = []
  for (const match of text.matchAll(IBAN_START)) {
    const length = IBAN_LENGTHS.get(match[0].slice(0, 2).toUpperCase())
    if (length === undefined) continue
    // Read exactly as many characters as the country's IBAN has, allowing single spaces between groups.
    let iban = match[0].toUpperCase()
    let at = match.index + match[0].length
    while (iban.length < length) {
      if (text[at] === ' ' && isAlnum(text[at + 1])) at++
      const char = text[at]
      if (!isAlnum(char)) break
      iban += char!.toUpperCase()
      at++
    }
    if (iban.length === length && !isAlnum(text[at]) && ibanChecksumValid(iban)) {
      found.push({ kind: 'iban', start: match.index, end: at })
    }
  }
  return found
}

// US Social Security numbers ----------------------------------------------------------------------------------

const SSN = /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])/g
const LABELLED_SSN = /\b(?:ssn|social security(?:\s+(?:number|no\.?|#))?)\s*(?:is|:|#)?\s*(\d{9})(?!\w)/gi

/** The SSA never issues area 000, 666 or 900-999, group 00 or serial 0000. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  return area !== '000' && area !== '666' && !area.startsWith('9') && group !== '00' && serial !== '0000'
}

export function findSsns(text: string): PiiCandidate[] {
  const found = collect(text, SSN, 'ssn', (match) => {
    return ssnValid(match[1]!, match[3]!, match[4]!) && !hasReferenceLabel(text, match.index)
  })
  for (const match of text.matchAll(LABELLED_SSN)) {
    const digits = match[1]!
    if (!ssnValid(digits.slice(0, 3), digits.slice(3, 5), digits.slice(5))) continue
    const start = match.index + match[0].length - digits.length
    found.push({ kind: 'ssn', start, end: start + digits.length })
  }
  return found
}

// IP addresses ------------------------------------------------------------------------------------------------

const IPV4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)/g
const IPV6 =
  /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4})?(?![\w:]|\.\d)/g
/** Words right before a dotted number that make it a version or a section number, not an address. */
const VERSION_WORDS =
  /(?:\b(?:version|ver|v|release|build|firmware|revision|rev|patch|section|sec|sect|chapter|ch|clause|article|art|figure|fig|table|step|rule|oid|mib|(?:up|down)grade[ds]?\s+to|update[ds]?\s+to|bump(?:ed|s)?\s+to)\b\.?|§)\s*[:=]?\s*$/i
const MASK_OCTETS = new Set([0, 128, 192, 224, 240, 248, 252, 254, 255])

export function parseIPv4(address: string): number[] | undefined {
  const parts = address.split('.')
  if (parts.length !== 4) return undefined
  const octets: number[] = []
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part.startsWith('0'))) return undefined
    const value = Number(part)
    if (value > 255) return undefined
    octets.push(value)
  }
  return octets
}

/** Addresses that identify no one: loopback, unspecified, broadcast, and netmasks such as 255.255.255.0. */
function isNonIdentifyingIPv4(octets: number[]): boolean {
  const [first] = octets
  if (first === 127 || octets.every((octet) => octet === 0)) return true
  if (first !== 255) return false
  const isMask = octets.every((octet, i) => MASK_OCTETS.has(octet) && (i === 0 || octet <= octets[i - 1]!))
  return isMask && octets.slice(1).every((octet, i) => octet === 0 || octets[i] === 255)
}

export function isIPv6(address: string): boolean {
  const halves = address.split('::')
  if (halves.length > 2) return false
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')))
  let count = 0
  for (const [i, group] of groups.entries()) {
    if (/^[0-9A-Fa-f]{1,4}$/.test(group)) count++
    else if (i === groups.length - 1 && parseIPv4(group) !== undefined) count += 2
    else return false
  }
  return halves.length === 2 ? count <= 7 : count === 8
}

export function findIpAddresses(text: string): PiiCandidate[] {
  const notVersion = (index: number) => !VERSION_WORDS.test(text.slice(Math.max(0, index - 30), index))
  const v4 = collect(text, IPV4, 'ip-address', ({ 0: match, index }) => {
    const octets = parseIPv4(match)
    return (
      octets !== undefined &&
      !isNonIdentifyingIPv4(octets) &&
      standsAlone(text, index, index + match.length, '-') &&
      notVersion(index)
    )
  })
  const v6 = collect(text, IPV6, 'ip-address', ({ 0: match }) => {
    if (!isIPv6(match) || !/\d/.test(match)) return false
    const groups = match.split(':').filter((group) => group !== '')
    // Compressed forms need some substance, so that slices such as a[1::2] and times are not addresses.
    if (match.includes('::') && groups.length < 3 && (groups[0]?.length ?? 0) < 4) return false
    return match !== '::1' && match !== '::'
  })
  return [...v4, ...v6]
}
