// The demo organisation's catalogue: people, CAB groups, services, three clusters and 48 simulated GPU nodes,
// each node a gpu-sim state folder (a few with faults or a hand-installed driver) probed once at seed time.
import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import pino from 'pino'
import type { Db, GpuModel, GroupKind, Role } from '@cabinet/db'
import { readFleetConfig } from '../../apps/worker/src/fleet/config'
import { probeNode } from '../../apps/worker/src/fleet/probe-node'
import { type SimNodeFault, writeSimNode } from '../../apps/worker/src/fleet/sim-node'
import { inProcessSimulator } from '../../apps/worker/src/fleet/sim-transport'
import { probeJobId } from '../../apps/worker/src/fleet/sweeps'

export const DEMO_USERS: { email: string; name: string; roles: Role[] }[] = [
  { email: 'requester@example.com', name: 'Riley Requester', roles: ['requester'] },
  { email: 'cab@example.com', name: 'Casey CAB', roles: ['cab_member'] },
  { email: 'manager@example.com', name: 'Morgan Manager', roles: ['change_manager'] },
  { email: 'oncall@example.com', name: 'Omar On-call', roles: ['implementer'] },
  { email: 'auditor@example.com', name: 'Avery Auditor', roles: ['auditor'] },
  { email: 'admin@example.com', name: 'Ada Admin', roles: ['admin'] },
]

export const DEMO_GROUPS: { name: string; kind: GroupKind; description: string; members: string[] }[] = [
  {
    name: 'Technical CAB',
    kind: 'technical',
    description: 'Reviews technical risk',
    members: ['cab@example.com', 'manager@example.com'],
  },
  { name: 'Business CAB', kind: 'business', description: 'Reviews business impact', members: ['manager@example.com'] },
  { name: 'Security', kind: 'security', description: 'Reviews security impact', members: ['cab@example.com'] },
  { name: 'Executive', kind: 'executive', description: 'Signs off critical risk', members: ['admin@example.com'] },
  { name: 'ECAB', kind: 'ecab', description: 'Emergency CAB', members: ['cab@example.com', 'manager@example.com'] },
  {
    name: 'GPU Platform Owners',
    kind: 'gpu_platform',
    description: 'Own drivers, CUDA and firmware',
    members: ['cab@example.com'],
  },
]

export interface DemoCluster {
  name: string
  region: string
  description: string
  cudaVersions: string[]
  nodes: {
    prefix: string
    count: number
    gpuModel: GpuModel
    gpuCount: number
    driver: string
    cuda: string
    scheduler: 'slurm' | 'kubernetes'
  }[]
}

export const DEMO_CLUSTERS: DemoCluster[] = [
  {
    name: 'train-h100-east',
    region: 'us-east',
    description: 'Large-scale training, Slurm',
    cudaVersions: ['12.4', '12.8'],
    nodes: [
      {
        prefix: 'h100-e',
        count: 16,
        gpuModel: 'H100',
        gpuCount: 8,
        driver: '550.127.05',
        cuda: '12.4',
        scheduler: 'slurm',
      },
      {
        prefix: 'h200-e',
        count: 4,
        gpuModel: 'H200',
        gpuCount: 8,
        driver: '570.133.20',
        cuda: '12.8',
        scheduler: 'slurm',
      },
    ],
  },
  {
    name: 'infer-h200-west',
    region: 'us-west',
    description: 'Production inference, Kubernetes',
    cudaVersions: ['12.8'],
    nodes: [
      {
        prefix: 'h200-w',
        count: 12,
        gpuModel: 'H200',
        gpuCount: 8,
        driver: '570.133.20',
        cuda: '12.8',
        scheduler: 'kubernetes',
      },
      {
        prefix: 'h100-w',
        count: 4,
        gpuModel: 'H100',
        gpuCount: 8,
        driver: '570.86.15',
        cuda: '12.8',
        scheduler: 'kubernetes',
      },
    ],
  },
  {
    name: 'research-a100',
    region: 'eu-central',
    description: 'Research and evaluation, Slurm',
    cudaVersions: ['12.2', '12.4'],
    nodes: [
      {
        prefix: 'a100-r',
        count: 10,
        gpuModel: 'A100',
        gpuCount: 8,
        driver: '550.54.15',
        cuda: '12.4',
        scheduler: 'slurm',
      },
      {
        prefix: 'a100-r-mig',
        count: 2,
        gpuModel: 'A100',
        gpuCount: 4,
        driver: '550.54.15',
        cuda: '12.2',
        scheduler: 'slurm',
      },
    ],
  },
]

