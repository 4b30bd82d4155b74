// Risk as tables: questionnaire and history -> probability, services and blast radius -> impact, the
// score bands at every boundary, each condition on both sides of its line, and whole assessments.
import { describe, expect, it } from 'vitest'
import { RISK_LEVELS } from '../change/vocabulary'
import { blastRadiusBand, clusterShare, usersBand } from './impact'
import { riskLevelForScore, scoreRangeForLevel } from './levels'
import { computeRisk } from './risk'
import type { RiskInput, RiskQuestionnaire } from './types'

const NOW = new Date('2031-05-12T09:00:00Z')
const HOUR = 3_600_000
const SAFE: RiskQuestionnaire = {
  experience: 'routine',
  automation: 'automated',
  testedInStaging: true,
  rollbackTested: true,
  requiresDowntime: false,
  userVisible: false,
}

/** Probability 1, impact 2 (criticality 3, 500 users, 5% of a cluster), a week of lead time, mid-quarter. */
function input(overrides: Partial<RiskInput> = {}): RiskInput {
  return {
    questionnaire: SAFE,
    history: { similarClosed: 0, similarFailed: 0 },
    services: [{ criticality: 3, userCount: 500 }],
    clusters: [{ affectedNodes: 5, totalNodes: 100 }],
    category: 'infrastructure',
    subcategory: 'gpu-driver',
    plannedStart: new Date(NOW.getTime() + 7 * 24 * HOUR),
    now: NOW,
    rollbackPlan: 'Reinstall the previous driver from the local package cache and reboot.',
    ...overrides,
  }
}
const answers = (overrides: Partial<RiskQuestionnaire>): RiskQuestionnaire => ({ ...SAFE, ...overrides })

describe('probability: questionnaire points (0..8) -> 1 + ceil(points / 2), then history', () => {
  const bad = answers({
    experience: 'first-time',
    automation: 'manual',
    testedInStaging: false,
    rollbackTested: false,
    requiresDowntime: true,
  })
  it.each([
    { name: 'routine, automated, tested, rollback tested (0)', q: SAFE, history: undefined, expected: 1 },
    { name: 'done before (1)', q: answers({ experience: 'done-before' }), history: undefined, expected: 2 },
    { name: 'first time (2)', q: answers({ experience: 'first-time' }), history: undefined, expected: 2 },
    {
      name: 'first time, partly automated (3)',
      q: answers({ experience: 'first-time', automation: 'partly-automated' }),
      history: undefined,
      expected: 3,
    },
    {
      name: 'manual, rollback untested (3)',
      q: answers({ automation: 'manual', rollbackTested: false }),
      history: undefined,
      expected: 3,
    },
    {
      name: 'first time, manual (4)',
      q: answers({ experience: 'first-time', automation: 'manual' }),
      history: undefined,
      expected: 3,
    },
    {
      name: 'downtime, not staged, manual (5)',
      q: answers({ requiresDowntime: true, testedInStaging: false, automation: 'manual' }),
      history: undefined,
      expected: 4,
    },
    {
      name: 'first time, manual, not staged (6)',
      q: answers({ experience: 'first-time', automation: 'manual', testedInStaging: false }),
      history: undefined,
      expected: 4,
    },
    {
      name: 'first time, manual, not staged, downtime (7)',
      q: answers({ experience: 'first-time', automation: 'manual', testedInStaging: false, requiresDowntime: true }),
      history: undefined,
      expected: 5,
    },
    { name: 'every answer bad (8)', q: bad, history: undefined, expected: 5 },
    {
      name: '1 of 5 similar failed (20%, not above)',
      q: SAFE,
      history: { similarClosed: 5, similarFailed: 1 },
      expected: 1,
    },
    { name: '1 of 3 similar failed (33%)', q: SAFE, history: { similarClosed: 3, similarFailed: 1 }, expected: 2 },
    {
      name: '2 of 5 similar failed (40%, not above)',
      q: SAFE,
      history: { similarClosed: 5, similarFailed: 2 },
      expected: 2,
    },
    { name: '3 of 5 similar failed (60%)', q: SAFE, history: { similarClosed: 5, similarFailed: 3 }, expected: 3 },
    {
      name: '2 of 2 similar failed (too few to count)',
      q: SAFE,
      history: { similarClosed: 2, similarFailed: 2 },
      expected: 1,
    },
    {
      name: 'more failures than closures (bad data, read as 100%)',
      q: SAFE,
      history: { similarClosed: 3, similarFailed: 10 },
      expected: 3,
    },
    {
      name: 'every answer bad and every similar change failed (capped)',
      q: bad,
      history: { similarClosed: 4, similarFailed: 4 },
      expected: 5,
    },
  ])('$name -> $expected', ({ q, history, expected }) => {
    const result = computeRisk(input({ questionnaire: q, ...(history ? { history } : {}) }), [])
    expect(result.probability).toBe(expected)
  })

  it('names each answer and the history that raised probability', () => {
    const result = computeRisk(
      input({
        questionnaire: answers({ experience: 'first-time', requiresDowntime: true }),
        history: { similarClosed: 10, similarFailed: 3 },
      }),
      [],
    )
    expect(result.reasons.map((reason) => reason.code).filter((code) => code.startsWith('probability.'))).toEqual([
      'probability.experience',
      'probability.downtime',
      'probability.history',
    ])
  })
})

