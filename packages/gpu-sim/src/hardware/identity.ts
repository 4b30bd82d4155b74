// Stable identities for simulated GPUs: the same hostname always yields the same UUIDs and serials, so a
// fleet re-created from its host list keeps its inventory, and two hosts never share a board.
import { createHash } from 'node:crypto'
import type { GpuModelSpec } from './models'

function digest(hostname: string, slot: number, purpose: string): string {
  return createHash('sha256').update(`${purpose}:${hostname}:${slot}`).digest('hex')
}

/** `GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, as nvidia-smi prints it. */
export function gpuUuid(hostname: string, slot: number): string {
  const hex = digest(hostname, slot, 'uuid')
  return `GPU-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/** Thirteen digits, like the board serials in the captures (1650522003820). */
export function gpuSerial(hostname: string, slot: number): string {
  const number = BigInt(`0x${digest(hostname, slot, 'serial').slice(0, 15)}`) % 1_000_000_000n
  return `1654${number.toString().padStart(9, '0')}`
}

/** Bus number of a slot: the platform's layout, continued upward for chassis with more slots than it lists. */
export function busNumber(model: GpuModelSpec, slot: number): string {
  const listed = model.busNumbers[slot]
  if (listed) return listed
  const last = model.busNumbers.at(-1) ?? '00'
  const extra = slot - model.busNumbers.length + 1
  return ((Number.parseInt(last, 16) + extra) & 0xff).toString(16).toUpperCase().padStart(2, '0')
}

/** nvidia-smi's form: `00000000:18:00.0`. */
export function pciBusId(model: GpuModelSpec, slot: number): string {
  return `00000000:${busNumber(model, slot)}:00.0`
}

/** The kernel's form in NVRM lines: `PCI:0000:18:00` (lower case, no function). */
export function kernelPciAddress(model: GpuModelSpec, slot: number): string {
  return `0000:${busNumber(model, slot).toLowerCase()}:00`
}
