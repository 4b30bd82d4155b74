// Configuration items as one searchable set (services, clusters, nodes) and the impact of a set of
// them: which services they touch and how much of each cluster. Risk and conflicts build on this.
import type { ConfigItemKind, ConfigItemOption, ConfigItemRef } from '@cabinet/contracts'
import type { DbOrTx } from '@cabinet/db'
import { AppError } from '../../http/errors'

export interface Impact {
  services: { id: string; name: string; criticality: number; userCount: number }[]
  clusters: {
    id: string
    name: string
    affectedNodes: number
    totalNodes: number
    cudaVersions: string[]
  }[]
  /** Driver versions currently installed on the affected nodes, distinct. */
  nodeDriverVersions: string[]
}

export interface ConfigItemSearch {
  q: string
  kind?: ConfigItemKind | undefined
  limit: number
}

const KIND_ORDER: Record<ConfigItemKind, number> = { service: 0, cluster: 1, node: 2 }

export function createConfigItemService({ db }: { db: DbOrTx }) {
  async function search({ q, kind, limit }: ConfigItemSearch): Promise<{ items: ConfigItemOption[]; total: number }> {
    const contains = q ? { contains: q, mode: 'insensitive' as const } : undefined
    const [services, clusters, nodes, nodeTotal] = await Promise.all([
      !kind || kind === 'service'
        ? db.service.findMany({ where: contains ? { name: contains } : {}, orderBy: { name: 'asc' }, take: limit })
        : [],
      !kind || kind === 'cluster'
        ? db.cluster.findMany({
            where: contains ? { name: contains } : {},
            orderBy: { name: 'asc' },
            take: limit,
            include: { _count: { select: { nodes: true } } },
          })
        : [],
      !kind || kind === 'node'
        ? db.node.findMany({
            where: contains ? { hostname: contains } : {},
            orderBy: { hostname: 'asc' },
            take: limit,
            include: { cluster: { select: { name: true } } },
          })
        : [],
      !kind || kind === 'node' ? db.node.count({ where: contains ? { hostname: contains } : {} }) : 0,
    ])
    const items: ConfigItemOption[] = [
      ...services.map((s) => ({
        kind: 'service' as const,
        id: s.id,
        name: s.name,
        detail: `criticality ${s.criticality} · ${s.userCount.toLocaleString('en')} users`,
        nodeCount: 0,
      })),
      ...clusters.map((c) => ({
        kind: 'cluster' as const,
        id: c.id,
        name: c.name,
        detail: `${c._count.nodes} nodes${c.region ? ` · ${c.region}` : ''}`,
        nodeCount: c._count.nodes,
      })),
      ...nodes.map((n) => ({
        kind: 'node' as const,
        id: n.id,
        name: n.hostname,
        detail: `${n.cluster.name} · ${n.gpuCount}× ${n.gpuModel}${n.driverVersion ? ` · driver ${n.driverVersion}` : ''}`,
        nodeCount: 1,
      })),
    ]
    return { items: items.slice(0, limit), total: services.length + clusters.length + nodeTotal }
  }

  /** Names the given references; references to items that no longer exist come back as null. */
  async function lookup(refs: readonly ConfigItemRef[], tx: DbOrTx) {
    const idsOf = (kind: ConfigItemKind) => refs.filter((r) => r.kind === kind).map((r) => r.id)
    // Sequential on purpose: inside a transaction all queries share one connection.
    const [serviceIds, clusterIds, nodeIds] = [idsOf('service'), idsOf('cluster'), idsOf('node')]
    // Each query costs CPU in the ORM even when it finds nothing: ask only for kinds that were named.
    const services = serviceIds.length ? await tx.service.findMany({ where: { id: { in: serviceIds } } }) : []
    const clusters = clusterIds.length
      ? await tx.cluster.findMany({
          where: { id: { in: clusterIds } },
          include: { _count: { select: { nodes: true } } },
        })
      : []
    const nodes = nodeIds.length
      ? await tx.node.findMany({ where: { id: { in: nodeIds } }, include: { cluster: { select: { name: true } } } })
      : []
    const found = new Map<string, ConfigItemOption>()
    for (const s of services) {
      found.set(`service:${s.id}`, {
        kind: 'service',
        id: s.id,
        name: s.name,
        detail: `criticality ${s.criticality}`,
        nodeCount: 0,
      })
    }
    for (const c of clusters) {
      found.set(`cluster:${c.id}`, {
        kind: 'cluster',
        id: c.id,
        name: c.name,
        detail: `${c._count.nodes} nodes`,
        nodeCount: c._count.nodes,
      })
    }
    for (const n of nodes) {
      found.set(`node:${n.id}`, { kind: 'node', id: n.id, name: n.hostname, detail: n.cluster.name, nodeCount: 1 })
    }
    return refs.map((ref) => found.get(`${ref.kind}:${ref.id}`) ?? null)
  }

  function orderedDistinct(items: ConfigItemOption[]): ConfigItemOption[] {
    const seen = new Set<string>()
    return items
      .filter((item) => {
        const key = `${item.kind}:${item.id}`
        if (seen.has(key)) return false
        seen.add(key)
        return true
      })
      .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.name.localeCompare(b.name))
  }

  /**
   * Names the given references, distinct, services first. Unknown ids are a 400 naming each one's
   * position under `field` (the request field the references came from).
   */
  async function resolve(refs: readonly ConfigItemRef[], field = 'affectedItems', tx: DbOrTx = db) {
    const named = await lookup(refs, tx)
    const issues = refs.flatMap((ref, index) =>
      named[index] ? [] : [{ path: `${field}.${index}.id`, message: `no ${ref.kind} with id ${ref.id}` }],
    )
    if (issues.length > 0) {
      throw new AppError(
        'VALIDATION_FAILED',
        `unknown configuration items: ${issues.map((i) => i.message).join('; ')}`,
        {
          details: { issues },
        },
      )
    }
    return orderedDistinct(named as ConfigItemOption[])
  }

  /** Like resolve, for stored references: an item removed since is shown as removed, not refused. */
  async function describe(refs: readonly ConfigItemRef[], tx: DbOrTx = db) {
    const named = await lookup(refs, tx)
    return orderedDistinct(
      refs.map((ref, index) => named[index] ?? { ...ref, name: `(removed ${ref.kind})`, detail: ref.id, nodeCount: 0 }),
    )
  }

  /** What a change to these items touches: a node touches its cluster and every service on it. */
  async function impactOf(refs: readonly ConfigItemRef[], tx: DbOrTx = db): Promise<Impact> {
    const serviceIds = refs.filter((r) => r.kind === 'service').map((r) => r.id)
    const clusterIds = refs.filter((r) => r.kind === 'cluster').map((r) => r.id)
    const nodeIds = refs.filter((r) => r.kind === 'node').map((r) => r.id)
    const nodesByCluster = await tx.node.groupBy({
      by: ['clusterId'],
      where: { OR: [{ id: { in: nodeIds } }, { clusterId: { in: clusterIds } }] },
      _count: { _all: true },
    })
    const touchedClusterIds = [...new Set([...clusterIds, ...nodesByCluster.map((g) => g.clusterId)])]
    const clusters = await tx.cluster.findMany({
      where: { id: { in: touchedClusterIds } },
      include: { _count: { select: { nodes: true } } },
    })
    const services = await tx.service.findMany({
      where: { OR: [{ id: { in: serviceIds } }, { clusters: { some: { clusterId: { in: touchedClusterIds } } } }] },
    })
    const drivers = await tx.node.findMany({
      where: { OR: [{ id: { in: nodeIds } }, { clusterId: { in: clusterIds } }], driverVersion: { not: null } },
      distinct: ['driverVersion'],
      select: { driverVersion: true },
    })
    const affected = new Map(nodesByCluster.map((g) => [g.clusterId, g._count._all]))
    return {
      services: services.map((s) => ({ id: s.id, name: s.name, criticality: s.criticality, userCount: s.userCount })),
      clusters: clusters.map((c) => ({
        id: c.id,
        name: c.name,
        affectedNodes: affected.get(c.id) ?? 0,
        totalNodes: c._count.nodes,
        cudaVersions: c.cudaVersions,
      })),
      nodeDriverVersions: drivers.flatMap((d) => (d.driverVersion ? [d.driverVersion] : [])),
    }
  }

  return { search, resolve, describe, impactOf }
}

export type ConfigItemService = ReturnType<typeof createConfigItemService>
