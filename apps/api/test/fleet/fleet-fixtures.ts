// Fleet fixtures shared by the API and worker tests: a cluster of simulated nodes, each with its own
// gpu-sim state folder under a temporary directory, and a completed driver change that sets what a
// node is expected to run.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pino from 'pino'
import type { Db } from '@cabinet/db'
import { readFleetConfig } from '../../../worker/src/fleet/config'
import { probeNode } from '../../../worker/src/fleet/probe-node'
import { inProcessSimulator } from '../../../worker/src/fleet/sim-transport'
import { probeJobId } from '../../../worker/src/fleet/sweeps'
import { type SimNodeFault, writeSimNode } from '../../../worker/src/fleet/sim-node'

export interface FleetFixture {
  dir: string
  clusterId: string
  clusterName: string
  /** Adds a simulated node to the cluster; `driver` is what it runs, `catalogDriver` what the catalog says. */
  addNode(options: {
    hostname?: string
    driver?: string
    catalogDriver?: string
    gpuCount?: number
    faults?: SimNodeFault[]
  }): Promise<{ id: string; hostname: string; stateDir: string }>
  /** A closed, successful driver change naming the node: what drift detection compares against. */
  completedDriverChange(nodeId: string, targetDriverVersion: string): Promise<{ id: string; number: string }>
  cleanup(): void
}

export async function createFleetFixture(
  db: Db,
  name = `fleet-${randomBytes(3).toString('hex')}`,
): Promise<FleetFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'cabinet-fleet-'))
  const cluster = await db.cluster.create({ data: { name, cudaVersions: ['12.4', '12.8'] } })
  let count = 0
  return {
    dir,
    clusterId: cluster.id,
    clusterName: cluster.name,
    async addNode(options) {
      count += 1
      const hostname = options.hostname ?? `${name}-n${String(count).padStart(3, '0')}`
      const driver = options.driver ?? '550.54.15'
      const gpuCount = options.gpuCount ?? 8
      const stateDir = join(dir, hostname)
      writeSimNode(stateDir, { hostname, gpuModel: 'H100', gpuCount, driver, faults: options.faults ?? [] })
      const node = await db.node.create({
        data: {
          hostname,
          clusterId: cluster.id,
          gpuModel: 'H100',
          gpuCount,
          driverVersion: options.catalogDriver ?? driver,
          transport: 'simulated',
          simStateDir: stateDir,
        },
      })
      return { id: node.id, hostname, stateDir }
    },
    async completedDriverChange(nodeId, targetDriverVersion) {
      const requester = await db.user.create({
        data: {
          email: `fleet-${randomBytes(4).toString('hex')}@test.example`,
          name: 'Fleet Requester',
          passwordHash: 'not-a-hash',
          roles: ['requester'],
        },
      })
      const now = new Date()
      const change = await db.changeRequest.create({
        data: {
          number: `CHG9${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`,
          type: 'normal',
          category: 'infrastructure',
          subcategory: 'gpu-driver',
          title: `Driver ${targetDriverVersion}`,
          description: 'Upgrade the driver.',
          justification: 'Fixes.',
          plannedStart: new Date(now.getTime() - 3 * 3600_000),
          plannedEnd: new Date(now.getTime() - 2 * 3600_000),
          requesterId: requester.id,
          implementationPlan: 'Rolling.',
          rollbackPlan: 'Reinstall the old driver.',
          riskQuestionnaire: {},
          targetDriverVersion,
          state: 'closed',
          closeCode: 'successful',
          riskLevel: 'moderate',
          riskScore: 6,
          implementedAt: new Date(now.getTime() - 2 * 3600_000),
          closedAt: new Date(now.getTime() - 3600_000),
          items: { create: [{ kind: 'node', itemId: nodeId }] },
        },
      })
      return { id: change.id, number: change.number }
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Probes nodes in this process (the in-process simulator), as the seed does; returns the outcomes. */
export async function probeInProcess(
  db: Db,
  nodeIds: readonly string[],
  requestId = `t-${randomBytes(4).toString('hex')}`,
) {
  const deps = {
    db,
    now: () => new Date(),
    logger: pino({ level: 'silent' }),
    config: readFleetConfig({}),
    openTransport: inProcessSimulator,
  }
  const outcomes = []
  for (const nodeId of nodeIds) {
    outcomes.push(await probeNode(deps, { nodeId, requestId, jobId: probeJobId(nodeId, requestId) }))
  }
  return outcomes
}
