import { describe, expect, test } from 'vitest'
import { evals } from '../src/config.ts'
import { summarize } from '../src/reporter/aggregate.ts'
import { evaluateRun, failureReasons } from '../src/reporter/evaluate-run.ts'
import { evaluateGates, formatGate, gateAlerts, validateGates } from '../src/reporter/gates.ts'
import { evalsReporterSettings, resolveReportOptions } from '../src/reporter/options.ts'
import { RubricReporter } from '../src/reporter/rubric-reporter.ts'
import { reportOf, scoredRecords } from './support/reports.ts'

const run = summarize([
  ...scoredRecords('faithfulness', [1, 0.75, 0.75, 0.5]),
  ...scoredRecords('safety', [1, 1, 0.75]),
  ...scoredRecords('tone', [null, null]),
]).run
const scored = run.map((stats) => stats.dimension)

describe('validateGates', () => {
  test('returns the gates as written when every bound is a statistic in [0, 1]', () => {
    const gates = { faithfulness: { mean: 0.85, passRate: 0.9, p10: 0.5 }, safety: { min: 1 } }
    expect(validateGates(gates)).toEqual(gates)
  })

  test.each([
    [
      { faithfulness: { avg: 0.8 } },
      'evals({ gates }).faithfulness has the unknown statistic "avg"; use mean, passRate, p10, min.',
    ],
    [
      { faithfulness: { mean: 85 } },
      'evals({ gates }).faithfulness.mean is 85; a bound is a number between 0 and 1',
    ],
    [{ faithfulness: { mean: -0.1 } }, 'evals({ gates }).faithfulness.mean is -0.1;'],
    [{ faithfulness: { mean: '0.8' } }, 'evals({ gates }).faithfulness.mean is "0.8";'],
    [{ faithfulness: { mean: Number.NaN } }, 'evals({ gates }).faithfulness.mean is NaN;'],
    [{ faithfulness: 0.8 }, 'evals({ gates }).faithfulness is 0.8; write the bounds of its statistics'],
    [{ faithfulness: {} }, 'evals({ gates }).faithfulness bounds no statistic'],
    [[0.8], 'evals({ gates }) is an array; write an object keyed by dimension name'],
    [
      { faithfulness: { mean: 0.8, on: 'upper' } },
      `evals({ gates }).faithfulness.on is "upper"; use 'mean' (the mean itself) or 'lower' (the lower end of its 95% interval)`,
    ],
    [
      { faithfulness: { p10: 0.5, on: 'lower' } },
      'evals({ gates }).faithfulness.on applies to the mean bound, which is missing',
    ],
  ])('rejects %j with a message that names the fault', (gates, message) => {
    expect(() => validateGates(gates)).toThrow(message)
  })

  test('evals() rejects bad gates when the config loads, before any test runs', () => {
    expect(() => evals({ gates: { faithfulness: { median: 0.8 } } as never })).toThrow(
      'has the unknown statistic "median"',
    )
    expect(() => evals({ regression: 'error' as never })).toThrow("use 'warn' (print a P1 alert) or 'fail'")
    expect(() => evals({ baseline: 3 as never })).toThrow('evals(): baseline is 3; give a file path')
    expect(() => evals({ gates: { safety: { min: 1 } }, reporter: false })).toThrow('turns it off')
  })
})