export const DEMO_SERVICES: {
  name: string
  description: string
  criticality: number
  userCount: number
  owner: string
  clusters: string[]
}[] = [
  {
    name: 'inference-api',
    description: 'Public model inference API',
    criticality: 5,
    userCount: 250_000,
    owner: 'Business CAB',
    clusters: ['infer-h200-west'],
  },
  {
    name: 'training-platform',
    description: 'Foundation model training jobs',
    criticality: 4,
    userCount: 400,
    owner: 'GPU Platform Owners',
    clusters: ['train-h100-east'],
  },
  {
    name: 'notebooks',
    description: 'Interactive research notebooks',
    criticality: 2,
    userCount: 1_200,
    owner: 'Technical CAB',
    clusters: ['research-a100'],
  },
  {
    name: 'eval-harness',
    description: 'Nightly model evaluation',
    criticality: 3,
    userCount: 150,
    owner: 'Technical CAB',
    clusters: ['research-a100', 'train-h100-east'],
  },
  {
    name: 'feature-store',
    description: 'Online features for inference',
    criticality: 4,
    userCount: 30_000,
    owner: 'Business CAB',
    clusters: [],
  },
]

/**
 * What differs on a simulated node from its pool: a fault, or the driver it really runs. The training
 * H200s were upgraded to 570.172.08 by a completed change (see ./changes.ts); h200-e-04 then got 575.51.02
 * installed by hand, which the probe reports as drift.
 */
export const DEMO_SIM_NODES: Record<string, { driver?: string; faults?: SimNodeFault[] }> = {
  'h100-e-07': { faults: [{ kind: 'xid79-after-upgrade', gpu: 5, from: '550.54.15' }] },
  'a100-r-04': { faults: [{ kind: 'ecc-errors', gpu: 2, count: 3 }] },
  'h200-w-09': { faults: [{ kind: 'gpu-missing', gpu: 7 }] },
  'h200-e-01': { driver: '570.172.08' },
  'h200-e-02': { driver: '570.172.08' },
  'h200-e-03': { driver: '570.172.08' },
  'h200-e-04': { driver: '575.51.02' },
}

/** How many demo nodes the seed probes at once in this process. */
const SEED_PROBE_CONCURRENCY = 8

/**
 * Makes every demo node without one a simulated node under `$CABINET_DATA_DIR/gpu-sim/<hostname>` and probes each once
 * through the worker's own probe function (the simulator run in-process, so 48 nodes take seconds).
 */
export async function seedFleetProbes(db: Db, log: (line: string) => void) {
  const dataDir = resolve(process.env.CABINET_DATA_DIR || '.data/demo')
  // Only nodes without a simulator yet: a second run (or a demo seeded before the fleet) changes nothing else.
  const nodes = await db.node.findMany({
    where: { transport: 'simulated', simStateDir: null },
    orderBy: { hostname: 'asc' },
  })
  if (nodes.length === 0) return
  for (const node of nodes) {
    const simStateDir = resolve(dataDir, 'gpu-sim', node.hostname)
    const special = DEMO_SIM_NODES[node.hostname] ?? {}
    writeSimNode(simStateDir, {
      hostname: node.hostname,
      gpuModel: node.gpuModel,
      gpuCount: node.gpuCount,
      driver: special.driver ?? node.driverVersion ?? '550.54.15',
      faults: special.faults ?? [],
    })
    await db.node.update({ where: { id: node.id }, data: { simStateDir } })
  }
  log(`fleet: ${nodes.length} simulated nodes under ${resolve(dataDir, 'gpu-sim')}`)

  const deps = {
    db,
    now: () => new Date(),
    logger: pino({ level: 'warn' }),
    config: readFleetConfig(),
    openTransport: inProcessSimulator,
  }
  const requestId = `seed-${randomUUID()}`
  const verdicts = { pass: 0, fail: 0, inconclusive: 0 }
  let next = 0
  let done = 0
  const worker = async () => {
    for (let index = next++; index < nodes.length; index = next++) {
      const node = nodes[index]
      if (!node) continue
      const outcome = await probeNode(deps, { nodeId: node.id, requestId, jobId: probeJobId(node.id, requestId) })
      if (outcome.outcome === 'probed') verdicts[outcome.verdict] += 1
      done += 1
      if (done % 12 === 0 || done === nodes.length) log(`fleet: probed ${done}/${nodes.length}`)
    }
  }
  await Promise.all(Array.from({ length: Math.min(SEED_PROBE_CONCURRENCY, nodes.length) }, worker))
  const drift = await db.fleetDrift.count({ where: { status: 'open' } })
  log(
    `fleet: ${verdicts.pass} healthy, ${verdicts.fail} failing, ${verdicts.inconclusive} inconclusive; ${drift} drift`,
  )
}
