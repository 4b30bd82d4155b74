// Judges a probed node against the rollout gates: every gate is data (when it applies, what it reads, how it
// judges), and the node's verdict is the worst gate's. Pure: time and all inputs come in as arguments.
import { type Finding, type HealthGateContext, worstVerdict } from './findings'
import {
  eccGate,
  hwSlowdownGate,
  pageRetirementGate,
  resetRequiredGate,
  rowRemapGate,
  temperatureGate,
} from './gpu-gates'
import { cudaVersionGate, dcgmDiagGate, driverVersionGate, gpusVisibleGate } from './node-gates'
import type { GateResult, GpuHealth, HealthGate, HealthInput, HealthReason, NodeHealth } from './types'
import { criticalXidGate } from './xid-gate'

export interface HealthGateDefinition {
  gate: HealthGate
  description: string
  /** Where its input comes from: a snapshot gate cannot be judged when the probe errored. */
  reads: 'snapshot' | 'xid-log' | 'dcgm-diag'
  /** Whether the gate is evaluated for this input (an expectation set, a log given). */
  appliesTo: (input: HealthInput) => boolean
  evaluate: (context: HealthGateContext) => Finding[]
}

const always = (): boolean => true

/** DESIGN.md's gates after a node is applied, in report order (the performance probe lives elsewhere). */
export const HEALTH_GATE_DEFINITIONS: readonly HealthGateDefinition[] = [
  {
    gate: 'driver-version',
    description: 'installed driver equals the target',
    reads: 'snapshot',
    appliesTo: (input) => input.expected.driverVersion !== undefined,
    evaluate: driverVersionGate,
  },
  {
    gate: 'cuda-version',
    description: 'CUDA version reported by the driver equals the target',
    reads: 'snapshot',
    appliesTo: (input) => input.expected.cudaVersion !== undefined,
    evaluate: cudaVersionGate,
  },
  {
    gate: 'gpus-visible',
    description: 'every expected GPU is visible (count and UUIDs)',
    reads: 'snapshot',
    appliesTo: always,
    evaluate: gpusVisibleGate,
  },
  {
    gate: 'critical-xid',
    description: 'no critical XID since the change began',
    reads: 'xid-log',
    appliesTo: (input) => input.xids !== undefined,
    evaluate: criticalXidGate,
  },
  {
    gate: 'ecc',
    description: 'no new uncorrectable ECC error',
    reads: 'snapshot',
    appliesTo: always,
    evaluate: eccGate,
  },
  {
    gate: 'row-remap',
    description: 'no pending or failed row remap',
    reads: 'snapshot',
    appliesTo: always,
    evaluate: rowRemapGate,
  },
  {
    gate: 'page-retirement',
    description: 'no page pending retirement',
    reads: 'snapshot',
    appliesTo: always,
    evaluate: pageRetirementGate,
  },
  {
    gate: 'reset-required',
    description: 'no GPU needs a reset',
    reads: 'snapshot',
    appliesTo: always,
    evaluate: resetRequiredGate,
  },
  {
    gate: 'hw-slowdown',
    description: 'no hardware slowdown (hw_slowdown, thermal, power brake)',
    reads: 'snapshot',
    appliesTo: always,
    evaluate: hwSlowdownGate,
  },
  {
    gate: 'temperature',
    description: 'temperature below the slowdown threshold and the configured limit',
    reads: 'snapshot',
    appliesTo: always,
    evaluate: temperatureGate,
  },
  {
    gate: 'dcgm-diag',
    description: 'DCGM diagnostic passes at the chosen level',
    reads: 'dcgm-diag',
    appliesTo: (input) => input.diag !== undefined || input.expected.diagLevel !== undefined,
    evaluate: dcgmDiagGate,
  },
]

function toReason(finding: Finding): HealthReason[] {
  if (!finding.reason) return []
  return [finding.gpuIndex === undefined ? { ...finding.reason } : { ...finding.reason, gpuIndex: finding.gpuIndex }]
}

export function evaluateNodeHealth(
  input: HealthInput,
  definitions: readonly HealthGateDefinition[] = HEALTH_GATE_DEFINITIONS,
): NodeHealth {
  const probeError = input.probeError?.trim() ? input.probeError.trim() : null
  // An errored probe's snapshot is not evidence of anything: snapshot gates see none and XIDs are not mapped.
  const context: HealthGateContext = { input, snapshot: probeError === null ? input.snapshot : null }

  const gates: GateResult[] = []
  const findingsByGpu = new Map<number, Finding[]>()
  for (const definition of definitions) {
    if (!definition.appliesTo(input)) continue
    const findings: Finding[] =
      probeError !== null && definition.reads === 'snapshot'
        ? [{ verdict: 'inconclusive', reason: { code: 'PROBE_ERROR', message: `the probe failed: ${probeError}` } }]
        : definition.evaluate(context)
    gates.push({
      gate: definition.gate,
      verdict: worstVerdict(findings.map((finding) => finding.verdict)),
      reasons: findings.flatMap(toReason),
    })
    for (const finding of findings) {
      if (finding.gpuIndex === undefined) continue
      const list = findingsByGpu.get(finding.gpuIndex) ?? []
      list.push(finding)
      findingsByGpu.set(finding.gpuIndex, list)
    }
  }

  for (const gpu of context.snapshot?.gpus ?? []) {
    if (!findingsByGpu.has(gpu.index)) findingsByGpu.set(gpu.index, [])
  }
  const perGpu: GpuHealth[] = [...findingsByGpu.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, findings]) => ({
      index,
      // A GPU no gate looked at has nothing to show for it: inconclusive, like any empty evidence.
      verdict: worstVerdict(findings.map((finding) => finding.verdict)),
      reasons: findings.flatMap(toReason),
    }))

  return { verdict: worstVerdict(gates.map((gate) => gate.verdict)), gates, perGpu }
}
