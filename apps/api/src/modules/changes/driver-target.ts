// A GPU driver change must be able to run every CUDA release its clusters declare: an incompatible
// target is refused when the change is raised or edited, with NVIDIA's minimums in the message.
import { checkDriverTarget } from '@cabinet/gpu'
import { AppError } from '../../http/errors'
import type { Impact } from '../catalog/config-items.service'

export function driverTargetMustFit(
  change: { subcategory: string | null; targetDriverVersion: string | null },
  impact: Impact,
): void {
  if (change.subcategory !== 'gpu-driver' || !change.targetDriverVersion) return
  const verdict = checkDriverTarget({
    targetDriver: change.targetDriverVersion,
    clusters: impact.clusters.map((cluster) => ({
      name: cluster.name,
      cudaVersions: cluster.cudaVersions,
      gpuModels: cluster.gpuModels,
    })),
  })
  if (verdict.accepted) return
  const explanation = verdict.explanation ?? `driver ${change.targetDriverVersion} is not compatible`
  throw new AppError('VALIDATION_FAILED', `targetDriverVersion: ${explanation}`, {
    details: { issues: [{ path: 'targetDriverVersion', message: explanation }] },
  })
}
