// Which Linux x86_64 driver each CUDA toolkit release needs, as data: NVIDIA's own table plus the
// minor-version compatibility floors per CUDA major. Change a number here only with a source beside it.
import type { CudaVersion } from './versions'

export type CudaDriverSource =
  /** Read from NVIDIA's CUDA 13.1 release notes, Table 3 (see NVIDIA_RELEASE_NOTES_13_1). */
  | 'nvidia-release-notes'
  /**
   * NVIDIA's own page for the row was not available to us; the number comes from several independent
   * projects that vendor NVIDIA's table and agree with each other (named beside the row).
   */
  | 'vendored-copies'

export interface CudaDriverRow {
  cuda: CudaVersion
  /** Minimum Linux x86_64 driver, the "Toolkit Driver Version" column. */
  minimumDriver: string
  source: CudaDriverSource
}

/**
 * NVIDIA CUDA Toolkit 13.1 Release Notes, section 2.2 "CUDA Driver", Table 3 "CUDA Toolkit and
 * Corresponding Driver Versions", column "Linux x86_64 Driver Version"
 * (https://docs.nvidia.com/cuda/archive/13.1.0/cuda-toolkit-release-notes/index.html, published 2025-12-04).
 * Every 12.x and 11.8 row also appears unchanged in the CUDA 13.4 Update 1 release notes ("Older CUDA versions
 * (12.9 and earlier)"), which list 13.x by driver branch only.
 */
export const NVIDIA_RELEASE_NOTES_13_1 =
  'https://docs.nvidia.com/cuda/archive/13.1.0/cuda-toolkit-release-notes/index.html'

/** NVIDIA's CUDA Compatibility guide, "Minor Version Compatibility", Table 1. */
export const NVIDIA_MINOR_VERSION_COMPATIBILITY =
  'https://docs.nvidia.com/deploy/cuda-compatibility/minor-version-compatibility.html'

/** NVIDIA's CUDA Compatibility guide, "Forward Compatibility". */
export const NVIDIA_FORWARD_COMPATIBILITY =
  'https://docs.nvidia.com/deploy/cuda-compatibility/forward-compatibility.html'

const row = (
  major: number,
  minor: number,
  update: number,
  minimumDriver: string,
  source: CudaDriverSource = 'nvidia-release-notes',
): CudaDriverRow => ({ cuda: { major, minor, update }, minimumDriver, source })

/**
 * Newest first, as NVIDIA prints it. Deliberately absent:
 * - CUDA 12.3 Update 2 (12.3.2): shipped, but NVIDIA's table has no row for it (it goes 12.3 GA, 12.3 Update 1,
 *   12.4 GA) in any release notes we could read. Not guessed; a cluster declaring 12.3.2 is refused as unknown.
 * - CUDA 12.7: never released (12.6 Update 3 is followed by 12.8 GA).
 */
export const CUDA_DRIVER_TABLE: readonly CudaDriverRow[] = [
  // CUDA 13.1 Update 1: not in the 13.1.0 notes (it came later) and the 13.4 notes list 13.x by branch only.
  // 590.48.01 is what NVIDIA's later notes say according to independent vendored copies that agree: a guide
  // quoting the CUDA 13.3 release notes' table, an Ubuntu toolkit installer's version matrix, a GPU preflight
  // script citing docs.nvidia.com/cuda/archive/13.1.1/cuda-toolkit-release-notes, and the cuda-compat-impl
  // 590.48.01 package on conda-forge. Our H100 and H200 fixtures run 590.48.01 and report CUDA 13.1.
  row(13, 1, 1, '590.48.01', 'vendored-copies'),
  row(13, 1, 0, '590.44.01'),
  row(13, 0, 2, '580.95.05'),
  row(13, 0, 1, '580.82.07'),
  row(13, 0, 0, '580.65.06'),
  row(12, 9, 1, '575.57.08'),
  row(12, 9, 0, '575.51.03'),
  row(12, 8, 1, '570.124.06'),
  row(12, 8, 0, '570.26'),
  row(12, 6, 3, '560.35.05'),
  row(12, 6, 2, '560.35.03'),
  row(12, 6, 1, '560.35.03'),
  row(12, 6, 0, '560.28.03'),
  row(12, 5, 1, '555.42.06'),
  row(12, 5, 0, '555.42.02'),
  row(12, 4, 1, '550.54.15'),
  row(12, 4, 0, '550.54.14'),
  row(12, 3, 1, '545.23.08'),
  row(12, 3, 0, '545.23.06'),
  row(12, 2, 2, '535.104.05'),
  row(12, 2, 1, '535.86.09'),
  row(12, 2, 0, '535.54.03'),
  row(12, 1, 1, '530.30.02'),
  row(12, 1, 0, '530.30.02'),
  row(12, 0, 1, '525.85.12'),
  row(12, 0, 0, '525.60.13'),
  row(11, 8, 0, '520.61.05'),
]

export interface MinorVersionFloor {
  cudaMajor: number
  /** The oldest driver that runs any release of this CUDA major under minor-version compatibility. */
  minimumDriver: string
  /** Why this exact number, since NVIDIA's table only names the branch. */
  note: string
}

/**
 * NVIDIA_MINOR_VERSION_COMPATIBILITY, Table 1, and the same table in the 13.1 release notes ("Driver Range for
 * Minor Version Compatibility"): 13.x >= 580, 12.x >= 525, 11.x >= 450. NVIDIA names branches; we use the
 * oldest driver of that branch NVIDIA documents for the family, never an older one.
 */
export const MINOR_VERSION_FLOORS: readonly MinorVersionFloor[] = [
  {
    cudaMajor: 13,
    minimumDriver: '580.65.06',
    note: 'NVIDIA says >= 580; 580.65.06 is the first R580 driver it lists (CUDA 13.0 GA)',
  },
  {
    cudaMajor: 12,
    minimumDriver: '525.60.13',
    note: 'NVIDIA says >= 525 (older editions of the guide: >= 525.60.13, the CUDA 12.0 GA driver)',
  },
  {
    cudaMajor: 11,
    minimumDriver: '450.80.02',
    note: 'NVIDIA: minor-version compatibility across 11.x requires 450.80.02 or later on Linux',
  },
]

/**
 * Caveats of minor-version compatibility (NVIDIA_MINOR_VERSION_COMPATIBILITY, "Application Considerations"):
 * the application runs with a limited feature set; APIs that need a newer driver fail with
 * cudaErrorCallRequiresNewerDriver; PTX produced by the newer toolkit cannot be JIT-compiled by the older
 * driver (cudaErrorUnsupportedPtxVersion), so the application must ship SASS (cubins) for its GPUs.
 */
export const MINOR_VERSION_CAVEAT =
  'limited feature set: APIs needing a newer driver fail, and PTX JIT needs the full driver, so the application must ship SASS for its GPUs'

/**
 * Forward compatibility (NVIDIA_FORWARD_COMPATIBILITY): applications built with a newer toolkit run on an
 * older driver through the cuda-compat-<major>-<minor> package, on NVIDIA datacenter GPUs (and select NGC
 * Server Ready RTX SKUs and Jetson, which Cabinet does not claim), on driver branches NVIDIA supports for it.
 */
export const FORWARD_COMPAT_CAVEAT =
  'needs the cuda-compat package for that CUDA release installed on the node, and a driver branch NVIDIA supports for forward compatibility'
