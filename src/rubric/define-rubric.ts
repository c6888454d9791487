import { RubricArgumentError } from '../errors.ts'
import type { Dimension, Rubric, RubricScale, RubricSpec } from '../types.ts'
import { contentHash } from '../util/hash.ts'
import { dimensions as builtin, conversationDimensions } from './builtin.ts'

/** The scale a rubric scores on unless it says otherwise. */
const DEFAULT_SCALE: RubricScale = { min: 1, max: 5 }

const DEFAULT_FLOOR = 0.5

/**
 * Defines a rubric: a named set of dimensions. The id is a hash of the rubric's content (name, scale,
 * descriptions, anchors, floors), so editing any of it makes a new rubric whose stored judgments do not apply.
 */
export function defineRubric(spec: RubricSpec): Rubric {
  if (!spec || typeof spec.name !== 'string' || spec.name.trim() === '') {
    throw new RubricArgumentError(
      'defineRubric() needs a `name`: defineRubric({ name: "support", dimensions: { ... } }).',
    )
  }
  const names = Object.keys(spec.dimensions ?? {})
  if (names.length === 0) {
    throw new RubricArgumentError(
      `rubric "${spec.name}" has no dimensions. Add at least one, for example \`dimensions: { faithfulness: dimensions.faithfulness }\`.`,
    )
  }
  const scale: RubricScale = {
    min: spec.scale?.min ?? DEFAULT_SCALE.min,
    max: spec.scale?.max ?? DEFAULT_SCALE.max,
  }
  if (!Number.isInteger(scale.min) || !Number.isInteger(scale.max) || scale.max <= scale.min) {
    throw new RubricArgumentError(
      `rubric "${spec.name}" has scale ${scale.min} to ${scale.max}; a scale needs integer min < max, for example { min: 1, max: 5 }.`,
    )
  }
  const resolved: Record<string, Dimension> = {}
  for (const name of names.sort()) {
    const dimension = spec.dimensions[name]!
    if (typeof dimension?.description !== 'string' || dimension.description.trim() === '') {
      throw new RubricArgumentError(
        `dimension "${name}" of rubric "${spec.name}" needs a \`description\` that tells the judge what to score.`,
      )
    }
    const floor = dimension.floor ?? DEFAULT_FLOOR
    assertFloor(floor, `the floor of dimension "${name}" in rubric "${spec.name}"`, scale)
    for (const key of Object.keys(dimension.anchors ?? {})) {
      const point = Number(key)
      if (!Number.isInteger(point) || point < scale.min || point > scale.max) {
        throw new RubricArgumentError(
          `dimension "${name}" of rubric "${spec.name}" has an anchor for ${key}, outside the scale ${scale.min} to ${scale.max}.`,
        )
      }
    }
    resolved[name] = { ...dimension, name, floor }
  }
  const id = contentHash({ name: spec.name, scale, dimensions: resolved }, 12)
  return Object.freeze({ id, name: spec.name, scale, dimensions: Object.freeze(resolved) })
}

/**
 * Throws unless `floor` is a number in [0, 1]. The message shows what points of `scale` normalise to, and a floor
 * that is a point of the scale (`toScoreAtLeast('tone', 4)`) gets the normalised value it likely meant.
 */
export function assertFloor(
  floor: unknown,
  what: string,
  scale: RubricScale = DEFAULT_SCALE,
): asserts floor is number {
  if (typeof floor === 'number' && !Number.isNaN(floor) && floor >= 0 && floor <= 1) return
  const point = (raw: number) => `${raw} is ${fixed(normalizeScore(raw, scale))}`
  const example = `on a ${scale.min} to ${scale.max} scale ${point(scale.max - 1)} and ${point(scale.max)}`
  const meant =
    typeof floor === 'number' &&
    Number.isInteger(floor) &&
    floor > 1 &&
    floor >= scale.min &&
    floor <= scale.max
      ? ` If you meant ${floor} on the ${scale.min} to ${scale.max} scale, write ${fixed(normalizeScore(floor, scale))}.`
      : ''
  throw new RubricArgumentError(
    `${what} is ${String(floor)}; a floor is a normalised score between 0 and 1 (${example}).${meant}`,
  )
}

/** Up to two decimals, without trailing zeros: 0.75, 0.5, 1. */
function fixed(value: number): string {
  return String(Math.round(value * 100) / 100)
}

/** The rubric of the seven built-in dimensions, used when a matcher names no rubric. */
export const defaultRubric: Rubric = defineRubric({ name: 'vitest-rubric default', dimensions: builtin })

/** The rubric of the built-in conversation dimensions: `toScoreAtLeast('toolUse', ...)` uses it by default. */
export const conversationRubric: Rubric = defineRubric({
  name: 'vitest-rubric conversation',
  dimensions: conversationDimensions,
})

/**
 * The id of a dimension's definition: a hash of what the judge reads of it (name, description, anchors, the
 * heuristic method) and the scale it scores on, not its floor nor the rest of the rubric. A calibration holds
 * for it in any rubric that reuses the definition unchanged.
 */
export function dimensionDefinitionId(rubric: Pick<Rubric, 'scale' | 'dimensions'>, name: string): string {
  const dimension = rubric.dimensions[name]
  return contentHash(
    {
      name,
      description: dimension?.description,
      anchors: dimension?.anchors,
      heuristic: dimension?.heuristic,
      scale: rubric.scale,
    },
    12,
  )
}

/** A normalised score in [0, 1] back on the rubric's scale: 0.75 is 4 on a 1 to 5 scale. */
export function scoreOnScale(score: number, scale: RubricScale): number {
  return scale.min + score * (scale.max - scale.min)
}

/** Normalises a score on the rubric's scale to [0, 1]. */
export function normalizeScore(raw: number, scale: RubricScale): number {
  const clamped = Math.min(scale.max, Math.max(scale.min, raw))
  return (clamped - scale.min) / (scale.max - scale.min)
}
