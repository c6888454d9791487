/**
 * Agreement of the heuristic judge with human labels (UniEval's copies of QAGS and Topical-Chat), as Spearman
 * rank correlations with average ranks for ties.
 *
 *   npx rolldown bench/heuristic-agreement.ts --file /tmp/heuristic-agreement.mjs --platform node
 *   node /tmp/heuristic-agreement.mjs /work/shared/datasets/unieval
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createHeuristicJudge } from '../src/judge/heuristic/index.ts'
import { dimensions } from '../src/rubric/builtin.ts'
import { defaultRubric, defineRubric } from '../src/rubric/define-rubric.ts'
import type { JudgeRequest } from '../src/types.ts'

interface LabelledRow {
  source: string
  system_output: string
  context?: string
  scores: Record<string, number>
}

/** One comparison: a dimension of the judge against one human label on one data set. */
export interface AgreementCase {
  dataset: string
  dimension: string
  label: string
  /** Builds the judge request from a row; `output` is always the row's `system_output`. */
  request: (row: LabelledRow) => Omit<JudgeRequest, 'rubric' | 'dimensions' | 'output'>
}

export const AGREEMENT_CASES: readonly AgreementCase[] = [
  {
    dataset: 'qags_xsum',
    dimension: 'faithfulness',
    label: 'consistency',
    request: (row) => ({ context: row.source }),
  },
  {
    dataset: 'qags_cnndm',
    dimension: 'faithfulness',
    label: 'consistency',
    request: (row) => ({ context: row.source }),
  },
  {
    dataset: 'topical_chat',
    dimension: 'faithfulness',
    label: 'groundedness',
    request: (row) => ({ context: row.context ?? '' }),
  },
  { dataset: 'topical_chat', dimension: 'coherence', label: 'coherence', request: () => ({}) },
  // Topical-Chat's "coherence" is whether the response follows on from the dialogue: closer to relevance.
  {
    dataset: 'topical_chat',
    dimension: 'relevance',
    label: 'coherence',
    request: (row) => ({ input: row.source }),
  },
]

export interface AgreementResult {
  dataset: string
  dimension: string
  label: string
  n: number
  /** Rows the judge answered with an error instead of a score. */
  errors: number
  /** Spearman's rho of the judge's scores on the default 1 to 5 scale. */
  spearman: number
  /** 95% bootstrap interval of `spearman` (1,000 resamples, fixed seed). */
  interval: [number, number]
  /** Spearman's rho on a 0 to 100 scale: the methods' agreement before rounding onto 5 points. */
  spearmanFine: number
}

/** Ranks with ties given the average of the ranks they span (1-based). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value)
  const ranks = new Array<number>(values.length)
  for (let start = 0; start < order.length; ) {
    let end = start
    while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end++
    for (let k = start; k <= end; k++) ranks[order[k]!.index] = (start + end) / 2 + 1
    start = end + 1
  }
  return ranks
}

/** Spearman's rank correlation: Pearson's correlation of the average ranks. NaN when either side is constant. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length)
    throw new Error(`spearman() needs equal lengths, got ${a.length} and ${b.length}`)
  return pearson(averageRanks(a), averageRanks(b))
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length
  const meanA = a.reduce((sum, x) => sum + x, 0) / n
  const meanB = b.reduce((sum, x) => sum + x, 0) / n
  let covariance = 0
  let varianceA = 0
  let varianceB = 0
  for (let i = 0; i < n; i++) {
    const da = a[i]! - meanA
    const db = b[i]! - meanB
    covariance += da * db
    varianceA += da * da
    varianceB += db * db
  }
  return varianceA === 0 || varianceB === 0 ? Number.NaN : covariance / Math.sqrt(varianceA * varianceB)
}

/** A 95% percentile bootstrap interval of Spearman's rho, deterministic: the resampling uses a fixed seed. */
export function bootstrapInterval(
  a: readonly number[],
  b: readonly number[],
  resamples = 1000,
): [number, number] {
  let seed = 42
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
    return seed / 2 ** 32
  }
  const rhos: number[] = []
  for (let r = 0; r < resamples; r++) {
    const x: number[] = []
    const y: number[] = []
    for (let i = 0; i < a.length; i++) {
      const k = Math.floor(random() * a.length)
      x.push(a[k]!)
      y.push(b[k]!)
    }
    const rho = spearman(x, y)
    if (!Number.isNaN(rho)) rhos.push(rho)
  }
  rhos.sort((p, q) => p - q)
  return [
    rhos[Math.floor(rhos.length * 0.025)] ?? Number.NaN,
    rhos[Math.floor(rhos.length * 0.975)] ?? Number.NaN,
  ]
}

// The built-in dimensions on a 0 to 100 scale, to measure the methods without the rounding onto 5 points.
const fineRubric = defineRubric({
  name: 'vitest-rubric default, 0 to 100',
  dimensions,
  scale: { min: 0, max: 100 },
})

/** Judges every row of every case with the heuristic judge and correlates its scores with the human labels. */
export async function measureHeuristicAgreement(datasetDir: string): Promise<AgreementResult[]> {
  const judge = createHeuristicJudge()
  const results: AgreementResult[] = []
  const cache = new Map<string, LabelledRow[]>()
  for (const { dataset, dimension, label, request } of AGREEMENT_CASES) {
    let rows = cache.get(dataset)
    if (!rows) {
      rows = JSON.parse(readFileSync(join(datasetDir, `${dataset}.json`), 'utf8')) as LabelledRow[]
      cache.set(dataset, rows)
    }
    const judged: number[] = []
    const judgedFine: number[] = []
    const human: number[] = []
    let errors = 0
    for (const row of rows) {
      const base = { ...request(row), output: row.system_output, dimensions: [dimension] }
      const score = (await judge.judge({ ...base, rubric: defaultRubric })).scores[dimension]?.score
      const fine = (await judge.judge({ ...base, rubric: fineRubric })).scores[dimension]?.score
      const truth = row.scores[label]
      if (score === undefined || fine === undefined || truth === undefined) {
        errors++
        continue
      }
      judged.push(score)
      judgedFine.push(fine)
      human.push(truth)
    }
    results.push({
      dataset,
      dimension,
      label,
      n: judged.length,
      errors,
      spearman: spearman(judged, human),
      interval: bootstrapInterval(judged, human),
      spearmanFine: spearman(judgedFine, human),
    })
  }
  return results
}

export function formatAgreement(results: readonly AgreementResult[]): string {
  const lines = [
    'dataset        dimension     human label    n    errors  rho (1-5)  95% interval     rho (0-100)',
  ]
  for (const r of results) {
    const interval = `[${r.interval[0].toFixed(2)}, ${r.interval[1].toFixed(2)}]`
    lines.push(
      r.dataset.padEnd(15) +
        r.dimension.padEnd(14) +
        r.label.padEnd(15) +
        String(r.n).padEnd(5) +
        String(r.errors).padEnd(8) +
        r.spearman.toFixed(3).padEnd(11) +
        interval.padEnd(17) +
        r.spearmanFine.toFixed(3),
    )
  }
  return lines.join('\n')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2] ?? process.env.UNIEVAL_DIR
  if (!dir) {
    console.error(
      'usage: node heuristic-agreement.mjs <dir with the UniEval JSON files> (or set UNIEVAL_DIR)',
    )
    process.exit(2)
  }
  console.log(formatAgreement(await measureHeuristicAgreement(dir)))
}
