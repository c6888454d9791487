/**
 * Internal to calibration: the terminal table of a calibration, one column per dimension and one row per
 * statistic, with the notes below it. Pure.
 */
import picocolors from 'picocolors'
import { scoreOnScale } from '../rubric/define-rubric.ts'
import type {
  CalibrationEstimate,
  CalibrationResult,
  DimensionCalibration,
  JudgeCalibration,
  RubricScale,
} from '../types.ts'

type Colors = ReturnType<typeof picocolors.createColors>

interface Line {
  label: string
  cell: (d: DimensionCalibration) => string
  /** Shown only when some dimension has a value for it. */
  optional?: (d: DimensionCalibration) => boolean
}

/** The header, the table and the notes (clustering, groups, annotators, files, errors), without a final newline. */
export function renderCalibration(
  result: Pick<CalibrationResult, 'calibration' | 'calls' | 'errorSamples' | 'file' | 'members'>,
  options: { colors?: boolean } = {},
): string {
  const c = picocolors.createColors(options.colors ?? false)
  const { calibration } = result
  const names = Object.keys(calibration.dimensions)
  const dims = names.map((name) => calibration.dimensions[name]!)
  const { scale } = calibration.rubric
  const { min, max } = scale
  const level = `${Math.round(calibration.bootstrap.level * 100)}%`
  const lines: Line[] = [
    { label: 'n (errors)', cell: (d) => `${d.n} (${d.errors})` },
    { label: 'Pearson', cell: (d) => withInterval(d.pearson) },
    { label: 'Spearman', cell: (d) => withInterval(d.spearman) },
    { label: 'Kendall tau-b', cell: (d) => withInterval(d.kendall) },
    {
      label: 'Spearman, by group',
      cell: (d) => (d.grouped ? withInterval(d.grouped.spearman) : '-'),
      optional: (d) => d.grouped !== null,
    },
    {
      label: 'Kendall, by group',
      cell: (d) => (d.grouped ? withInterval(d.grouped.kendall) : '-'),
      optional: (d) => d.grouped !== null,
    },
    {
      label: 'groups used',
      cell: (d) => (d.grouped ? `${d.grouped.used} of ${d.grouped.groups}` : '-'),
      optional: (d) => d.grouped !== null,
    },
    { label: 'MAE', cell: (d) => withInterval(d.meanAbsoluteError) },
    { label: 'RMSE', cell: (d) => withInterval(d.rootMeanSquaredError) },
    { label: 'floor', cell: (d) => `${d.floor.toFixed(2)} (${point(d.floor, scale)} on ${min}-${max})` },
    { label: 'accuracy at floor', cell: (d) => withInterval(d.atFloor.accuracy) },
    { label: 'F1 (fail) at floor', cell: (d) => withInterval(d.atFloor.f1Fail) },
    { label: 'kappa at floor', cell: (d) => withInterval(d.atFloor.kappa) },
    { label: `QWK on ${min}-${max}`, cell: (d) => withInterval(d.quadraticKappa) },
    { label: 'most common score', cell: (d) => clusterCell(d, scale) },
    {
      label: 'humans: alpha',
      cell: (d) => fixed(d.annotators?.krippendorffAlpha),
      optional: (d) => d.annotators !== null,
    },
    {
      label: 'humans: Spearman',
      cell: (d) => fixed(d.annotators?.pairwiseSpearman),
      optional: (d) => d.annotators !== null,
    },
    {
      label: 'judge vs one human',
      cell: (d) => fixed(d.annotators?.judgeSpearman),
      optional: (d) => d.annotators !== null,
    },
  ]
  const shown = lines.filter((line) => !line.optional || dims.some(line.optional))
  const table = [['', ...names], ...shown.map((line) => [line.label, ...dims.map(line.cell)])]
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)))
  const rendered = table.map((row, index) => {
    const text = row.map((cell, column) =>
      column === 0 ? cell.padEnd(widths[0]!) : cell.padEnd(widths[column]!),
    )
    const line = `   ${text.join('  ')}`.trimEnd()
    return index === 0 ? c.bold(line) : line
  })
  const judge = calibration.judge
  const header =
    ` ${c.bold(c.inverse(' Calibration '))} judge ${judge.name}${judge.model && judge.model !== judge.name ? ` (${judge.model})` : ''}` +
    c.dim(
      ` · rubric ${calibration.rubric.name} · ${calibration.dataset.rows} rows from ${filesText(calibration.dataset.files)}`,
    ) +
    c.dim(` · ${result.calls.live} live, ${result.calls.stored} stored, ${result.calls.errors} failed`)
  return [
    header,
    '',
    ...rendered,
    '',
    c.dim(
      `   [${level} bootstrap interval, ${calibration.bootstrap.resamples} resamples, seed ${calibration.bootstrap.seed}]`,
    ),
    ...membersTable(calibration, result.members, c),
    ...notes(calibration, result, c),
    ...(result.file
      ? [` wrote ${result.file}: commit it, and the reporter shows each dimension's calibration`]
      : []),
  ].join('\n')
}