describe('impact: max(criticality, users) weighted 2:1 against blast radius; blast radius alone without services', () => {
  const share = (affectedNodes: number, totalNodes = 100) => [{ affectedNodes, totalNodes }]
  it.each([
    { name: 'no service, no cluster (floor)', services: [], clusters: [], expected: 1 },
    { name: 'no service, 10% of a cluster', services: [], clusters: share(10), expected: 1 },
    { name: 'no service, 11% of a cluster', services: [], clusters: share(11), expected: 2 },
    { name: 'no service, exactly a quarter', services: [], clusters: share(25), expected: 2 },
    { name: 'no service, 26% of a cluster', services: [], clusters: share(26), expected: 3 },
    { name: 'no service, half a cluster', services: [], clusters: share(50), expected: 3 },
    { name: 'no service, 51% of a cluster', services: [], clusters: share(51), expected: 4 },
    { name: 'no service, all but one node', services: [], clusters: share(99), expected: 4 },
    { name: 'no service, a whole cluster', services: [], clusters: share(100), expected: 5 },
    {
      name: 'no service, the worst of two clusters',
      services: [],
      clusters: [...share(1), ...share(3, 4)],
      expected: 4,
    },
    { name: 'cluster with no nodes counts as untouched', services: [], clusters: share(3, 0), expected: 1 },
    {
      name: 'criticality 1, 99 users, 1%',
      services: [{ criticality: 1, userCount: 99 }],
      clusters: share(1),
      expected: 1,
    },
    {
      name: 'criticality 1, 100 users, 1%',
      services: [{ criticality: 1, userCount: 100 }],
      clusters: share(1),
      expected: 2,
    },
    {
      name: 'criticality 3, 500 users, 5%',
      services: [{ criticality: 3, userCount: 500 }],
      clusters: share(5),
      expected: 2,
    },
    {
      name: 'criticality 5, 10 users, 1 node of 100',
      services: [{ criticality: 5, userCount: 10 }],
      clusters: share(1),
      expected: 4,
    },
    {
      name: 'criticality 5, a whole cluster',
      services: [{ criticality: 5, userCount: 10 }],
      clusters: share(100),
      expected: 5,
    },
    {
      name: 'criticality 1, 100k users, 1%',
      services: [{ criticality: 1, userCount: 100_000 }],
      clusters: share(1),
      expected: 4,
    },
    {
      name: 'criticality 1, half a cluster',
      services: [{ criticality: 1, userCount: 0 }],
      clusters: share(50),
      expected: 2,
    },
    {
      name: 'users add up across services (600 + 500)',
      services: [
        { criticality: 1, userCount: 600 },
        { criticality: 2, userCount: 500 },
      ],
      clusters: share(60),
      expected: 3,
    },
    {
      name: 'highest criticality wins',
      services: [
        { criticality: 2, userCount: 0 },
        { criticality: 4, userCount: 0 },
      ],
      clusters: share(30),
      expected: 4,
    },
    {
      name: 'out-of-range criticality is clamped to 5',
      services: [{ criticality: 9, userCount: 0 }],
      clusters: share(100),
      expected: 5,
    },
  ])('$name -> $expected', ({ services, clusters, expected }) => {
    expect(computeRisk(input({ services, clusters }), []).impact).toBe(expected)
  })

  it.each([
    { name: 'lifts impact 1 to 2', services: [], expected: 2 },
    { name: 'leaves a higher impact alone', services: [{ criticality: 5, userCount: 10 }], expected: 4 },
  ])('a user-visible change $name', ({ services, expected }) => {
    const visible = input({
      services,
      clusters: [{ affectedNodes: 1, totalNodes: 100 }],
      questionnaire: answers({ userVisible: true }),
    })
    expect(computeRisk(visible, []).impact).toBe(expected)
  })

  it.each([
    [0, 1],
    [99, 1],
    [100, 2],
    [999, 2],
    [1_000, 3],
    [9_999, 3],
    [10_000, 4],
    [99_999, 4],
    [100_000, 5],
    [Number.NaN, 1],
  ])('%d users -> reach %d', (users, band) => {
    expect(usersBand(users)).toBe(band)
  })

  it.each([
    [0, 1],
    [0.1, 1],
    [0.1001, 2],
    [0.25, 2],
    [0.2501, 3],
    [0.5, 3],
    [0.5001, 4],
    [0.999, 4],
    [1, 5],
  ])('share %d -> blast radius %d', (share, band) => {
    expect(blastRadiusBand(share)).toBe(band)
  })

  it('caps a share at 1 when more nodes are affected than the cluster holds', () => {
    expect(clusterShare({ affectedNodes: 12, totalNodes: 8 })).toBe(1)
  })
})

describe('score -> level bands', () => {
  it.each([
    [1, 'low'],
    [4, 'low'],
    [5, 'moderate'],
    [9, 'moderate'],
    [10, 'high'],
    [14, 'high'],
    [15, 'critical'],
    [25, 'critical'],
  ] as const)('score %d -> %s', (score, level) => {
    expect(riskLevelForScore(score)).toBe(level)
  })

  it.each([
    ['low', 1, 4],
    ['moderate', 5, 9],
    ['high', 10, 14],
    ['critical', 15, 25],
  ] as const)('%s covers %d..%d', (level, min, max) => {
    expect(scoreRangeForLevel(level)).toEqual({ min, max })
  })

  it('every score 1..25 lies in the range of its own level, and the ranges tile 1..25', () => {
    for (let score = 1; score <= 25; score++) {
      const { min, max } = scoreRangeForLevel(riskLevelForScore(score))
      expect(score).toBeGreaterThanOrEqual(min)
      expect(score).toBeLessThanOrEqual(max)
    }
    const ranges = RISK_LEVELS.map(scoreRangeForLevel)
    for (const [index, range] of ranges.entries()) {
      if (index > 0) expect(range.min).toBe((ranges[index - 1]?.max ?? 0) + 1)
    }
  })
})
