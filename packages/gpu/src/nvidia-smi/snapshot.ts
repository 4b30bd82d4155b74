// What every nvidia-smi parser shares: an all-unknown GPU to fill in, counter sums that never turn an
// unknown into 0, the reset rule for drivers that print a recovery action, and nvidia-smi's own failures.
import { type GpuOutputFormat, GpuParseError } from '../common/parse-error'
import { known, type Reading, readFlag, readText, unknown } from '../common/readings'
import type { ClockEventReasons, GpuSnapshot, NodeSnapshot } from '../model'

export const CLOCK_REASON_KEYS = [
  'idle',
  'applicationsClocksSetting',
  'swPowerCap',
  'hwSlowdown',
  'hwThermalSlowdown',
  'hwPowerBrakeSlowdown',
  'syncBoost',
  'swThermalSlowdown',
  'displayClockSetting',
] as const satisfies readonly (keyof ClockEventReasons)[]

export function unknownClockReasons(raw: string | null = null): ClockEventReasons {
  const reasons = {} as ClockEventReasons
  for (const key of CLOCK_REASON_KEYS) reasons[key] = unknown(raw)
  return reasons
}

export function emptyGpu(index: number): GpuSnapshot {
  return {
    index,
    uuid: unknown(),
    name: unknown(),
    pciBusId: unknown(),
    serial: unknown(),
    vbiosVersion: unknown(),
    temperatureC: unknown(),
    temperatureLimitsC: { slowdown: unknown(), shutdown: unknown(), maxOperating: unknown() },
    powerDrawW: unknown(),
    powerLimitW: unknown(),
    memoryTotalMiB: unknown(),
    memoryUsedMiB: unknown(),
    utilizationGpuPercent: unknown(),
    clockEventReasons: unknownClockReasons(),
    ecc: {
      volatile: { correctable: unknown(), uncorrectable: unknown() },
      aggregate: { correctable: unknown(), uncorrectable: unknown() },
    },
    retiredPages: { singleBit: unknown(), doubleBit: unknown(), pendingRetirement: unknown() },
    remappedRows: { correctable: unknown(), uncorrectable: unknown(), pending: unknown(), failure: unknown() },
    resetRequired: unknown(),
    eccEnabled: unknown(),
    temperatureMarginC: { current: unknown(), slowdown: unknown(), shutdown: unknown(), maxOperating: unknown() },
    recoveryAction: unknown(),
    drainAndResetRecommended: unknown(),
    migMode: unknown(),
    migDevices: [],
    processes: [],
  }
}

export function emptyNode(): NodeSnapshot {
  return { timestamp: unknown(), driverVersion: unknown(), cudaVersion: unknown(), attachedGpus: unknown(), gpus: [] }
}

/** The first known reading, else the first unknown one that says something, else plain unknown. */
export function firstKnown<T>(...readings: Reading<T>[]): Reading<T> {
  for (const reading of readings) if (reading.known) return reading
  for (const reading of readings) if (!reading.known && reading.raw) return reading
  return unknown()
}

/**
 * Sums ECC counters (SRAM + DRAM, or per-unit counts). All parts known: their sum. Some unknown but the
 * known ones already count errors: that count, flagged partial (a floor, enough to fail a gate). Otherwise
 * unknown: a sum over unread counters is never reported as 0.
 */
export function sumCounters(parts: Reading<number>[]): { total: Reading<number>; partial: boolean } {
  const present = parts.filter((part) => part.known || part.raw !== null)
  if (present.length === 0) return { total: unknown(), partial: false }
  let sum = 0
  let missing: Reading<number> | null = null
  for (const part of present) {
    if (part.known) sum += part.value
    else missing ??= part
  }
  if (missing === null) return { total: known(sum), partial: false }
  if (sum > 0) return { total: known(sum), partial: true }
  return { total: missing, partial: false }
}

/** Either flag set means pending: old drivers say "pending blacklist", newer ones "pending retirement". */
export function eitherFlag(...flags: Reading<boolean>[]): Reading<boolean> {
  if (flags.some((flag) => flag.known && flag.value)) return known(true)
  return firstKnown(...flags)
}

/**
 * Fills the reset fields from what the tool printed. Newer drivers drop "reset required" and print a
 * recovery action instead: any action naming a reset or reboot means the GPU is not usable until then.
 */
export function applyResetStatus(
  gpu: GpuSnapshot,
  printed: { resetRequired?: string; drainAndReset?: string; recoveryAction?: string },
): void {
  const action = readText(printed.recoveryAction)
  gpu.recoveryAction = action
  gpu.drainAndResetRecommended = readFlag(printed.drainAndReset)
  const required = readFlag(printed.resetRequired)
  if (required.known || !action.known) {
    gpu.resetRequired = required
    return
  }
  gpu.resetRequired = known(/reset|reboot/i.test(action.value))
}

/** nvidia-smi's value for "this GPU needs a reset" wherever it could not read a field. */
export const GPU_REQUIRES_RESET = /\bGPU requires reset\b/i

/** Lines nvidia-smi prints instead of output, or beside it, when the driver or a GPU is in trouble. */
const TOOL_FAILURES = [
  /NVIDIA-SMI has failed[^\n]*/,
  /Failed to initialize NVML[^\n]*/,
  /No devices were found[^\n]*/,
  /Driver\/library version mismatch[^\n]*/,
  /couldn't communicate with the NVIDIA driver[^\n]*/,
]
const GPU_TROUBLE = /^.*(Unable to determine the device handle|GPU is lost|infoROM is corrupted|Unable to query).*$/gim

/** When the whole output is one of nvidia-smi's failure messages, the error that says so. */
export function toolFailure(text: string, format: GpuOutputFormat): GpuParseError | null {
  for (const pattern of TOOL_FAILURES) {
    const match = pattern.exec(text)
    if (!match) continue
    const line = text.slice(0, match.index).split('\n').length
    return new GpuParseError(format, `line ${line}`, `nvidia-smi reported a failure: ${match[0].trim()}`, match[0])
  }
  return null
}

/** Warnings for lines where nvidia-smi says a GPU is lost or damaged; the rest of its output still parses. */
export function troubleWarnings(text: string): string[] {
  return [...text.matchAll(GPU_TROUBLE)].map((match) => `nvidia-smi: ${match[0].trim()}`)
}

export function emptyInput(format: GpuOutputFormat): GpuParseError {
  return new GpuParseError(format, 'line 1', 'empty input: nvidia-smi printed nothing', '')
}

/** Up to 120 characters of `text` starting at the given 1-based line. */
export function excerptAtLine(text: string, line: number): string {
  return (text.split('\n')[line - 1] ?? '').trim().slice(0, 120)
}

/** Strips the byte-order mark and Windows line endings so every parser sees the same text. */
export function normaliseText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
}
