// Test data for change tests: a small catalog written straight to the database, and a valid
// request-for-change body over it that each test bends into the case it needs.
import { randomBytes } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'
import type { CreateChangeBody } from '@cabinet/contracts'
import type { Db } from '@cabinet/db'

export interface Catalog {
  serviceId: string
  clusterId: string
  nodeIds: string[]
}

/** One service (criticality 3) running on one cluster of `nodeCount` H100 nodes on driver 550.54.15. */
export async function createCatalog(db: Db, nodeCount = 8): Promise<Catalog> {
  const tag = randomBytes(4).toString('hex')
  const cluster = await db.cluster.create({ data: { name: `cluster-${tag}`, region: 'eu-west', cudaVersions: [] } })
  const service = await db.service.create({
    data: {
      name: `service-${tag}`,
      criticality: 3,
      userCount: 1200,
      clusters: { create: { clusterId: cluster.id } },
    },
  })
  const nodeIds: string[] = []
  for (let index = 0; index < nodeCount; index += 1) {
    const node = await db.node.create({
      data: {
        hostname: `gpu-${tag}-${String(index).padStart(3, '0')}`,
        clusterId: cluster.id,
        gpuModel: 'H100',
        gpuCount: 8,
        driverVersion: '550.54.15',
      },
    })
    nodeIds.push(node.id)
  }
  return { serviceId: service.id, clusterId: cluster.id, nodeIds }
}

const DAY_MS = 86_400_000

/** A normal change a week out, over the first node: valid as it stands. */
export function validChangeBody(catalog: Catalog, overrides: Partial<CreateChangeBody> = {}) {
  const start = new Date(Date.now() + 7 * DAY_MS)
  start.setUTCHours(2, 0, 0, 0)
  const end = new Date(start.getTime() + 4 * 3_600_000)
  return {
    type: 'normal',
    category: 'software',
    subcategory: 'framework',
    title: 'Upgrade PyTorch on the inference nodes',
    description: 'Roll PyTorch 2.5 out to the inference fleet.',
    justification: 'Fixes a memory leak in the attention kernels.',
    plannedStart: start.toISOString(),
    plannedEnd: end.toISOString(),
    implementerId: null,
    affectedItems: [{ kind: 'node', id: catalog.nodeIds[0] as string }],
    implementationPlan: 'Drain, upgrade the wheel, undrain, node by node.',
    testEvidence: 'Ran the regression suite in staging.',
    rollbackPlan: 'Reinstall the previous wheel from the cache.',
    riskQuestionnaire: {
      experience: 'done-before',
      automation: 'automated',
      testedInStaging: true,
      rollbackTested: true,
      requiresDowntime: false,
      userVisible: false,
    },
    targetDriverVersion: null,
    ...overrides,
  } satisfies CreateChangeBody as CreateChangeBody
}

export interface ErrorReply {
  error: {
    code: string
    message: string
    details?: { issues?: { path: string; message: string }[] }
    requestId: string
  }
}

/** Asserts the one error shape and the code, and returns the parsed body. */
export function expectError(response: LightMyRequestResponse, status: number, code: string): ErrorReply {
  const body = response.json() as ErrorReply
  expect({ status: response.statusCode, code: body.error?.code }).toEqual({ status, code })
  expect(body.error).toEqual(
    expect.objectContaining({ code, message: expect.any(String), requestId: expect.any(String) }),
  )
  expect(body.error.message.length).toBeGreaterThan(0)
  return body
}

/** The field paths a VALIDATION_FAILED reply names. */
export function issuePaths(body: ErrorReply): string[] {
  return (body.error.details?.issues ?? []).map((issue) => issue.path)
}
