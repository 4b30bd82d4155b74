// The health-bearing sections of `nvidia-smi -q` text: ECC errors (per-unit single/double bit with a
// Total on old drivers, SRAM/DRAM counters since ~450, SRAM uncorrectable split into Parity and SEC-DED
// on 570+), Retired Pages, Remapped Rows and Clocks Event (formerly Throttle) Reasons.
import { type Reading, readFlag, readNumber, unknown } from '../../common/readings'
import type { ClockEventReasons, EccCounters, RemappedRows, RetiredPages } from '../../model'
import { CLOCK_REASON_KEYS, eitherFlag, sumCounters, unknownClockReasons } from '../snapshot'
import { find, type QNode, valueAt } from './tree'

type Counts = { correctable: Reading<number>; uncorrectable: Reading<number> }

function sum(parts: Reading<number>[], label: string, warnings: string[]): Reading<number> {
  const { total, partial } = sumCounters(parts)
  if (partial) warnings.push(`${label}: some counters unreadable, total counts only the readable ones`)
  return total
}

/** Old layout: "Single Bit" / "Double Bit" groups of per-unit counts ending in "Total". */
function bitTotal(block: QNode, bits: string, label: string, warnings: string[]): Reading<number> {
  const group = find(block, bits)
  if (!group) return unknown(null)
  const printed = readNumber(valueAt(group, 'Total'))
  if (printed.known) return printed
  const units = group.children.filter((unit) => unit.label.toLowerCase() !== 'total')
  const summed = sum(
    units.map((unit) => readNumber(unit.value)),
    `${label} ${bits}`,
    warnings,
  )
  return summed.known ? summed : printed
}

function counts(errors: QNode, scope: 'Volatile' | 'Aggregate', warnings: string[]): Counts {
  const block = find(errors, scope)
  const label = `ECC ${scope.toLowerCase()} (line ${errors.line})`
  if (!block) return { correctable: unknown(null), uncorrectable: unknown(null) }
  if (block.children.length === 0) return { correctable: unknown(block.value), uncorrectable: unknown(block.value) }
  if (find(block, 'Single Bit', 'Double Bit')) {
    return {
      correctable: bitTotal(block, 'Single Bit', label, warnings),
      uncorrectable: bitTotal(block, 'Double Bit', label, warnings),
    }
  }
  const count = (name: string) => readNumber(valueAt(block, name))
  const sramUncorrectable =
    valueAt(block, 'SRAM Uncorrectable') !== undefined
      ? count('SRAM Uncorrectable')
      : sum([count('SRAM Uncorrectable Parity'), count('SRAM Uncorrectable SEC-DED')], `${label} SRAM`, warnings)
  return {
    correctable: sum([count('SRAM Correctable'), count('DRAM Correctable')], `${label} correctable`, warnings),
    uncorrectable: sum([sramUncorrectable, count('DRAM Uncorrectable')], `${label} uncorrectable`, warnings),
  }
}

export function readEcc(gpu: QNode, warnings: string[]): EccCounters {
  const errors = find(gpu, 'ECC Errors')
  if (!errors || errors.children.length === 0) {
    const raw = errors?.value ?? null
    return {
      volatile: { correctable: unknown(raw), uncorrectable: unknown(raw) },
      aggregate: { correctable: unknown(raw), uncorrectable: unknown(raw) },
    }
  }
  return { volatile: counts(errors, 'Volatile', warnings), aggregate: counts(errors, 'Aggregate', warnings) }
}

export function readRetiredPages(gpu: QNode): RetiredPages {
  const pages = find(gpu, 'Retired Pages')
  if (!pages || pages.children.length === 0) {
    const raw = pages?.value ?? null
    return { singleBit: unknown(raw), doubleBit: unknown(raw), pendingRetirement: unknown(raw) }
  }
  return {
    // Older drivers label the counts "Single Bit ECC" / "Double Bit ECC" and may list page addresses below.
    singleBit: readNumber(find(pages, 'Single Bit ECC', 'Single Bit')?.value),
    doubleBit: readNumber(find(pages, 'Double Bit ECC', 'Double Bit')?.value),
    pendingRetirement: eitherFlag(
      readFlag(valueAt(pages, 'Pending Page Blacklist')),
      readFlag(valueAt(pages, 'Pending Page Retirement')),
      readFlag(valueAt(pages, 'Pending')),
    ),
  }
}

export function readRemappedRows(gpu: QNode): RemappedRows {
  const rows = find(gpu, 'Remapped Rows')
  if (!rows || rows.children.length === 0) {
    const raw = rows?.value ?? null
    return { correctable: unknown(raw), uncorrectable: unknown(raw), pending: unknown(raw), failure: unknown(raw) }
  }
  return {
    correctable: readNumber(valueAt(rows, 'Correctable Error')),
    uncorrectable: readNumber(valueAt(rows, 'Uncorrectable Error')),
    pending: readFlag(valueAt(rows, 'Pending')),
    failure: readFlag(valueAt(rows, 'Remapping Failure Occurred')),
  }
}

const REASON_LABELS: Record<keyof ClockEventReasons, string> = {
  idle: 'Idle',
  applicationsClocksSetting: 'Applications Clocks Setting',
  swPowerCap: 'SW Power Cap',
  hwSlowdown: 'HW Slowdown',
  hwThermalSlowdown: 'HW Thermal Slowdown',
  hwPowerBrakeSlowdown: 'HW Power Brake Slowdown',
  syncBoost: 'Sync Boost',
  swThermalSlowdown: 'SW Thermal Slowdown',
  displayClockSetting: 'Display Clock Setting',
}

export function readClockReasons(gpu: QNode): ClockEventReasons {
  const block = find(gpu, 'Clocks Event Reasons', 'Clocks Throttle Reasons', 'Clocks Reasons')
  if (!block || block.children.length === 0) return unknownClockReasons(block?.value ?? null)
  // The thermal and power-brake slowdowns are printed one level down, under "HW Slowdown".
  const nested = find(block, REASON_LABELS.hwSlowdown)
  const reasons = unknownClockReasons()
  for (const key of CLOCK_REASON_KEYS) {
    const node = find(block, REASON_LABELS[key]) ?? find(nested, REASON_LABELS[key])
    reasons[key] = readFlag(node?.value)
  }
  return reasons
}
