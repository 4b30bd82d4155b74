// GPU clusters: groups of nodes with the CUDA versions they support, and the services on them.
// Every write records an audit event in its transaction; a cluster with nodes cannot be deleted.
import type { z } from 'zod'
import type { ClusterBody, ClusterPatch, ClusterView } from '@cabinet/contracts'
import type { Db } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import { AppError, notFound } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import { assertNotNamedByChanges, missingOrStale, taken, uniquely } from './catalog.checks'
import { deleteDependenciesOf, findCluster, listClusters } from './catalog.repository'

type ClusterInput = z.infer<typeof ClusterBody>
type ClusterChanges = z.infer<typeof ClusterPatch>

export function createClustersService({ db }: { db: Db }) {
  async function get(id: string): Promise<ClusterView> {
    const cluster = await findCluster(db, id)
    if (!cluster) throw notFound('cluster', id)
    return cluster
  }

  async function create(ctx: RequestContext, input: ClusterInput): Promise<ClusterView> {
    return uniquely('name', taken(input.name), () =>
      db.$transaction(async (tx) => {
        const row = await tx.cluster.create({ data: input })
        const after = (await findCluster(tx, row.id)) as ClusterView
        await recordAudit(tx, ctx, {
          action: 'cluster.created',
          entityType: 'cluster',
          entityId: row.id,
          after,
        })
        return after
      }),
    )
  }

  async function update(ctx: RequestContext, id: string, patch: ClusterChanges): Promise<ClusterView> {
    const { version, ...fields } = patch
    return uniquely('name', taken(fields.name), () =>
      db.$transaction(async (tx) => {
        const before = await findCluster(tx, id)
        if (!before) throw notFound('cluster', id)
        const updated = await tx.cluster.updateMany({
          where: { id, version },
          data: { ...fields, version: { increment: 1 } },
        })
        if (updated.count !== 1) throw await missingOrStale(() => tx.cluster.count({ where: { id } }), 'cluster', id)
        const after = (await findCluster(tx, id)) as ClusterView
        await recordAudit(tx, ctx, {
          action: 'cluster.updated',
          entityType: 'cluster',
          entityId: id,
          before,
          after,
        })
        return after
      }),
    )
  }

  async function remove(ctx: RequestContext, id: string): Promise<void> {
    await db.$transaction(async (tx) => {
      const before = await findCluster(tx, id)
      if (!before) throw notFound('cluster', id)
      if (before.nodeCount > 0) {
        throw new AppError(
          'IN_USE',
          `cluster ${before.name} still has ${before.nodeCount} nodes: move or delete them first`,
          {
            details: { nodeCount: before.nodeCount },
          },
        )
      }
      await assertNotNamedByChanges(tx, 'cluster', id, `cluster ${before.name}`)
      // Services stop running on it (the links cascade); the snapshot keeps which ones did.
      const services = await tx.serviceCluster.findMany({ where: { clusterId: id }, select: { serviceId: true } })
      const dependencies = await deleteDependenciesOf(tx, 'cluster', id)
      await tx.cluster.delete({ where: { id } })
      await recordAudit(tx, ctx, {
        action: 'cluster.deleted',
        entityType: 'cluster',
        entityId: id,
        before: { ...before, serviceIds: services.map((link) => link.serviceId), dependencies },
      })
    })
  }

  return { list: () => listClusters(db), get, create, update, remove }
}

export type ClustersService = ReturnType<typeof createClustersService>
