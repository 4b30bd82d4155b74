// GPU nodes one at a time: the hosts rollouts act on. Bulk import lives in node-import.service.ts.
// Lists page by (hostname, id) so a page boundary never skips or repeats a node.
import type { z } from 'zod'
import {
  type NodeBody,
  type NodeListQuery,
  type NodePatch,
  type NodeView,
  nodeTransportIssues,
} from '@cabinet/contracts'
import type { Db } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import { notFound } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import {
  assertNotNamedByChanges,
  missingOrStale,
  taken,
  throwIfAny,
  uniquely,
  unknownIds,
  validationFailed,
} from './catalog.checks'
import { deleteDependenciesOf, findNode, listNodes } from './catalog.repository'

type NodeInput = z.infer<typeof NodeBody>
type NodeChanges = z.infer<typeof NodePatch>
type NodeQuery = z.infer<typeof NodeListQuery>

/** Cursor limit of the contracts (`Cursor`): longer hostnames page by id alone. */
const MAX_CURSOR_LENGTH = 200
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** `<id>~<hostname>`: both halves are URL-safe already, so the cursor needs no encoding. */
function cursorOf(node: NodeView): string {
  const cursor = `${node.id}~${node.hostname}`
  return cursor.length <= MAX_CURSOR_LENGTH ? cursor : node.id
}

const badCursor = () => validationFailed([{ path: 'cursor', message: 'is not a cursor from this list: start again' }])

export function createNodesService({ db }: { db: Db }) {
  async function afterCursor(cursor: string): Promise<{ hostname: string; id: string }> {
    const split = cursor.indexOf('~')
    const id = split === -1 ? cursor : cursor.slice(0, split)
    if (!UUID.test(id)) throw badCursor()
    if (split !== -1) {
      const hostname = cursor.slice(split + 1)
      if (!hostname) throw badCursor()
      return { hostname, id }
    }
    const node = await db.node.findUnique({ where: { id }, select: { hostname: true } })
    if (!node) throw badCursor()
    return { hostname: node.hostname, id }
  }

  async function list(query: NodeQuery): Promise<{ items: NodeView[]; nextCursor: string | null }> {
    const page = await listNodes(db, {
      clusterId: query.clusterId,
      q: query.q || undefined,
      after: query.cursor ? await afterCursor(query.cursor) : undefined,
      limit: query.limit,
    })
    const last = page.items.at(-1)
    return { items: page.items, nextCursor: page.hasMore && last ? cursorOf(last) : null }
  }

  async function get(id: string): Promise<NodeView> {
    const node = await findNode(db, id)
    if (!node) throw notFound('node', id)
    return node
  }

  async function create(ctx: RequestContext, input: NodeInput): Promise<NodeView> {
    throwIfAny(nodeTransportIssues(input))
    return uniquely('hostname', taken(input.hostname), () =>
      db.$transaction(async (tx) => {
        throwIfAny(await unknownIds(tx, 'cluster', 'clusterId', input.clusterId))
        const row = await tx.node.create({ data: input })
        const after = (await findNode(tx, row.id)) as NodeView
        await recordAudit(tx, ctx, {
          action: 'node.created',
          entityType: 'node',
          entityId: row.id,
          after,
        })
        return after
      }),
    )
  }

  async function update(ctx: RequestContext, id: string, patch: NodeChanges): Promise<NodeView> {
    const { version, ...fields } = patch
    return uniquely('hostname', taken(fields.hostname), () =>
      db.$transaction(async (tx) => {
        const before = await findNode(tx, id)
        if (!before) throw notFound('node', id)
        throwIfAny(await unknownIds(tx, 'cluster', 'clusterId', fields.clusterId))
        throwIfAny(nodeTransportIssues({ ...before, ...fields }))
        const updated = await tx.node.updateMany({
          where: { id, version },
          data: { ...fields, version: { increment: 1 } },
        })
        if (updated.count !== 1) throw await missingOrStale(() => tx.node.count({ where: { id } }), 'node', id)
        const after = (await findNode(tx, id)) as NodeView
        await recordAudit(tx, ctx, {
          action: 'node.updated',
          entityType: 'node',
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
      const before = await findNode(tx, id)
      if (!before) throw notFound('node', id)
      await assertNotNamedByChanges(tx, 'node', id, `node ${before.hostname}`)
      const dependencies = await deleteDependenciesOf(tx, 'node', id)
      await tx.node.delete({ where: { id } })
      await recordAudit(tx, ctx, {
        action: 'node.deleted',
        entityType: 'node',
        entityId: id,
        before: { ...before, dependencies },
      })
    })
  }

  return { list, get, create, update, remove }
}

export type NodesService = ReturnType<typeof createNodesService>
