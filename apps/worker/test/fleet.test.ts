// The fleet's probes against simulated nodes: through a real worker and the local transport (the
// simulator's shims spawned per command), and through probeNode itself for timeouts, drift and
// idempotency. Asserts both the verdicts and the rows written.
import { gunzipSync } from 'node:zlib'
import { Job, type Queue, type QueueEvents } from 'bullmq'
import type { Redis } from 'ioredis'
import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createJobProducer, type JobProducer } from '@cabinet/queue'
import { installDriver, readState, reboot, writeState } from '@cabinet/gpu-sim'
import { createTestDatabase, type TestDatabase } from '../../api/test/support/database'
import { createFleetFixture, type FleetFixture } from '../../api/test/fleet/fleet-fixtures'
import { readFleetConfig } from '../src/fleet/config'
import { probeNode } from '../src/fleet/probe-node'
import { inProcessSimulator } from '../src/fleet/sim-transport'
import { enqueueStaleProbes, probeJobId, pruneRawOutput } from '../src/fleet/sweeps'
import { jobHandlers } from '../src/handlers'
import { startWorker } from '../src/worker'
import { openQueueHarness, type QueueHarness } from './support/queue-harness'

let database: TestDatabase
let connection: Redis
let producer: JobProducer
let queue: Queue
let queueEvents: QueueEvents
let harness: QueueHarness
let fleet: FleetFixture
const prefix = `test:${randomBytes(4).toString('hex')}`
const logger = pino({ level: 'silent' })
/** Spawning the simulator (Node and tsx) takes a second or more on a busy machine. */
const config = { ...readFleetConfig({}), FLEET_PROBE_TIMEOUT_MS: 20_000 }

beforeAll(async () => {
  database = await createTestDatabase()
  harness = await openQueueHarness('fleet', prefix, 'fleet-test')
  connection = harness.connection
  queue = harness.queue
  queueEvents = harness.queueEvents
  producer = createJobProducer({ connection, prefix })
  fleet = await createFleetFixture(database.db)
})

afterAll(async () => {
  await producer?.close()
  await harness?.close()
  fleet?.cleanup()
  await database?.drop()
})

async function finished(id: string) {
  const job = await Job.fromId(queue, id)
  if (!job) throw new Error(`job ${id} is not in the queue`)
  return job.waitUntilFinished(queueEvents)
}

