// Business services: what users depend on, how critical, and which clusters they run on.
// Every write checks its references, writes, and records an audit event in one transaction.
import type { z } from 'zod'
import type { ServiceBody, ServicePatch, ServiceView } from '@cabinet/contracts'
import type { Db, Tx } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import { notFound } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import { assertNotNamedByChanges, missingOrStale, taken, throwIfAny, uniquely, unknownIds } from './catalog.checks'
import { deleteDependenciesOf, findService, listServices } from './catalog.repository'

type ServiceInput = z.infer<typeof ServiceBody>
type ServiceChanges = z.infer<typeof ServicePatch>

export function createServicesService({ db }: { db: Db }) {
  async function checkReferences(tx: Tx, input: { ownerGroupId?: string | null; clusterIds?: string[] }) {
    throwIfAny([
      ...(await unknownIds(tx, 'group', 'ownerGroupId', input.ownerGroupId)),
      ...(await unknownIds(tx, 'cluster', 'clusterIds', input.clusterIds)),
    ])
  }

  async function get(id: string): Promise<ServiceView> {
    const service = await findService(db, id)
    if (!service) throw notFound('service', id)
    return service
  }

  async function create(ctx: RequestContext, input: ServiceInput): Promise<ServiceView> {
    return uniquely('name', taken(input.name), () =>
      db.$transaction(async (tx) => {
        await checkReferences(tx, input)
        const row = await tx.service.create({
          data: {
            name: input.name,
            description: input.description,
            criticality: input.criticality,
            userCount: input.userCount,
            ownerGroupId: input.ownerGroupId,
            clusters: { create: [...new Set(input.clusterIds)].map((clusterId) => ({ clusterId })) },
          },
        })
        const after = (await findService(tx, row.id)) as ServiceView
        await recordAudit(tx, ctx, {
          action: 'service.created',
          entityType: 'service',
          entityId: row.id,
          after,
        })
        return after
      }),
    )
  }

  async function update(ctx: RequestContext, id: string, patch: ServiceChanges): Promise<ServiceView> {
    const { version, clusterIds, ...fields } = patch
    return uniquely('name', taken(fields.name), () =>
      db.$transaction(async (tx) => {
        const before = await findService(tx, id)
        if (!before) throw notFound('service', id)
        await checkReferences(tx, { ownerGroupId: fields.ownerGroupId, clusterIds })
        const updated = await tx.service.updateMany({
          where: { id, version },
          data: { ...fields, version: { increment: 1 } },
        })
        if (updated.count !== 1) throw await missingOrStale(() => tx.service.count({ where: { id } }), 'service', id)
        if (clusterIds) {
          const wanted = [...new Set(clusterIds)]
          await tx.serviceCluster.deleteMany({ where: { serviceId: id, clusterId: { notIn: wanted } } })
          await tx.serviceCluster.createMany({
            data: wanted.map((clusterId) => ({ serviceId: id, clusterId })),
            skipDuplicates: true,
          })
        }
        const after = (await findService(tx, id)) as ServiceView
        await recordAudit(tx, ctx, {
          action: 'service.updated',
          entityType: 'service',
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
      const before = await findService(tx, id)
      if (!before) throw notFound('service', id)
      await assertNotNamedByChanges(tx, 'service', id, `service ${before.name}`)
      // Edges to a deleted item mean nothing; they go with it and stay in this event's snapshot.
      const dependencies = await deleteDependenciesOf(tx, 'service', id)
      await tx.service.delete({ where: { id } })
      await recordAudit(tx, ctx, {
        action: 'service.deleted',
        entityType: 'service',
        entityId: id,
        before: { ...before, dependencies },
      })
    })
  }

  return { list: () => listServices(db), get, create, update, remove }
}

export type ServicesService = ReturnType<typeof createServicesService>
