// Node-level gates: the driver and CUDA version equal the target, every expected GPU is visible, and the
// DCGM diagnostic passed at the chosen level.
import { compareDriverVersions } from '../compat/versions'
import type { DiagTestResult } from '../model'
import { failed, type Finding, type HealthGateContext, inconclusive, passed, printed } from './findings'

function sameDriver(actual: string, expected: string): boolean {
  if (actual.trim() === expected.trim()) return true
  try {
    return compareDriverVersions(actual, expected) === 0
  } catch {
    return false // Either side is not a driver version: only the exact text could have matched.
  }
}

const DOTTED = /^\d+(\.\d+)+$/

/** Equal on the components both print: nvidia-smi reports "12.4" for any 12.4.x toolkit. */
function sameCuda(actual: string, expected: string): boolean {
  const a = actual.trim()
  const b = expected.trim()
  if (!DOTTED.test(a) || !DOTTED.test(b)) return a === b
  const left = a.split('.').map(Number)
  const right = b.split('.').map(Number)
  const shared = Math.min(left.length, right.length)
  return left.slice(0, shared).every((part, i) => part === right[i])
}

export function driverVersionGate({ input, snapshot }: HealthGateContext): Finding[] {
  const expected = input.expected.driverVersion ?? ''
  const reading = snapshot?.driverVersion
  if (!reading?.known) {
    const seen = reading ? `it printed ${printed(reading)}` : 'the probe returned no snapshot'
    return [inconclusive('DRIVER_VERSION_UNKNOWN', `cannot tell the installed driver (${seen}); target ${expected}`)]
  }
  if (sameDriver(reading.value, expected)) return [passed()]
  return [failed('DRIVER_VERSION_MISMATCH', `driver ${reading.value} is installed, target is ${expected}`)]
}

export function cudaVersionGate({ input, snapshot }: HealthGateContext): Finding[] {
  const expected = input.expected.cudaVersion ?? ''
  const reading = snapshot?.cudaVersion
  if (!reading?.known) {
    const seen = reading ? `it printed ${printed(reading)}` : 'the probe returned no snapshot'
    return [inconclusive('CUDA_VERSION_UNKNOWN', `cannot tell the CUDA version (${seen}); target ${expected}`)]
  }
  if (sameCuda(reading.value, expected)) return [passed()]
  return [failed('CUDA_VERSION_MISMATCH', `the driver reports CUDA ${reading.value}, target is ${expected}`)]
}

export function gpusVisibleGate({ input, snapshot }: HealthGateContext): Finding[] {
  const { gpuCount } = input.expected
  const expectedUuids = input.expected.gpuUuids ?? []
  const listed = snapshot?.gpus.length ?? 0
  const attached = snapshot?.attachedGpus.known ? snapshot.attachedGpus.value : null
  const visible = Math.max(listed, attached ?? 0)

  if (visible === 0) {
    if (gpuCount !== undefined && gpuCount > 0) {
      return [failed('GPU_MISSING', `expected ${gpuCount} GPUs, the probe returned none`)]
    }
    if (expectedUuids.length > 0) {
      return [failed('GPU_MISSING', `expected GPUs ${expectedUuids.join(', ')}, the probe returned none`)]
    }
    return [failed('NO_GPUS', 'the probe returned no GPU')]
  }

  const findings: Finding[] = []
  const truncated = attached !== null && attached > listed
  if (truncated) {
    findings.push(
      inconclusive(
        'GPU_DETAILS_TRUNCATED',
        `the tool reports ${attached} GPUs attached but the output lists ${listed}`,
      ),
    )
  }
  if (gpuCount !== undefined) {
    if (visible < gpuCount) findings.push(failed('GPU_MISSING', `${visible} of ${gpuCount} expected GPUs visible`))
    else if (visible > gpuCount) {
      findings.push(inconclusive('GPU_COUNT_UNEXPECTED', `${visible} GPUs visible, ${gpuCount} expected`))
    }
  }
  const gpus = snapshot?.gpus ?? []
  const seenUuids = new Set(gpus.flatMap((gpu) => (gpu.uuid.known ? [gpu.uuid.value.toLowerCase()] : [])))
  const someUnreadable = truncated || gpus.some((gpu) => !gpu.uuid.known)
  for (const uuid of expectedUuids) {
    if (seenUuids.has(uuid.toLowerCase())) continue
    findings.push(
      someUnreadable
        ? inconclusive('GPU_UUID_UNVERIFIABLE', `expected GPU ${uuid} not found, and some GPUs' UUIDs are unreadable`)
        : failed('GPU_UUID_MISSING', `expected GPU ${uuid} is not visible`),
    )
  }
  return findings.length ? findings : [passed()]
}

