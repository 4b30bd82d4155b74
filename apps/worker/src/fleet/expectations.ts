// What a node is expected to run: the target driver of the last completed change that named the node
// (or its cluster), else the driver the catalog records; the catalog's GPU count and firmware.
import type { DbOrTx } from '@cabinet/db'

export interface NodeExpectations {
  driverVersion: string | null
  /** The change that set the expected driver; null when it comes from the catalog. */
  driverChange: { id: string; number: string } | null
  gpuCount: number
  firmwareVersion: string | null
}

/** Implemented and not undone: in review, or closed as successful (with or without issues). */
export async function lastDriverChange(db: DbOrTx, nodeId: string, clusterId: string) {
  return db.changeRequest.findFirst({
    where: {
      targetDriverVersion: { not: null },
      implementedAt: { not: null },
      OR: [{ state: 'review' }, { state: 'closed', closeCode: { in: ['successful', 'successful_with_issues'] } }],
      items: {
        some: {
          OR: [
            { kind: 'node', itemId: nodeId },
            { kind: 'cluster', itemId: clusterId },
          ],
        },
      },
    },
    orderBy: [{ implementedAt: 'desc' }, { id: 'desc' }],
    select: { id: true, number: true, targetDriverVersion: true },
  })
}

export async function expectationsFor(
  db: DbOrTx,
  node: {
    id: string
    clusterId: string
    driverVersion: string | null
    gpuCount: number
    firmwareVersion: string | null
  },
): Promise<NodeExpectations> {
  const change = await lastDriverChange(db, node.id, node.clusterId)
  return {
    driverVersion: change?.targetDriverVersion ?? node.driverVersion,
    driverChange: change ? { id: change.id, number: change.number } : null,
    gpuCount: node.gpuCount,
    firmwareVersion: node.firmwareVersion,
  }
}
