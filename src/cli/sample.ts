/**
 * `vitest-rubric sample <logs...> --rate 0.05 --out fixtures/prod-sample.jsonl [--seed N]`: samples production
 * request logs into a JSONL dataset file, so that a scheduled job can run the evals over the day's traffic.
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { buildRows, contentId, datasetHash } from '../dataset/rows.ts'
import { resolveSeed } from '../dataset/sample.ts'
import { sampleLogs } from '../dataset/sample-logs.ts'
import { datasetRowSchema } from '../dataset/schema.ts'
import { RubricArgumentError } from '../errors.ts'
import type { LogSample } from '../types.ts'
import { writeFileAtomic } from '../util/atomic-write.ts'
import { withUsage } from './args.ts'
import type { Command } from './command.ts'

const usage = `Usage: vitest-rubric sample <logs...> --rate <share> --out <file.jsonl> [options]

Reads JSONL request logs (fast-glob patterns; .gz files are decompressed) and writes a dataset file of every
request with an error, a flag or a thumbs down, plus a seeded share of the others.

Options:
  --rate <share>      share of ordinary requests to keep, between 0 and 1 (for example 0.05)
  --out <file>        the JSONL dataset file to write (replaced atomically)
  --seed <seed>       seed of the draw (default: $VITEST_RUBRIC_SEED, else 1)
  --skip-malformed    skip lines that are not valid JSON instead of failing
  -h, --help          show this help`

export const command: Command = {
  summary: 'sample production request logs into a JSONL dataset file',
  usage,
  async run(args) {
    const { values, positionals } = parseSampleArgs(args)
    if (positionals.length === 0) {
      throw new RubricArgumentError(`name the log files to sample, for example \`logs/*.jsonl\`.\n\n${usage}`)
    }
    const rate = parseRate(values.rate)
    if (values.out === undefined || values.out === '') {
      throw new RubricArgumentError(
        'pass `--out <file.jsonl>`, the dataset file to write, for example `--out fixtures/prod-sample.jsonl`.',
      )
    }
    const seed = resolveSeed(values.seed)
    const sample = await sampleLogs(positionals, {
      rate,
      seed,
      malformedLines: values['skip-malformed'] ? 'skip' : 'error',
    })
    console.log(describeRead(sample))
    if (sample.rows.length === 0) {
      console.error(
        `kept no request, so ${values.out} was not written: raise --rate, or check that the logs hold requests.`,
      )
      return 1
    }
    const lines = toDatasetLines(sample.rows)
    await writeFileAtomic(resolve(values.out), lines.map((line) => `${JSON.stringify(line)}\n`).join(''))
    console.log(describeKept(sample, rate, seed))
    console.log(`wrote ${values.out} (dataset hash ${writtenHash(lines, values.out)})`)
    return 0
  },
}

function parseSampleArgs(args: string[]) {
  return withUsage(usage, () =>
    parseArgs({
      args,
      allowPositionals: true,
      options: {
        rate: { type: 'string' },
        out: { type: 'string', short: 'o' },
        seed: { type: 'string' },
        'skip-malformed': { type: 'boolean' },
      },
    }),
  )
}

function parseRate(text: string | undefined): number {
  const rate = text === undefined || text.trim() === '' ? Number.NaN : Number(text)
  if (!(rate >= 0 && rate <= 1)) {
    throw new RubricArgumentError(
      `--rate is ${text === undefined ? 'missing' : `"${text}"`}; pass the share of ordinary requests to keep, ` +
        'between 0 and 1, for example `--rate 0.05` for 5%.',
    )
  }
  return rate
}

/**
 * The rows as a dataset file, one JSON object per line, that `loadDataset` reads back with the same ids: a row
 * keeps the id its log gave it; a row identified by its content is written without one (its content gives it
 * back), except a repeated request, whose `~2` id is written out.
 */
export function toDatasetLines(rows: LogSample['rows']): Record<string, unknown>[] {
  return rows.map((row) => {
    const { id, ...data } = row.data
    if (id === undefined && row.id === contentId(row.data)) return data
    return { id: row.id, ...data }
  })
}

/** The hash `loadDataset` gives the written file, so that it matches the `datasetHash` of later reports. */
function writtenHash(lines: readonly Record<string, unknown>[], file: string): string {
  const rows = buildRows(
    lines.map((line, index) => ({ data: datasetRowSchema.parse(line), source: { file, line: index + 1 } })),
    'error',
  )
  return datasetHash(rows)
}

const integer = new Intl.NumberFormat('en-US')

function describeRead(sample: LogSample): string {
  const { total, skipped } = sample.counts
  const files = sample.files.length === 1 ? '1 file' : `${sample.files.length} files`
  const skippedText =
    skipped > 0 ? ` (${integer.format(skipped)} ${skipped === 1 ? 'line' : 'lines'} skipped)` : ''
  return `read ${integer.format(total)} ${total === 1 ? 'request' : 'requests'} from ${files}${skippedText}`
}

function describeKept(sample: LogSample, rate: number, seed: number | string): string {
  const reasons = new Map<string, number>()
  for (const row of sample.rows) {
    const reason = String(row.data.metadata?.sampleReason ?? 'rate')
    if (reason !== 'rate') reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
  }
  const always = [...reasons].map(([reason, count]) => `${integer.format(count)} ${reason}`).join(', ')
  const { always: alwaysCount, sampled } = sample.counts
  return (
    `kept ${integer.format(sample.rows.length)}: ${integer.format(alwaysCount)} always` +
    `${always ? ` (${always})` : ''}, ${integer.format(sampled)} sampled at rate ${rate} (seed ${seed})`
  )
}