function firstDetail(test: DiagTestResult, info: string[]): string {
  const detail = [...info, ...test.warnings, ...test.info].find((line) => line.trim() !== '')
  return detail ? `: ${detail.trim()}` : ''
}

export function dcgmDiagGate({ input }: HealthGateContext): Finding[] {
  const { diag } = input
  const required = input.expected.diagLevel
  const wanted = required === undefined ? 'a DCGM diagnostic' : `a DCGM diagnostic at level ${required}`
  if (!diag) return [inconclusive('DIAG_MISSING', `${wanted} is required and none was run`)]

  const findings: Finding[] = []
  if (required !== undefined) {
    if (!diag.level.known) {
      findings.push(inconclusive('DIAG_LEVEL_UNKNOWN', `the diagnostic does not say its level; ${wanted} is required`))
    } else if (diag.level.value < required) {
      // An inferred level is a lower bound (the highest level whose tests appear), so it still cannot prove more.
      const ran = diag.levelInferred
        ? `at least at level ${diag.level.value} (inferred from the tests it lists)`
        : `at level ${diag.level.value}`
      findings.push(inconclusive('DIAG_LEVEL_TOO_LOW', `the diagnostic ran ${ran}; ${wanted} is required`))
    }
  }

  for (const test of diag.tests.filter((candidate) => candidate.verdict === 'fail')) {
    const failedGpus = test.gpus.filter((gpu) => gpu.verdict === 'fail')
    if (failedGpus.length === 0) {
      findings.push(failed('DIAG_FAILED', `DCGM ${test.name} failed${firstDetail(test, [])}`))
    }
    for (const gpu of failedGpus) {
      // DCGM's GPU id is NVML's index, the same index nvidia-smi prints.
      findings.push(
        failed('DIAG_FAILED', `DCGM ${test.name} failed on GPU ${gpu.gpuId}${firstDetail(test, gpu.info)}`, gpu.gpuId),
      )
    }
  }
  const anyFailed = findings.some((finding) => finding.verdict === 'fail')
  if (diag.overall === 'fail' && !anyFailed) {
    findings.push(failed('DIAG_FAILED', 'DCGM reports the diagnostic failed'))
  } else if (diag.overall === 'warn' && !anyFailed) {
    const warned = diag.tests.filter((test) => test.verdict === 'warn').map((test) => test.name)
    findings.push(
      inconclusive('DIAG_WARNING', `DCGM diagnostic warned${warned.length ? ` in ${warned.join(', ')}` : ''}`),
    )
  } else if (diag.runtimeError && !anyFailed) {
    findings.push(inconclusive('DIAG_INCOMPLETE', `dcgmi could not run the diagnostic: ${diag.runtimeError}`))
  } else if (diag.overall === 'skip' || diag.overall === 'not-run') {
    findings.push(inconclusive('DIAG_INCOMPLETE', `DCGM diagnostic result is "${diag.overall}"`))
  } else if (diag.overall === 'pass' && diag.tests.length === 0) {
    findings.push(inconclusive('DIAG_INCOMPLETE', 'DCGM diagnostic reports pass but lists no test'))
  }
  return findings.length ? findings : [passed()]
}