describe('evaluateGates', () => {
  test('passes a statistic at or above its bound and fails one below, naming value and bound', () => {
    const results = evaluateGates({ faithfulness: { min: 0.6, mean: 0.75 }, safety: { min: 1 } }, run)
    expect(results).toEqual([
      { dimension: 'faithfulness', statistic: 'mean', bound: 0.75, value: 0.75, status: 'passed' },
      { dimension: 'faithfulness', statistic: 'min', bound: 0.6, value: 0.5, status: 'failed' },
      { dimension: 'safety', statistic: 'min', bound: 1, value: 0.75, status: 'failed' },
    ])
    expect(results.map((result) => formatGate(result))).toEqual([
      'faithfulness mean 0.750 >= 0.750',
      'faithfulness min 0.500 < 0.600',
      'safety min 0.750 < 1.000',
    ])
  })

  test("on: 'lower' holds the lower end of the mean's 95% interval to the bound, not the mean", () => {
    // faithfulness 1, 0.75, 0.75, 0.5: mean 0.75, se √(0.125 / 3 / 4) = 0.102062, t(0.975, 3) = 3.1824, so the
    // lower end is 0.75 - 0.324801 = 0.425199: the mean clears 0.7, the interval does not.
    expect(validateGates({ faithfulness: { mean: 0.7, on: 'lower' } })).toEqual({
      faithfulness: { mean: 0.7, on: 'lower' },
    })
    expect(evaluateGates({ faithfulness: { mean: 0.7 } }, run)[0]!.status).toBe('passed')
    const [lower] = evaluateGates({ faithfulness: { mean: 0.7, on: 'lower' } }, run)
    expect(lower).toMatchObject({ statistic: 'mean', on: 'lower', bound: 0.7, status: 'failed' })
    expect(lower!.value).toBeCloseTo(0.425199, 5)
    expect(formatGate(lower!)).toBe('faithfulness mean (95% lower end) 0.425 < 0.700')
    expect(evaluateGates({ faithfulness: { mean: 0.4, on: 'mean' } }, run)[0]!.status).toBe('passed')
    expect(evaluateGates({ faithfulness: { mean: 0.4, on: 'lower' } }, run)[0]!.status).toBe('passed')
  })

  test("on: 'lower' fails without an interval (fewer than 2 scores)", () => {
    const [tone] = evaluateGates({ tone: { mean: 0.5, on: 'lower' } }, run)
    expect(tone).toMatchObject({ on: 'lower', value: null, status: 'failed' })
    expect(formatGate(tone!, scored)).toBe(
      'tone mean (95% lower end): no interval (fewer than 2 scores) < 0.500',
    )
  })

  test('pass rate and p10 come from the same statistics as the table', () => {
    const results = evaluateGates({ faithfulness: { passRate: 1, p10: 0.5 } }, run)
    expect(results.map((result) => [result.statistic, result.value, result.status])).toEqual([
      ['passRate', 1, 'passed'],
      ['p10', 0.575, 'passed'],
    ])
  })

  test('a mean that floating point puts a hair below its bound reaches it', () => {
    const tenths = summarize(scoredRecords('faithfulness', [0.7, 0.8, 0.9, 1, 0.85, 0.85])).run
    expect(tenths[0]!.mean).not.toBe(0.85)
    expect(evaluateGates({ faithfulness: { mean: 0.85 } }, tenths)[0]!.status).toBe('passed')
  })

  test('a dimension with only error judgments fails; one a filtered run never scored is skipped', () => {
    const results = evaluateGates({ tone: { mean: 0.5 }, coherence: { mean: 0.5 } }, run, 'a -t pattern')
    expect(results).toEqual([
      { dimension: 'coherence', statistic: 'mean', bound: 0.5, value: null, status: 'skipped' },
      { dimension: 'tone', statistic: 'mean', bound: 0.5, value: null, status: 'failed' },
    ])
    expect(results.map((result) => formatGate(result, scored))).toEqual([
      'coherence mean: not scored in this filtered run (skipped)',
      'tone mean: no scores (every judgment is an error) < 0.500',
    ])
    expect(gateAlerts(results, scored).map((alert) => alert.dimension)).toEqual(['tone'])
  })

  test('in a run of the whole suite, a gate on a dimension no test scored fails, naming the closest one', () => {
    const results = evaluateGates({ faithfullness: { mean: 0.9, min: 0.5 }, coherence: { p10: 0.5 } }, run)
    expect(results.map((result) => [result.dimension, result.status])).toEqual([
      ['coherence', 'failed'],
      ['faithfullness', 'failed'],
      ['faithfullness', 'failed'],
    ])
    expect(formatGate(results[0]!, scored)).toBe('coherence p10: no test of this run scored it < 0.500')
    const alerts = gateAlerts(results, scored)
    expect(alerts.map((alert) => [alert.tier, alert.kind, alert.dimension])).toEqual([
      ['P0', 'gate', 'coherence'],
      ['P0', 'gate', 'faithfullness'],
    ])
    expect(alerts[1]!.message).toBe(
      'gate on "faithfullness": no rubric, check or scorer of this run scored a dimension of that name (it scored ' +
        'faithfulness, safety, tone). Did you mean "faithfulness"? Fix the dimension\'s name in evals({ gates }), or ' +
        'remove the gate. Only a filtered run (a -t pattern, file filters, a watch re-run) skips a gate it cannot check.',
    )
    // Nothing near "coherence": no guess, the scored dimensions are listed.
    expect(alerts[0]!.message).not.toContain('Did you mean')
  })

  test('each failed gate is a P0 alert', () => {
    const alerts = gateAlerts(evaluateGates({ safety: { min: 1 }, faithfulness: { mean: 0.5 } }, run), scored)
    expect(alerts).toEqual([
      { tier: 'P0', kind: 'gate', dimension: 'safety', message: 'safety min 0.750 < 1.000' },
    ])
  })
})

