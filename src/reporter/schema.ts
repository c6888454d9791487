/**
 * The published schema of `report.json` (exported as `reportSchema`): other tools validate a report with it, and
 * vitest-rubric reads baselines through it. `schemaVersion` is bumped on any change that a reader of an older
 * report would misread; fields are only added within a version.
 */
import { z } from 'zod'
import { type LocatedRecord, locatedRecordSchema, unsentCauseSchema } from '../record/schema.ts'

/**
 * The version of the report this package writes. Version 3: a judgment is a record (with its `kind`) plus where
 * it happened; absent values are left out rather than `null`; `pass` is the score against its floor everywhere and
 * `assertionPassed` the assertion's own outcome. Version 4: records of kind `pairwise` and `summary.pairwise`; a
 * judged conversation's record keeps its transcript (cut), a turn judged with `{ per: 'turn' }` says which turn it
 * is, and the baseline comparison covers task costs.
 */
export const REPORT_SCHEMA_VERSION = 4

/** The floors the records of a dimension were held to. */
const floorSummarySchema = z.object({
  /** The floor most records were held to (the higher one on a tie). */
  common: z.number(),
  min: z.number(),
  max: z.number(),
})

/** The statistics of one dimension over a set of records. */
export const dimensionStatsSchema = z.object({
  dimension: z.string(),
  /** Records with a score; error records are not scores. */
  n: z.number().int().nonnegative(),
  /** Mean score, `null` when `n` is 0. */
  mean: z.number().nullable(),
  /**
   * The standard error of the mean over outputs (sample standard deviation over √n); with trials each output counts
   * once, by its score combined over its trials. `null` below 2 scores; absent in reports written before it existed.
   */
  meanSe: z.number().nullable().optional(),
  /**
   * The 95% interval of the mean, `mean ± t(0.975, n - 1) · meanSe` (Student's t), cut at 0 and 1; `null` below 2
   * scores.
   */
  meanLow: z.number().nullable().optional(),
  meanHigh: z.number().nullable().optional(),
  /** 10th percentile of the scores (linear interpolation, numpy's default), `null` when `n` is 0. */
  p10: z.number().nullable(),
  min: z.number().nullable(),
  /** Scored records that reached their own floor. */
  passed: z.number().int().nonnegative(),
  /** `passed / n`, `null` when `n` is 0. */
  passRate: z.number().nullable(),
  /** Records whose judgment is an error (no score). */
  errors: z.number().int().nonnegative(),
  floor: floorSummarySchema,
  /** Tokens of the live records. */
  tokens: z.number().nonnegative(),
  /** Cost in US dollars of the live records (0 when the judge's model has no price). */
  costUsd: z.number().nonnegative().default(0),
  /** Records judged live in this run. */
  live: z.number().int().nonnegative(),
  /** Records read from the judgment store. */
  stored: z.number().int().nonnegative(),
  /** Scored records judged in several trials. */
  trialled: z.number().int().nonnegative().optional(),
  /** The mean over those records of the distance between their highest and lowest trial. */
  trialSpread: z.number().nullable().optional(),
  /** Those records whose trials fall on both sides of the floor. */
  unstable: z.number().int().nonnegative().optional(),
  /**
   * With a judge panel: each member's mean over the records the panel scored, beside the panel's `mean`, in member
   * order; `n` counts the member's scores (a member that failed on an output has none for it).
   */
  members: z
    .array(
      z.object({
        name: z.string(),
        judgeId: z.string(),
        n: z.number().int().nonnegative(),
        mean: z.number().nullable(),
      }),
    )
    .optional(),
})

const dimensionStatsMapSchema = z.record(z.string(), dimensionStatsSchema)

/** A judge that made at least one record. */
export const judgeSummarySchema = z.object({ id: z.string(), name: z.string(), model: z.string().nullable() })

/** The statistics a suite gate can hold a dimension to (`p50`, `p95`, `p99` bound task costs only). */
export const gateStatisticSchema = z.enum(['mean', 'passRate', 'p10', 'min', 'p50', 'p95', 'p99'])

