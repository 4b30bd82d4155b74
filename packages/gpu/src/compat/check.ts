// Can a driver run a CUDA release on a GPU, and can a driver target serve every CUDA release its clusters
// declare? Pure functions over CUDA_DRIVER_TABLE; the API calls checkDriverTarget when a change is submitted.
import {
  CUDA_DRIVER_TABLE,
  type CudaDriverRow,
  FORWARD_COMPAT_CAVEAT,
  MINOR_VERSION_CAVEAT,
  MINOR_VERSION_FLOORS,
} from './cuda-drivers'
import { classifyGpu } from './gpu-class'
import {
  CudaCompatError,
  compareDriverVersions,
  cudaReleaseName,
  formatCudaVersion,
  parseCudaVersion,
  parseDriverVersion,
  sameCudaRelease,
} from './versions'

export type CompatMode = 'native' | 'minor-version' | 'forward-compat' | 'incompatible'

export const COMPAT_CODES = [
  /** The driver is at least the release's minimum: everything works. */
  'NATIVE',
  /** Older than the release's minimum but within its CUDA major's minor-version range (opted in). */
  'MINOR_VERSION_COMPAT',
  /** Older driver made to work by the cuda-compat package on a datacenter GPU (opted in). */
  'FORWARD_COMPAT',
  /** Older than the release needs, and no compatibility path was allowed or possible. */
  'DRIVER_TOO_OLD',
  /** Forward compatibility was allowed but the GPU is not a datacenter GPU. */
  'FORWARD_COMPAT_UNSUPPORTED_GPU',
  /** The CUDA version is well-formed but not a release in the table. */
  'UNKNOWN_CUDA_VERSION',
  /** The driver or CUDA version could not be read. */
  'INVALID_VERSION',
] as const
export type CompatCode = (typeof COMPAT_CODES)[number]

export interface CompatVerdict {
  compatible: boolean
  mode: CompatMode
  code: CompatCode
  /** One sentence naming the driver, the release and what decided it. */
  reason: string
  /** The release's minimum driver for native support; null when the release is unknown. */
  requiredDriver: string | null
}

/** The table row for a CUDA release; "12.4" means 12.4 GA. Throws CudaCompatError when unknown or malformed. */
export function findCudaRelease(cuda: string): CudaDriverRow {
  const version = parseCudaVersion(cuda)
  const found = CUDA_DRIVER_TABLE.find((candidate) => sameCudaRelease(candidate.cuda, version))
  if (found) return found
  const sameMinor = CUDA_DRIVER_TABLE.filter(
    (candidate) => candidate.cuda.major === version.major && candidate.cuda.minor === version.minor,
  )
  const known = sameMinor.length
    ? `known ${version.major}.${version.minor} releases: ${sameMinor.map((r) => formatCudaVersion(r.cuda)).join(', ')}`
    : `Cabinet knows CUDA ${tableRange()}`
  throw new CudaCompatError(
    'UNKNOWN_CUDA_VERSION',
    `${cudaReleaseName(version)} (${formatCudaVersion(version)}) is not in NVIDIA's driver table as Cabinet holds it (${known})`,
  )
}

function tableRange(): string {
  const versions = CUDA_DRIVER_TABLE.map((row) => `${row.cuda.major}.${row.cuda.minor}`)
  return `${versions.at(-1)} to ${versions[0]}`
}

/** The minimum Linux x86_64 driver for a CUDA release ("12.4" -> "550.54.14"). Throws CudaCompatError. */
export function minimumDriverFor(cuda: string): string {
  return findCudaRelease(cuda).minimumDriver
}

export interface DriverCudaQuery {
  driver: string
  cuda: string
  /** The product name as nvidia-smi prints it ("NVIDIA H100 80GB HBM3"); decides forward compatibility. */
  gpuModel: string
  /** Accept a driver older than the release's minimum within the same CUDA major (limited features). */
  allowMinorVersionCompat?: boolean
  /** Accept an older driver on datacenter GPUs through the cuda-compat package. */
  allowForwardCompat?: boolean
}

