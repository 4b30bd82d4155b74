// Clock event (throttle) reasons, power and temperature from `nvidia-smi -q -x`. Element names moved
// across DTD versions: clocks_throttle_reason_* became clocks_event_reason_* (535+), power_readings
// became gpu_power_readings with average/instant draws (535/550+), and 550+ boards may report
// temperatures as headroom below T.Limit instead of absolute thresholds.
import { type Reading, readFlag, readNumber } from '../../common/readings'
import type { ClockEventReasons, GpuSnapshot } from '../../model'
import { CLOCK_REASON_KEYS, firstKnown, unknownClockReasons } from '../snapshot'
import { child, leafText, text, type XmlElement } from './tree'

/** Element suffix after `clocks_event_reason_` / `clocks_throttle_reason_` for each reason. */
const REASON_ELEMENTS: Record<keyof ClockEventReasons, string> = {
  idle: 'gpu_idle',
  applicationsClocksSetting: 'applications_clocks_setting',
  swPowerCap: 'sw_power_cap',
  hwSlowdown: 'hw_slowdown',
  hwThermalSlowdown: 'hw_thermal_slowdown',
  hwPowerBrakeSlowdown: 'hw_power_brake_slowdown',
  syncBoost: 'sync_boost',
  swThermalSlowdown: 'sw_thermal_slowdown',
  displayClockSetting: 'display_clocks_setting',
}

export function readClockReasons(gpu: XmlElement): ClockEventReasons {
  const layouts = [
    { container: 'clocks_event_reasons', prefix: 'clocks_event_reason_' },
    { container: 'clocks_throttle_reasons', prefix: 'clocks_throttle_reason_' },
  ]
  for (const { container, prefix } of layouts) {
    const block = child(gpu, container)
    if (!block) continue
    const reasons = unknownClockReasons()
    for (const key of CLOCK_REASON_KEYS) reasons[key] = readFlag(text(block, prefix + REASON_ELEMENTS[key]))
    return reasons
  }
  // vGPU guests and old consumer boards print the whole section as N/A.
  const raw = leafText(gpu, 'clocks_event_reasons') ?? leafText(gpu, 'clocks_throttle_reasons') ?? null
  return unknownClockReasons(raw)
}

/** Board power: the draw nvidia-smi prints first by version (power_draw, else the average, else instant). */
export function readPower(gpu: XmlElement): { draw: Reading<number>; limit: Reading<number> } {
  const block = child(gpu, 'gpu_power_readings') ?? child(gpu, 'power_readings')
  const watts = (name: string) => readNumber(text(block, name), 'W')
  return {
    draw: firstKnown(watts('power_draw'), watts('average_power_draw'), watts('instant_power_draw')),
    // current_power_limit (535+) and enforced_power_limit are what the board holds to; power_limit is the
    // limit someone set, which the enforced one may undercut.
    limit: firstKnown(watts('current_power_limit'), watts('enforced_power_limit'), watts('power_limit')),
  }
}

type Temperatures = Pick<GpuSnapshot, 'temperatureC' | 'temperatureLimitsC' | 'temperatureMarginC'>

export function readTemperatures(gpu: XmlElement): Temperatures {
  const block = child(gpu, 'temperature')
  const celsius = (name: string) => readNumber(text(block, name), 'C')
  return {
    temperatureC: celsius('gpu_temp'),
    temperatureLimitsC: {
      slowdown: celsius('gpu_temp_slow_threshold'),
      shutdown: celsius('gpu_temp_max_threshold'),
      maxOperating: celsius('gpu_temp_max_gpu_threshold'),
    },
    temperatureMarginC: {
      current: celsius('gpu_temp_tlimit'),
      slowdown: celsius('gpu_temp_slow_tlimit_threshold'),
      shutdown: celsius('gpu_temp_max_tlimit_threshold'),
      maxOperating: celsius('gpu_temp_max_gpu_tlimit_threshold'),
    },
  }
}
