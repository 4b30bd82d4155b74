// The probe job's metrics as the worker's /metrics serves them: failures by why (error, timeout, a
// failed gate) and the probe duration histogram, after the real handler probed simulated nodes through
// the local transport (the simulator's shims spawned per command).
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createJobProducer, type JobProducer } from '@cabinet/queue'
import { createTestDatabase, type TestDatabase } from '../../api/test/support/database'
import { testRedisUrl } from '../../api/test/support/test-env'
import { createFleetFixture, type FleetFixture } from '../../api/test/fleet/fleet-fixtures'
import { fleetHandlers } from '../src/jobs/fleet.jobs'
import { startMetricsServer } from '../src/metrics'

let database: TestDatabase
let connection: Redis
let producer: JobProducer
let fleet: FleetFixture
const prefix = `test:${randomBytes(4).toString('hex')}`
const logger = pino({ level: 'silent' })
const savedTimeout = process.env.FLEET_PROBE_TIMEOUT_MS

beforeAll(async () => {
  database = await createTestDatabase()
  connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null, connectionName: `${prefix}-fleet-metrics` })
  producer = createJobProducer({ connection, prefix })
  fleet = await createFleetFixture(database.db)
})
afterAll(async () => {
  if (savedTimeout === undefined) delete process.env.FLEET_PROBE_TIMEOUT_MS
  else process.env.FLEET_PROBE_TIMEOUT_MS = savedTimeout
  await producer?.close()
  await connection?.quit()
  fleet?.cleanup()
  await database?.drop()
})

/** The value of one sample line (`name{labels} value`), 0 when the series is not there yet. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : 0
}

describe('probe metrics', () => {
  it('counts failures by reason and times every stored run; a redelivered job counts nothing', async () => {
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1', logger })
    const scrape = async () => (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text()
    try {
      const healthy = await fleet.addNode({ driver: '550.54.15' })
      const fallen = await fleet.addNode({
        driver: '570.133.20',
        faults: [{ kind: 'xid79-after-upgrade', gpu: 1, from: '550.54.15' }],
      })
      const hanging = await fleet.addNode({ faults: [{ kind: 'hanging-probe' }] })
      // A simulated node without its state folder cannot be reached: the run is an error.
      const unreachable = await fleet.addNode({})
      await database.db.node.update({ where: { id: unreachable.id }, data: { simStateDir: null } })

      const before = await scrape()
      const deps = { db: database.db, now: () => new Date(), jobs: producer, logger }
      const probe = (nodeId: string) => fleetHandlers['fleet.probe-node']({ nodeId, requestId: 'metrics' }, deps)
      // Spawning the simulator takes a second or more on a busy machine; the hanging one is cut at 3 s.
      process.env.FLEET_PROBE_TIMEOUT_MS = '20000'
      expect(await probe(healthy.id)).toMatchObject({ status: 'ok', verdict: 'pass' })
      expect(await probe(fallen.id)).toMatchObject({ status: 'ok', verdict: 'fail' })
      expect(await probe(unreachable.id)).toMatchObject({ outcome: 'probed', status: 'error' })
      process.env.FLEET_PROBE_TIMEOUT_MS = '3000'
      expect(await probe(hanging.id)).toMatchObject({ outcome: 'probed', status: 'timeout' })
      // The same job delivered again stores nothing and counts nothing.
      expect(await probe(fallen.id)).toEqual({ outcome: 'skipped', reason: 'already-probed' })
      const after = await scrape()

      const delta = (series: string) => sample(after, series) - sample(before, series)
      expect(delta('cabinet_probe_failures_total{reason="gate_failed"}')).toBe(1)
      expect(delta('cabinet_probe_failures_total{reason="error"}')).toBe(1)
      expect(delta('cabinet_probe_failures_total{reason="timeout"}')).toBe(1)
      expect(delta('cabinet_probe_duration_seconds_count{status="ok"}')).toBe(2)
      expect(delta('cabinet_probe_duration_seconds_count{status="error"}')).toBe(1)
      expect(delta('cabinet_probe_duration_seconds_count{status="timeout"}')).toBe(1)
      // The timed-out run lasted at least its timeout, and the histogram says so.
      expect(after).toContain('cabinet_probe_duration_seconds_bucket{le="2",status="timeout"}')
      expect(delta('cabinet_probe_duration_seconds_bucket{le="2",status="timeout"}')).toBe(0)
      expect(delta('cabinet_probe_duration_seconds_bucket{le="+Inf",status="timeout"}')).toBe(1)
      expect(delta('cabinet_probe_duration_seconds_sum{status="timeout"}')).toBeGreaterThanOrEqual(3)
      expect(after).toContain('# TYPE cabinet_probe_duration_seconds histogram')
    } finally {
      await server.close()
    }
  })
})
