// The critical-XID gate: no XID from DESIGN.md's critical list logged since the change began. XID 63 (a row
// remapping or page retirement was recorded) counts only while that GPU still has a remap pending.
import type { GpuSnapshot, XidEvent } from '../model'
import { CRITICAL_XIDS, xidSeverity } from '../xid/critical'
import { type Finding, failed, gpuLabel, type HealthGateContext, inconclusive, passed } from './findings'
import type { XidSince } from './types'

/**
 * PCI address as (domain, bus, device), ignoring the function: the kernel prints "0000:3b:00", nvidia-smi prints
 * "00000000:3B:00.0"; Azure's "00000001:00:00.0" keeps its domain 1.
 */
export function pciKey(address: string): string | null {
  const match = /^(?:pci:)?(?:([0-9a-f]{1,8}):)?([0-9a-f]{1,2}):([0-9a-f]{1,2})(?:\.[0-7])?$/i.exec(address.trim())
  if (!match) return null
  const [, domain = '0', bus = '0', device = '0'] = match
  return [domain, bus, device].map((part) => Number.parseInt(part, 16).toString(16)).join(':')
}

/** Wall-clock milliseconds and seconds since boot, each when the event carries it. */
function eventTimes(event: XidEvent): { wallMs: number | null; uptimeSeconds: number | null } {
  const text = event.at?.trim().replace(/^\[\s*|\s*\]$/g, '') ?? ''
  const atIsUptime = /^\d+(\.\d+)?$/.test(text)
  const wallMs = text === '' || atIsUptime ? Number.NaN : Date.parse(text)
  const uptimeSeconds =
    typeof event.sinceBootSeconds === 'number' ? event.sinceBootSeconds : atIsUptime ? Number(text) : null
  return { wallMs: Number.isNaN(wallMs) ? null : wallMs, uptimeSeconds }
}

/** true: after the change began; false: before; null: cannot be placed (no time, or only another clock's). */
function isSince(event: XidEvent, since: XidSince | undefined): boolean | null {
  if (since === undefined) return true
  const { wallMs, uptimeSeconds } = eventTimes(event)
  if (since instanceof Date) return wallMs === null ? null : wallMs >= since.getTime()
  return uptimeSeconds === null ? null : uptimeSeconds >= since.secondsSinceBoot
}

export function criticalXidGate({ input, snapshot }: HealthGateContext): Finding[] {
  const { events = [], since } = input.xids ?? {}
  const gpusByPci = new Map<string, GpuSnapshot>()
  for (const gpu of snapshot?.gpus ?? []) {
    const key = gpu.pciBusId.known ? pciKey(gpu.pciBusId.value) : null
    if (key) gpusByPci.set(key, gpu)
  }

  const findings: Finding[] = []
  for (const event of events) {
    const critical = CRITICAL_XIDS.get(event.xid)
    if (critical === undefined) continue
    const key = pciKey(event.pciBusId)
    const gpu = key ? gpusByPci.get(key) : undefined
    const where = gpu ? gpuLabel(gpu) : `PCI ${event.pciBusId}`
    const what = `XID ${event.xid} (${critical.meaning}) on ${where}${event.at ? ` at ${event.at}` : ''}, log line ${event.line}`

    const after = isSince(event, since)
    if (after === false) continue
    const pending = gpu?.remappedRows.pending
    const severity = xidSeverity(event.xid, pending?.known ? pending.value : null)
    if (severity === 'not-critical') continue
    if (severity === 'inconclusive') {
      findings.push(
        inconclusive('XID_REMAP_STATUS_UNKNOWN', `${what}: cannot tell whether a row remap is pending`, gpu?.index),
      )
      continue
    }
    if (after === null) {
      findings.push(
        inconclusive(
          'XID_TIME_UNKNOWN',
          `${what}: cannot tell whether it was logged after the change began`,
          gpu?.index,
        ),
      )
      continue
    }
    const pendingNote = critical.onlyWithPendingRowRemap ? ' with a row remap pending' : ''
    findings.push(failed('XID_CRITICAL', `${what}${pendingNote}`, gpu?.index))
  }
  return findings.length ? findings : [passed()]
}
