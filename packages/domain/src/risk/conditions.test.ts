// Each default risk condition on both sides of its line, the order conditions apply in, and whole
// assessments from questionnaire to final level with every reason.
import { describe, expect, it } from 'vitest'
import type { RiskLevel } from '../change/vocabulary'
import { DEFAULT_RISK_CONDITIONS, nextQuarterStart, type RiskCondition } from './conditions'
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

/** Low risk (probability 1, impact 2), a week of lead time, mid-quarter: no default condition fires. */
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

function defaultCondition(code: string): RiskCondition {
  const condition = DEFAULT_RISK_CONDITIONS.find((candidate) => candidate.code === code)
  if (!condition) throw new Error(`no default condition ${code}`)
  return condition
}
const at = (iso: string) => new Date(iso)
// Quarter-end rows start far enough ahead that lead time never matters.
const quarterEnd = (iso: string): Partial<RiskInput> => ({ plannedStart: at(iso), now: at('2030-01-01T00:00:00Z') })

describe('default conditions', () => {
  it('are, in order: lead time, driver branch, cluster share, rollback, quarter end', () => {
    expect(DEFAULT_RISK_CONDITIONS.map((condition) => condition.code)).toEqual([
      'insufficient-lead-time',
      'driver-major-jump',
      'cluster-share-above-quarter',
      'rollback-untested',
      'quarter-end',
    ])
  })

  it('fire on nothing for a safe change', () => {
    const result = computeRisk(input())
    expect(result.level).toBe(result.computedLevel)
    expect(result.reasons.map((reason) => reason.code).filter((code) => !code.includes('.'))).toEqual([])
  })

  const driver = (current: string[], target: string | null) => ({ driverVersions: { current, target } })
  it.each([
    {
      code: 'insufficient-lead-time',
      name: '48 h minus 1 ms ahead',
      change: { plannedStart: new Date(NOW.getTime() + 48 * HOUR - 1) },
      fires: true,
    },
    {
      code: 'insufficient-lead-time',
      name: 'exactly 48 h ahead',
      change: { plannedStart: new Date(NOW.getTime() + 48 * HOUR) },
      fires: false,
    },
    {
      code: 'insufficient-lead-time',
      name: 'planned in the past',
      change: { plannedStart: new Date(NOW.getTime() - HOUR) },
      fires: true,
    },
    {
      code: 'driver-major-jump',
      name: '550 and 570 nodes to 575',
      change: driver(['550.54.15', '570.86'], '575.51'),
      fires: true,
    },
    {
      code: 'driver-major-jump',
      name: 'within branch 570',
      change: driver(['570.86.15', '570.124.06'], '570.133.20'),
      fires: false,
    },
    {
      code: 'driver-major-jump',
      name: 'a downgrade to another branch',
      change: driver(['570.86'], '550.54.15'),
      fires: true,
    },
    {
      code: 'driver-major-jump',
      name: 'an unreadable current version',
      change: driver(['unknown'], '570.86'),
      fires: true,
    },
    { code: 'driver-major-jump', name: 'no target version', change: driver(['550.54.15'], null), fires: false },
    { code: 'driver-major-jump', name: 'no current versions', change: driver([], '575.51'), fires: false },
    { code: 'driver-major-jump', name: 'no driver versions at all', change: {}, fires: false },
    {
      code: 'cluster-share-above-quarter',
      name: 'exactly 25% (1 of 4)',
      change: { clusters: [{ affectedNodes: 1, totalNodes: 4 }] },
      fires: false,
    },
    {
      code: 'cluster-share-above-quarter',
      name: '26 of 100 nodes',
      change: { clusters: [{ affectedNodes: 26, totalNodes: 100 }] },
      fires: true,
    },
    {
      code: 'cluster-share-above-quarter',
      name: 'any cluster above 25%',
      change: {
        clusters: [
          { affectedNodes: 1, totalNodes: 100 },
          { affectedNodes: 2, totalNodes: 7 },
        ],
      },
      fires: true,
    },
    { code: 'rollback-untested', name: 'tested rollback with a written plan', change: {}, fires: false },
    {
      code: 'rollback-untested',
      name: 'rollback never tested',
      change: { questionnaire: { ...SAFE, rollbackTested: false } },
      fires: true,
    },
    { code: 'rollback-untested', name: 'tested but no written plan', change: { rollbackPlan: '  \n' }, fires: true },
    { code: 'quarter-end', name: 'Mar 26 23:59:59.999Z', change: quarterEnd('2031-03-26T23:59:59.999Z'), fires: false },
    { code: 'quarter-end', name: 'Mar 27 00:00Z', change: quarterEnd('2031-03-27T00:00:00Z'), fires: true },
    { code: 'quarter-end', name: 'Mar 31 23:59:59.999Z', change: quarterEnd('2031-03-31T23:59:59.999Z'), fires: true },
    {
      code: 'quarter-end',
      name: 'Apr 1 00:00Z (a new quarter)',
      change: quarterEnd('2031-04-01T00:00:00Z'),
      fires: false,
    },
    { code: 'quarter-end', name: 'Jun 25 23:59:59.999Z', change: quarterEnd('2031-06-25T23:59:59.999Z'), fires: false },
    {
      code: 'quarter-end',
      name: 'Jun 26 00:00Z (June has 30 days)',
      change: quarterEnd('2031-06-26T00:00:00Z'),
      fires: true,
    },
    { code: 'quarter-end', name: 'Sep 27 12:00Z', change: quarterEnd('2031-09-27T12:00:00Z'), fires: true },
    { code: 'quarter-end', name: 'Dec 26 23:59:59.999Z', change: quarterEnd('2031-12-26T23:59:59.999Z'), fires: false },
    { code: 'quarter-end', name: 'Dec 31 23:00Z (year end)', change: quarterEnd('2031-12-31T23:00:00Z'), fires: true },
    {
      code: 'quarter-end',
      name: 'Mar 26 22:00 in New York, already Mar 27 in UTC',
      change: quarterEnd('2031-03-26T22:00:00-04:00'),
      fires: true,
    },
    {
      code: 'quarter-end',
      name: 'Apr 1 08:00 in Tokyo, still Mar 31 in UTC',
      change: quarterEnd('2031-04-01T08:00:00+09:00'),
      fires: true,
    },
  ])('$code: $name -> fires $fires', ({ code, change, fires }) => {
    const result = computeRisk(input(change), [defaultCondition(code)])
    expect(result.reasons.some((reason) => reason.code === code)).toBe(fires)
  })

  it.each([
    {
      name: 'by one: low -> moderate',
      code: 'rollback-untested',
      change: { rollbackPlan: '' },
      from: 'low',
      to: 'moderate',
    },
    {
      name: 'at least high: low -> high',
      code: 'driver-major-jump',
      change: { driverVersions: { current: ['550.54.15'], target: '575.51' } },
      from: 'low',
      to: 'high',
    },
  ])('raise $name', ({ code, change, from, to }) => {
    const result = computeRisk(input(change), [defaultCondition(code)])
    expect([result.computedLevel, result.level]).toEqual([from, to])
  })
})

