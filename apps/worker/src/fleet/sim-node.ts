// Simulated GPU nodes for the demo fleet and the tests: writes a gpu-sim state folder with a model,
// a driver and faults, using the simulator's own lifecycle (an XID 79 comes from a real "upgrade and
// reboot"), so what the probes read is what the simulator would print after that history.
import {
  createNodeState,
  type GpuModelKey,
  installDriver,
  isGpuModelKey,
  reboot,
  setFault,
  writeState,
} from '@cabinet/gpu-sim'

export type SimNodeFault =
  /** `count` volatile uncorrectable ECC errors on one GPU (Xid 48 in the kernel log). */
  | { kind: 'ecc-errors'; gpu: number; count: number }
  /** The node was upgraded from `from` to its driver, and one GPU fell off the bus on the reboot (Xid 79). */
  | { kind: 'xid79-after-upgrade'; gpu: number; from: string }
  /** One GPU did not enumerate after the last reboot. */
  | { kind: 'gpu-missing'; gpu: number }
  /** nvidia-smi and dcgmi block until killed. */
  | { kind: 'hanging-probe' }

export interface SimNodeSpec {
  hostname: string
  /** The catalog's model; models the simulator does not know (B200, other) are simulated as H100. */
  gpuModel: string
  gpuCount: number
  driver: string
  faults?: readonly SimNodeFault[]
}

export function simModel(gpuModel: string): GpuModelKey {
  return isGpuModelKey(gpuModel) ? gpuModel : 'H100'
}

/** Writes (or replaces) the node's state folder at `dir`. */
export function writeSimNode(dir: string, spec: SimNodeSpec, now: Date = new Date()): void {
  const faults = spec.faults ?? []
  const upgrade = faults.find((fault) => fault.kind === 'xid79-after-upgrade')
  const state = createNodeState(
    {
      hostname: spec.hostname,
      model: simModel(spec.gpuModel),
      gpus: spec.gpuCount,
      driver: upgrade?.from ?? spec.driver,
    },
    now,
  )
  let rebootNeeded = false
  for (const fault of faults) {
    switch (fault.kind) {
      case 'xid79-after-upgrade':
        setFault(state, 'xid79-after-upgrade', { gpu: fault.gpu }, now)
        installDriver(state, spec.driver, now)
        rebootNeeded = true
        break
      case 'gpu-missing':
        setFault(state, 'gpu-missing-after-reboot', { gpu: fault.gpu }, now)
        rebootNeeded = true
        break
      case 'ecc-errors':
        break
      case 'hanging-probe':
        setFault(state, 'hanging-probe', {}, now)
        break
    }
  }
  if (rebootNeeded) reboot(state, now, 0)
  // After the reboot, so the errors belong to this boot's kernel log.
  for (const fault of faults) {
    if (fault.kind === 'ecc-errors') setFault(state, 'ecc-errors', { gpu: fault.gpu, count: fault.count }, now)
  }
  writeState(dir, state)
}
