// Small helpers every gate uses: building findings, describing unknown readings in messages, and the
// per-GPU loop that refuses to pass when there is no GPU to look at.
import type { Reading } from '../common/readings'
import type { GpuSnapshot, NodeSnapshot } from '../model'
import type { HealthInput, HealthReasonCode, HealthVerdict } from './types'

/** One observation of a gate: a verdict, why, and which GPU. A pass without a reason needs no explaining. */
export interface Finding {
  verdict: HealthVerdict
  gpuIndex?: number
  reason?: { code: HealthReasonCode; message: string }
}

export const VERDICT_SEVERITY: Record<HealthVerdict, number> = { pass: 0, inconclusive: 1, fail: 2 }

/** fail beats inconclusive beats pass; nothing observed is inconclusive, never pass. */
export function worstVerdict(verdicts: HealthVerdict[]): HealthVerdict {
  if (verdicts.length === 0) return 'inconclusive'
  return verdicts.reduce((a, b) => (VERDICT_SEVERITY[b] > VERDICT_SEVERITY[a] ? b : a))
}

export interface HealthGateContext {
  input: HealthInput
  /** The snapshot to judge: null when the probe errored (then no snapshot gate runs) or returned nothing. */
  snapshot: NodeSnapshot | null
}

export const passed = (gpuIndex?: number): Finding => ({ verdict: 'pass', gpuIndex })

export const failed = (code: HealthReasonCode, message: string, gpuIndex?: number): Finding => ({
  verdict: 'fail',
  gpuIndex,
  reason: { code, message },
})

export const inconclusive = (code: HealthReasonCode, message: string, gpuIndex?: number): Finding => ({
  verdict: 'inconclusive',
  gpuIndex,
  reason: { code, message },
})

/** A pass that still says something (e.g. why a gate does not apply to this GPU). */
export const passedWith = (code: HealthReasonCode, message: string, gpuIndex?: number): Finding => ({
  verdict: 'pass',
  gpuIndex,
  reason: { code, message },
})

/** How an unknown reading looked: `"N/A"` when the tool printed something, "absent" when it printed nothing. */
export function printed<T>(reading: Reading<T>): string {
  if (reading.known) return String(reading.value)
  return reading.raw === null || reading.raw === '' ? 'absent' : `"${reading.raw}"`
}

export const gpuLabel = (gpu: GpuSnapshot): string => {
  const name = gpu.name.known ? ` (${gpu.name.value})` : ''
  return `GPU ${gpu.index}${name}`
}

/** Runs a per-GPU check over every GPU; with no GPU at all the gate is inconclusive, never a vacuous pass. */
export function eachGpu(context: HealthGateContext, check: (gpu: GpuSnapshot) => Finding[]): Finding[] {
  const gpus = context.snapshot?.gpus ?? []
  if (gpus.length === 0) return [inconclusive('NO_GPU_DATA', 'the probe returned no GPU to check')]
  return gpus.flatMap((gpu) => check(gpu).map((finding) => ({ ...finding, gpuIndex: gpu.index })))
}