describe('fleet probes', () => {
  it('a real worker probes simulated nodes through the local transport: healthy passes, XID 79 fails its gate', async () => {
    process.env.FLEET_PROBE_TIMEOUT_MS = String(config.FLEET_PROBE_TIMEOUT_MS)
    const healthy = await fleet.addNode({ driver: '550.54.15' })
    const fallen = await fleet.addNode({
      driver: '570.133.20',
      faults: [{ kind: 'xid79-after-upgrade', gpu: 3, from: '550.54.15' }],
    })
    const worker = await startWorker({
      db: database.db,
      connection,
      prefix,
      concurrency: 1,
      queueConcurrency: { fleet: 2 },
      heartbeatIntervalMs: 60_000,
      logger,
    })
    try {
      const requestId = 'worker-test'
      for (const node of [healthy, fallen]) {
        await producer.enqueue(
          'fleet.probe-node',
          { nodeId: node.id, requestId },
          { jobId: probeJobId(node.id, requestId) },
        )
      }
      expect(await finished(probeJobId(healthy.id, requestId))).toMatchObject({
        outcome: 'probed',
        status: 'ok',
        verdict: 'pass',
      })
      expect(await finished(probeJobId(fallen.id, requestId))).toMatchObject({
        outcome: 'probed',
        status: 'ok',
        verdict: 'fail',
      })
    } finally {
      await worker.stop(5_000)
    }

    const states = await database.db.fleetNodeState.findMany({ where: { nodeId: { in: [healthy.id, fallen.id] } } })
    const healthyState = states.find((state) => state.nodeId === healthy.id)
    const fallenState = states.find((state) => state.nodeId === fallen.id)
    expect(healthyState).toMatchObject({ health: 'pass', driverVersion: '550.54.15', gpusSeen: 8, openDrift: 0 })
    expect(fallenState).toMatchObject({ health: 'fail', gpusSeen: 7 })
    expect(fallenState?.healthReasons.some((reason) => reason.startsWith('critical-xid:') && /79/.test(reason))).toBe(
      true,
    )

    const probe = await database.db.fleetProbe.findFirstOrThrow({ where: { nodeId: fallen.id } })
    expect(probe).toMatchObject({ status: 'ok', verdict: 'fail', transport: 'local', gpusSeen: 7 })
    const gates = (probe.detail as { gates: { gate: string; verdict: string }[] }).gates
    expect(gates.find((gate) => gate.gate === 'critical-xid')?.verdict).toBe('fail')
    expect(gates.find((gate) => gate.gate === 'gpus-visible')?.verdict).toBe('fail')
    // The raw outputs are kept compressed, exactly as the tools printed them.
    const raw = JSON.parse(gunzipSync(probe.rawGzip as Uint8Array).toString('utf8')) as {
      command: string
      stdout: string
    }[]
    expect(raw.map((output) => output.command)).toEqual(['nvidia-smi-xml', 'dmesg-xid'])
    expect(raw[0]?.stdout).toContain('<nvidia_smi_log>')
    expect(raw[1]?.stdout).toMatch(/Xid \(PCI:[^)]+\): 79/)
    const node = await database.db.node.findUniqueOrThrow({ where: { id: fallen.id } })
    expect(node.lastProbeAt?.toISOString()).toBe(probe.startedAt.toISOString())
    expect(node.version).toBe(1)
  })

  it('a hanging probe times out, is recorded as a timeout and is inconclusive, never a pass', async () => {
    const hanging = await fleet.addNode({ faults: [{ kind: 'hanging-probe' }] })
    const outcome = await probeNode(
      { db: database.db, now: () => new Date(), logger, config: { ...config, FLEET_PROBE_TIMEOUT_MS: 2_000 } },
      { nodeId: hanging.id, requestId: 'hang', jobId: probeJobId(hanging.id, 'hang') },
    )
    expect(outcome).toMatchObject({ outcome: 'probed', status: 'timeout', verdict: 'inconclusive' })
    const state = await database.db.fleetNodeState.findUniqueOrThrow({ where: { nodeId: hanging.id } })
    expect(state.health).toBe('inconclusive')
    expect(state.healthReasons[0]).toMatch(/^probe timeout: /)
    const probe = await database.db.fleetProbe.findFirstOrThrow({ where: { nodeId: hanging.id } })
    expect(probe).toMatchObject({ status: 'timeout', verdict: 'inconclusive', gpusSeen: null })
  })

  it('detects drift once, updates it on the next probes, and a job run twice changes nothing twice', async () => {
    const node = await fleet.addNode({ driver: '570.86.15', catalogDriver: '550.54.15' })
    const change = await fleet.completedDriverChange(node.id, '570.133.20')
    const deps = { db: database.db, now: () => new Date(), logger, config, openTransport: inProcessSimulator }
    const probe = (requestId: string) =>
      probeNode(deps, { nodeId: node.id, requestId, jobId: probeJobId(node.id, requestId) })

    expect(await probe('first')).toMatchObject({ outcome: 'probed', driftOpened: 1, verdict: 'fail' })
    const [opened] = await database.db.fleetDrift.findMany({ where: { nodeId: node.id } })
    expect(opened).toMatchObject({
      field: 'driver',
      expected: '570.133.20',
      expectedChangeId: change.id,
      expectedChangeNumber: change.number,
      observed: '570.86.15',
      status: 'open',
      version: 1,
    })
    expect(
      await database.db.auditEvent.count({ where: { action: 'fleet.drift.detected', entityId: opened?.id } }),
    ).toBe(1)

    // The same job again: nothing runs, nothing is written.
    expect(await probe('first')).toEqual({ outcome: 'skipped', reason: 'already-probed' })
    expect(await database.db.fleetProbe.count({ where: { nodeId: node.id } })).toBe(1)

    // A new probe seeing the same difference updates the open record; it does not add one.
    expect(await probe('second')).toMatchObject({ outcome: 'probed', driftOpened: 0 })
    const again = await database.db.fleetDrift.findMany({ where: { nodeId: node.id } })
    expect(again).toHaveLength(1)
    expect(again[0]).toMatchObject({ id: opened?.id, version: 1, observed: '570.86.15' })
    expect(again[0]?.lastSeenAt.getTime()).toBeGreaterThanOrEqual(opened?.lastSeenAt.getTime() ?? 0)

    // Someone installs yet another driver by hand: the same record now says what is observed, and its version moves.
    const state = readState(node.stateDir)
    installDriver(state, '575.51.02', new Date())
    reboot(state, new Date(), 0)
    writeState(node.stateDir, state)
    await probe('third')
    const moved = await database.db.fleetDrift.findMany({ where: { nodeId: node.id } })
    expect(moved).toHaveLength(1)
    expect(moved[0]).toMatchObject({ observed: '575.51.02', version: 2, status: 'open' })
    expect(await database.db.fleetNodeState.findUniqueOrThrow({ where: { nodeId: node.id } })).toMatchObject({
      openDrift: 1,
      driverVersion: '575.51.02',
    })
    expect(
      await database.db.auditEvent.count({
        where: { action: 'fleet.drift.detected', entityId: { in: moved.map((record) => record.id) } },
      }),
    ).toBe(1)
  })

  it('runs at most FLEET_PROBE_CONCURRENCY probes at once on the fleet queue', async () => {
    let active = 0
    let most = 0
    let release!: () => void
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    let twoRunning!: () => void
    const bothStarted = new Promise<void>((resolve) => {
      twoRunning = resolve
    })
    const worker = await startWorker({
      db: database.db,
      connection,
      prefix,
      concurrency: 1,
      queueConcurrency: { fleet: 2 },
      heartbeatIntervalMs: 60_000,
      logger,
      handlers: {
        ...jobHandlers,
        async 'fleet.probe-node'() {
          active += 1
          most = Math.max(most, active)
          if (active === 2) twoRunning()
          await released
          active -= 1
          return { held: true }
        },
      },
    })
    try {
      const ids = Array.from({ length: 5 }, (_, index) => `bounded-${index}`)
      await producer.enqueueBulk(
        'fleet.probe-node',
        ids.map((id) => ({
          payload: { nodeId: fleet.clusterId, requestId: id },
          options: { jobId: id },
        })),
      )
      await bothStarted
      const counts = await producer.counts('fleet')
      expect(counts.active).toBe(2)
      expect(counts.waiting).toBe(3)
      release()
      for (const id of ids) await finished(id)
      expect(most).toBe(2)
    } finally {
      await worker.stop(5_000)
    }
  })
})

