// Reads `nvidia-smi --query-gpu=... --format=csv[,noheader][,nounits]` into a NodeSnapshot, one GPU a row.
// The header names the fields (as typed, so aliases like gpu_name appear) with units in brackets; without
// a header the caller must pass the field list it queried. Values keep their units unless `nounits`.
import { parse } from 'csv-parse/sync'
import { failed, GpuParseError, type ParseResult, parsed } from '../common/parse-error'
import { known, type Reading, readFlag, readNumber, readText, unknown } from '../common/readings'
import type { ClockEventReasons, GpuSnapshot, NodeSnapshot } from '../model'
import {
  applyResetStatus,
  CLOCK_REASON_KEYS,
  emptyGpu,
  emptyInput,
  emptyNode,
  excerptAtLine,
  firstKnown,
  GPU_REQUIRES_RESET,
  normaliseText,
  sumCounters,
  toolFailure,
  troubleWarnings,
} from './snapshot'

const FORMAT = 'nvidia-smi-query-csv'

export interface QueryCsvOptions {
  /** The --query-gpu field list, needed when the output was printed with `noheader`. */
  fields?: readonly string[]
}

/** A header cell: `memory.total [MiB]`, `clocks_event_reasons.gpu_idle`, `encoder.stats.sessionCount`. */
const FIELD_NAME = /^[a-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*(\s*\[[^\]]*\])?$/

/** Field name without its unit, lower-cased: what the lookups below compare against. */
function fieldKey(cell: string): string {
  return cell
    .replace(/\s*\[[^\]]*\]\s*$/, '')
    .trim()
    .toLowerCase()
}

const CLOCK_REASON_FIELDS: Record<keyof ClockEventReasons, string> = {
  idle: 'gpu_idle',
  applicationsClocksSetting: 'applications_clocks_setting',
  swPowerCap: 'sw_power_cap',
  hwSlowdown: 'hw_slowdown',
  hwThermalSlowdown: 'hw_thermal_slowdown',
  hwPowerBrakeSlowdown: 'hw_power_brake_slowdown',
  syncBoost: 'sync_boost',
  swThermalSlowdown: 'sw_thermal_slowdown',
  displayClockSetting: 'display_clock_setting',
}

/** NVML's clock event reason bits (nvmlClocksEventReason*), for output that queried only the `active` mask. */
const CLOCK_REASON_BITS: Record<keyof ClockEventReasons, number> = {
  idle: 0x1,
  applicationsClocksSetting: 0x2,
  swPowerCap: 0x4,
  hwSlowdown: 0x8,
  syncBoost: 0x10,
  swThermalSlowdown: 0x20,
  hwThermalSlowdown: 0x40,
  hwPowerBrakeSlowdown: 0x80,
  displayClockSetting: 0x100,
}

/** One reason from the `active` bitmask ("0x0000000000000008"); unknown where `supported` says it is not reported. */
function reasonFromMask(key: keyof ClockEventReasons, active: string, supported: string | undefined): Reading<boolean> {
  const mask = (text: string | undefined) =>
    text && /^0x[0-9a-f]+$/i.test(text.trim()) ? Number.parseInt(text, 16) : null
  const activeBits = mask(active)
  if (activeBits === null) return readFlag(active)
  const supportedBits = mask(supported)
  const bit = CLOCK_REASON_BITS[key]
  if (supportedBits !== null && (supportedBits & bit) === 0) return unknown(`not supported (mask ${supported?.trim()})`)
  return known((activeBits & bit) !== 0)
}

/** Fields this parser reads; a first row naming none of them is data, not a header. */
const KNOWN_FIELDS = new Set([
  'timestamp',
  'driver_version',
  'count',
  'index',
  'name',
  'gpu_name',
  'uuid',
  'gpu_uuid',
  'serial',
  'gpu_serial',
  'pci.bus_id',
  'gpu_bus_id',
  'vbios_version',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'memory.total',
  'memory.used',
  'utilization.gpu',
  'mig.mode.current',
  'ecc.mode.current',
  'retired_pages.pending',
  'remapped_rows.pending',
  'reset_status.reset_required',
  'gpu_recovery_action',
])

