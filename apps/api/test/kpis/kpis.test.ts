// GET /api/v1/kpis over seeded rows whose every figure was worked out by hand (see the comments):
// rates, lead time and approval cycle percentiles, time to restore, the weekly series, counts by
// category and risk, scores per team and requester, the filters, an empty period, and CSV.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KpiReport } from '@cabinet/contracts'
import { appendAuditEvent } from '@cabinet/db'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { expectError, issuePaths } from '../support/fixtures'

let t: TestApp
let viewer: SignedIn
let clusterX: string
let teamA: string
const PERIOD = 'from=2026-01-05T00:00:00Z&to=2026-01-19T00:00:00Z'
const at = (iso: string) => new Date(`${iso}Z`)

beforeAll(async () => {
  t = await startTestApp()
  viewer = await t.userWith(['auditor'])
  const { db } = t
  const [alice, bob] = await Promise.all([t.createUser(['requester'], 'Alice'), t.createUser(['requester'], 'Bob')])
  teamA = (
    await db.group.create({ data: { name: 'Team A', kind: 'gpu_platform', members: { create: { userId: alice.id } } } })
  ).id
  const x = await db.cluster.create({ data: { name: 'kpi-x', cudaVersions: [] } })
  const y = await db.cluster.create({ data: { name: 'kpi-y', cudaVersions: [] } })
  clusterX = x.id
  const nodeX = await db.node.create({ data: { hostname: 'kpi-x-01', clusterId: x.id, gpuModel: 'H100', gpuCount: 8 } })

  let serial = 8_000_000
  async function change(fields: {
    requester: string
    type?: 'normal' | 'emergency'
    category: 'software' | 'infrastructure'
    risk: 'low' | 'moderate' | 'high'
    item: { kind: 'node' | 'cluster'; id: string }
    submitted: string
    implemented?: string
    closed?: string
    closeCode?: 'successful' | 'successful_with_issues' | 'failed' | 'rolled_back'
    incidents?: number
  }) {
    serial += 1
    const created = await db.changeRequest.create({
      data: {
        number: `CHG${serial}`,
        type: fields.type ?? 'normal',
        category: fields.category,
        title: `kpi fixture ${serial}`,
        description: 'd',
        justification: 'j',
        plannedStart: at(fields.submitted),
        plannedEnd: at('2026-02-01T00:00:00'),
        requesterId: fields.requester,
        implementationPlan: 'p',
        rollbackPlan: 'r',
        riskQuestionnaire: {},
        riskLevel: fields.risk,
        riskScore: 5,
        state: fields.closed ? 'closed' : 'authorize',
        closeCode: fields.closeCode ?? null,
        submittedAt: at(fields.submitted),
        implementedAt: fields.implemented ? at(fields.implemented) : null,
        closedAt: fields.closed ? at(fields.closed) : null,
        createdAt: at(fields.submitted),
        items: { create: { kind: fields.item.kind, itemId: fields.item.id } },
      },
    })
    if (fields.incidents !== undefined) {
      await db.changeReview.create({
        data: {
          changeId: created.id,
          reason: 'failed',
          status: 'completed',
          completedAt: at(fields.closed ?? fields.submitted),
          dueAt: at(fields.submitted),
          incidentsCaused: fields.incidents,
          incidentRefs: [],
        },
      })
    }
    return created.id
  }
  // Lead times (submitted -> implemented): C1 24 h, C2 48 h, C3 6 h, C4 24 h.
  const c1 = await change({
    requester: alice.id,
    category: 'software',
    risk: 'low',
    item: { kind: 'node', id: nodeX.id },
    submitted: '2026-01-05T10:00:00',
    implemented: '2026-01-06T10:00:00',
    closed: '2026-01-06T12:00:00',
    closeCode: 'successful',
  })
  const c2 = await change({
    requester: alice.id,
    category: 'infrastructure',
    risk: 'moderate',
    item: { kind: 'cluster', id: x.id },
    submitted: '2026-01-06T00:00:00',
    implemented: '2026-01-08T00:00:00',
    closed: '2026-01-08T06:00:00',
    closeCode: 'failed',
    incidents: 1,
  })
  const c3 = await change({
    requester: bob.id,
    type: 'emergency',
    category: 'infrastructure',
    risk: 'high',
    item: { kind: 'cluster', id: y.id },
    submitted: '2026-01-12T00:00:00',
    implemented: '2026-01-12T06:00:00',
    closed: '2026-01-13T00:00:00',
    closeCode: 'rolled_back',
    incidents: 2,
  })
  const c4 = await change({
    requester: bob.id,
    category: 'software',
    risk: 'low',
    item: { kind: 'cluster', id: y.id },
    submitted: '2026-01-13T00:00:00',
    implemented: '2026-01-14T00:00:00',
    closed: '2026-01-14T12:00:00',
    closeCode: 'successful_with_issues',
  })
  await change({
    requester: alice.id,
    category: 'software',
    risk: 'low',
    item: { kind: 'cluster', id: y.id },
    submitted: '2026-01-14T00:00:00',
  })
  // Outside the period on both ends: counted nowhere.
  await change({
    requester: alice.id,
    category: 'software',
    risk: 'low',
    item: { kind: 'cluster', id: x.id },
    submitted: '2025-12-01T00:00:00',
    implemented: '2025-12-01T05:00:00',
    closed: '2025-12-02T00:00:00',
    closeCode: 'successful',
  })

  // Approval cycles (entered authorize -> authorize): C1 6 h; C2 2 h (from the second request, after a
  // rejection); C3 2 h (an emergency change enters authorize on submit); C4 4 h.
  const events: [string, string, string, string | null][] = [
    [c1, 'change.request_authorization', '2026-01-05T12:00:00', 'authorize'],
    [c1, 'change.authorize', '2026-01-05T18:00:00', 'scheduled'],
    [c2, 'change.request_authorization', '2026-01-06T01:00:00', 'authorize'],
    [c2, 'change.reject', '2026-01-06T02:00:00', 'new'],
    [c2, 'change.request_authorization', '2026-01-06T08:00:00', 'authorize'],
    [c2, 'change.authorize', '2026-01-06T10:00:00', 'scheduled'],
    [c2, 'rollout.rolled_back', '2026-01-08T02:00:00', null],
    [c3, 'change.submit', '2026-01-12T00:00:00', 'authorize'],
    [c3, 'change.authorize', '2026-01-12T02:00:00', 'implement'],
    [c4, 'change.request_authorization', '2026-01-13T01:00:00', 'authorize'],
    [c4, 'change.authorize', '2026-01-13T05:00:00', 'scheduled'],
  ]
  await db.$transaction(async (tx) => {
    for (const [changeId, action, when, state] of events) {
      await appendAuditEvent(tx, {
        actor: { id: null, name: 'kpi fixture' },
        action,
        entityType: 'change',
        entityId: changeId,
        changeId,
        after: state ? { state } : {},
        at: at(when),
      })
    }
  })
})
afterAll(async () => {
  await t?.close()
})

