import { readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import type { StoredEmbedding } from '../src/store/store-file.ts'
import { judgeAt, useJudgeServer } from './support/judge-hooks.ts'
import { copyFixture, repoRoot, runEvals } from './support/run-vitest.ts'
import { scriptQualityJudge } from './support/scripted-judge.ts'

const server = useJudgeServer(scriptQualityJudge)

// Embeddings name only their model: the judge's baseURL and apiKey serve them too.
const options = (store: 'auto' | 'replay') => ({
  judge: judgeAt(server),
  embeddings: { model: 'embed-model' },
  store,
})

/** The fixture copied to a temporary folder, where its eval file can still import zod. */
function checksFixture(): string {
  const root = copyFixture('checks')
  symlinkSync(join(repoRoot, 'node_modules'), join(dirname(root), 'node_modules'), 'junction')
  return root
}

const storeOf = (root: string) => join(root, '__judgments__', 'answers.eval.ts.json')
const embeddingCalls = () => server.requests.filter((request) => request.path === '/v1/embeddings')

describe('deterministic checks end to end', () => {
  test('report check dimensions beside the judge scores, and replay embeddings without a call', async () => {
    const root = checksFixture()
    const first = await runEvals(root, options('auto'))
    expect(first.exitCode).toBe(1) // the leaky answer fails its checks
    expect(server.chatRequests).toHaveLength(2)
    expect(embeddingCalls()).toHaveLength(1)
    expect(embeddingCalls()[0]!.body).toMatchObject({
      model: 'embed-model',
      input: [
        'quality:5 Refunds take 30 days under our refund policy.',
        'Refunds take 30 days under the refund policy.',
      ],
    })
    expect(embeddingCalls()[0]!.headers.authorization).toBe('Bearer test-key')

    // Checks are dimensions of the table like the judge's, but neither judges nor judge calls in its header.
    expect(first.output).toContain(
      [
        ' Rubric  judge judge-model · 2 live calls · 0 stored · 2 written · 240 tokens',
        '',
        ' answers.eval.ts',
        '   dimension        n  mean    se     95% CI   p10   min      pass  floor  errors',
        '   contains-all     1  1.00     -          -  1.00  1.00  1/1 100%   1.00       0',
        '   contains-none    1  1.00     -          -  1.00  1.00  1/1 100%   1.00       0',
        '   embedding        1  0.77     -          -  0.77  0.77  1/1 100%   0.00       0',
        '   json             1  1.00     -          -  1.00  1.00  1/1 100%   1.00       0',
        '   length           1  1.00     -          -  1.00  1.00  1/1 100%   1.00       0',
        '   mentions-policy  2  0.50  0.50  0.00-1.00  0.10  0.00  1/2  50%   1.00       0',
        '   no-pii           2  0.50  0.50  0.00-1.00  0.10  0.00  1/2  50%   1.00       0',
        '   not refusal      1  0.00     -          -  0.00  0.00  1/1 100%   1.00       0', // `.not`: passes below its floor
        '   refusal          1  1.00     -          -  1.00  1.00  1/1 100%   1.00       0',
        '   relevance        1  1.00     -          -  1.00  1.00  1/1 100%   0.50       0',
        '   rouge-l          1  0.78     -          -  0.78  0.78  1/1 100%   0.50       0',
        '   schema           2  0.50  0.50  0.00-1.00  0.10  0.00  1/2  50%   1.00       0',
        '   tone             2  0.88  0.13  0.00-1.00  0.78  0.75  2/2 100%   0.75       0',
      ].join('\n'),
    )
    // Failures say what was found, masked, and where; soft assertions record every check of the test.
    expect(first.output).toContain(
      'expected the output to contain no personal data, but found 2:\n' +
        '  - email j***@e***.com at line 1, column 31\n' +
        '  - credit-card **** **** **** 4242 at line 1, column 77',
    )
    expect(first.output).toContain(
      'expected mentions-policy at least 1.00, but scorer mentions-policy scored it 0.00\nreason: does not name the policy',
    )

    const { report } = first
    expect(report.judges.map((judge) => judge.name)).toEqual(['judge-model'])
    expect(Object.keys(report.summary.run)).toHaveLength(13)
    expect(report.summary.run['no-pii']).toMatchObject({ n: 2, mean: 0.5, passed: 1, passRate: 0.5 })
    const rows = report.judgments
      .filter((j) => j.test.endsWith('a declined request'))
      .map(
        (j) =>
          `${j.dimension} ${j.judgeName} ${j.score} ${j.pass} ${j.kind === 'judgment' ? j.rubricId : j.kind === 'task' || j.kind === 'pairwise' || j.kind === 'simulation' ? j.kind : `scorer:${j.scorer}`}`,
      )
    expect(rows).toEqual([
      `tone judge-model 0.75 true ${report.rubricIds.find((id) => !id.startsWith('scorer:'))}`,
      'refusal check 1 true scorer:refusal',
      'contains-none check 1 true scorer:contains-none',
    ])
    const leak = report.judgments.find((j) => j.dimension === 'no-pii' && j.score === 0)!
    expect(leak.output).toBe(
      'quality:3 Your order ships to j***@e***.com; the refund goes to card **** **** **** 4242.',
    )
    const embedding = report.judgments.find((j) => j.dimension === 'embedding')!
    expect(embedding).toMatchObject({
      kind: 'similarity',
      scorer: 'embedding',
      judgeName: 'scorer',
      model: 'embed-model',
      source: 'live',
    })
    expect(embedding).not.toHaveProperty('tokens')

    const stored = JSON.parse(readFileSync(storeOf(root), 'utf8'))
    expect(Object.keys(stored.judgments)).toHaveLength(2)
    expect(
      Object.values(stored.embeddings as Record<string, StoredEmbedding>).map((entry) => [
        entry.model,
        entry.size,
        entry.text,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['embed-model', 8, 'quality:5 Refunds take 30 days under our refund policy.'],
        ['embed-model', 8, 'Refunds take 30 days under the refund policy.'],
      ]),
    )

    // A replay reads judgments and vectors from the store: no call of any kind, the same scores.
    server.reset()
    const text = readFileSync(storeOf(root), 'utf8')
    const second = await runEvals(root, options('replay'))
    expect(server.requests).toHaveLength(0)
    expect(second.output).toContain(' Rubric  judge judge-model · 0 live calls · 2 stored · 0 tokens')
    expect(second.report.judgments.find((j) => j.dimension === 'embedding')).toMatchObject({
      source: 'stored',
      score: embedding.score,
    })
    const scoresOf = (run: typeof first) =>
      Object.values(run.report.summary.run).map(({ dimension, n, mean, p10, min, passRate }) => ({
        dimension,
        n,
        mean,
        p10,
        min,
        passRate,
      }))
    expect(scoresOf(second)).toEqual(scoresOf(first))
    expect(readFileSync(storeOf(root), 'utf8')).toBe(text)

    // The vectors count as used: nothing in the store is obsolete.
    const third = await runEvals(root, options('auto'))
    expect(server.requests).toHaveLength(0)
    expect(third.output).not.toContain('obsolete')
  }, 60_000)

  test('a replay without the stored vector fails the assertion with the fix', async () => {
    const root = checksFixture()
    const grounded = { filters: [], cli: { testNamePattern: 'grounded' } }
    expect((await runEvals(root, options('auto'), grounded)).exitCode).toBe(0)
    const { embeddings: _, ...withoutVectors } = JSON.parse(readFileSync(storeOf(root), 'utf8'))
    writeFileSync(storeOf(root), JSON.stringify(withoutVectors))
    server.reset()

    const run = await runEvals(root, options('replay'), grounded)
    expect(run.exitCode).toBe(1)
    expect(server.requests).toHaveLength(0)
    expect(run.output).toContain(
      'toBeSimilarTo() could not be decided: no stored embedding of these texts for "embed-model" in ' +
        '__judgments__/answers.eval.ts.json; run locally with an embeddings key to record it',
    )
    expect(run.report.judgments.find((j) => j.dimension === 'embedding')).toMatchObject({
      score: null,
      pass: null,
      error: { code: 'RUBRIC_STORE_MISS' },
    })
  }, 60_000)
})
