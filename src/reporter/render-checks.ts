/**
 * Internal to the reporter: the terminal lines for gates, alerts and the baseline comparison. Pure.
 */
import picocolors from 'picocolors'
import { formatChange, verdictText } from './baseline.ts'
import { formatGate } from './gates.ts'
import type { BaselineComparison, DimensionChange, GateResult, RubricAlert } from './schema.ts'

type Colors = ReturnType<typeof picocolors.createColors>

const ALERT_LABELS: Record<RubricAlert['kind'], string> = {
  gate: 'gate broken',
  regression: 'regression',
  drift: 'drift',
}

/**
 * ` gates  3 passed · 1 failed · 1 skipped (a filtered run: a -t pattern)` with the skipped gates listed, then one
 * line per alert: ` P0 gate broken  faithfulness mean 0.812 < 0.850`. Empty when there are neither gates nor alerts.
 *
 * @param filtered how the run was filtered, when it was
 */
export function renderChecks(
  gates: readonly GateResult[],
  alerts: readonly RubricAlert[],
  c: Colors = picocolors.createColors(false),
  filtered: string | false = false,
): string {
  const lines: string[] = []
  if (gates.length > 0) {
    const count = (status: GateResult['status']) => gates.filter((gate) => gate.status === status).length
    const parts = [
      ...(count('passed') > 0 ? [c.green(`${count('passed')} passed`)] : []),
      ...(count('failed') > 0 ? [c.red(`${count('failed')} failed`)] : []),
      ...(count('skipped') > 0
        ? [c.dim(`${count('skipped')} skipped${filtered ? ` (a filtered run: ${filtered})` : ''}`)]
        : []),
    ]
    lines.push(` ${c.bold('gates')}  ${parts.join(c.dim(' · '))}`)
    for (const gate of gates) if (gate.status === 'skipped') lines.push(c.dim(`   - ${formatGate(gate)}`))
  }
  for (const alert of alerts) {
    const paint = alert.tier === 'P0' ? c.red : alert.tier === 'P1' ? c.yellow : c.cyan
    lines.push(` ${paint(c.bold(alert.tier))} ${paint(ALERT_LABELS[alert.kind])}  ${alert.message}`)
  }
  return lines.join('\n')
}

const VERDICT_COLUMNS = [
  'dimension',
  'pairs',
  'base',
  'head',
  'change',
  'verdict',
  'added',
  'removed',
] as const

/** The comparison as a table, for `vitest-rubric compare`. */
export function renderComparison(
  comparison: BaselineComparison,
  title: string,
  c: Colors = picocolors.createColors(false),
): string {
  const rows = comparison.dimensions.map((change) => [
    change.dimension,
    String(change.pairs),
    fixed(change.baseMean),
    fixed(change.headMean),
    formatChange(change),
    verdictText(change.verdict),
    String(change.added),
    String(change.removed),
  ])
  const table = [[...VERDICT_COLUMNS], ...rows]
  const widths = VERDICT_COLUMNS.map((_, index) => Math.max(...table.map((row) => row[index]?.length ?? 0)))
  const lines = table.map((row, rowIndex) =>
    row
      .map((cell, index) => {
        const padded =
          index === 0 || index === 5 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!)
        if (rowIndex === 0) return c.dim(padded)
        return index === 5 ? paintVerdict(comparison.dimensions[rowIndex - 1]!.verdict, padded, c) : padded
      })
      .join('  ')
      .trimEnd(),
  )
  const level = `${Math.round(comparison.level * 100)}%`
  return [
    ` ${c.bold(title)}`,
    ...lines.map((line) => `   ${line}`),
    c.dim(`   change: head - base over paired outputs, [${level} paired bootstrap interval]`),
  ].join('\n')
}

/**
 * The text of the `change` column of the reporter's table: `-0.125 [-0.200, -0.050] regressed`, or with `short`
 * (a narrow terminal) `-0.125 regressed`. A dimension with no pairs shows only its verdict.
 */
export function changeCell(
  change: DimensionChange | undefined,
  options: { short?: boolean } = {},
): {
  text: string
  verdict?: DimensionChange['verdict']
} {
  if (!change) return { text: 'new' }
  const numbers = options.short ? formatChange(change).split(' ')[0]! : formatChange(change)
  const text =
    change.diff === null ? verdictText(change.verdict) : `${numbers} ${verdictText(change.verdict)}`
  return change.verdict === 'incomparable' ? { text } : { text, verdict: change.verdict }
}

/**
 * How many dimensions got each verdict, worded as in the table rows: `2 regressed · 1 too few pairs`. Empty
 * without changes.
 */
export function verdictCounts(
  changes: readonly DimensionChange[],
  c: Colors = picocolors.createColors(false),
): string {
  return (['regressed', 'improved', 'unchanged', 'incomparable'] as const)
    .map((verdict) => [verdict, changes.filter((change) => change.verdict === verdict).length] as const)
    .filter(([, count]) => count > 0)
    .map(([verdict, count]) => `${count} ${verdictText(verdict)}`)
    .join(c.dim(' · '))
}

export function paintVerdict(verdict: DimensionChange['verdict'], text: string, c: Colors): string {
  if (verdict === 'regressed') return c.red(text)
  if (verdict === 'improved') return c.green(text)
  return c.dim(text)
}

function fixed(value: number | null): string {
  return value === null ? '-' : value.toFixed(3)
}
