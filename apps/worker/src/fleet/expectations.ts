// What a node is expected to run: the target driver of the last completed change that named the node
// (or its cluster), else the driver the catalog records; the CUDA version that driver reports; the
// catalog's GPU count and firmware.
import type { DbOrTx } from '@cabinet/db'
import { CUDA_DRIVER_TABLE, CudaCompatError, compareDriverVersions } from '@cabinet/gpu'

export interface NodeExpectations {
  driverVersion: string | null
  /** The change that set the expected driver; null when it comes from the catalog. */
  driverChange: { id: string; number: string } | null
  /**
   * The CUDA version nvidia-smi prints for the expected driver (major.minor): the driver API it provides,
   * not a toolkit installed on the node, which is why the catalog's cudaVersion is not compared.
   */
  cudaVersion: string | null
  gpuCount: number
  firmwareVersion: string | null
}

/**
 * The CUDA version a driver reports: the newest release whose minimum driver it meets (the table of
 * @cabinet/gpu is newest first). Null for a driver older than every row, or not a driver version.
 */
export function cudaReportedBy(driver: string): string | null {
  try {
    const row = CUDA_DRIVER_TABLE.find((candidate) => compareDriverVersions(candidate.minimumDriver, driver) <= 0)
    return row ? `${row.cuda.major}.${row.cuda.minor}` : null
  } catch (error) {
    // A catalog driver that is no driver version: then nothing is expected of CUDA.
    if (error instanceof CudaCompatError) return null
    throw error
  }
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
  const driverVersion = change?.targetDriverVersion ?? node.driverVersion
  return {
    driverVersion,
    driverChange: change ? { id: change.id, number: change.number } : null,
    cudaVersion: driverVersion ? cudaReportedBy(driverVersion) : null,
    gpuCount: node.gpuCount,
    firmwareVersion: node.firmwareVersion,
  }
}
