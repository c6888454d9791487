/**
 * `vitest-rubric calibrate --data <glob> [--dimensions a,b] [--judge heuristic | --model <m> --base-url <url>]`:
 * measures a judge's agreement with human scores and writes `.vitest-rubric/calibration/<judge id>.json`.
 */
import { parseArgs } from 'node:util'
import { calibrate } from '../calibration/calibrate.ts'
import { loadRubricModule } from '../calibration/load-rubric.ts'
import { parseScaleOption } from '../calibration/load-set.ts'
import { renderCalibration } from '../calibration/render.ts'
import { RubricArgumentError } from '../errors.ts'
import type { CalibrateOptions, JudgeOption, StoreMode } from '../types.ts'
import { stableStringify } from '../util/hash.ts'
import { stdoutColors, withUsage } from './args.ts'
import type { Command } from './command.ts'

const STORE_MODES: readonly StoreMode[] = ['auto', 'replay', 'record', 'off']

const usage = `Usage: vitest-rubric calibrate --data <glob> [options]

Judges a calibration set (rows with human scores per dimension) and prints how well the judge agrees with
people: correlations, errors, agreement at each floor, quadratic-weighted kappa, with bootstrap intervals.
Judgments are kept in __judgments__/ beside the data, so a re-run calls no judge. The result is written to
.vitest-rubric/calibration/<judge id>.json; commit it, and the reporter shows each dimension's calibration.

Options:
  --data <glob>            calibration files (JSONL, JSON or CSV); repeat, or give them as arguments
  --dimensions <a,b>       dimensions to measure (default: every rubric dimension the rows score)
  --judge heuristic        the offline heuristic judge (the default without --model)
  --model <name>           an LLM judge, for example gpt-4.1-mini (key from $OPENAI_API_KEY); a,b for a panel
  --base-url <url>         its OpenAI-compatible server (default: $OPENAI_BASE_URL, else OpenAI)
  --rubric <file[#name]>   the module exporting the rubric (default: the built-in dimensions)
  --scale <min-max>        scale of human scores in rows that declare none, for every dimension (1-5) or
                           per dimension (coherence=1-3,faithfulness=0-1); default 0-1
  --store <mode>           auto, replay, record or off (default: $VITEST_RUBRIC_STORE, else auto)
  --concurrency <n>        rows judged at once (default 8)
  --resamples <n>          bootstrap resamples (default 2000)
  --seed <n>               bootstrap seed (default 1)
  --out <dir>              where the calibration file is written (default .vitest-rubric/calibration)
  --no-write               print the results without writing a file
  --json                   print the calibration as JSON instead of the table
  -h, --help               show this help`

export const command: Command = {
  summary: "measure a judge's agreement with human scores and record it with the judge id",
  usage,
  async run(args) {
    const options = await parseCalibrateArgs(args)
    const json = args.includes('--json')
    const result = await calibrate(options)
    console.log(
      json ? stableStringify(result.calibration, 2) : renderCalibration(result, { colors: stdoutColors() }),
    )
    const scored = Object.values(result.calibration.dimensions).some((dimension) => dimension.n > 0)
    if (!scored) {
      console.error('no row was scored by the judge: see the errors above.')
      return 1
    }
    return 0
  },
}

/** The `calibrate()` options the arguments describe. */
export async function parseCalibrateArgs(args: string[]): Promise<CalibrateOptions> {
  const { values, positionals } = withUsage(usage, () =>
    parseArgs({
      args,
      allowPositionals: true,
      options: {
        data: { type: 'string', multiple: true },
        dimensions: { type: 'string' },
        judge: { type: 'string' },
        model: { type: 'string' },
        'base-url': { type: 'string' },
        rubric: { type: 'string' },
        scale: { type: 'string' },
        store: { type: 'string' },
        concurrency: { type: 'string' },
        resamples: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        'no-write': { type: 'boolean' },
        json: { type: 'boolean' },
      },
    }),
  )
  const data = [...(values.data ?? []), ...positionals]
  if (data.length === 0) {
    throw new RubricArgumentError(
      `name the calibration set: --data 'fixtures/calibration/*.jsonl'.\n\n${usage}`,
    )
  }
  const cwd = process.cwd()
  const options: CalibrateOptions = { data, cwd, judge: judgeOption(values) }
  if (values.dimensions !== undefined) options.dimensions = list(values.dimensions, '--dimensions')
  if (values.rubric !== undefined) options.rubric = await loadRubricModule(values.rubric, cwd)
  if (values.scale !== undefined) options.scale = parseScaleOption(values.scale)
  if (values.store !== undefined) {
    if (!STORE_MODES.includes(values.store as StoreMode)) {
      throw new RubricArgumentError(
        `--store ${values.store} is not a store mode; use ${STORE_MODES.join(', ')}.`,
      )
    }
    options.store = values.store as StoreMode
  }
  if (values.concurrency !== undefined) options.concurrency = integer(values.concurrency, '--concurrency')
  const bootstrap: NonNullable<CalibrateOptions['bootstrap']> = {}
  if (values.resamples !== undefined) bootstrap.resamples = integer(values.resamples, '--resamples')
  if (values.seed !== undefined) bootstrap.seed = integer(values.seed, '--seed')
  options.bootstrap = bootstrap
  if (values['no-write']) options.outputDir = false
  else if (values.out !== undefined) options.outputDir = values.out
  return options
}

function judgeOption(values: {
  judge?: string | undefined
  model?: string | undefined
  'base-url'?: string | undefined
}): JudgeOption {
  if (values.model !== undefined) {
    if (values.judge !== undefined && values.judge !== values.model) {
      throw new RubricArgumentError(
        `--judge ${values.judge} and --model ${values.model} name two judges; give --model for an LLM judge, or --judge heuristic.`,
      )
    }
    const where = values['base-url'] ? { baseURL: values['base-url'] } : {}
    // `--model a,b` is a panel of those models: the run reports the panel and each member from the same calls.
    const models = values.model
      .split(',')
      .map((model) => model.trim())
      .filter(Boolean)
    if (models.length > 1) return { panel: models.map((model) => ({ model, ...where })) }
    return { model: values.model, ...where }
  }
  if (values['base-url'] !== undefined) {
    throw new RubricArgumentError(
      '--base-url needs --model, the model the server judges with, for example --model gpt-4.1-mini.',
    )
  }
  if (values.judge === undefined || values.judge === 'heuristic') return 'heuristic'
  throw new RubricArgumentError(
    `--judge ${values.judge} is not a judge; use --judge heuristic, or --model <name> (and --base-url) for an LLM judge.`,
  )
}

function list(text: string, what: string): string[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
  if (items.length === 0)
    throw new RubricArgumentError(`${what} is empty; name dimensions, for example faithfulness,relevance.`)
  return items
}

function integer(text: string, what: string): number {
  const value = Number(text)
  if (!Number.isSafeInteger(value))
    throw new RubricArgumentError(`${what} is "${text}"; give a whole number.`)
  return value
}
