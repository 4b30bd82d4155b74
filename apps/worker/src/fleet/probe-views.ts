// Turns a parsed snapshot and its health into what the fleet API shows: one row per GPU (unknown
// readings become null, never 0), the gate results, and a few short reason lines for the node table.
import type { GateResultView, GpuProbeRow } from '@cabinet/contracts'
import type { GpuSnapshot, NodeHealth, NodeSnapshot, Reading } from '@cabinet/gpu'

const readingValue = <T>(reading: Reading<T> | undefined): T | null => (reading?.known ? reading.value : null)

/** The most reason lines the node table and the summary carry; the detail page shows them all. */
export const SHORT_REASONS = 5

function throttleReasons(gpu: GpuSnapshot): string[] {
  return Object.entries(gpu.clockEventReasons).flatMap(([name, reading]) =>
    reading.known && reading.value === true ? [name] : [],
  )
}

export function gpuRows(snapshot: NodeSnapshot | null, health: NodeHealth): GpuProbeRow[] {
  if (!snapshot) return []
  const verdicts = new Map(health.perGpu.map((gpu) => [gpu.index, gpu]))
  return snapshot.gpus.map((gpu) => {
    const judged = verdicts.get(gpu.index)
    return {
      index: gpu.index,
      name: readingValue(gpu.name),
      uuid: readingValue(gpu.uuid),
      pciBusId: readingValue(gpu.pciBusId),
      temperatureC: readingValue(gpu.temperatureC),
      powerDrawW: readingValue(gpu.powerDrawW),
      powerLimitW: readingValue(gpu.powerLimitW),
      memoryTotalMiB: readingValue(gpu.memoryTotalMiB),
      memoryUsedMiB: readingValue(gpu.memoryUsedMiB),
      utilizationPercent: readingValue(gpu.utilizationGpuPercent),
      ecc: {
        volatileCorrectable: readingValue(gpu.ecc.volatile.correctable),
        volatileUncorrectable: readingValue(gpu.ecc.volatile.uncorrectable),
        aggregateCorrectable: readingValue(gpu.ecc.aggregate.correctable),
        aggregateUncorrectable: readingValue(gpu.ecc.aggregate.uncorrectable),
      },
      retiredPages: {
        singleBit: readingValue(gpu.retiredPages.singleBit),
        doubleBit: readingValue(gpu.retiredPages.doubleBit),
        pending: readingValue(gpu.retiredPages.pendingRetirement),
      },
      remappedRows: {
        correctable: readingValue(gpu.remappedRows.correctable),
        uncorrectable: readingValue(gpu.remappedRows.uncorrectable),
        pending: readingValue(gpu.remappedRows.pending),
        failure: readingValue(gpu.remappedRows.failure),
      },
      throttleReasons: throttleReasons(gpu),
      resetRequired: readingValue(gpu.resetRequired),
      // A GPU no gate judged has no evidence for it: inconclusive, as evaluateNodeHealth says.
      verdict: judged?.verdict ?? 'inconclusive',
      reasons: judged?.reasons.map((reason) => reason.message) ?? [],
    }
  })
}

export function gateViews(health: NodeHealth): GateResultView[] {
  return health.gates.map((gate) => ({
    gate: gate.gate,
    verdict: gate.verdict,
    reasons: gate.reasons.map((reason) => ({
      code: reason.code,
      message: reason.message,
      gpuIndex: reason.gpuIndex ?? null,
    })),
  }))
}

/** Every failing reason, then every inconclusive one, as `gate: message`. */
export function reasonLines(health: NodeHealth): string[] {
  const rank = { fail: 0, inconclusive: 1, pass: 2 } as const
  return [...health.gates]
    .filter((gate) => gate.verdict !== 'pass')
    .sort((a, b) => rank[a.verdict] - rank[b.verdict])
    .flatMap((gate) => gate.reasons.map((reason) => `${gate.gate}: ${reason.message}`))
}

/** The firmware the GPUs report (their VBIOS), one value when they agree, else every distinct one. */
export function firmwareOf(snapshot: NodeSnapshot | null): string | null {
  const versions = [
    ...new Set(snapshot?.gpus.flatMap((gpu) => (gpu.vbiosVersion.known ? [gpu.vbiosVersion.value] : []))),
  ]
  return versions.length ? versions.sort().join(', ') : null
}
