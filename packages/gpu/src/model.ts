// The normalised picture of a GPU node that every parser produces (each fills what its format
// carries, the rest stays unknown) and the health gates read. Shared by the API, worker and CLI.
import type { Reading } from './common/readings'

export interface EccCounters {
  /** Since the last driver load. */
  volatile: { correctable: Reading<number>; uncorrectable: Reading<number> }
  /** Over the board's life. */
  aggregate: { correctable: Reading<number>; uncorrectable: Reading<number> }
}

export interface RetiredPages {
  singleBit: Reading<number>
  doubleBit: Reading<number>
  pendingRetirement: Reading<boolean>
}

export interface RemappedRows {
  correctable: Reading<number>
  uncorrectable: Reading<number>
  pending: Reading<boolean>
  failure: Reading<boolean>
}

/** Clock event (throttle) reasons: true where nvidia-smi says Active. */
export interface ClockEventReasons {
  idle: Reading<boolean>
  applicationsClocksSetting: Reading<boolean>
  swPowerCap: Reading<boolean>
  hwSlowdown: Reading<boolean>
  hwThermalSlowdown: Reading<boolean>
  hwPowerBrakeSlowdown: Reading<boolean>
  syncBoost: Reading<boolean>
  swThermalSlowdown: Reading<boolean>
  displayClockSetting: Reading<boolean>
}

export interface MigDevice {
  index: number
  gpuInstanceId: Reading<number>
  computeInstanceId: Reading<number>
  memoryTotalMiB: Reading<number>
}

export interface GpuProcess {
  pid: number
  name: string
  type: Reading<string>
  usedMemoryMiB: Reading<number>
}

export interface GpuSnapshot {
  index: number
  uuid: Reading<string>
  name: Reading<string>
  pciBusId: Reading<string>
  serial: Reading<string>
  vbiosVersion: Reading<string>
  temperatureC: Reading<number>
  /** Slowdown / shutdown / max operating temperature thresholds, where printed. */
  temperatureLimitsC: { slowdown: Reading<number>; shutdown: Reading<number>; maxOperating: Reading<number> }
  powerDrawW: Reading<number>
  powerLimitW: Reading<number>
  memoryTotalMiB: Reading<number>
  memoryUsedMiB: Reading<number>
  utilizationGpuPercent: Reading<number>
  clockEventReasons: ClockEventReasons
  ecc: EccCounters
  retiredPages: RetiredPages
  remappedRows: RemappedRows
  /** "Yes" when the GPU must be reset before use. */
  resetRequired: Reading<boolean>
  /**
   * Added by the nvidia-smi parsers (absent from other sources). ECC currently enabled: with ECC off the
   * counters read N/A, which a gate must not take for "no errors".
   */
  eccEnabled?: Reading<boolean>
  /**
   * Drivers 550+ print temperatures against T.Limit on many boards: the current headroom below T.Limit
   * and the (negative or zero) headroom at which the GPU slows down, shuts down or stops operating.
   * A GPU is at risk when `current` falls to `slowdown`. Absolute thresholds are then often N/A.
   */
  temperatureMarginC?: {
    current: Reading<number>
    slowdown: Reading<number>
    shutdown: Reading<number>
    maxOperating: Reading<number>
  }
  /**
   * NVML's recovery action after an error, as printed: None, Reset, Reboot, Drain P2P, Drain and Reset.
   * Drivers 570+ print it instead of the reset status; `resetRequired` is derived from it there.
   */
  recoveryAction?: Reading<string>
  drainAndResetRecommended?: Reading<boolean>
  migMode: Reading<boolean>
  migDevices: MigDevice[]
  processes: GpuProcess[]
}

export interface NodeSnapshot {
  /** When the tool says it ran, if it says. */
  timestamp: Reading<string>
  driverVersion: Reading<string>
  cudaVersion: Reading<string>
  /** What the tool reports as attached; may differ from gpus.length when output was trimmed. */
  attachedGpus: Reading<number>
  gpus: GpuSnapshot[]
}

export type DiagVerdict = 'pass' | 'fail' | 'warn' | 'skip' | 'not-run'

export interface DiagTestResult {
  /** Category as DCGM names it (Deployment, Integration, Hardware, Stress...), when it says. */
  category: string | null
  name: string
  verdict: DiagVerdict
  /** Per-GPU verdicts, where the output gives them. */
  gpus: { gpuId: number; verdict: DiagVerdict; info: string[] }[]
  info: string[]
  warnings: string[]
  /**
   * Added by the DCGM parsers: each warning with the ids DCGM attaches in JSON output (error_id is a
   * DCGM_FR_* code; severity 2 = ISOLATE, 6 = RESET per dcgm_errors.h). Text output carries no ids.
   */
  errors?: {
    gpuId: number | null
    message: string
    errorId: number | null
    severity: number | null
    category: number | null
  }[]
}

export interface DiagReport {
  level: Reading<number>
  dcgmVersion: Reading<string>
  driverVersion: Reading<string>
  gpuIds: number[]
  tests: DiagTestResult[]
  /** Fail if any test failed, warn if any warned, pass if all that ran passed. */
  overall: DiagVerdict
  /**
   * Added by the DCGM parsers. dcgmi prints no run level: when true, `level` is the highest level whose
   * tests appear in the output (a lower bound on the level that was asked for).
   */
  levelInferred?: boolean
  /** Added by the DCGM parsers: PCI device ids (SKU, e.g. "2335") of the GPUs tested, one per GPU, as printed. */
  deviceIds?: string[]
  /** Added by the DCGM parsers: dcgmi's own error when the diagnostic did not run (JSON `runtime_error`). */
  runtimeError?: string
}

export type HealthWatchStatus = 'healthy' | 'warning' | 'failure' | 'unknown'

export interface HealthReport {
  overall: HealthWatchStatus
  incidents: {
    gpuId: number | null
    system: string
    status: HealthWatchStatus
    message: string
    errorCode: number | null
    /** Added by the DCGM parser: the entity as DCGM names it ("GPU 0", "Switch 3"), for non-GPU incidents too. */
    entity?: string
  }[]
}

export interface DiscoveredGpu {
  gpuId: number
  name: string
  pciBusId: Reading<string>
  uuid: Reading<string>
  deviceId: Reading<string>
}

export interface XidEvent {
  /** Kernel timestamp as printed (seconds since boot, or a wall clock), null when absent. */
  at: string | null
  pciBusId: string
  xid: number
  pid: number | null
  processName: string | null
  message: string
  line: number
  /** Added by the XID parser: seconds since boot, when the line carries them (`[ 219.470994]`, /dev/kmsg). */
  sinceBootSeconds?: number | null
}
