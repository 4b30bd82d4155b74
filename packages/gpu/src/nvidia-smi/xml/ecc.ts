// Memory-error sections of `nvidia-smi -q -x`: ECC counters in both layouts (pre-Ampere single/double
// bit per unit with a total; SRAM/DRAM correctable/uncorrectable since driver ~450, with the SRAM
// uncorrectable count split into parity and SEC-DED on 570+), retired pages and remapped rows.
import { type Reading, readFlag, readNumber, unknown } from '../../common/readings'
import type { EccCounters, RemappedRows, RetiredPages } from '../../model'
import { eitherFlag, sumCounters } from '../snapshot'
import { child, isElement, leafText, text, textAt, type XmlElement } from './tree'

type Counts = { correctable: Reading<number>; uncorrectable: Reading<number> }

/** Where `name` holds "N/A" instead of children, every counter under it is unknown with that text. */
function unknownCounts(raw: string | null): Counts {
  return { correctable: unknown(raw), uncorrectable: unknown(raw) }
}

function sum(parts: Reading<number>[], label: string, warnings: string[]): Reading<number> {
  const { total, partial } = sumCounters(parts)
  if (partial) warnings.push(`${label}: some counters unreadable, total counts only the readable ones`)
  return total
}

/** Old layout: `<single_bit>` / `<double_bit>` with per-unit counts and a `<total>`. */
function oldLayout(block: XmlElement, label: string, warnings: string[]): Counts {
  const total = (bits: string): Reading<number> => {
    const group = child(block, bits)
    if (!group) return unknown(text(block, bits) ?? null)
    const printed = readNumber(text(group, 'total'))
    if (printed.known) return printed
    const units = Object.keys(group).filter((name) => name !== 'total')
    const summed = sum(
      units.map((name) => readNumber(text(group, name))),
      `${label} ${bits}`,
      warnings,
    )
    return summed.known ? summed : printed
  }
  return { correctable: total('single_bit'), uncorrectable: total('double_bit') }
}

/** New layout: SRAM and DRAM counters side by side. */
function newLayout(block: XmlElement, label: string, warnings: string[]): Counts {
  const count = (name: string) => readNumber(text(block, name))
  const sramUncorrectable =
    text(block, 'sram_uncorrectable') !== undefined
      ? count('sram_uncorrectable')
      : sum([count('sram_uncorrectable_parity'), count('sram_uncorrectable_secded')], `${label} SRAM`, warnings)
  return {
    correctable: sum([count('sram_correctable'), count('dram_correctable')], `${label} correctable`, warnings),
    uncorrectable: sum([sramUncorrectable, count('dram_uncorrectable')], `${label} uncorrectable`, warnings),
  }
}

function counts(errors: XmlElement | undefined, scope: 'volatile' | 'aggregate', warnings: string[]): Counts {
  const block = child(errors, scope)
  if (!block) return unknownCounts(text(errors, scope) ?? null)
  const label = `ECC ${scope}`
  const old = isElement(block.single_bit) || isElement(block.double_bit)
  return old ? oldLayout(block, label, warnings) : newLayout(block, label, warnings)
}

export function readEcc(gpu: XmlElement, warnings: string[]): EccCounters {
  const errors = child(gpu, 'ecc_errors')
  if (!errors) {
    const raw = leafText(gpu, 'ecc_errors') ?? null
    return { volatile: unknownCounts(raw), aggregate: unknownCounts(raw) }
  }
  return { volatile: counts(errors, 'volatile', warnings), aggregate: counts(errors, 'aggregate', warnings) }
}

export function readEccEnabled(gpu: XmlElement): Reading<boolean> {
  return readFlag(textAt(gpu, 'ecc_mode', 'current_ecc'))
}

export function readRetiredPages(gpu: XmlElement): RetiredPages {
  const pages = child(gpu, 'retired_pages')
  if (!pages) {
    const raw = leafText(gpu, 'retired_pages') ?? null
    return { singleBit: unknown(raw), doubleBit: unknown(raw), pendingRetirement: unknown(raw) }
  }
  return {
    singleBit: readNumber(textAt(pages, 'multiple_single_bit_retirement', 'retired_count')),
    doubleBit: readNumber(textAt(pages, 'double_bit_retirement', 'retired_count')),
    pendingRetirement: eitherFlag(
      readFlag(text(pages, 'pending_blacklist')),
      readFlag(text(pages, 'pending_retirement')),
    ),
  }
}

export function readRemappedRows(gpu: XmlElement): RemappedRows {
  const rows = child(gpu, 'remapped_rows')
  if (!rows) {
    const raw = leafText(gpu, 'remapped_rows') ?? null
    return { correctable: unknown(raw), uncorrectable: unknown(raw), pending: unknown(raw), failure: unknown(raw) }
  }
  return {
    correctable: readNumber(text(rows, 'remapped_row_corr')),
    uncorrectable: readNumber(text(rows, 'remapped_row_unc')),
    pending: readFlag(text(rows, 'remapped_row_pending')),
    failure: readFlag(text(rows, 'remapped_row_failure')),
  }
}
