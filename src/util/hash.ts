// node:crypto loads at the first hash, not with this module: the setup file that runs before every eval file
// imports it, and loading crypto costs a worker several milliseconds of CPU.
let crypto: typeof import('node:crypto') | undefined

/** A JSON serialisation with object keys sorted, so equal values give equal text whatever their key order. */
export function stableStringify(value: unknown, space?: number): string {
  return JSON.stringify(sortKeys(value), null, space)
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key]
      if (item !== undefined) sorted[key] = sortKeys(item)
    }
    return sorted
  }
  return value
}

/** A short content hash (hex, 16 characters by default) of any JSON value. */
export function contentHash(value: unknown, length = 16): string {
  crypto ??= process.getBuiltinModule('node:crypto')
  return crypto.createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, length)
}