/** Percentiles (numpy's linear interpolation) and mean of one cost over the tasks that reported it. */
export const costStatsSchema = z.object({
  /** How many tasks reported it. */
  n: z.number().int().nonnegative(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  mean: z.number(),
})

/** What the system under test spent per `describeEval` task: wall time in milliseconds, and tokens. */
export const taskCostStatsSchema = z.object({
  latency: costStatsSchema,
  /** `null` when no task's result reported token usage. */
  tokens: costStatsSchema.nullable(),
})

/**
 * One suite gate checked against the run: `value >= bound`, or `value <= bound` for the task costs `latency` and
 * `tokens`.
 */
export const gateResultSchema = z.object({
  dimension: z.string(),
  statistic: gateStatisticSchema,
  bound: z.number(),
  /**
   * What of the mean was held to the bound: `lower`, the lower end of its 95% interval. Absent for the statistic
   * itself.
   */
  on: z.literal('lower').optional(),
  /** The statistic over the run; `null` when the dimension has no score. */
  value: z.number().nullable(),
  /** `skipped` when the run recorded nothing on the dimension (for example a filtered run). */
  status: z.enum(['passed', 'failed', 'skipped']),
})

/** How the mean of a dimension changed against the baseline, over the outputs both runs scored. */
export const dimensionChangeSchema = z.object({
  dimension: z.string(),
  /** Outputs scored on this dimension by both runs (paired by location, see `compareReports`). */
  pairs: z.number().int().nonnegative(),
  /** Means over the pairs; `null` without pairs. */
  baseMean: z.number().nullable(),
  headMean: z.number().nullable(),
  /** `headMean - baseMean`, with its paired bootstrap interval; `null` without pairs. */
  diff: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  /**
   * `improved` or `regressed` when the interval excludes 0, `unchanged` when it holds 0 (within noise),
   * `incomparable` with fewer than 5 pairs (too few to tell a change from noise).
   */
  verdict: z.enum(['improved', 'unchanged', 'regressed', 'incomparable']),
  /** Scored outputs only the head run has. */
  added: z.number().int().nonnegative(),
  /** Scored outputs only the baseline has. */
  removed: z.number().int().nonnegative(),
})

/**
 * How a task cost changed against the baseline, over the tasks both runs ran (`pairs`, `added` and `removed` count
 * tasks): latency by its p95, tokens by their mean. A cost that rose beyond noise `regressed`, one that fell
 * `improved`.
 */
export const costChangeSchema = dimensionChangeSchema
  .omit({ dimension: true, baseMean: true, headMean: true })
  .extend({
    /** `latency` (milliseconds per task) or `tokens` (per task). */
    dimension: z.enum(['latency', 'tokens']),
    statistic: z.enum(['p95', 'mean']),
    /** The statistic over the pairs in each run; `null` without pairs. */
    baseValue: z.number().nullable(),
    headValue: z.number().nullable(),
  })

/** The comparison of the run with a baseline report. */
export const baselineComparisonSchema = z.object({
  /** The baseline file as configured, or as given on the command line. */
  file: z.string(),
  /** When the baseline report was built, and at which commit. */
  createdAt: z.string().nullable(),
  commit: z.string().nullable(),
  /** The confidence level of the intervals, the number of bootstrap resamples and the seed. */
  level: z.number(),
  resamples: z.number().int().positive(),
  seed: z.number().int(),
  dimensions: z.array(dimensionChangeSchema),
  /** The task costs' changes, when either run had `describeEval` tasks. */
  costs: z.array(costChangeSchema).optional(),
})

/** A dimension's calibration as the reporter's table shows it. */
export const calibrationCellSchema = z.object({
  text: z.string(),
  tone: z.enum(['ok', 'weak', 'stale', 'uncalibrated']),
})

/**
 * The pairwise preferences of one dimension over a run (`toBePreferredOver`): how the candidates fared against
 * their baselines, each comparison judged in both orders.
 */
export const pairwiseStatsSchema = z.object({
  dimension: z.string(),
  /** Comparisons with a verdict; error records are not verdicts. */
  n: z.number().int().nonnegative(),
  wins: z.number().int().nonnegative(),
  /** Ties, whether answered as a tie in both orders or a preference that changed with the order. */
  ties: z.number().int().nonnegative(),
  losses: z.number().int().nonnegative(),
  /** Comparisons whose verdict was the same in both orders. */
  consistent: z.number().int().nonnegative(),
  /** `consistent / n`: the position-consistency rate, `null` when `n` is 0. */
  consistencyRate: z.number().nullable(),
  /** `wins / n`, `null` when `n` is 0. */
  winRate: z.number().nullable(),
  errors: z.number().int().nonnegative(),
})

/** A drift alert. P0: a suite gate is broken; P1: a significant drop against the baseline; P2: a slow drift. */
export const alertSchema = z.object({
  tier: z.enum(['P0', 'P1', 'P2']),
  kind: z.enum(['gate', 'regression', 'drift']),
  dimension: z.string(),
  /** One line, without the tier, for example `faithfulness mean 0.812 < 0.850`. */
  message: z.string(),
})

/** `report.json`: the versioned document of one run, the source of every other rendering. */
export const reportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  /** ISO 8601 time the report was built. */
  createdAt: z.string(),
  vitestVersion: z.string(),
  /** The git commit checked out when the run started, when the root is in a git work tree. */
  commit: z.string().nullable(),
  /** Every judge that made a record, with its model. */
  judges: z.array(judgeSummarySchema),
  /** Every rubric id records were scored against, sorted. */
  rubricIds: z.array(z.string()),
  /** The content hashes of the datasets the judged rows came from, sorted (empty when no test recorded one). */
  datasetHashes: z.array(z.string()),
  summary: z.object({
    totals: z.object({
      records: z.number().int().nonnegative(),
      /** Judge calls whose request reached the judge. */
      liveCalls: z.number().int().nonnegative(),
      /** Judgments whose request never reached the judge, by cause (budget, no key, store, replay miss). */
      unsentCalls: z.partialRecord(unsentCauseSchema, z.number().int().nonnegative()).default({}),
      storedCalls: z.number().int().nonnegative(),
      /** Simulated users' turns: of the live, stored and unsent calls above, not besides them. */
      simulatedCalls: z.number().int().nonnegative().default(0),
      /** Assertions answered by another assertion's judgment of the same output: no call of their own. */
      sharedCalls: z.number().int().nonnegative().default(0),
      tokens: z.number().nonnegative(),
      /** The cost of the live calls in US dollars, `null` when no record carried a cost. */
      costUsd: z.number().nullable(),
      /** Retries of live judge calls after transient failures, over the run's judgments. */
      retries: z.number().int().nonnegative().default(0),
    }),
    /** Per dimension over the whole run, in name order. */
    run: dimensionStatsMapSchema,
    /** Per file (relative to the Vitest root), in file order, each per dimension. */
    files: z.record(z.string(), dimensionStatsMapSchema),
    /** What the `describeEval` tasks spent, over the run and per file with tasks; absent without tasks. */
    taskCost: z
      .object({ run: taskCostStatsSchema, files: z.record(z.string(), taskCostStatsSchema) })
      .optional(),
    /** Per dimension compared pairwise over the whole run, in name order; absent without comparisons. */
    pairwise: z.record(z.string(), pairwiseStatsSchema).optional(),
  }),
  /** The suite gates checked against the run, in dimension then statistic order. */
  gates: z.array(gateResultSchema),
  /** The comparison with the baseline, `null` when none was configured or found. */
  baseline: baselineComparisonSchema.nullable(),
  /** Every alert of the run, P0 first. */
  alerts: z.array(alertSchema),
  /**
   * Per dimension, the judges' agreement with human labels (`ρ 0.71 (n 120)`, `stale`, `uncalibrated`), when the
   * project keeps calibration files or sets a calibration gate.
   */
  calibration: z.record(z.string(), calibrationCellSchema).optional(),
  /**
   * In a report merged from a sharded run (`--merge-reports`) with an LLM judge: the judge limits each shard
   * enforced, one line per shard, for example `judge limits of shard 1/3 (1/3 each): 5 in flight`.
   */
  shardLimits: z.array(z.string()).optional(),
  /** Every record of the run's last attempts, each with where it was made, ordered by file. */
  judgments: z.array(locatedRecordSchema),
})

export type RubricReport = z.output<typeof reportSchema>
export type DimensionStats = z.output<typeof dimensionStatsSchema>
export type FloorSummary = z.output<typeof floorSummarySchema>
export type JudgeSummary = z.output<typeof judgeSummarySchema>
/** One entry of `judgments`: a record with where it was made. */
export type ReportJudgment = LocatedRecord
export type GateResult = z.output<typeof gateResultSchema>
export type DimensionChange = z.output<typeof dimensionChangeSchema>
export type BaselineComparison = z.output<typeof baselineComparisonSchema>
export type CostChange = z.output<typeof costChangeSchema>
export type RubricAlert = z.output<typeof alertSchema>
export type CostStats = z.output<typeof costStatsSchema>
export type TaskCostStats = z.output<typeof taskCostStatsSchema>
export type PairwiseStats = z.output<typeof pairwiseStatsSchema>
