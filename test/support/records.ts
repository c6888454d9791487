import type { JudgmentRecord, RecordLocation, SimulationRecord } from '../../src/record/schema.ts'

/** A judgment record where it was made; what a report's `judgments` hold for a judge's verdict. */
export type LocatedJudgment = RecordLocation & JudgmentRecord

/** A judge's record of one dimension with plausible values; tests override what they look at. */
export function judgmentRecord(overrides: Partial<JudgmentRecord> = {}): JudgmentRecord {
  const score = overrides.score === undefined ? 0.75 : overrides.score
  const floor = overrides.floor ?? 0.5
  const pass = score === null ? null : score >= floor
  return {
    kind: 'judgment',
    callId: 'c1',
    assertion: 'toScoreAtLeast',
    dimension: 'faithfulness',
    score,
    floor,
    pass,
    assertionPassed: pass,
    reason: 'supported by the context',
    judgeId: 'j1',
    judgeName: 'judge-model',
    rubricId: 'r1',
    latencyMs: 10,
    source: 'stored',
    retry: 0,
    output: 'Refunds take 14 days.',
    ...overrides,
  }
}

/** {@link judgmentRecord} in a test of `qa.eval.ts`. */
export function locatedJudgment(overrides: Partial<LocatedJudgment> = {}): LocatedJudgment {
  return {
    file: 'qa.eval.ts',
    test: 'answers > refunds',
    project: 'evals',
    state: 'passed',
    ...judgmentRecord(overrides),
    ...overrides,
  }
}

/** A simulated user's first turn in a test of `chat.eval.ts`, live and unpriced; tests override what they look at. */
export function simulationTurn(
  overrides: Partial<RecordLocation & SimulationRecord> = {},
): RecordLocation & SimulationRecord {
  return {
    file: 'chat.eval.ts',
    test: 'gets a refund',
    project: 'evals',
    state: 'passed',
    kind: 'simulation',
    assertion: 'runConversation',
    callId: 's1',
    dimension: 'simulated user',
    score: null,
    floor: 0,
    pass: null,
    assertionPassed: null,
    reason: "the simulated user's turn 1: continue",
    judgeId: 'simulator:user-model',
    judgeName: 'user-model',
    model: 'user-model',
    latencyMs: 40,
    source: 'live',
    retry: 0,
    output: 'Hi, I want my money back.',
    turn: 1,
    action: 'continue',
    ...overrides,
  }
}

/** `record` as a judge's record; throws (failing the test) when it is another kind. */
export function asJudgment<R extends { kind: string }>(
  record: R | undefined,
): Extract<R, { kind: 'judgment' }> {
  if (record?.kind !== 'judgment')
    throw new Error(`expected a judgment record, got ${JSON.stringify(record)}`)
  return record as Extract<R, { kind: 'judgment' }>
}