describe('fleet sweeps', () => {
  it('enqueues a probe for every node not probed within the window, once per window', async () => {
    const sweepFleet = await createFleetFixture(database.db)
    try {
      const stale = await sweepFleet.addNode({})
      const fresh = await sweepFleet.addNode({})
      const now = new Date()
      await database.db.node.updateMany({ where: {}, data: { lastProbeAt: now } })
      await database.db.node.update({
        where: { id: stale.id },
        data: { lastProbeAt: new Date(now.getTime() - 60 * 60_000) },
      })
      const sweepConfig = { ...config, FLEET_STALE_MINUTES: 15 }
      const before = (await producer.counts('fleet')).waiting ?? 0
      const first = await enqueueStaleProbes({ db: database.db, now: () => now, jobs: producer }, sweepConfig)
      expect(first.enqueued).toBe(1)
      expect(await Job.fromId(queue, probeJobId(stale.id, first.requestId))).toBeDefined()
      expect(await Job.fromId(queue, probeJobId(fresh.id, first.requestId))).toBeUndefined()
      // The same window again: the same job ids, so nothing new waits.
      await enqueueStaleProbes({ db: database.db, now: () => now, jobs: producer }, sweepConfig)
      expect((await producer.counts('fleet')).waiting).toBe(before + 1)
    } finally {
      sweepFleet.cleanup()
    }
  })

  it("keeps raw output for each node's newest probes only; the summaries stay", async () => {
    const node = await fleet.addNode({})
    const deps = { db: database.db, now: () => new Date(), logger, config, openTransport: inProcessSimulator }
    for (const run of ['p1', 'p2', 'p3']) {
      await probeNode(deps, { nodeId: node.id, requestId: run, jobId: probeJobId(node.id, run) })
    }
    await pruneRawOutput(database.db, { ...config, FLEET_RAW_KEEP: 2 })
    const probes = await database.db.fleetProbe.findMany({
      where: { nodeId: node.id },
      orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
      select: { requestId: true, rawGzip: true, reasons: true },
    })
    expect(probes.map((probe) => [probe.requestId, probe.rawGzip !== null])).toEqual([
      ['p1', false],
      ['p2', true],
      ['p3', true],
    ])
    // Pruning again finds nothing more to drop.
    expect(await pruneRawOutput(database.db, { ...config, FLEET_RAW_KEEP: 2 })).toEqual({ pruned: 0 })
  })
})
