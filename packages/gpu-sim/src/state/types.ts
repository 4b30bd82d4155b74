// The simulated node as stored in its state folder (state.json): inventory, driver, drain and boot state,
// install history and faults. Everything the tools print is derived from this at the moment they run.
import type { GpuModelKey } from '../hardware/models'

export const SIM_STATE_SCHEMA = 1

export const FAULT_NAMES = [
  /** install-driver fails like the real installer and leaves the driver as it was. */
  'install-fails',
  /** install-driver takes `seconds` to finish (for apply timeouts). */
  'slow-install',
  /** After the next install of another version and the reboot that loads it, a GPU falls off the bus (Xid 79). */
  'xid79-after-upgrade',
  /** A GPU shows volatile (and lifetime) uncorrectable ECC errors, with the Xid 48 the kernel logs for them. */
  'ecc-errors',
  /** After the next reboot a GPU does not come back (RmInitAdapter failed): one GPU fewer, no Xid. */
  'gpu-missing-after-reboot',
  /** reboot takes `seconds`; meanwhile the probes fail as on a node whose driver is not loaded yet. */
  'slow-reboot',
  /** nvidia-smi and dcgmi block until killed. */
  'hanging-probe',
  /** `cabinet-node perf` drops by `percent` once the driver installed after the fault was set is loaded. */
  'perf-regression',
] as const
export type FaultName = (typeof FAULT_NAMES)[number]

export interface FaultSettings {
  /** Physical GPU slot the fault hits (its index while every GPU is visible). */
  gpu: number
  seconds: number
  percent: number
  /** ecc-errors: uncorrectable errors; install-fails: how many installs fail (0 = every one). */
  count: number
  /** xid79-after-upgrade, perf-regression: the version installed after the fault was set, once there is one. */
  triggeredBy: string | null
  /** For faults that fire once (xid79, missing GPU, failing N installs): whether they have. */
  fired: boolean
  setAt: string
}

export type DrainState = 'none' | 'draining' | 'drained'

export interface SimGpu {
  slot: number
  uuid: string
  serial: string
  pciBusId: string
  /** Why the GPU is not visible, if it is not. */
  lost: 'fell-off-bus' | 'missing' | null
  /** Lifetime uncorrectable ECC errors (what `aggregate` prints); grows when ecc-errors is set. */
  aggregateUncorrectable: number
}

export interface KernelLogLine {
  /** Seconds since boot, as dmesg prints them. */
  uptime: number
  text: string
}

export interface InstallRecord {
  version: string
  at: string
  ok: boolean
  message: string | null
}

export interface SimState {
  schema: typeof SIM_STATE_SCHEMA
  hostname: string
  model: GpuModelKey
  gpuCount: number
  gpus: SimGpu[]
  driver: {
    /** On disk: what the last successful install put there (or the image's driver). */
    installed: string
    /** In the kernel: what the last boot loaded. nvidia-smi fails with a version mismatch while they differ. */
    loaded: string
  }
  /** Successful install-driver runs per version (the image's own driver is not counted). */
  installs: Record<string, number>
  /** Last 100 install attempts, oldest first. */
  installLog: InstallRecord[]
  drain: {
    state: DrainState
    reason: string | null
    since: string | null
    /** When a `draining` node becomes `drained` (Slurm waits for running jobs; here a timer). */
    drainedAt: string | null
    /** Whether the node was already drained or draining when the current drain was requested. */
    drainedBefore: boolean
  }
  boot: {
    id: string
    count: number
    bootedAt: string
    /** Until this time the node is still coming up (slow-reboot). */
    readyAt: string
  }
  faults: Partial<Record<FaultName, FaultSettings>>
  kernelLog: KernelLogLine[]
}
