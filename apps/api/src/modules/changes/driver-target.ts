// A GPU driver change must be able to run every CUDA release its clusters declare: an incompatible
// target is refused when the change is raised or edited, with NVIDIA's minimums in the message.
import type { DbOrTx } from '@cabinet/db'
import { checkDriverTarget } from '@cabinet/gpu'
import { AppError } from '../../http/errors'
import type { Impact } from '../catalog/config-items.service'

export async function driverTargetMustFit(
  db: DbOrTx,
  change: { subcategory: string | null; targetDriverVersion: string | null },
  impact: Impact,
): Promise<void> {
  if (change.subcategory !== 'gpu-driver' || !change.targetDriverVersion) return
  // Only driver changes pay for this read: a driver must suit every GPU model in the cluster.
  const models = await db.node.findMany({
    where: { clusterId: { in: impact.clusters.map((cluster) => cluster.id) } },
    distinct: ['clusterId', 'gpuModel'],
    select: { clusterId: true, gpuModel: true },
  })
  const verdict = checkDriverTarget({
    targetDriver: change.targetDriverVersion,
    clusters: impact.clusters.map((cluster) => ({
      name: cluster.name,
      cudaVersions: cluster.cudaVersions,
      gpuModels: models.filter((model) => model.clusterId === cluster.id).map((model) => model.gpuModel),
    })),
  })
  if (verdict.accepted) return
  const explanation = verdict.explanation ?? `driver ${change.targetDriverVersion} is not compatible`
  throw new AppError('VALIDATION_FAILED', `targetDriverVersion: ${explanation}`, {
    details: { issues: [{ path: 'targetDriverVersion', message: explanation }] },
  })
}
