// The KPI arithmetic against hand-computed figures: rates on empty periods, the success score, the
// period's defaults and limits, and the Monday the weekly series buckets by.
import { describe, expect, it } from 'vitest'
import {
  failureRate,
  hours,
  INCIDENT_PENALTY,
  rate,
  resolvePeriod,
  successRate,
  successScore,
  weekStart,
} from '../../src/modules/kpis/kpi-math'

const none = { successful: 0, successfulWithIssues: 0, failed: 0, rolledBack: 0, incidentsCaused: 0 }

describe('KPI arithmetic', () => {
  it('has no rate over nothing, and rounds rates to four decimals', () => {
    expect(rate(0, 0)).toBeNull()
    expect(rate(3, 4)).toBe(0.75)
    expect(rate(1, 3)).toBe(0.3333)
    expect(successRate(none)).toBeNull()
    expect(failureRate(none)).toBeNull()
    // 2 successful + 1 with issues of 5 closed: success 3/5, failure (1 failed + 1 rolled back) 2/5.
    const counts = { successful: 2, successfulWithIssues: 1, failed: 1, rolledBack: 1, incidentsCaused: 0 }
    expect(successRate(counts)).toBe(0.6)
    expect(failureRate(counts)).toBe(0.4)
  })

  it('scores +3 per success, -2 per success with issues, -5 per failure or rollback, minus the incidents caused', () => {
    expect(successScore(none)).toBe(0)
    expect(INCIDENT_PENALTY).toBe(2)
    // 4*3 - 1*2 - 1*5 - 2*5 - 3*2 = 12 - 2 - 5 - 10 - 6 = -11
    expect(successScore({ successful: 4, successfulWithIssues: 1, failed: 1, rolledBack: 2, incidentsCaused: 3 })).toBe(
      -11,
    )
    expect(successScore({ ...none, successful: 10 })).toBe(30)
  })

  it('reads hours from Postgres numerics, keeping "no sample" as null', () => {
    expect(hours(null)).toBeNull()
    expect(hours('40.800000000000004')).toBe(40.8)
    expect(hours(25.5)).toBe(25.5)
    expect(hours('NaN')).toBeNull()
  })

  it('defaults the period to the 90 days before now, and refuses an inverted or overlong one', () => {
    const now = new Date('2026-11-27T12:00:00.000Z')
    expect(resolvePeriod({}, now)).toEqual({ from: new Date('2026-08-29T12:00:00.000Z'), to: now })
    expect(resolvePeriod({ to: '2026-01-31T00:00:00Z' }, now)).toEqual({
      from: new Date('2025-11-02T00:00:00.000Z'),
      to: new Date('2026-01-31T00:00:00.000Z'),
    })
    expect(resolvePeriod({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, now)).toEqual({
      path: 'from',
      message: 'must be before to',
    })
    expect(resolvePeriod({ from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, now)).toMatchObject({
      path: 'from',
    })
  })

  it('buckets weeks from Monday 00:00 UTC', () => {
    expect(weekStart(new Date('2026-01-05T00:00:00Z')).toISOString()).toBe('2026-01-05T00:00:00.000Z')
    expect(weekStart(new Date('2026-01-11T23:59:59Z')).toISOString()).toBe('2026-01-05T00:00:00.000Z')
    expect(weekStart(new Date('2026-01-01T08:00:00Z')).toISOString()).toBe('2025-12-29T00:00:00.000Z')
  })
})