describe('applying conditions', () => {
  const firstTime: RiskCondition = {
    code: 'firmware',
    description: 'Firmware flash',
    when: { kind: 'category-is', subcategories: ['gpu-firmware'] },
    raise: { kind: 'at-least', level: 'high' },
  }
  const always: RiskCondition = {
    code: 'always',
    description: 'Always',
    when: { kind: 'lead-time-below-hours', hours: 1e9 },
    raise: { kind: 'by-one' },
  }

  it.each([
    { name: 'matching subcategory', subcategory: 'gpu-firmware' as const, fires: true },
    { name: 'other subcategory', subcategory: 'cuda' as const, fires: false },
    { name: 'no subcategory', subcategory: null, fires: false },
  ])('category-is fires on $name: $fires', ({ subcategory, fires }) => {
    expect(computeRisk(input({ subcategory }), [firstTime]).level).toBe(fires ? 'high' : 'low')
  })

  it.each([
    { order: 'at-least high, then by one', conditions: [firstTime, always], expected: 'critical' },
    { order: 'by one, then at-least high', conditions: [always, firstTime], expected: 'high' },
  ])('raises in list order: $order -> $expected', ({ conditions, expected }) => {
    expect(computeRisk(input({ subcategory: 'gpu-firmware' }), conditions).level).toBe(expected as RiskLevel)
  })

  it('keeps the score and records a condition that fired but could not raise further', () => {
    const result = computeRisk(input({ subcategory: 'gpu-firmware' }), [always, always, always, always, firstTime])
    expect(result).toMatchObject({ score: 2, computedLevel: 'low', level: 'critical' })
    expect(result.reasons.filter((reason) => reason.code === 'always')).toHaveLength(4)
    expect(result.reasons.at(-1)).toEqual({ code: 'firmware', message: 'Firmware flash (level stays critical)' })
  })

  it('finds the next quarter start across the year end', () => {
    expect(nextQuarterStart(at('2031-11-15T00:00:00Z')).toISOString()).toBe('2032-01-01T00:00:00.000Z')
    expect(nextQuarterStart(at('2031-01-01T00:00:00Z')).toISOString()).toBe('2031-04-01T00:00:00.000Z')
  })
})

describe('whole assessments', () => {
  it('a fleet driver upgrade across branches on a busy service', () => {
    const result = computeRisk(
      input({
        questionnaire: { ...SAFE, experience: 'first-time', requiresDowntime: true },
        history: { similarClosed: 10, similarFailed: 3 },
        services: [
          { criticality: 4, userCount: 2_000 },
          { criticality: 2, userCount: 300 },
        ],
        clusters: [
          { affectedNodes: 30, totalNodes: 100 },
          { affectedNodes: 8, totalNodes: 64 },
        ],
        driverVersions: { current: ['550.54.15', '570.86'], target: '575.51' },
      }),
    )
    expect(result).toMatchObject({ probability: 4, impact: 4, score: 16, computedLevel: 'critical', level: 'critical' })
    expect(result.reasons.map((reason) => reason.code)).toEqual([
      'probability.experience',
      'probability.downtime',
      'probability.history',
      'impact.blast-radius',
      'impact.criticality',
      'impact.users',
      'driver-major-jump',
      'cluster-share-above-quarter',
    ])
  })

  it('a low-score change raised step by step to critical by rushed, quarter-end timing without a plan', () => {
    const result = computeRisk(
      input({ now: at('2031-03-29T00:00:00Z'), plannedStart: at('2031-03-30T00:00:00Z'), rollbackPlan: '' }),
    )
    expect(result).toMatchObject({ probability: 1, impact: 2, score: 2, computedLevel: 'low', level: 'critical' })
    expect(result.reasons.slice(-3).map((reason) => reason.message)).toEqual([
      expect.stringContaining('level low -> moderate'),
      expect.stringContaining('level moderate -> high'),
      expect.stringContaining('level high -> critical'),
    ])
  })
})
