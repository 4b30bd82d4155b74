// Parsing and ordering of NVIDIA driver versions (550.54.15, 570.26) and CUDA toolkit versions (12.4, 12.4.1,
// "12.4 Update 1"). Malformed or unknown input is a typed error with a sentence a person can act on.

export const CUDA_COMPAT_ERROR_CODES = [
  /** The driver version is not dotted numbers (550.54.15). */
  'INVALID_DRIVER_VERSION',
  /** The CUDA version is not X.Y, X.Y.Z, or "X.Y Update N". */
  'INVALID_CUDA_VERSION',
  /** Well-formed, but not a release in Cabinet's table (never released, out of range, or unconfirmed). */
  'UNKNOWN_CUDA_VERSION',
] as const
export type CudaCompatErrorCode = (typeof CUDA_COMPAT_ERROR_CODES)[number]

export class CudaCompatError extends Error {
  override readonly name = 'CudaCompatError'
  constructor(
    readonly code: CudaCompatErrorCode,
    message: string,
  ) {
    super(message)
  }
}

const DRIVER_VERSION = /^\d+(\.\d+){0,3}$/

/** Numeric parts of a driver version; each part compares as a number (535.104.05 is after 535.86.09). */
export function parseDriverVersion(version: string): number[] {
  const text = version.trim()
  if (!DRIVER_VERSION.test(text)) {
    throw new CudaCompatError(
      'INVALID_DRIVER_VERSION',
      `"${version}" is not an NVIDIA driver version (expected dotted numbers such as 550.54.15)`,
    )
  }
  return text.split('.').map(Number)
}

/** Negative when a is older than b, 0 when equal (570.26 equals 570.26.0), positive when newer. */
export function compareDriverVersions(a: string, b: string): number {
  const left = parseDriverVersion(a)
  const right = parseDriverVersion(b)
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0)
    if (difference !== 0) return Math.sign(difference)
  }
  return 0
}

/** The driver branch: 550 in 550.54.15. */
export function driverBranch(version: string): number {
  const [branch] = parseDriverVersion(version)
  return branch ?? 0
}

export interface CudaVersion {
  major: number
  minor: number
  /** 0 for the GA release, N for "Update N" (the third number of the toolkit version: 12.4.1 is Update 1). */
  update: number
}

const CUDA_DOTTED = /^(?:cuda\s*)?(\d+)\.(\d+)(?:\.(\d+))?$/i
const CUDA_WORDED = /^(?:cuda\s*)?(\d+)\.(\d+)(?:\.0)?\s+(?:update\s+(\d+)|ga)$/i

/** Reads "12.4" (the GA release), "12.4.1", "CUDA 12.4 Update 1" or "12.4 GA". */
export function parseCudaVersion(version: string): CudaVersion {
  const text = version.trim()
  const match = CUDA_DOTTED.exec(text) ?? CUDA_WORDED.exec(text)
  if (!match) {
    throw new CudaCompatError(
      'INVALID_CUDA_VERSION',
      `"${version}" is not a CUDA version (expected 12.4, 12.4.1 or "12.4 Update 1")`,
    )
  }
  return { major: Number(match[1]), minor: Number(match[2]), update: Number(match[3] ?? 0) }
}

export function formatCudaVersion(version: CudaVersion): string {
  return `${version.major}.${version.minor}.${version.update}`
}

/** "CUDA 12.4 Update 1" / "CUDA 12.4 GA", as NVIDIA's table names releases. */
export function cudaReleaseName(version: CudaVersion): string {
  const base = `CUDA ${version.major}.${version.minor}`
  return version.update === 0 ? `${base} GA` : `${base} Update ${version.update}`
}

export function sameCudaRelease(a: CudaVersion, b: CudaVersion): boolean {
  return a.major === b.major && a.minor === b.minor && a.update === b.update
}
