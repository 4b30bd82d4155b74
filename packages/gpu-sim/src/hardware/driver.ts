// What a driver version decides about the node: the CUDA version it reports (from @cabinet/gpu's table) and
// the shape of nvidia-smi's output. Each branch boundary below names the real capture that shows it, so a
// boundary moves only with evidence (packages/gpu/test/fixtures/PROVENANCE.tsv).
import { CUDA_DRIVER_TABLE, compareDriverVersions } from '@cabinet/gpu'

/**
 * The oldest driver the simulator installs: CUDA 12.0 GA's. Older drivers print the 79-column table and
 * DTD v10/v11 layouts the simulator does not reproduce, and fall outside the compatibility table anyway.
 */
export const OLDEST_SIMULATED_DRIVER = '525.60.13'

const DRIVER_VERSION = /^\d{3}\.\d{1,3}(\.\d{1,3})?$/

/** Why a version cannot be installed or booted, or null when it can. */
export function driverVersionProblem(version: string): string | null {
  if (!DRIVER_VERSION.test(version)) {
    return `"${version}" is not an NVIDIA Linux driver version (expected e.g. 550.54.15 or 570.26)`
  }
  if (compareDriverVersions(version, OLDEST_SIMULATED_DRIVER) < 0) {
    return `driver ${version} is older than the oldest the simulator models (${OLDEST_SIMULATED_DRIVER}, CUDA 12.0)`
  }
  return null
}

/**
 * The CUDA version nvidia-smi reports for a driver: the newest release whose minimum driver the installed one
 * meets, as major.minor ("12.4"), which is how nvidia-smi prints it. Drivers newer than the table's newest
 * row report that row's release.
 */
export function cudaVersionFor(driver: string): string {
  const row = CUDA_DRIVER_TABLE.find((candidate) => compareDriverVersions(candidate.minimumDriver, driver) <= 0)
  if (!row) throw new Error(`no CUDA release in the table runs on driver ${driver}`)
  return `${row.cuda.major}.${row.cuda.minor}`
}

const atLeast = (driver: string, branch: string) => compareDriverVersions(driver, branch) >= 0

export interface DriverLayout {
  /** The DOCTYPE's DTD. v12 from 525 (quadro-p2000 525.125.06) through 570 (rtx-3060 570.124.04); v13 by 580. */
  dtd: 'nvsmi_device_v12.dtd' | 'nvsmi_device_v13.dtd'
  /** `clocks_event_reasons` since 535 (a100 535.54.03); `clocks_throttle_reasons` before (rtx-3090 525.147.05). */
  clockReasons: 'clocks_event_reasons' | 'clocks_throttle_reasons'
  /** `gpu_power_readings` since 535 (a100 535.54.03); `power_readings` before. */
  powerBlock: 'gpu_power_readings' | 'power_readings'
  /** Average and instant draw instead of one `power_draw` since 550 (rtx-3060 570 has them, a100 535 not). */
  averagePowerDraw: boolean
  /** Hopper and Ada boards report headroom below T.Limit instead of absolute thresholds since 550. */
  temperatureAsTlimit: boolean
  /** SRAM uncorrectable split into parity and SEC-DED, and SRAM sources, since 570 (rtx-3060 570.124.04). */
  sramSplit: boolean
  /** `gpu_recovery_action` since 570; `gpu_reset_status` then reads "deprecated", and is gone by 580 (v13). */
  recoveryAction: boolean
  resetStatus: 'values' | 'deprecated' | 'absent'
  /** `platformInfo`, fabric health, power profiles and the like since 570; `gpu_module_id` before. */
  platformInfo: boolean
  /** v13 additions: clock event counters, repair pending flags, pdi; `voltage` dropped. */
  v13: boolean
}

export function driverLayout(driver: string, reportsTlimit: boolean): DriverLayout {
  const v13 = atLeast(driver, '580')
  const r570 = atLeast(driver, '570')
  const r535 = atLeast(driver, '535')
  return {
    dtd: v13 ? 'nvsmi_device_v13.dtd' : 'nvsmi_device_v12.dtd',
    clockReasons: r535 ? 'clocks_event_reasons' : 'clocks_throttle_reasons',
    powerBlock: r535 ? 'gpu_power_readings' : 'power_readings',
    averagePowerDraw: atLeast(driver, '550'),
    temperatureAsTlimit: reportsTlimit && atLeast(driver, '550'),
    sramSplit: r570,
    recoveryAction: r570,
    resetStatus: v13 ? 'absent' : r570 ? 'deprecated' : 'values',
    platformInfo: r570,
    v13,
  }
}

/** NVML's version: the driver's first two components (590.48.01 -> 590.48). */
export function nvmlVersion(driver: string): string {
  return driver.split('.').slice(0, 2).join('.')
}