/** With a panel: Spearman per dimension of the panel and of each member, from the same calls. */
function membersTable(
  calibration: JudgeCalibration,
  members: CalibrationResult['members'],
  c: Colors,
): string[] {
  if (!members || members.length === 0) return []
  const names = Object.keys(calibration.dimensions)
  const rows = [
    ['Spearman', ...names],
    ['panel', ...names.map((name) => withInterval(calibration.dimensions[name]!.spearman))],
    ...members.map((member) => [
      member.name,
      ...names.map((name) => {
        const d = member.dimensions[name]
        return d ? `${withInterval(d.spearman)} (n ${d.n})` : '-'
      }),
    ]),
  ]
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return [
    '',
    ' panel and members, from the same calls:',
    ...rows.map((row, index) => {
      const line = `   ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`.trimEnd()
      return index === 0 ? c.bold(line) : line
    }),
  ]
}

function notes(
  calibration: JudgeCalibration,
  result: Pick<CalibrationResult, 'errorSamples'>,
  c: Colors,
): string[] {
  const out: string[] = []
  const { scale } = calibration.rubric
  for (const [name, d] of Object.entries(calibration.dimensions)) {
    if (d.clustering.clustered) {
      out.push(
        c.yellow(
          ` ! ${name}: the judge gives ${point(d.clustering.score, scale)} on the ${scale.min} to ${scale.max} scale ` +
            `to ${percent(d.clustering.share)} of rows; ` +
            'a judge that gives most outputs one score cannot rank them, whatever its error.',
        ),
      )
    }
    if (d.grouped && d.grouped.skipped > 0) {
      out.push(
        ` ${name}: by group over ${d.grouped.used} of ${d.grouped.groups} groups (${d.grouped.rows} rows); ` +
          `${d.grouped.skipped} skipped (a single row, or human or judge scores constant within the group).`,
      )
    }
    if (d.annotators) {
      out.push(
        ` ${name}: ${d.annotators.annotators} annotators on ${d.annotators.rows} rows; people agree with each other ` +
          `at Spearman ${fixed(d.annotators.pairwiseSpearman)}, the judge with one of them at ${fixed(d.annotators.judgeSpearman)}.`,
      )
    }
    if (d.files.length > 0) {
      const parts = d.files.map(
        (f) => `${f.file} n ${f.n} Spearman ${fixed(f.spearman)} Kendall ${fixed(f.kendall)}`,
      )
      out.push(` ${name} by file: ${parts.join('; ')}`)
    }
  }
  for (const sample of result.errorSamples) {
    out.push(
      c.red(
        ` ${sample.count} ${sample.count === 1 ? 'row' : 'rows'} failed with ${sample.code}: ${sample.message}`,
      ),
    )
  }
  return out
}

function filesText(files: readonly string[]): string {
  return files.length === 1 ? files[0]! : `${files.length} files`
}

function clusterCell(d: DimensionCalibration, scale: RubricScale): string {
  const text = `${point(d.clustering.score, scale)} on ${scale.min}-${scale.max} (${percent(d.clustering.share)})`
  return d.clustering.clustered ? `${text} !` : text
}

function withInterval(estimate: CalibrationEstimate): string {
  if (estimate.value === null) return '-'
  if (estimate.low === null || estimate.high === null) return fixed(estimate.value)
  return `${fixed(estimate.value)} [${fixed(estimate.low)}, ${fixed(estimate.high)}]`
}

function fixed(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : value.toFixed(3)
}

/**
 * A normalised score as a person reads it, on the judge's scale: 1 is 5 on a 1 to 5 scale, 0.6 is 3.4. Up to two
 * decimals, for probability-weighted judges whose scores fall between points.
 */
function point(score: number | null, scale: RubricScale): string {
  return score === null ? '-' : String(Math.round(scoreOnScale(score, scale) * 100) / 100)
}

function percent(share: number | null): string {
  return share === null ? '-' : `${Math.round(share * 100)}%`
}
