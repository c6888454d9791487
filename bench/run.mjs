// `npm run bench`: every benchmark, one after another (they share the machine's cores).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const benches = [
  'setup.mjs',
  'replay.mjs',
  'memory.mjs',
  'throughput.mjs',
  'trials.mjs',
  'store.mjs',
  'transcripts.mjs',
]
let failed = false
for (const name of benches) {
  const script = fileURLToPath(new URL(name, import.meta.url))
  if (!existsSync(script)) continue
  console.log(`\n== ${name}`)
  const result = spawnSync(process.execPath, [script], { stdio: 'inherit' })
  if (result.status !== 0) failed = true
}
process.exitCode = failed ? 1 : 0