function error(where: string, message: string, excerpt: string | null = null): ParseResult<never> {
  return failed(new GpuParseError(FORMAT, where, message, excerpt))
}

export function isHeader(cells: string[]): boolean {
  return cells.every((cell) => FIELD_NAME.test(cell)) && cells.some((cell) => KNOWN_FIELDS.has(fieldKey(cell)))
}

export function parseNvidiaSmiQueryCsv(input: string, options: QueryCsvOptions = {}): ParseResult<NodeSnapshot> {
  const text = normaliseText(input)
  if (text.trim() === '') return failed(emptyInput(FORMAT))
  let records: string[][]
  try {
    records = parse(text, { trim: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true })
  } catch (cause) {
    // csv-parse's CsvError carries the line it stopped at.
    const lines = cause instanceof Error && 'lines' in cause ? cause.lines : undefined
    const line = typeof lines === 'number' ? lines : 1
    const message = cause instanceof Error ? cause.message : String(cause)
    return error(`line ${line}`, `not CSV: ${message}`, excerptAtLine(text, line))
  }
  // nvidia-smi never quotes a value across lines, so record i is the i-th non-empty line.
  const lineNumbers = text.split('\n').flatMap((line, offset) => (line.trim() === '' ? [] : [offset + 1]))
  const lineOf = (record: number) => lineNumbers[record] ?? record + 1
  const [first = []] = records
  const headed = isHeader(first)
  if (!headed && !options.fields?.length) {
    const failure = toolFailure(text, FORMAT)
    if (failure) return failed(failure)
    return error(
      'line 1',
      'no header row and no field list: pass the --query-gpu fields as `fields` for csv,noheader output',
      excerptAtLine(text, lineOf(0)),
    )
  }
  const header = headed ? first : [...(options.fields ?? [])]
  const keys = header.map(fieldKey)
  const rows = headed ? records.slice(1) : records
  if (rows.length === 0) return error(`line ${lineOf(0)}`, 'header but no rows: the output lists no GPU')
  const warnings = troubleWarnings(text)
  const gpus: GpuSnapshot[] = []
  const firstRow = headed ? 1 : 0
  for (const [position, row] of rows.entries()) {
    const line = lineOf(position + firstRow)
    if (row.length !== keys.length) {
      return error(
        `line ${line}`,
        `row has ${row.length} values but ${headed ? 'the header names' : '`fields` names'} ${keys.length} fields (truncated or wrong field list?)`,
        excerptAtLine(text, line),
      )
    }
    const values: Row = new Map(keys.map((key, column) => [key, row[column] ?? '']))
    gpus.push(readRow(values, position, line, warnings))
  }
  const node = readNode(rows, keys, warnings)
  node.gpus = gpus
  return parsed(node, warnings)
}

/** Field key (unit stripped, lower case) to the value as printed; units in values are checked per field. */
type Row = Map<string, string>

function readNode(rows: string[][], keys: string[], warnings: string[]): NodeSnapshot {
  const column = (key: string) => keys.indexOf(key)
  const valueIn = (row: string[] | undefined, key: string) => (column(key) < 0 ? undefined : row?.[column(key)])
  const drivers = new Set(rows.map((row) => valueIn(row, 'driver_version')).filter((value) => value !== undefined))
  if (drivers.size > 1) warnings.push(`rows disagree on driver_version: ${[...drivers].join(', ')}`)
  return {
    ...emptyNode(),
    timestamp: readText(valueIn(rows[0], 'timestamp')),
    driverVersion: readText(valueIn(rows[0], 'driver_version')),
    attachedGpus: readNumber(valueIn(rows[0], 'count')),
  }
}

