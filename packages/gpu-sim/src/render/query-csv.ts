// `nvidia-smi --query-gpu=<fields> --format=csv[,noheader][,nounits]`: one row per visible GPU, values with
// units unless `nounits`, "[N/A]" where the board has no value, and nvidia-smi's refusal for a field the
// loaded driver does not know (clocks_event_reasons.* before 535, gpu_recovery_action before 570).
import { compareDriverVersions } from '@cabinet/gpu'
import { SimError } from '../result'
import type { GpuView, NodeView } from '../state/view'
import { csvTimestamp } from './time'

const NA = '[N/A]'
const DEPRECATED = '[Requested functionality has been deprecated]'

interface Field {
  unit?: string
  /** The first driver branch that knows the field. */
  since?: string
  /** The first driver branch that no longer knows it. */
  until?: string
  value: (view: NodeView, gpu: GpuView) => string
}

const text = (value: (view: NodeView, gpu: GpuView) => string | number) => ({
  value: (view: NodeView, gpu: GpuView) => String(value(view, gpu)),
})
const constant = (value: string, extra: Partial<Field> = {}): Field => ({ ...extra, value: () => value })
const number = (unit: string, value: (view: NodeView, gpu: GpuView) => number, decimals = 0): Field => ({
  unit,
  value: (view, gpu) => value(view, gpu).toFixed(decimals),
})

function eccField(kind: 'corrected' | 'uncorrected', scope: 'volatile' | 'aggregate', part: string): Field {
  return text((_view, gpu) => {
    if (kind === 'corrected') return 0
    const count = scope === 'volatile' ? gpu.ecc.volatileUncorrectable : gpu.ecc.aggregateUncorrectable
    // Uncorrectable errors of the simulator sit in DRAM (device memory), hence in the total too.
    return part === 'sram' ? 0 : count
  })
}

const REASON_BITS: Record<string, number> = {
  gpu_idle: 0x1,
  applications_clocks_setting: 0x2,
  sw_power_cap: 0x4,
  hw_slowdown: 0x8,
  sync_boost: 0x10,
  sw_thermal_slowdown: 0x20,
  hw_thermal_slowdown: 0x40,
  hw_power_brake_slowdown: 0x80,
  display_clock_setting: 0x100,
}

function reasonFields(prefix: string, since?: string): [string, Field][] {
  const extra = since ? { since } : {}
  const fields: [string, Field][] = [
    [`${prefix}.supported`, constant('0x00000000000001FF', extra)],
    [`${prefix}.active`, constant('0x0000000000000001', extra)],
  ]
  for (const reason of Object.keys(REASON_BITS)) {
    fields.push([`${prefix}.${reason}`, constant(reason === 'gpu_idle' ? 'Active' : 'Not Active', extra)])
  }
  return fields
}

const FIELDS = new Map<string, Field>([
  ['timestamp', text((view) => csvTimestamp(view.now))],
  ['driver_version', text((view) => view.driver)],
  ['count', text((view) => view.gpus.length)],
  ['index', text((_view, gpu) => gpu.index)],
  ['name', text((view) => view.model.productName)],
  ['serial', text((_view, gpu) => gpu.serial)],
  ['uuid', text((_view, gpu) => gpu.uuid)],
  ['pci.bus_id', text((_view, gpu) => gpu.pciBusId)],
  ['pci.domain', constant('0x0000')],
  ['pci.bus', text((_view, gpu) => `0x${gpu.pciBusId.split(':')[1] ?? '00'}`)],
  ['pci.device', constant('0x00')],
  ['pci.device_id', text((view) => `0x${view.model.pciDeviceId}`)],
  ['pci.sub_device_id', text((view) => `0x${view.model.pciSubSystemId}`)],
  ['pcie.link.gen.current', text((view) => view.model.pcieGen)],
  ['pcie.link.gen.max', text((view) => view.model.pcieGen)],
  ['pcie.link.width.current', constant('16')],
  ['pcie.link.width.max', constant('16')],
  ['persistence_mode', constant('Enabled')],
  ['vbios_version', text((view) => view.model.vbios)],
  ['inforom.img', text((view) => view.model.inforom.image)],
  ['inforom.oem', text((view) => view.model.inforom.oem)],
  ['inforom.ecc', text((view) => view.model.inforom.ecc)],
  ['gpu_recovery_action', constant('None', { since: '570' })],
  ['reset_status.reset_required', resetStatus()],
  ['reset_status.drain_and_reset_recommended', resetStatus()],
  ['fan.speed', { unit: '%', value: () => NA }],
  ['pstate', constant('P0')],
  ...reasonFields('clocks_event_reasons', '535'),
  ...reasonFields('clocks_throttle_reasons'),
  ['memory.total', number('MiB', (view) => view.model.memoryTotalMiB)],
  ['memory.reserved', number('MiB', (view) => view.model.memoryReservedMiB)],
  ['memory.used', number('MiB', (_view, gpu) => gpu.memoryUsedMiB)],
  [
    'memory.free',
    number('MiB', (view, gpu) => view.model.memoryTotalMiB - view.model.memoryReservedMiB - gpu.memoryUsedMiB),
  ],
  ['compute_mode', constant('Default')],
  ['compute_cap', text((view) => view.model.computeCapability)],
  ['utilization.gpu', number('%', () => 0)],
  ['utilization.memory', number('%', () => 0)],
  ['ecc.mode.current', constant('Enabled')],
  ['ecc.mode.pending', constant('Enabled')],
  ['retired_pages.single_bit_ecc.count', constant(NA)],
  ['retired_pages.double_bit.count', constant(NA)],
  ['retired_pages.pending', constant(NA)],
  ['remapped_rows.correctable', constant('0')],
  ['remapped_rows.uncorrectable', constant('0')],
  ['remapped_rows.pending', constant('No')],
  ['remapped_rows.failure', constant('No')],
  ['temperature.gpu', text((_view, gpu) => gpu.temperatureC)],
  ['temperature.gpu.tlimit', text((view, gpu) => (view.layout.temperatureAsTlimit ? String(gpu.tlimitC) : NA))],
  ['temperature.memory', text((view, gpu) => (view.model.key === 'L40S' ? NA : String(gpu.temperatureC + 7)))],
  ['power.draw', number('W', (_view, gpu) => gpu.powerDrawW, 2)],
  ['power.draw.average', { ...number('W', (_view, gpu) => gpu.powerDrawW, 2), since: '550' }],
  ['power.draw.instant', { ...number('W', (_view, gpu) => gpu.instantPowerDrawW, 2), since: '550' }],
  ['power.limit', number('W', (view) => view.model.powerLimitW, 2)],
  ['enforced.power.limit', number('W', (view) => view.model.powerLimitW, 2)],
  ['power.default_limit', number('W', (view) => view.model.powerLimitW, 2)],
  ['power.min_limit', number('W', (view) => view.model.minPowerLimitW, 2)],
  ['power.max_limit', number('W', (view) => view.model.powerLimitW, 2)],
  ['clocks.current.graphics', number('MHz', (view) => view.model.clocksMHz.idleGraphics)],
  ['clocks.current.sm', number('MHz', (view) => view.model.clocksMHz.idleGraphics)],
  ['clocks.current.memory', number('MHz', (view) => view.model.clocksMHz.memory)],
  ['clocks.current.video', number('MHz', (view) => view.model.clocksMHz.idleVideo)],
  ['clocks.max.graphics', number('MHz', (view) => view.model.clocksMHz.maxGraphics)],
  ['clocks.max.sm', number('MHz', (view) => view.model.clocksMHz.maxGraphics)],
  ['clocks.max.memory', number('MHz', (view) => view.model.clocksMHz.memory)],
  ['mig.mode.current', text((view) => (view.model.migCapable ? 'Disabled' : NA))],
  ['mig.mode.pending', text((view) => (view.model.migCapable ? 'Disabled' : NA))],
])