async function report(query: string) {
  const response = await t.app.inject({ method: 'GET', url: `/api/v1/kpis?${query}`, headers: viewer.headers })
  expect(response.statusCode, response.body).toBe(200)
  return KpiReport.parse(response.json())
}

describe('GET /api/v1/kpis', () => {
  it('computes every figure of the period as worked out by hand', async () => {
    const kpis = await report(PERIOD)
    expect(kpis.period).toEqual({ from: '2026-01-05T00:00:00.000Z', to: '2026-01-19T00:00:00.000Z' })
    expect(kpis.totals).toEqual({
      submitted: 5,
      emergency: 1,
      closed: 4,
      successful: 1,
      successfulWithIssues: 1,
      failed: 1,
      rolledBack: 1,
      incidentsCaused: 3,
    })
    expect({ success: kpis.successRate, failure: kpis.failureRate, emergency: kpis.emergencyRatio }).toEqual({
      success: 0.5,
      failure: 0.5,
      emergency: 0.2,
    })
    // 6, 24, 24, 48: median 24; p90 at rank 2.7 = 24 + 0.7 * 24 = 40.8; mean 102 / 4.
    expect(kpis.leadTimeHours).toEqual({ count: 4, p50: 24, p90: 40.8, mean: 25.5 })
    expect(kpis.leadTimeHistogram.map((bin) => [bin.fromHours, bin.count])).toEqual([
      [0, 1],
      [12, 0],
      [24, 3],
      [72, 0],
      [168, 0],
      [336, 0],
      [720, 0],
    ])
    // 2, 2, 4, 6: median 3; p90 = 4 + 0.7 * 2 = 5.4; mean 3.5.
    expect(kpis.approvalCycleHours).toEqual({ count: 4, p50: 3, p90: 5.4, mean: 3.5 })
    // C2: rollback event 2 h after implementation; C3: no rollback event, closed 18 h after.
    expect(kpis.timeToRestoreHours).toEqual({ count: 2, p50: 10, p90: 16.4, mean: 10 })
    expect(kpis.restores.map((row) => [row.closeCode, row.hours])).toEqual([
      ['failed', 2],
      ['rolled_back', 18],
    ])
    expect(kpis.weekly).toEqual([
      { weekStart: '2026-01-05T00:00:00.000Z', submitted: 2, closed: 2, successful: 1, failed: 1, successRate: 0.5 },
      { weekStart: '2026-01-12T00:00:00.000Z', submitted: 3, closed: 2, successful: 1, failed: 1, successRate: 0.5 },
    ])
    expect(kpis.byCategoryRisk).toEqual([
      { category: 'infrastructure', riskLevel: 'moderate', submitted: 1, closed: 1, successful: 0 },
      { category: 'infrastructure', riskLevel: 'high', submitted: 1, closed: 1, successful: 0 },
      { category: 'software', riskLevel: 'low', submitted: 3, closed: 2, successful: 2 },
    ])
    // Alice: +3 (C1) - 5 (C2 failed) - 2 (one incident) = -4. Bob: -5 (C3) - 4 (two incidents) - 2 (C4) = -11.
    expect(kpis.scoresByRequester.map((row) => [row.name, row.closed, row.incidentsCaused, row.score])).toEqual([
      ['Alice', 2, 1, -4],
      ['Bob', 2, 2, -11],
    ])
    expect(kpis.scoresByTeam).toEqual([
      {
        id: teamA,
        name: 'Team A',
        closed: 2,
        successful: 1,
        successfulWithIssues: 0,
        failed: 1,
        incidentsCaused: 1,
        score: -4,
      },
      {
        id: 'none',
        name: '(no team)',
        closed: 2,
        successful: 0,
        successfulWithIssues: 1,
        failed: 1,
        incidentsCaused: 2,
        score: -11,
      },
    ])
  })

  it('filters by category and by cluster (directly or through a node)', async () => {
    const software = await report(`${PERIOD}&category=software`)
    expect(software.totals).toMatchObject({ submitted: 3, emergency: 0, closed: 2 })
    expect([software.successRate, software.failureRate, software.emergencyRatio]).toEqual([1, 0, 0])
    expect(software.filters).toEqual({ category: 'software', clusterId: null })

    const onX = await report(`${PERIOD}&clusterId=${clusterX}`)
    expect(onX.totals).toMatchObject({ submitted: 2, closed: 2, successful: 1, failed: 1 })
    expect(onX.leadTimeHours).toEqual({ count: 2, p50: 36, p90: 45.6, mean: 36 })
    expect(onX.scoresByRequester.map((row) => row.name)).toEqual(['Alice'])
  })

  it('answers an empty period with zeros, null rates and a week row for every week', async () => {
    const empty = await report('from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z')
    expect(empty.totals).toEqual({
      submitted: 0,
      emergency: 0,
      closed: 0,
      successful: 0,
      successfulWithIssues: 0,
      failed: 0,
      rolledBack: 0,
      incidentsCaused: 0,
    })
    expect([empty.successRate, empty.failureRate, empty.emergencyRatio]).toEqual([null, null, null])
    expect(empty.leadTimeHours).toEqual({ count: 0, p50: null, p90: null, mean: null })
    expect(empty.timeToRestoreHours).toEqual({ count: 0, p50: null, p90: null, mean: null })
    expect(empty.weekly.map((week) => week.weekStart.slice(0, 10))).toEqual([
      '2019-12-30',
      '2020-01-06',
      '2020-01-13',
      '2020-01-20',
      '2020-01-27',
    ])
    expect(empty.weekly.every((week) => week.submitted === 0 && week.successRate === null)).toBe(true)
    expect(empty.byCategoryRisk).toEqual([])
    expect(empty.scoresByTeam).toEqual([])
  })

  it('refuses an inverted period and an unknown category, naming the field', async () => {
    const inverted = expectError(
      await t.app.inject({
        method: 'GET',
        url: '/api/v1/kpis?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
        headers: viewer.headers,
      }),
      400,
      'VALIDATION_FAILED',
    )
    expect(issuePaths(inverted)).toEqual(['from'])
    const category = expectError(
      await t.app.inject({ method: 'GET', url: '/api/v1/kpis?category=plumbing', headers: viewer.headers }),
      400,
      'VALIDATION_FAILED',
    )
    expect(issuePaths(category)).toEqual(['category'])
    expectError(await t.app.inject({ method: 'GET', url: '/api/v1/kpis' }), 401, 'UNAUTHENTICATED')
  })

  it('downloads the same report as CSV, one figure per row', async () => {
    for (const url of [`/api/v1/kpis?${PERIOD}&format=csv`, `/api/v1/kpis.csv?${PERIOD}`]) {
      const response = await t.app.inject({ method: 'GET', url, headers: viewer.headers })
      expect(response.statusCode, response.body).toBe(200)
      expect(response.headers['content-type']).toContain('text/csv')
      expect(response.headers['content-disposition']).toBe(
        'attachment; filename="cabinet-kpis-2026-01-05_2026-01-19.csv"',
      )
      const lines = response.body.trim().split('\n')
      expect(lines[0]).toBe('section,key,metric,value')
      expect(lines).toContain('rates,,successRate,0.5')
      expect(lines).toContain('leadTimeHours,,p90,40.8')
      expect(lines).toContain('weekly,2026-01-12,submitted,3')
      expect(lines).toContain('scoreByRequester,Bob,score,-11')
      expect(lines).toContain('byCategoryRisk,software/low,successful,2')
    }
  })
})
