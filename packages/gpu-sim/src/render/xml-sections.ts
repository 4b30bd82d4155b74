// The sensor and memory-error sections of a simulated `nvidia-smi -q -x` GPU: clock event reasons, ECC,
// retired pages, remapped rows, temperature, power and clocks, each in the element names of the driver's layout.
import type { GpuModelSpec } from '../hardware/models'
import type { GpuView, NodeView } from '../state/view'
import { el, when, type XmlNode } from './xml-doc'

const NA = 'N/A'
const DEPRECATED = 'Requested functionality has been deprecated'
const watts = (value: number) => `${value.toFixed(2)} W`
const mib = (value: number) => `${value} MiB`
const mhz = (value: number) => `${value} MHz`
const celsius = (value: number) => `${value} C`

const REASONS = [
  'gpu_idle',
  'applications_clocks_setting',
  'sw_power_cap',
  'hw_slowdown',
  'hw_thermal_slowdown',
  'hw_power_brake_slowdown',
  'sync_boost',
  'sw_thermal_slowdown',
  'display_clocks_setting',
] as const

/** An idle GPU: only gpu_idle is active. */
export function clockReasons(view: NodeView): XmlNode[] {
  const container = view.layout.clockReasons
  const prefix = container === 'clocks_event_reasons' ? 'clocks_event_reason_' : 'clocks_throttle_reason_'
  const reasons = REASONS.map((reason) => el(`${prefix}${reason}`, reason === 'gpu_idle' ? 'Active' : 'Not Active'))
  const counters = ['sw_power_cap', 'sync_boost', 'sw_therm_slowdown', 'hw_therm_slowdown', 'hw_power_brake']
  return [
    el(container, reasons),
    ...when(
      view.layout.v13,
      el(
        'clocks_event_reasons_counters',
        counters.map((name) => el(`clocks_event_reasons_counters_${name}`, '0 us')),
      ),
    ),
  ]
}

function eccCounts(view: NodeView, uncorrectable: number, scope: 'volatile' | 'aggregate'): XmlNode {
  const sram = view.layout.sramSplit
    ? [el('sram_uncorrectable_parity', '0'), el('sram_uncorrectable_secded', '0')]
    : [el('sram_uncorrectable', '0')]
  return el(scope, [
    el('sram_correctable', '0'),
    ...sram,
    el('dram_correctable', '0'),
    el('dram_uncorrectable', String(uncorrectable)),
    ...when(view.layout.sramSplit && scope === 'aggregate', el('sram_threshold_exceeded', 'No')),
  ])
}

/** ECC mode, counters (a fault's uncorrectable errors land in DRAM), retired pages (N/A: Ampere+ remaps rows). */
export function memoryErrors(view: NodeView, gpu: GpuView): XmlNode[] {
  const { layout, model } = view
  const sources = ['sram_l2', 'sram_sm', 'sram_microcontroller', 'sram_pcie', 'sram_other']
  const unrepairable = model.key === 'L40S' ? NA : 'No'
  const retired = (name: string) => el(name, [el('retired_count', NA), el('retired_pagelist', NA)])
  const histogram = ['max', 'high', 'partial', 'low', 'none'].map((level) =>
    el(`row_remapper_histogram_${level}`, `${level === 'max' ? model.remapBanks : 0} bank(s)`),
  )
  return [
    el('ecc_mode', [el('current_ecc', 'Enabled'), el('pending_ecc', 'Enabled')]),
    el('ecc_errors', [
      eccCounts(view, gpu.ecc.volatileUncorrectable, 'volatile'),
      eccCounts(view, gpu.ecc.aggregateUncorrectable, 'aggregate'),
      ...when(
        layout.sramSplit,
        el(
          'aggregate_uncorrectable_sram_sources',
          sources.map((name) => el(name, '0')),
        ),
      ),
      ...when(
        layout.v13,
        el('channel_repair_pending', 'No'),
        el('tpc_repair_pending', 'No'),
        el('unrepairable_memory', unrepairable),
      ),
    ]),
    el('retired_pages', [
      retired('multiple_single_bit_retirement'),
      retired('double_bit_retirement'),
      el('pending_blacklist', NA),
      el('pending_retirement', NA),
    ]),
    el('remapped_rows', [
      el('remapped_row_corr', '0'),
      ...when(layout.v13, el('remapped_row_corr_inactive', '0')),
      el('remapped_row_unc', '0'),
      ...when(layout.v13, el('remapped_row_unc_inactive', '0')),
      el('remapped_row_pending', 'No'),
      el('remapped_row_failure', 'No'),
      el('row_remapper_histogram', histogram),
    ]),
  ]
}

/** Absolute thresholds before 550; headroom below T.Limit on Hopper and Ada boards from 550. */
export function temperature(view: NodeView, gpu: GpuView): XmlNode[] {
  const { model } = view
  const memoryTemp = model.key === 'L40S' ? NA : celsius(gpu.temperatureC + 7)
  const readings = view.layout.temperatureAsTlimit
    ? [
        el('gpu_temp', celsius(gpu.temperatureC)),
        el('gpu_temp_tlimit', celsius(gpu.tlimitC)),
        el('gpu_temp_max_tlimit_threshold', '-8 C'),
        el('gpu_temp_slow_tlimit_threshold', '-2 C'),
        el('gpu_temp_max_gpu_tlimit_threshold', '0 C'),
        el('gpu_target_temperature', NA),
        el('memory_temp', memoryTemp),
        el('gpu_temp_max_mem_tlimit_threshold', model.key === 'L40S' ? NA : '0 C'),
      ]
    : [
        el('gpu_temp', celsius(gpu.temperatureC)),
        el('gpu_temp_tlimit', NA),
        el('gpu_temp_max_threshold', celsius(model.thresholdsC.shutdown)),
        el('gpu_temp_slow_threshold', celsius(model.thresholdsC.slowdown)),
        el('gpu_temp_max_gpu_threshold', celsius(model.thresholdsC.maxOperating)),
        el('gpu_target_temperature', NA),
        el('memory_temp', memoryTemp),
        el('gpu_temp_max_mem_threshold', model.key === 'L40S' ? NA : '95 C'),
      ]
  return [
    el('temperature', readings),
    el('supported_gpu_target_temp', [el('gpu_target_temp_min', NA), el('gpu_target_temp_max', NA)]),
  ]
}