export function checkDriverForCuda(query: DriverCudaQuery): CompatVerdict {
  const { driver, cuda, gpuModel } = query
  let release: CudaDriverRow
  try {
    parseDriverVersion(driver)
    release = findCudaRelease(cuda)
  } catch (error) {
    if (!(error instanceof CudaCompatError)) throw error
    return {
      compatible: false,
      mode: 'incompatible',
      code: error.code === 'UNKNOWN_CUDA_VERSION' ? 'UNKNOWN_CUDA_VERSION' : 'INVALID_VERSION',
      reason: error.message,
      requiredDriver: null,
    }
  }
  const name = cudaReleaseName(release.cuda)
  const required = release.minimumDriver
  const verdict = (compatible: boolean, mode: CompatMode, code: CompatCode, reason: string): CompatVerdict => ({
    compatible,
    mode,
    code,
    reason,
    requiredDriver: required,
  })

  if (compareDriverVersions(driver, required) >= 0) {
    return verdict(true, 'native', 'NATIVE', `driver ${driver} runs ${name} natively (needs >= ${required})`)
  }
  const floor = MINOR_VERSION_FLOORS.find((candidate) => candidate.cudaMajor === release.cuda.major)
  const withinMajor = floor !== undefined && compareDriverVersions(driver, floor.minimumDriver) >= 0
  if (query.allowMinorVersionCompat && withinMajor) {
    return verdict(
      true,
      'minor-version',
      'MINOR_VERSION_COMPAT',
      `driver ${driver} runs ${name} under minor-version compatibility (CUDA ${release.cuda.major}.x needs >= ${floor.minimumDriver}; ` +
        `native needs >= ${required}): ${MINOR_VERSION_CAVEAT}`,
    )
  }
  const tooOld = `driver ${driver} cannot run ${name}: needs >= ${required}`
  if (query.allowForwardCompat) {
    const gpuClass = classifyGpu(gpuModel)
    if (gpuClass !== 'datacenter') {
      return verdict(
        false,
        'incompatible',
        'FORWARD_COMPAT_UNSUPPORTED_GPU',
        `${tooOld}; forward compatibility is supported only on NVIDIA datacenter GPUs and "${gpuModel}" is ${gpuClass === 'unknown' ? 'not recognised as one' : `a ${gpuClass} GPU`}`,
      )
    }
    return verdict(
      true,
      'forward-compat',
      'FORWARD_COMPAT',
      `driver ${driver} runs ${name} on ${gpuModel} only through forward compatibility (native needs >= ${required}): ${FORWARD_COMPAT_CAVEAT}`,
    )
  }
  const hint = withinMajor ? ` (minor-version compatibility would allow it with a limited feature set)` : ''
  return verdict(false, 'incompatible', 'DRIVER_TOO_OLD', `${tooOld}${hint}`)
}

export interface ClusterCudaDeclaration {
  name: string
  /** CUDA releases the cluster's workloads are built with ("12.4", "12.8.1"). */
  cudaVersions: string[]
  /** Product names of the cluster's GPUs. */
  gpuModels: string[]
}

export interface DriverTargetQuery {
  targetDriver: string
  clusters: ClusterCudaDeclaration[]
  allowMinorVersionCompat?: boolean
  allowForwardCompat?: boolean
}

export interface ClusterCudaVerdict extends CompatVerdict {
  cluster: string
  cuda: string
  /** The GPU model that decided the verdict (the least compatible one), null when the cluster lists none. */
  gpuModel: string | null
}

export interface DriverTargetVerdict {
  /** True when every declared CUDA release of every cluster can run on the target driver. */
  accepted: boolean
  verdicts: ClusterCudaVerdict[]
  /** Why the target is refused, in one paragraph for the requester; null when accepted. */
  explanation: string | null
}

const MODE_RANK: Record<CompatMode, number> = { native: 3, 'minor-version': 2, 'forward-compat': 1, incompatible: 0 }

/** Checks a driver target against the CUDA releases each cluster declares (cluster x CUDA), worst GPU first. */
export function checkDriverTarget(query: DriverTargetQuery): DriverTargetVerdict {
  try {
    parseDriverVersion(query.targetDriver)
  } catch (error) {
    if (error instanceof CudaCompatError) return { accepted: false, verdicts: [], explanation: error.message }
    throw error
  }
  const verdicts: ClusterCudaVerdict[] = []
  for (const cluster of query.clusters) {
    // A cluster without GPU models cannot qualify for forward compatibility: check it as an unknown GPU.
    const models = cluster.gpuModels.length ? cluster.gpuModels : ['']
    for (const cuda of cluster.cudaVersions) {
      const perModel = models.map((gpuModel) => ({
        gpuModel,
        verdict: checkDriverForCuda({
          driver: query.targetDriver,
          cuda,
          gpuModel,
          allowMinorVersionCompat: query.allowMinorVersionCompat,
          allowForwardCompat: query.allowForwardCompat,
        }),
      }))
      const worst = perModel.reduce((a, b) => (MODE_RANK[b.verdict.mode] < MODE_RANK[a.verdict.mode] ? b : a))
      verdicts.push({
        ...worst.verdict,
        cluster: cluster.name,
        cuda,
        gpuModel: worst.gpuModel === '' ? null : worst.gpuModel,
      })
    }
  }
  const refused = verdicts.filter((verdict) => !verdict.compatible)
  return {
    accepted: refused.length === 0,
    verdicts,
    explanation: refused.length ? explain(query.targetDriver, refused) : null,
  }
}

function explain(targetDriver: string, refused: ClusterCudaVerdict[]): string {
  const sentences: string[] = []
  const tooOld = refused.filter((verdict) => verdict.requiredDriver !== null)
  if (tooOld.length) {
    const items = tooOld.map((verdict) => {
      const gpuNote =
        verdict.code === 'FORWARD_COMPAT_UNSUPPORTED_GPU'
          ? ` (forward compatibility is not supported on ${verdict.gpuModel ?? 'GPUs of unknown model'})`
          : ''
      return `CUDA ${verdict.cuda} declared by cluster ${verdict.cluster}: needs >= ${verdict.requiredDriver}${gpuNote}`
    })
    sentences.push(`driver ${targetDriver} cannot run ${items.join('; ')}`)
  }
  for (const verdict of refused.filter((candidate) => candidate.requiredDriver === null)) {
    sentences.push(
      `cluster ${verdict.cluster} declares CUDA ${verdict.cuda}, which cannot be checked: ${verdict.reason}`,
    )
  }
  return sentences.join('. ')
}