function readRow(row: Row, position: number, line: number, warnings: string[]): GpuSnapshot {
  const raw = (...names: string[]) => {
    for (const name of names) {
      const value = row.get(name)
      if (value !== undefined) return value
    }
    return undefined
  }
  const number = (unit: string | undefined, ...names: string[]): Reading<number> =>
    firstKnown(...names.map((name) => readNumber(row.get(name), unit)))
  const flag = (...names: string[]) => readFlag(raw(...names))
  const index = readNumber(raw('index'))
  const gpu = emptyGpu(index.known ? index.value : position)
  gpu.name = readText(raw('name', 'gpu_name'))
  gpu.uuid = readText(raw('uuid', 'gpu_uuid'))
  gpu.pciBusId = readText(raw('pci.bus_id', 'gpu_bus_id'))
  gpu.serial = readText(raw('serial', 'gpu_serial'))
  gpu.vbiosVersion = readText(raw('vbios_version'))
  gpu.temperatureC = number('C', 'temperature.gpu')
  gpu.temperatureMarginC = {
    current: number('C', 'temperature.gpu.tlimit'),
    slowdown: unknown(),
    shutdown: unknown(),
    maxOperating: unknown(),
  }
  gpu.powerDrawW = number('W', 'power.draw', 'power.draw.average', 'gpu.power.draw.average', 'power.draw.instant')
  gpu.powerLimitW = number(
    'W',
    'enforced.power.limit',
    'gpu.power.current_limit',
    'power.limit',
    'gpu.power.requested_limit',
  )
  gpu.memoryTotalMiB = number('MiB', 'memory.total')
  gpu.memoryUsedMiB = number('MiB', 'memory.used')
  gpu.utilizationGpuPercent = number('%', 'utilization.gpu')
  gpu.eccEnabled = flag('ecc.mode.current')
  gpu.ecc = {
    volatile: {
      correctable: eccTotal(row, 'corrected.volatile'),
      uncorrectable: eccTotal(row, 'uncorrected.volatile'),
    },
    aggregate: {
      correctable: eccTotal(row, 'corrected.aggregate'),
      uncorrectable: eccTotal(row, 'uncorrected.aggregate'),
    },
  }
  gpu.retiredPages = {
    singleBit: number(undefined, 'retired_pages.single_bit_ecc.count', 'retired_pages.sbe'),
    doubleBit: number(undefined, 'retired_pages.double_bit.count', 'retired_pages.dbe'),
    pendingRetirement: flag('retired_pages.pending'),
  }
  gpu.remappedRows = {
    correctable: number(undefined, 'remapped_rows.correctable', 'remapped_rows.sbe'),
    uncorrectable: number(undefined, 'remapped_rows.uncorrectable', 'remapped_rows.dbe'),
    pending: flag('remapped_rows.pending'),
    failure: flag('remapped_rows.failure'),
  }
  const active = raw('clocks_event_reasons.active', 'clocks_throttle_reasons.active')
  const supported = raw('clocks_event_reasons.supported', 'clocks_throttle_reasons.supported')
  for (const key of CLOCK_REASON_KEYS) {
    const field = CLOCK_REASON_FIELDS[key]
    const named = raw(`clocks_event_reasons.${field}`, `clocks_throttle_reasons.${field}`)
    gpu.clockEventReasons[key] =
      named === undefined && active !== undefined ? reasonFromMask(key, active, supported) : readFlag(named)
  }
  gpu.migMode = flag('mig.mode.current')
  applyResetStatus(gpu, {
    resetRequired: raw('reset_status.reset_required'),
    drainAndReset: raw('reset_status.drain_and_reset_recommended'),
    recoveryAction: raw('gpu_recovery_action'),
  })
  if (!gpu.resetRequired.known && [...row.values()].some((value) => GPU_REQUIRES_RESET.test(value))) {
    gpu.resetRequired = known(true)
    warnings.push(`line ${line}: nvidia-smi printed "GPU requires reset" in place of values`)
  }
  return gpu
}

/**
 * `ecc.errors.<scope>.total` where queried; otherwise the sum of the per-memory fields of that scope
 * (dram, sram, device_memory, ...), never counting a sub-split like `sram.parity` twice.
 */
function eccTotal(row: Row, scope: string): Reading<number> {
  const prefix = `ecc.errors.${scope}.`
  const total = row.get(`${prefix}total`)
  if (total !== undefined) return readNumber(total)
  const parts = [...row.entries()]
    .filter(([key]) => key.startsWith(prefix) && !key.slice(prefix.length).includes('.'))
    .map(([, value]) => readNumber(value))
  return parts.length === 0 ? unknown() : sumCounters(parts).total
}