for (const kind of ['corrected', 'uncorrected'] as const) {
  for (const scope of ['volatile', 'aggregate'] as const) {
    for (const part of ['device_memory', 'dram', 'sram', 'total']) {
      FIELDS.set(`ecc.errors.${kind}.${scope}.${part}`, eccField(kind, scope, part))
    }
  }
}

function resetStatus(): Field {
  return { until: '580', value: (view) => (view.layout.resetStatus === 'deprecated' ? DEPRECATED : 'No') }
}

/** The other names nvidia-smi accepts for a field (`nvidia-smi --help-query-gpu`). */
const ALIASES: Record<string, string> = {
  gpu_name: 'name',
  gpu_serial: 'serial',
  gpu_uuid: 'uuid',
  gpu_bus_id: 'pci.bus_id',
  'clocks.gr': 'clocks.current.graphics',
  'clocks.sm': 'clocks.current.sm',
  'clocks.mem': 'clocks.current.memory',
  'clocks.video': 'clocks.current.video',
  'clocks.max.gr': 'clocks.max.graphics',
  'clocks.max.mem': 'clocks.max.memory',
  'retired_pages.sbe': 'retired_pages.single_bit_ecc.count',
  'retired_pages.dbe': 'retired_pages.double_bit.count',
}

function knownField(name: string, driver: string): Field | null {
  const field = FIELDS.get(ALIASES[name] ?? name)
  if (!field) return null
  if (field.since && compareDriverVersions(driver, field.since) < 0) return null
  if (field.until && compareDriverVersions(driver, field.until) >= 0) return null
  return field
}

export interface CsvFormat {
  header: boolean
  units: boolean
}

/** Reads `csv[,noheader][,nounits]`; anything else is nvidia-smi's usage error. */
export function parseCsvFormat(format: string): CsvFormat {
  const parts = format.split(',').map((part) => part.trim())
  if (parts[0] !== 'csv' || parts.slice(1).some((part) => part !== 'noheader' && part !== 'nounits')) {
    throw new SimError(`"${format}" is not a valid format.`, 2)
  }
  return { header: !parts.includes('noheader'), units: !parts.includes('nounits') }
}

export function renderQueryGpuCsv(view: NodeView, fieldList: string, format: CsvFormat): string {
  const names = fieldList.split(',').map((name) => name.trim())
  const fields = names.map((name) => {
    const field = name === '' ? null : knownField(name, view.driver)
    if (!field) throw new SimError(`Field "${name}" is not a valid field to query.\n`, 2)
    return { name, field }
  })
  const lines: string[] = []
  if (format.header)
    lines.push(fields.map(({ name, field }) => (field.unit ? `${name} [${field.unit}]` : name)).join(', '))
  for (const gpu of view.gpus) {
    const cells = fields.map(({ field }) => {
      const value = field.value(view, gpu)
      const plain = value.startsWith('[')
      return field.unit && format.units && !plain ? `${value} ${field.unit}` : value
    })
    lines.push(cells.join(', '))
  }
  return lines.length ? `${lines.join('\n')}\n` : ''
}
