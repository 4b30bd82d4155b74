// The vocabulary of health evaluation: gate names, reason codes (typed constants, one line of doc each),
// and the shapes evaluateNodeHealth takes and returns.
import type { DiagReport, NodeSnapshot, XidEvent } from '../model'

export type HealthVerdict = 'pass' | 'fail' | 'inconclusive'

/** The gates of DESIGN.md ("Rollouts"), in the order they are reported. */
export const HEALTH_GATES = [
  'driver-version',
  'cuda-version',
  'gpus-visible',
  'critical-xid',
  'ecc',
  'row-remap',
  'page-retirement',
  'reset-required',
  'hw-slowdown',
  'temperature',
  'dcgm-diag',
] as const
export type HealthGate = (typeof HEALTH_GATES)[number]

export const HEALTH_REASON_CODES = [
  /** The probe itself errored: nothing it returned can be judged. */
  'PROBE_ERROR',
  /** The probe returned no snapshot or no GPU, so there is nothing to judge per GPU. */
  'NO_GPU_DATA',
  /** The gate does not apply to this GPU's generation; the mechanism it uses instead is readable. */
  'NOT_APPLICABLE',
  /** Installed driver differs from the target. */
  'DRIVER_VERSION_MISMATCH',
  /** The snapshot does not say which driver is installed. */
  'DRIVER_VERSION_UNKNOWN',
  /** CUDA version reported by the driver differs from the target. */
  'CUDA_VERSION_MISMATCH',
  /** The snapshot does not say which CUDA version the driver reports. */
  'CUDA_VERSION_UNKNOWN',
  /** No GPU visible at all on a GPU node. */
  'NO_GPUS',
  /** Fewer GPUs visible than expected. */
  'GPU_MISSING',
  /** More GPUs visible than expected: the inventory is wrong or hardware changed. */
  'GPU_COUNT_UNEXPECTED',
  /** An expected GPU UUID is not among the visible GPUs. */
  'GPU_UUID_MISSING',
  /** An expected UUID was not found, but some GPUs' UUIDs (or entries) are unreadable. */
  'GPU_UUID_UNVERIFIABLE',
  /** The tool reports more attached GPUs than the output lists (trimmed output): the rest is unjudged. */
  'GPU_DETAILS_TRUNCATED',
  /** A critical XID was logged since the change began. */
  'XID_CRITICAL',
  /** XID 63 was logged but whether a row remap is pending cannot be read. */
  'XID_REMAP_STATUS_UNKNOWN',
  /** A critical XID was logged at a time that cannot be placed relative to the change start. */
  'XID_TIME_UNKNOWN',
  /** Uncorrectable ECC errors grew against the pre-change baseline. */
  'ECC_UNCORRECTABLE_NEW',
  /** Volatile uncorrectable ECC errors since the driver loaded (no baseline to compare with). */
  'ECC_UNCORRECTABLE_VOLATILE',
  /** ECC counters cannot be read. */
  'ECC_UNKNOWN',
  /** ECC is disabled on the GPU: uncorrectable errors would go undetected. */
  'ECC_DISABLED',
  /** A row remap is pending: the GPU needs a reset. */
  'ROW_REMAP_PENDING',
  /** Row remapping failed: the GPU needs service. */
  'ROW_REMAP_FAILED',
  /** Row remapping status cannot be read. */
  'ROW_REMAP_UNKNOWN',
  /** Pages are pending retirement: the GPU needs a reset or reboot. */
  'PAGE_RETIREMENT_PENDING',
  /** Page retirement status cannot be read. */
  'PAGE_RETIREMENT_UNKNOWN',
  /** The GPU must be reset before use (reset status, or a recovery action other than None). */
  'RESET_REQUIRED',
  /** Reset status and recovery action cannot be read. */
  'RESET_STATUS_UNKNOWN',
  /** HW slowdown is active (clocks cut by half or more). */
  'HW_SLOWDOWN',
  /** HW thermal slowdown is active. */
  'HW_THERMAL_SLOWDOWN',
  /** HW power brake slowdown is active. */
  'HW_POWER_BRAKE_SLOWDOWN',
  /** Throttle (clock event) reasons cannot be read. */
  'THROTTLE_REASONS_UNKNOWN',
  /** Temperature reached the slowdown threshold or the configured limit. */
  'TEMPERATURE_LIMIT_REACHED',
  /** Temperature, or every limit to compare it with, cannot be read. */
  'TEMPERATURE_UNKNOWN',
  /** DCGM diagnostic failed. */
  'DIAG_FAILED',
  /** DCGM diagnostic passed with warnings: a person should look. */
  'DIAG_WARNING',
  /** DCGM diagnostic did not run its tests (skipped or not run). */
  'DIAG_INCOMPLETE',
  /** A DCGM diagnostic was required and none was given. */
  'DIAG_MISSING',
  /** The diagnostic ran at a lower level than required. */
  'DIAG_LEVEL_TOO_LOW',
  /** The diagnostic's level cannot be read, so it cannot prove the required level. */
  'DIAG_LEVEL_UNKNOWN',
] as const
export type HealthReasonCode = (typeof HEALTH_REASON_CODES)[number]

export interface HealthReason {
  code: HealthReasonCode
  message: string
  /** The GPU (nvidia-smi index) the reason is about; absent for node-level reasons. */
  gpuIndex?: number
}

export interface GateResult {
  gate: HealthGate
  verdict: HealthVerdict
  reasons: HealthReason[]
}

export interface GpuHealth {
  index: number
  verdict: HealthVerdict
  reasons: HealthReason[]
}

export interface NodeHealth {
  verdict: HealthVerdict
  gates: GateResult[]
  perGpu: GpuHealth[]
}

export interface HealthExpectations {
  driverVersion?: string
  /** Compared on the components both sides print: nvidia-smi's "12.4" matches an expected "12.4.1". */
  cudaVersion?: string
  gpuCount?: number
  gpuUuids?: string[]
  /** A limit below the GPU's own slowdown threshold; the lower of the two applies. */
  maxTemperatureC?: number
  /** Require a DCGM diagnostic at this level or higher (1-4); without it a given diag is judged at any level. */
  diagLevel?: number
}

/** When the change began: a wall-clock time, or seconds since boot for kernel-log timestamps like [1234.5]. */
export type XidSince = Date | { secondsSinceBoot: number }

export interface HealthInput {
  /** The node as probed after the change; null when the probe returned nothing. */
  snapshot: NodeSnapshot | null
  expected: HealthExpectations
  /** Kernel-log XIDs; without `since`, every event counts. Leave out to skip the XID gate. */
  xids?: { events: XidEvent[]; since?: XidSince }
  diag?: DiagReport
  /** The node as probed before the change, for "new" ECC errors. */
  baseline?: NodeSnapshot
  /** Set when the probe command failed (timeout, exit code, unparsable output). */
  probeError?: string
}