function limits(model: GpuModelSpec): XmlNode[] {
  return [
    el('current_power_limit', watts(model.powerLimitW)),
    el('requested_power_limit', watts(model.powerLimitW)),
    el('default_power_limit', watts(model.powerLimitW)),
    el('min_power_limit', watts(model.minPowerLimitW)),
    el('max_power_limit', watts(model.powerLimitW)),
  ]
}

/** `power_readings` before 535; `gpu_power_readings` with one draw (535) or average and instant (550+). */
export function power(view: NodeView, gpu: GpuView): XmlNode[] {
  const { layout, model } = view
  const state = el('power_state', layout.v13 ? DEPRECATED : 'P0')
  if (layout.powerBlock === 'power_readings') {
    return [
      el('power_readings', [
        state,
        el('power_management', 'Supported'),
        el('power_draw', watts(gpu.powerDrawW)),
        el('power_limit', watts(model.powerLimitW)),
        el('default_power_limit', watts(model.powerLimitW)),
        el('enforced_power_limit', watts(model.powerLimitW)),
        el('min_power_limit', watts(model.minPowerLimitW)),
        el('max_power_limit', watts(model.powerLimitW)),
      ]),
    ]
  }
  const draws = (average: string, instant: string) =>
    layout.averagePowerDraw
      ? [el('average_power_draw', average), el('instant_power_draw', instant)]
      : [el('power_draw', average)]
  const moduleLimits = limits(model).map((node) => el(node.name, NA))
  return [
    el('gpu_power_readings', [state, ...draws(watts(gpu.powerDrawW), watts(gpu.instantPowerDrawW)), ...limits(model)]),
    ...when(
      layout.platformInfo,
      el('gpu_memory_power_readings', [el('average_power_draw', NA), el('instant_power_draw', NA)]),
    ),
    el('module_power_readings', [state, ...draws(NA, NA), ...moduleLimits]),
    ...when(
      layout.platformInfo,
      el('power_smoothing', NA),
      el('power_profiles', [el('power_profile_requested_profiles', NA), el('power_profile_enforced_profiles', NA)]),
    ),
    ...when(layout.v13, el('edpp_multiplier', NA)),
  ]
}

/** Current, application, max and supported clocks of an idle GPU. */
export function clocks(view: NodeView): XmlNode[] {
  const { clocksMHz } = view.model
  const applications = (name: string) =>
    el(
      name,
      view.layout.v13
        ? [el('graphics_clock', DEPRECATED), el('mem_clock', DEPRECATED)]
        : [el('graphics_clock', mhz(clocksMHz.maxGraphics)), el('mem_clock', mhz(clocksMHz.memory))],
    )
  const supported: XmlNode[] = [el('value', mhz(clocksMHz.memory))]
  for (let clock = clocksMHz.maxGraphics; clock >= 210; clock -= 15) {
    supported.push(el('supported_graphics_clock', mhz(clock)))
  }
  return [
    el('clocks', [
      el('graphics_clock', mhz(clocksMHz.idleGraphics)),
      el('sm_clock', mhz(clocksMHz.idleGraphics)),
      el('mem_clock', mhz(clocksMHz.memory)),
      el('video_clock', mhz(clocksMHz.idleVideo)),
    ]),
    applications('applications_clocks'),
    applications('default_applications_clocks'),
    el('deferred_clocks', [el('mem_clock', NA)]),
    el('max_clocks', [
      el('graphics_clock', mhz(clocksMHz.maxGraphics)),
      el('sm_clock', mhz(clocksMHz.maxGraphics)),
      el('mem_clock', mhz(clocksMHz.memory)),
      el('video_clock', mhz(clocksMHz.maxVideo)),
    ]),
    el('max_customer_boost_clocks', [el('graphics_clock', mhz(clocksMHz.maxGraphics))]),
    el('clock_policy', [el('auto_boost', NA), el('auto_boost_default', NA)]),
    ...when(!view.layout.v13, el('voltage', [el('graphics_volt', '700.000 mV')])),
    fabric(view),
    el('supported_clocks', [el('supported_mem_clock', supported)]),
  ]
}

/** NVLink fabric: SXM boards on an NVSwitch baseboard register with the fabric manager; PCIe cards print N/A. */
function fabric(view: NodeView): XmlNode {
  const sxm = view.model.key !== 'L40S'
  const health = ['summary', 'bandwidth', 'route_recovery_in_progress', 'route_unhealthy', 'access_timeout_recovery']
  return el('fabric', [
    el('state', sxm ? 'Completed' : NA),
    el('status', sxm ? 'Success' : NA),
    ...when(
      view.layout.platformInfo,
      el('cliqueId', sxm ? '0' : NA),
      el('clusterUuid', sxm ? '00000000-0000-0000-0000-000000000000' : NA),
      el('health', [
        ...health.map((name) => el(name, NA)),
        el('incorrect_configuration', NA),
        ...when(view.layout.v13, el('partition_assigned', NA)),
      ]),
    ),
  ])
}

export { mib, NA, DEPRECATED, watts }
