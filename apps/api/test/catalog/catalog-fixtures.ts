// Helpers shared by the catalog tests: make items through the API and read the audit trail back.
import type { ConfigItemKind } from '@cabinet/contracts'
import type { SignedIn, TestApp } from '../support/app'

export const MISSING_ID = '00000000-0000-4000-8000-000000000000'

export async function createCluster(t: TestApp, as: SignedIn, body: Record<string, unknown>) {
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/clusters', headers: as.headers, payload: body })
  if (response.statusCode !== 201) throw new Error(`cluster not created: ${response.statusCode} ${response.body}`)
  return response.json() as { id: string; name: string; version: number }
}

export async function createService(t: TestApp, as: SignedIn, body: Record<string, unknown>) {
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/services', headers: as.headers, payload: body })
  if (response.statusCode !== 201) throw new Error(`service not created: ${response.statusCode} ${response.body}`)
  return response.json() as { id: string; name: string; version: number; clusterIds: string[] }
}

export async function createNode(t: TestApp, as: SignedIn, body: Record<string, unknown>) {
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/nodes', headers: as.headers, payload: body })
  if (response.statusCode !== 201) throw new Error(`node not created: ${response.statusCode} ${response.body}`)
  return response.json() as { id: string; hostname: string; version: number }
}

/** The audit events recorded for one entity, oldest first. */
export function auditOf(t: TestApp, entityType: string, entityId: string) {
  return t.db.auditEvent.findMany({ where: { entityType, entityId }, orderBy: { seq: 'asc' } })
}

/** A change request naming the given item, written straight to the database. */
export async function changeNaming(t: TestApp, requesterId: string, item: { kind: ConfigItemKind; id: string }) {
  const [{ nextval }] = (await t.db.$queryRaw<{ nextval: bigint }[]>`SELECT nextval('change_number_seq')`) as [
    { nextval: bigint },
  ]
  return t.db.changeRequest.create({
    data: {
      number: `CHG${nextval.toString().padStart(7, '0')}`,
      type: 'normal',
      category: 'infrastructure',
      title: 'upgrade the driver',
      description: 'what',
      justification: 'why',
      plannedStart: new Date('2030-01-01T10:00:00Z'),
      plannedEnd: new Date('2030-01-01T12:00:00Z'),
      requesterId,
      implementationPlan: 'how',
      rollbackPlan: 'undo',
      riskQuestionnaire: {},
      riskLevel: 'low',
      riskScore: 1,
      items: { create: [{ kind: item.kind, itemId: item.id }] },
    },
  })
}
