// Prisma queries for services, clusters and nodes, and the API views built from their rows.
// Every function takes the client to use, so services call them inside their transactions.
import type { ClusterView, ConfigItemKind, NodeView, ServiceView } from '@cabinet/contracts'
import type { DbOrTx, Prisma } from '@cabinet/db'

const serviceInclude = {
  clusters: { select: { clusterId: true }, orderBy: { clusterId: 'asc' } },
} satisfies Prisma.ServiceInclude
const clusterInclude = { _count: { select: { nodes: true } } } satisfies Prisma.ClusterInclude
const nodeInclude = { cluster: { select: { name: true } } } satisfies Prisma.NodeInclude

type ServiceRow = Prisma.ServiceGetPayload<{ include: typeof serviceInclude }>
type ClusterRow = Prisma.ClusterGetPayload<{ include: typeof clusterInclude }>
type NodeRow = Prisma.NodeGetPayload<{ include: typeof nodeInclude }>

export function toServiceView(row: ServiceRow): ServiceView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    criticality: row.criticality,
    userCount: row.userCount,
    ownerGroupId: row.ownerGroupId,
    clusterIds: row.clusters.map((link) => link.clusterId),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export function toClusterView(row: ClusterRow): ClusterView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    region: row.region,
    cudaVersions: row.cudaVersions,
    nodeCount: row._count.nodes,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export function toNodeView(row: NodeRow): NodeView {
  return {
    id: row.id,
    hostname: row.hostname,
    clusterId: row.clusterId,
    clusterName: row.cluster.name,
    gpuModel: row.gpuModel,
    gpuCount: row.gpuCount,
    driverVersion: row.driverVersion,
    cudaVersion: row.cudaVersion,
    firmwareVersion: row.firmwareVersion,
    transport: row.transport,
    scheduler: row.scheduler,
    address: row.address,
    sshPort: row.sshPort,
    sshUser: row.sshUser,
    sshHostKeySha256: row.sshHostKeySha256,
    sshKeyRef: row.sshKeyRef,
    simStateDir: row.simStateDir,
    lastProbeAt: row.lastProbeAt?.toISOString() ?? null,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export async function findService(db: DbOrTx, id: string): Promise<ServiceView | null> {
  const row = await db.service.findUnique({ where: { id }, include: serviceInclude })
  return row ? toServiceView(row) : null
}

export async function listServices(db: DbOrTx): Promise<ServiceView[]> {
  const rows = await db.service.findMany({ include: serviceInclude, orderBy: { name: 'asc' } })
  return rows.map(toServiceView)
}

export async function findCluster(db: DbOrTx, id: string): Promise<ClusterView | null> {
  const row = await db.cluster.findUnique({ where: { id }, include: clusterInclude })
  return row ? toClusterView(row) : null
}

export async function listClusters(db: DbOrTx): Promise<ClusterView[]> {
  const rows = await db.cluster.findMany({ include: clusterInclude, orderBy: { name: 'asc' } })
  return rows.map(toClusterView)
}

export async function findNode(db: DbOrTx, id: string): Promise<NodeView | null> {
  const row = await db.node.findUnique({ where: { id }, include: nodeInclude })
  return row ? toNodeView(row) : null
}

export interface NodePageQuery {
  clusterId?: string | undefined
  q?: string | undefined
  /** The last row of the previous page, in list order. */
  after?: { hostname: string; id: string } | undefined
  limit: number
}

/** One page in (hostname, id) order, plus whether more rows follow it. */
export async function listNodes(db: DbOrTx, query: NodePageQuery): Promise<{ items: NodeView[]; hasMore: boolean }> {
  const { after } = query
  const rows = await db.node.findMany({
    where: {
      ...(query.clusterId ? { clusterId: query.clusterId } : {}),
      ...(query.q ? { hostname: { contains: query.q, mode: 'insensitive' as const } } : {}),
      ...(after
        ? { OR: [{ hostname: { gt: after.hostname } }, { hostname: after.hostname, id: { gt: after.id } }] }
        : {}),
    },
    include: nodeInclude,
    orderBy: [{ hostname: 'asc' }, { id: 'asc' }],
    take: query.limit + 1,
  })
  return { items: rows.slice(0, query.limit).map(toNodeView), hasMore: rows.length > query.limit }
}

/** The ids among `ids` that name an existing item of this kind. */
export async function existingIds(
  db: DbOrTx,
  kind: ConfigItemKind | 'group',
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const where = { id: { in: [...new Set(ids)] } }
  const select = { id: true } as const
  const rows =
    kind === 'service'
      ? await db.service.findMany({ where, select })
      : kind === 'cluster'
        ? await db.cluster.findMany({ where, select })
        : kind === 'node'
          ? await db.node.findMany({ where, select })
          : await db.group.findMany({ where, select })
  return new Set(rows.map((row) => row.id))
}

/** Display names (a node's hostname) of items, keyed `kind:id`; missing items are left out. */
export async function namesOf(db: DbOrTx, refs: readonly { kind: ConfigItemKind; id: string }[]) {
  const idsOf = (kind: ConfigItemKind) => [...new Set(refs.filter((ref) => ref.kind === kind).map((ref) => ref.id))]
  // Sequential: inside a transaction every query shares one connection anyway.
  const services = await db.service.findMany({
    where: { id: { in: idsOf('service') } },
    select: { id: true, name: true },
  })
  const clusters = await db.cluster.findMany({
    where: { id: { in: idsOf('cluster') } },
    select: { id: true, name: true },
  })
  const nodes = await db.node.findMany({ where: { id: { in: idsOf('node') } }, select: { id: true, hostname: true } })
  return new Map<string, string>([
    ...services.map((s) => [`service:${s.id}`, s.name] as const),
    ...clusters.map((c) => [`cluster:${c.id}`, c.name] as const),
    ...nodes.map((n) => [`node:${n.id}`, n.hostname] as const),
  ])
}

/** Numbers of the changes that name this item (at most `take`), for the IN_USE message. */
export async function changesNaming(db: DbOrTx, kind: ConfigItemKind, itemId: string, take = 5): Promise<string[]> {
  const rows = await db.changeItem.findMany({
    where: { kind, itemId },
    select: { change: { select: { number: true } } },
    orderBy: { change: { number: 'asc' } },
    take,
  })
  return rows.map((row) => row.change.number)
}

/** Removes every dependency edge touching the item; returns what was removed, for the audit trail. */
export async function deleteDependenciesOf(db: DbOrTx, kind: ConfigItemKind, id: string) {
  const where = {
    OR: [
      { fromKind: kind, fromId: id },
      { toKind: kind, toId: id },
    ],
  }
  const edges = await db.dependency.findMany({ where, orderBy: { createdAt: 'asc' } })
  if (edges.length > 0) await db.dependency.deleteMany({ where: { id: { in: edges.map((edge) => edge.id) } } })
  return edges.map((edge) => ({
    id: edge.id,
    fromKind: edge.fromKind,
    fromId: edge.fromId,
    toKind: edge.toKind,
    toId: edge.toId,
    description: edge.description,
  }))
}

export interface NodeUpsert {
  hostname: string
  clusterId: string
  gpuModel: string
  gpuCount: number
  driverVersion: string | null
  cudaVersion: string | null
  firmwareVersion: string | null
  transport: string
  scheduler: string
  address: string | null
  sshPort: number | null
  sshUser: string | null
  sshHostKeySha256: string | null
  sshKeyRef: string | null
  simStateDir: string | null
}

/**
 * Creates or updates nodes by hostname in one statement (one round trip for thousands of rows).
 * Returns each hostname written and whether it was created; updates bump the version.
 */
export async function upsertNodesByHostname(db: DbOrTx, nodes: readonly NodeUpsert[], now: Date) {
  const column = <K extends keyof NodeUpsert>(key: K) => nodes.map((node) => node[key])
  // xmax is 0 only on a row this statement inserted: the usual Postgres test for "created, not updated".
  return db.$queryRaw<{ hostname: string; created: boolean }[]>`
    INSERT INTO nodes (hostname, cluster_id, gpu_model, gpu_count, driver_version, cuda_version,
                       firmware_version, transport, scheduler, address, ssh_port, ssh_user, ssh_host_key_sha256,
                       ssh_key_ref, sim_state_dir, updated_at)
    SELECT v.hostname, v.cluster_id, v.gpu_model::"GpuModel", v.gpu_count, v.driver_version, v.cuda_version,
           v.firmware_version, v.transport::"NodeTransport", v.scheduler::"NodeScheduler", v.address, v.ssh_port,
           v.ssh_user, v.ssh_host_key_sha256, v.ssh_key_ref, v.sim_state_dir, ${now}::timestamptz
    FROM unnest(${column('hostname')}::text[], ${column('clusterId')}::uuid[], ${column('gpuModel')}::text[],
                ${column('gpuCount')}::int[], ${column('driverVersion')}::text[], ${column('cudaVersion')}::text[],
                ${column('firmwareVersion')}::text[], ${column('transport')}::text[], ${column('scheduler')}::text[],
                ${column('address')}::text[], ${column('sshPort')}::int[], ${column('sshUser')}::text[],
                ${column('sshHostKeySha256')}::text[], ${column('sshKeyRef')}::text[], ${column('simStateDir')}::text[])
      AS v(hostname, cluster_id, gpu_model, gpu_count, driver_version, cuda_version, firmware_version,
           transport, scheduler, address, ssh_port, ssh_user, ssh_host_key_sha256, ssh_key_ref, sim_state_dir)
    ON CONFLICT (hostname) DO UPDATE SET
      cluster_id = EXCLUDED.cluster_id, gpu_model = EXCLUDED.gpu_model, gpu_count = EXCLUDED.gpu_count,
      driver_version = EXCLUDED.driver_version, cuda_version = EXCLUDED.cuda_version,
      firmware_version = EXCLUDED.firmware_version, transport = EXCLUDED.transport,
      scheduler = EXCLUDED.scheduler, address = EXCLUDED.address, ssh_port = EXCLUDED.ssh_port,
      ssh_user = EXCLUDED.ssh_user, ssh_host_key_sha256 = EXCLUDED.ssh_host_key_sha256,
      ssh_key_ref = EXCLUDED.ssh_key_ref, sim_state_dir = EXCLUDED.sim_state_dir,
      version = nodes.version + 1, updated_at = EXCLUDED.updated_at
    RETURNING hostname, (xmax = 0) AS created`
}
