// The fleet as probes left it: the summary, the node table with its filters and keyset pages, a node's
// latest probe per GPU and gate, its probe history and a probe's raw output; bad ids and filters are 4xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FleetNodeDetail, FleetNodePage, FleetNodeRow, FleetSummary } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { expectError, issuePaths } from '../support/fixtures'
import { createFleetFixture, type FleetFixture, probeInProcess } from './fleet-fixtures'

let t: TestApp
let fleet: FleetFixture
let other: FleetFixture
let reader: SignedIn
const ids = { healthy: '', fallen: '', ecc: '', drifted: '', fresh: '', elsewhere: '' }

beforeAll(async () => {
  t = await startTestApp()
  fleet = await createFleetFixture(t.db, 'east')
  other = await createFleetFixture(t.db, 'west')
  ids.healthy = (await fleet.addNode({ hostname: 'east-a', driver: '570.133.20' })).id
  ids.fallen = (
    await fleet.addNode({
      hostname: 'east-b',
      driver: '570.133.20',
      faults: [{ kind: 'xid79-after-upgrade', gpu: 2, from: '550.54.15' }],
    })
  ).id
  ids.ecc = (
    await fleet.addNode({
      hostname: 'east-c',
      driver: '570.133.20',
      faults: [{ kind: 'ecc-errors', gpu: 1, count: 4 }],
    })
  ).id
  ids.drifted = (await fleet.addNode({ hostname: 'east-d', driver: '575.51.02', catalogDriver: '570.133.20' })).id
  ids.fresh = (await fleet.addNode({ hostname: 'east-e', driver: '550.54.15' })).id
  ids.elsewhere = (await other.addNode({ hostname: 'west-a', driver: '550.54.15' })).id
  await fleet.completedDriverChange(ids.drifted, '570.133.20')
  await probeInProcess(t.db, [ids.healthy, ids.fallen, ids.ecc, ids.drifted, ids.elsewhere])
  reader = await t.userWith(['auditor'])
})
afterAll(async () => {
  fleet?.cleanup()
  other?.cleanup()
  await t?.close()
})

const get = (url: string, who: SignedIn = reader) => t.app.inject({ method: 'GET', url, headers: who.headers })

describe('fleet summary', () => {
  it('counts health, versions and models, lists the unhealthy nodes with reasons, failures first', async () => {
    const response = await get('/api/v1/fleet/summary')
    expect(response.statusCode).toBe(200)
    const summary = response.json() as FleetSummary
    expect(summary.totals).toEqual({ nodes: 6, pass: 2, fail: 3, inconclusive: 0, never_probed: 1 })
    expect(summary.drivers).toEqual([
      { value: '570.133.20', count: 3 },
      { value: '550.54.15', count: 2 },
      { value: '575.51.02', count: 1 },
    ])
    expect(summary.gpuModels).toEqual([{ value: 'H100', count: 6 }])
    expect(summary.unhealthy.map((node) => node.hostname)).toEqual(['east-b', 'east-c', 'east-d'])
    const fallen = summary.unhealthy.find((node) => node.hostname === 'east-b')
    expect(fallen?.healthReasons.some((reason) => /^critical-xid: .*79/.test(reason))).toBe(true)
    const ecc = summary.unhealthy.find((node) => node.hostname === 'east-c')
    expect(ecc?.healthReasons.some((reason) => reason.startsWith('ecc:'))).toBe(true)
    // east-d runs another driver; east-b lost a GPU (a gpu_count record beside its failed gate).
    expect(summary.openDrift).toBe(2)
    expect(summary.lastProbeAt).not.toBeNull()

    const west = (await get(`/api/v1/fleet/summary?clusterId=${other.clusterId}`)).json() as FleetSummary
    expect(west.totals).toEqual({ nodes: 1, pass: 1, fail: 0, inconclusive: 0, never_probed: 0 })
    expect(west.openDrift).toBe(0)
    const bad = expectError(await get('/api/v1/fleet/summary?clusterId=east'), 400, 'VALIDATION_FAILED')
    expect(issuePaths(bad)).toEqual(['clusterId'])
  })
})

