// Drift for every field the contract lists: driver, the CUDA version that driver reports, GPU count and
// firmware. A record opens once, later probes update it instead of adding one, and it stays open when the
// node matches again (the unauthorized change still happened) until someone reviews it.
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installDriver, readState, reboot, writeState } from '@cabinet/gpu-sim'
import { createTestDatabase, type TestDatabase } from '../../api/test/support/database'
import { createFleetFixture, type FleetFixture } from '../../api/test/fleet/fleet-fixtures'
import { readFleetConfig } from '../src/fleet/config'
import { cudaReportedBy } from '../src/fleet/expectations'
import { probeNode } from '../src/fleet/probe-node'
import { inProcessSimulator } from '../src/fleet/sim-transport'
import { probeJobId } from '../src/fleet/sweeps'

let database: TestDatabase
let fleet: FleetFixture
const logger = pino({ level: 'silent' })

beforeAll(async () => {
  database = await createTestDatabase()
  fleet = await createFleetFixture(database.db)
})
afterAll(async () => {
  fleet?.cleanup()
  await database?.drop()
})

function prober(nodeId: string) {
  const deps = {
    db: database.db,
    now: () => new Date(),
    logger,
    config: readFleetConfig({}),
    openTransport: inProcessSimulator,
  }
  return (requestId: string) => probeNode(deps, { nodeId, requestId, jobId: probeJobId(nodeId, requestId) })
}

function setDriver(stateDir: string, driver: string) {
  const state = readState(stateDir)
  installDriver(state, driver, new Date())
  reboot(state, new Date(), 0)
  writeState(stateDir, state)
}

const recordsOf = (nodeId: string) =>
  database.db.fleetDrift.findMany({ where: { nodeId }, orderBy: [{ field: 'asc' }, { detectedAt: 'asc' }] })

describe('drift for every field', () => {
  it('knows the CUDA version each driver reports, and expects none of a driver outside the table', () => {
    expect(cudaReportedBy('570.133.20')).toBe('12.8')
    expect(cudaReportedBy('560.35.03')).toBe('12.6')
    expect(cudaReportedBy('550.54.15')).toBe('12.4')
    expect(cudaReportedBy('390.12')).toBeNull()
    expect(cudaReportedBy('not-a-driver')).toBeNull()
  })

  it('opens cuda drift beside driver drift once, updates it, keeps it open when the node matches again', async () => {
    const node = await fleet.addNode({ driver: '560.35.03', catalogDriver: '550.54.15' })
    const change = await fleet.completedDriverChange(node.id, '570.133.20')
    const probe = prober(node.id)

    expect(await probe('one')).toMatchObject({ outcome: 'probed', status: 'ok', driftOpened: 2 })
    const opened = await recordsOf(node.id)
    expect(opened.map((record) => [record.field, record.expected, record.observed])).toEqual([
      ['driver', '570.133.20', '560.35.03'],
      ['cuda', '12.8', '12.6'],
    ])
    const cuda = opened.find((record) => record.field === 'cuda')
    expect(cuda).toMatchObject({
      status: 'open',
      version: 1,
      expectedChangeId: change.id,
      expectedChangeNumber: change.number,
    })
    expect(await database.db.auditEvent.count({ where: { action: 'fleet.drift.detected', entityId: cuda?.id } })).toBe(
      1,
    )

    // The same difference seen again: the same records, their versions unmoved.
    expect(await probe('two')).toMatchObject({ outcome: 'probed', driftOpened: 0 })
    const again = await recordsOf(node.id)
    expect(again.map((record) => [record.id, record.version])).toEqual(opened.map((record) => [record.id, 1]))

    // Another release by hand: the open cuda record now says what is observed, and its version moves.
    setDriver(node.stateDir, '550.54.15')
    expect(await probe('three')).toMatchObject({ outcome: 'probed', driftOpened: 0 })
    const moved = await recordsOf(node.id)
    expect(moved).toHaveLength(2)
    expect(moved.find((record) => record.field === 'cuda')).toMatchObject({
      observed: '12.4',
      version: 2,
      status: 'open',
    })

    // Back on what the change set: no auto-resolve. The records stay open with what was seen until reviewed.
    setDriver(node.stateDir, '570.133.20')
    expect(await probe('four')).toMatchObject({ outcome: 'probed', verdict: 'pass', driftOpened: 0 })
    const matched = await recordsOf(node.id)
    expect(matched.map((record) => [record.field, record.status, record.observed, record.version])).toEqual([
      ['driver', 'open', '550.54.15', 2],
      ['cuda', 'open', '12.4', 2],
    ])
    expect(await database.db.fleetNodeState.findUniqueOrThrow({ where: { nodeId: node.id } })).toMatchObject({
      openDrift: 2,
      cudaVersion: '12.8',
    })

    // Reviewed as resolved, then seen again: a new record, the resolved one untouched.
    await database.db.fleetDrift.updateMany({ where: { nodeId: node.id }, data: { status: 'resolved' } })
    setDriver(node.stateDir, '560.35.03')
    expect(await probe('five')).toMatchObject({ outcome: 'probed', driftOpened: 2 })
    const reopened = await recordsOf(node.id)
    expect(reopened.filter((record) => record.status === 'open').map((record) => record.field)).toEqual([
      'driver',
      'cuda',
    ])
    expect(reopened.filter((record) => record.status === 'resolved')).toHaveLength(2)
  })

  it('records a driver change within one CUDA release as driver drift only', async () => {
    const node = await fleet.addNode({ driver: '570.86.15', catalogDriver: '570.133.20' })
    expect(await prober(node.id)('one')).toMatchObject({ outcome: 'probed', driftOpened: 1 })
    expect((await recordsOf(node.id)).map((record) => record.field)).toEqual(['driver'])
  })

  it('a GPU missing after a reboot fails the gpus-visible gate and is a gpu_count drift record', async () => {
    const node = await fleet.addNode({ driver: '550.54.15', faults: [{ kind: 'gpu-missing', gpu: 7 }] })
    const probe = prober(node.id)
    expect(await probe('one')).toMatchObject({ outcome: 'probed', status: 'ok', verdict: 'fail', driftOpened: 1 })
    const stored = await database.db.fleetProbe.findFirstOrThrow({ where: { nodeId: node.id } })
    const gates = (stored.detail as { gates: { gate: string; verdict: string }[] }).gates
    expect(gates.find((gate) => gate.gate === 'gpus-visible')?.verdict).toBe('fail')
    expect(await recordsOf(node.id)).toMatchObject([
      { field: 'gpu_count', expected: '8', observed: '7', status: 'open', version: 1, expectedChangeId: null },
    ])

    expect(await probe('two')).toMatchObject({ outcome: 'probed', driftOpened: 0 })
    expect(await recordsOf(node.id)).toHaveLength(1)
    expect(await database.db.fleetNodeState.findUniqueOrThrow({ where: { nodeId: node.id } })).toMatchObject({
      gpusSeen: 7,
      openDrift: 1,
    })
  })

  it('a probe that failed records no drift: nothing was seen', async () => {
    const node = await fleet.addNode({
      driver: '560.35.03',
      catalogDriver: '570.133.20',
      faults: [{ kind: 'hanging-probe' }],
    })
    expect(await prober(node.id)('one')).toMatchObject({ outcome: 'probed', status: 'timeout', driftOpened: 0 })
    expect(await recordsOf(node.id)).toEqual([])
  })
})
