// The fleet table with 10,000 nodes: pages and filters answer from the denormalised latest state
// through indexes, without aggregating probe history, so every page stays quick.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FleetNodePage, FleetSummary } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'

const NODES = 10_000
/** Generous: a page takes a few milliseconds in Postgres; the rest is a busy shared test machine. */
const PAGE_BUDGET_MS = 1_500

let t: TestApp
let reader: SignedIn

beforeAll(async () => {
  t = await startTestApp()
  const cluster = await t.db.cluster.create({ data: { name: 'scale', cudaVersions: ['12.4'] } })
  await t.db.$executeRaw`
    INSERT INTO nodes (hostname, cluster_id, gpu_model, gpu_count, driver_version, transport, updated_at)
    SELECT 'gpu-' || lpad(i::text, 5, '0'), ${cluster.id}::uuid, 'H100', 8, '550.54.15', 'simulated', now()
    FROM generate_series(1, ${NODES}) AS i`
  // One node in 50 fails, one in 200 runs another driver with open drift, every 10th was never probed.
  await t.db.$executeRaw`
    INSERT INTO fleet_node_states (node_id, health, health_reasons, driver_version, cuda_version, gpus_seen,
                                   last_probe_id, last_probed_at, open_drift)
    SELECT id,
           CASE WHEN substr(hostname, 5)::int % 50 = 7 THEN 'fail'::"FleetVerdict" ELSE 'pass'::"FleetVerdict" END,
           '{}', CASE WHEN substr(hostname, 5)::int % 200 = 3 THEN '575.51.02' ELSE '550.54.15' END, '12.4', 8,
           gen_random_uuid(), now(), CASE WHEN substr(hostname, 5)::int % 200 = 3 THEN 1 ELSE 0 END
    FROM nodes WHERE substr(hostname, 5)::int % 10 <> 0`
  await t.db.$executeRaw`ANALYZE nodes`
  await t.db.$executeRaw`ANALYZE fleet_node_states`
  reader = await t.userWith(['requester'])
})
afterAll(async () => {
  await t?.close()
})

async function timed<T>(url: string): Promise<{ body: T; ms: number }> {
  const started = performance.now()
  const response = await t.app.inject({ method: 'GET', url, headers: reader.headers })
  const ms = performance.now() - started
  expect(response.statusCode).toBe(200)
  return { body: response.json() as T, ms }
}

describe('the fleet at 10,000 nodes', () => {
  it('pages and filters within budget, starting anywhere', async () => {
    const first = await timed<FleetNodePage>('/api/v1/fleet/nodes?limit=100')
    expect(first.body.items).toHaveLength(100)
    expect(first.body.items[0]?.hostname).toBe('gpu-00001')

    const failing = await timed<FleetNodePage>('/api/v1/fleet/nodes?health=fail&limit=500')
    expect(failing.body.items).toHaveLength(NODES / 50)
    const drifted = await timed<FleetNodePage>('/api/v1/fleet/nodes?drift=true&driver=575.51.02')
    expect(drifted.body.items.map((row) => row.hostname).slice(0, 2)).toEqual(['gpu-00003', 'gpu-00203'])
    const never = await timed<FleetNodePage>('/api/v1/fleet/nodes?health=never_probed&limit=500')
    expect(never.body.items).toHaveLength(500)
    expect(never.body.nextCursor).not.toBeNull()

    const middle = await t.db.node.findUniqueOrThrow({ where: { hostname: 'gpu-05000' } })
    const deep = await timed<FleetNodePage>(`/api/v1/fleet/nodes?cursor=${middle.id}&limit=200`)
    expect(deep.body.items[0]?.hostname).toBe('gpu-05001')

    const summary = await timed<FleetSummary>('/api/v1/fleet/summary')
    expect(summary.body.totals).toEqual({ nodes: NODES, pass: 8_800, fail: 200, inconclusive: 0, never_probed: 1_000 })
    expect(summary.body.unhealthy).toHaveLength(50)

    for (const { ms } of [first, failing, drifted, never, deep, summary]) expect(ms).toBeLessThan(PAGE_BUDGET_MS)
  })
})