describe('fleet nodes', () => {
  const hostnames = async (query: string) => {
    const response = await get(`/api/v1/fleet/nodes${query}`)
    expect(response.statusCode).toBe(200)
    return (response.json().items as FleetNodeRow[]).map((row) => row.hostname)
  }

  it('lists every node by hostname with its latest probe, and filters by health, versions, drift, cluster and name', async () => {
    const all = (await get('/api/v1/fleet/nodes')).json().items as FleetNodeRow[]
    expect(all.map((row) => row.hostname)).toEqual(['east-a', 'east-b', 'east-c', 'east-d', 'east-e', 'west-a'])
    expect(all[1]).toMatchObject({
      hostname: 'east-b',
      clusterName: 'east',
      gpuModel: 'H100',
      gpuCount: 8,
      gpusSeen: 7,
      driverVersion: '570.133.20',
      health: 'fail',
      openDrift: true,
    })
    expect(all[1]?.healthReasons.length).toBeLessThanOrEqual(5)
    expect(all[4]).toMatchObject({
      hostname: 'east-e',
      health: 'never_probed',
      lastProbedAt: null,
      driverVersion: '550.54.15',
    })

    expect(await hostnames('?health=fail')).toEqual(['east-b', 'east-c', 'east-d'])
    expect(await hostnames('?health=never_probed')).toEqual(['east-e'])
    expect(await hostnames('?driver=550.54.15')).toEqual(['east-e', 'west-a'])
    expect(await hostnames('?driver=575.51.02&drift=true')).toEqual(['east-d'])
    expect(await hostnames('?drift=false&health=pass')).toEqual(['east-a', 'west-a'])
    expect(await hostnames(`?clusterId=${other.clusterId}`)).toEqual(['west-a'])
    expect(await hostnames('?q=EAST-C')).toEqual(['east-c'])
    expect(await hostnames('?driver=none')).toEqual([])
  })

  it('pages by hostname without skipping or repeating a node', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: FleetNodePage = (await get(`/api/v1/fleet/nodes?limit=4${cursor ? `&cursor=${cursor}` : ''}`)).json()
      seen.push(...page.items.map((row) => row.hostname))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual(['east-a', 'east-b', 'east-c', 'east-d', 'east-e', 'west-a'])
  })

  it('refuses bad filters and cursors, naming the field', async () => {
    for (const [query, field] of [
      ['?health=sick', 'health'],
      ['?driver=latest', 'driver'],
      ['?cuda=12.x', 'cuda'],
      ['?drift=yes', 'drift'],
      ['?limit=0', 'limit'],
      ['?clusterId=1', 'clusterId'],
      ['?cursor=not-a-cursor', 'cursor'],
      ['?cursor=00000000-0000-4000-8000-000000000000', 'cursor'],
    ] as const) {
      expect(issuePaths(expectError(await get(`/api/v1/fleet/nodes${query}`), 400, 'VALIDATION_FAILED'))).toEqual([
        field,
      ])
    }
  })

  it("shows a node's latest probe per GPU, every gate, its recent probes and open drift", async () => {
    const response = await get(`/api/v1/fleet/nodes/${ids.ecc}`)
    expect(response.statusCode).toBe(200)
    const node = response.json() as FleetNodeDetail
    expect(node).toMatchObject({
      hostname: 'east-c',
      health: 'fail',
      transport: 'simulated',
      expectedDriverVersion: '570.133.20',
    })
    expect(node.latestProbe?.summary).toMatchObject({
      status: 'ok',
      verdict: 'fail',
      gpusSeen: 8,
      driverVersion: '570.133.20',
    })
    expect(node.latestProbe?.gpus).toHaveLength(8)
    const sick = node.latestProbe?.gpus.find((gpu) => gpu.index === 1)
    expect(sick).toMatchObject({ verdict: 'fail', ecc: { volatileUncorrectable: 4 } })
    expect(sick?.name).toMatch(/H100/)
    expect(sick?.uuid).toMatch(/^GPU-/)
    expect(typeof sick?.temperatureC).toBe('number')
    expect(node.latestProbe?.gpus.find((gpu) => gpu.index === 0)?.verdict).toBe('pass')
    const gates = new Map(node.latestProbe?.gates.map((gate) => [gate.gate, gate.verdict]))
    expect(gates.get('ecc')).toBe('fail')
    expect(gates.get('driver-version')).toBe('pass')
    expect(gates.get('critical-xid')).toBe('fail')
    expect(node.recentProbes).toHaveLength(1)
    expect(node.openDriftRecords).toEqual([])

    const drifted = (await get(`/api/v1/fleet/nodes/${ids.drifted}`)).json() as FleetNodeDetail
    expect(drifted.expectedDriverChange?.number).toMatch(/^CHG/)
    expect(drifted.openDriftRecords).toHaveLength(1)
    expect(drifted.openDriftRecords[0]).toMatchObject({
      field: 'driver',
      expected: '570.133.20',
      observed: '575.51.02',
    })

    const never = (await get(`/api/v1/fleet/nodes/${ids.fresh}`)).json() as FleetNodeDetail
    expect(never).toMatchObject({ health: 'never_probed', latestProbe: null, recentProbes: [] })

    expectError(await get('/api/v1/fleet/nodes/00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND')
    expect(issuePaths(expectError(await get('/api/v1/fleet/nodes/east-c'), 400, 'VALIDATION_FAILED'))).toEqual(['id'])
  })

  it('pages probe history newest first and serves the raw outputs decompressed', async () => {
    await probeInProcess(t.db, [ids.healthy])
    await probeInProcess(t.db, [ids.healthy])
    const first = (await get(`/api/v1/fleet/nodes/${ids.healthy}/probes?limit=2`)).json()
    expect(first.items).toHaveLength(2)
    expect(first.nextCursor).not.toBeNull()
    const second = (await get(`/api/v1/fleet/nodes/${ids.healthy}/probes?limit=2&cursor=${first.nextCursor}`)).json()
    expect(second).toMatchObject({ nextCursor: null })
    expect(second.items).toHaveLength(1)
    const all = [...first.items, ...second.items] as { id: string; startedAt: string }[]
    expect(new Set(all.map((probe) => probe.id)).size).toBe(3)
    expect(all.map((probe) => probe.startedAt)).toEqual([...all.map((probe) => probe.startedAt)].sort().reverse())

    const raw = await get(`/api/v1/fleet/probes/${all[0]?.id}/raw`)
    expect(raw.statusCode).toBe(200)
    expect(raw.json()).toMatchObject({ available: true, probeId: all[0]?.id })
    const outputs = raw.json().outputs as { command: string; stdout: string; exitCode: number }[]
    expect(outputs.map((output) => [output.command, output.exitCode])).toEqual([
      ['nvidia-smi-xml', 0],
      ['dmesg-xid', 0],
    ])
    expect(outputs[0]?.stdout).toContain('<driver_version>570.133.20</driver_version>')

    expectError(await get('/api/v1/fleet/probes/00000000-0000-4000-8000-000000000000/raw'), 404, 'NOT_FOUND')
    expect(issuePaths(expectError(await get('/api/v1/fleet/probes/x/raw'), 400, 'VALIDATION_FAILED'))).toEqual([
      'probeId',
    ])
    const badCursor = await get(`/api/v1/fleet/nodes/${ids.healthy}/probes?cursor=yesterday`)
    expect(issuePaths(expectError(badCursor, 400, 'VALIDATION_FAILED'))).toEqual(['cursor'])
    expectError(await get('/api/v1/fleet/nodes/00000000-0000-4000-8000-000000000000/probes'), 404, 'NOT_FOUND')
  })

  it('needs a signed-in caller', async () => {
    expectError(await t.app.inject({ method: 'GET', url: '/api/v1/fleet/nodes' }), 401, 'UNAUTHENTICATED')
    expectError(await t.app.inject({ method: 'GET', url: '/api/v1/fleet/summary' }), 401, 'UNAUTHENTICATED')
  })
})