describe('evaluateRun', () => {
  const head = reportOf(scoredRecords('faithfulness', [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]))
  const base = reportOf(scoredRecords('faithfulness', [1, 1, 1, 1, 1, 1]))

  test('a broken gate always fails the run; a regression only with regression: fail', () => {
    const evaluation = evaluateRun(head, {
      gates: { faithfulness: { mean: 0.6 } },
      baseline: { report: base, file: 'evals/baseline.json' },
      drift: false,
    })
    expect(evaluation.alerts.map((alert) => `${alert.tier} ${alert.message}`)).toEqual([
      'P0 faithfulness mean 0.500 < 0.600',
      'P1 faithfulness mean -0.500 [-0.500, -0.500] against evals/baseline.json (6 paired outputs)',
    ])
    expect(failureReasons(evaluation, 'warn').map((alert) => alert.tier)).toEqual(['P0'])
    expect(failureReasons(evaluation, 'fail').map((alert) => alert.tier)).toEqual(['P0', 'P1'])
  })

  test('without gates, baseline or history nothing is alerted', () => {
    expect(evaluateRun(head, { gates: {}, drift: false })).toEqual({
      gates: [],
      baseline: null,
      drift: [],
      alerts: [],
    })
  })
})

describe('reporter options', () => {
  test('defaults: no gates, no baseline, warn, history beside report.json, drift over 5 runs with few errors', () => {
    expect(resolveReportOptions({})).toEqual({
      gates: {},
      baseline: false,
      regression: 'warn',
      history: '.vitest-rubric/history.jsonl',
      drift: { runs: 5, slope: 0.01, maxErrorShare: 0.1 },
      markdown: false,
      githubSummary: true,
      html: false,
      worst: 5,
      otel: false,
    })
    expect(resolveReportOptions({ outputFile: 'out/run.json' }).history).toBe('out/history.jsonl')
  })

  test('the checks are options of evals() only, apart from the reporter options', () => {
    expect(
      evalsReporterSettings({
        gates: { safety: { min: 1 } },
        baseline: 'evals/baseline.json',
        regression: 'fail',
        reporter: { html: 'report.html' },
      }),
    ).toEqual({
      options: { html: 'report.html' },
      checks: { gates: { safety: { min: 1 } }, baseline: 'evals/baseline.json', regression: 'fail' },
    })
    expect(() => evals({ reporter: { gates: { safety: { min: 1 } } } as never })).toThrow(
      'evals({ reporter }): `gates` is an option of evals() only: write evals({ gates }) and leave it ' +
        'out of the reporter options.',
    )
    expect(() => new RubricReporter({ baseline: 'b.json', regression: 'fail' } as never)).toThrow(
      'the reporter options: `baseline`, `regression` are options of evals() only',
    )
  })

  test.each([
    [{ drift: { runs: 2 } }, 'drift.runs is 2; give a whole number of runs, at least 3'],
    [{ drift: { slope: 2 } }, 'drift.slope is 2; give the fall of the mean per run, between 0 and 1'],
    [{ drift: { maxErrorShare: 1.5 } }, 'drift.maxErrorShare is 1.5; give the share of results in error'],
    [{ worst: -1 }, 'worst is -1'],
    [{ html: '' }, 'html is ""; give a file path'],
  ])('rejects %j', (options, message) => {
    expect(() => resolveReportOptions(options as never)).toThrow(message)
  })
})
