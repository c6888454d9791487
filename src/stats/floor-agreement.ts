import { assertPaired } from './assert.ts'
import { cohenKappa } from './kappa.ts'

/**
 * How often the judge and the human make the same pass/fail decision at a floor.
 * A score passes when it is `>= floor`; the human decision is taken as the truth.
 */
export interface FloorAgreement {
  /** The number of rows. */
  n: number
  /** The share of rows where the judge and the human decide the same; `NaN` when there are no rows. */
  accuracy: number
  /**
   * F1 with "fail" as the positive class: how well the judge finds the outputs people fail. This is
   * the number to read for a quality gate, whose purpose is to catch failures; when most outputs pass,
   * F1 on "pass" stays high even for a judge that passes everything. `NaN` when neither side fails
   * anything (sklearn reports 0 there, with an UndefinedMetricWarning).
   */
  f1Fail: number
  /** F1 with "pass" as the positive class; `NaN` when neither side passes anything. */
  f1Pass: number
  /** Cohen's kappa of the two pass/fail decisions; `NaN` when both decide the same thing on every row. */
  kappa: number
  /** The 2 x 2 table of decisions. */
  counts: {
    bothPass: number
    bothFail: number
    /** The human passes, the judge fails: a false alarm. */
    judgeFailsHumanPasses: number
    /** The human fails, the judge passes: a missed failure. */
    judgePassesHumanFails: number
  }
}

/**
 * Binarises human and judge scores at `floor` (`>= floor` passes) and measures their agreement:
 * accuracy, F1 of each class and Cohen's kappa (sklearn's accuracy_score, f1_score, cohen_kappa_score).
 */
export function agreementAtFloor(
  human: readonly number[],
  judge: readonly number[],
  floor: number,
): FloorAgreement {
  assertPaired('agreementAtFloor', human, judge)
  const humanPass = human.map((score) => (score >= floor ? 1 : 0))
  const judgePass = judge.map((score) => (score >= floor ? 1 : 0))
  const counts = { bothPass: 0, bothFail: 0, judgeFailsHumanPasses: 0, judgePassesHumanFails: 0 }
  for (let i = 0; i < humanPass.length; i++) {
    if (humanPass[i] === 1) {
      if (judgePass[i] === 1) counts.bothPass++
      else counts.judgeFailsHumanPasses++
    } else if (judgePass[i] === 1) counts.judgePassesHumanFails++
    else counts.bothFail++
  }
  const n = human.length
  const disagreements = counts.judgeFailsHumanPasses + counts.judgePassesHumanFails
  return {
    n,
    accuracy: n === 0 ? Number.NaN : (counts.bothPass + counts.bothFail) / n,
    f1Fail: f1(counts.bothFail, disagreements),
    f1Pass: f1(counts.bothPass, disagreements),
    kappa: cohenKappa(humanPass, judgePass),
    counts,
  }
}

/** F1 = 2 tp / (2 tp + fp + fn), which needs no precision or recall that could be 0 / 0. */
function f1(truePositives: number, falsePositivesAndNegatives: number): number {
  const denominator = 2 * truePositives + falsePositivesAndNegatives
  return denominator === 0 ? Number.NaN : (2 * truePositives) / denominator
}
