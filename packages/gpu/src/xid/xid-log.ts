// XID events from kernel log text (`dmesg`, `dmesg -T`, `journalctl -k`, /var/log/syslog, /dev/kmsg),
// e.g. `[ 219.470994] NVRM: Xid (PCI:0000:07:00): 48, pid='<unknown>', name=<unknown>, An uncorrectable ...`.
import { failed, GpuParseError, type ParseResult, parsed } from '../common/parse-error'
import { looksBinary } from '../dcgm/json'
import type { XidEvent } from '../model'

const FORMAT = 'kernel-log-xid'

/** Drivers print the device as `PCI:0000:3b:00` (since ~R450) or `0000:3b:00` (older). */
const XID_LINE =
  /NVRM: Xid \((?:PCI:)?([0-9A-Fa-f]{4}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}(?:\.[0-9A-Fa-f])?)\): (\d+)(?:,(.*))?$/
const MENTIONS_XID = /NVRM:\s*Xid\b/i
const FALLEN_OFF_BUS = /NVRM:.*fallen off the bus/

const UPTIME = /\[\s*(\d+\.\d+)\]/
const DMESG_CTIME = /\[([A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4})\]/
const SYSLOG_DATE = /^(\S{3,5}\.? +\d{1,2} \d{2}:\d{2}:\d{2})\s/
const ISO_DATE = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s/
const KMSG_RECORD = /^\d+,\d+,(\d+),[^;]*;/

interface Stamp {
  at: string | null
  sinceBootSeconds: number | null
}

/** What precedes `NVRM:`: a wall clock (syslog, journal, dmesg -T) and/or seconds since boot. */
function readStamp(prefix: string): Stamp {
  const uptime = UPTIME.exec(prefix)?.[1]
  const kmsg = KMSG_RECORD.exec(prefix)?.[1]
  const sinceBootSeconds = uptime ? Number(uptime) : kmsg ? Number(kmsg) / 1e6 : null
  const wallClock = DMESG_CTIME.exec(prefix)?.[1] ?? ISO_DATE.exec(prefix)?.[1] ?? SYSLOG_DATE.exec(prefix)?.[1]
  const at = wallClock ?? uptime ?? (sinceBootSeconds === null ? null : sinceBootSeconds.toFixed(6))
  return { at, sinceBootSeconds }
}

/** `pid=1234, name=python, rest`, `pid='<unknown>', name=<unknown>, rest`, `pid=1896, rest`, or just `rest`. */
function readProcess(rest: string): { pid: number | null; processName: string | null; message: string } {
  let text = rest.trim()
  let pid: number | null = null
  let processName: string | null = null
  const pidMatch = /^pid=('?)([^,']*)\1(?:,\s*|$)/.exec(text)
  if (pidMatch) {
    pid = /^\d+$/.test(pidMatch[2] ?? '') ? Number(pidMatch[2]) : null
    text = text.slice(pidMatch[0].length)
    const nameMatch = /^name=([^,]*)(?:,\s*|$)/.exec(text)
    if (nameMatch) {
      const name = (nameMatch[1] ?? '').trim()
      processName = name === '' || /^<.*>$/.test(name) ? null : name
      text = text.slice(nameMatch[0].length)
    }
  }
  return { pid, processName, message: text.trim() }
}

/**
 * Every XID the log reports, in order. Lines that are not NVRM Xid lines are ignored; an Xid line that
 * cannot be read is a warning, and so is a GPU reported fallen off the bus with no Xid 79 for it.
 * An empty log is a valid empty list.
 */
export function parseXidLog(text: string): ParseResult<XidEvent[]> {
  if (looksBinary(text)) {
    return failed(new GpuParseError(FORMAT, 'input', 'binary data, not a kernel log'))
  }
  const events: XidEvent[] = []
  const warnings: string[] = []
  const fallenOffBus: string[] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  lines.forEach((raw, index) => {
    const line = raw.trimEnd()
    const lineNumber = index + 1
    const match = XID_LINE.exec(line)
    if (!match) {
      if (MENTIONS_XID.test(line))
        warnings.push(`line ${lineNumber}: mentions an Xid but could not be read: ${line.trim()}`)
      else if (FALLEN_OFF_BUS.test(line)) fallenOffBus.push(`line ${lineNumber}: ${line.trim()}`)
      return
    }
    const prefix = line.slice(0, match.index)
    const stamp = readStamp(prefix)
    const process = readProcess(match[3] ?? '')
    const event: XidEvent = {
      at: stamp.at,
      // Lower case so the same GPU matches across driver versions that print 0000:3B:00 or 0000:3b:00.
      pciBusId: (match[1] ?? '').toLowerCase(),
      xid: Number(match[2]),
      pid: process.pid,
      processName: process.processName,
      message: process.message,
      line: lineNumber,
    }
    if (stamp.sinceBootSeconds !== null) event.sinceBootSeconds = stamp.sinceBootSeconds
    events.push(event)
  })
  // Newer drivers can report a lost GPU without the Xid 79 line; a gate must still hear about it.
  if (fallenOffBus.length > 0 && !events.some((event) => event.xid === 79)) {
    warnings.push(...fallenOffBus.map((entry) => `GPU fallen off the bus without an Xid 79 line (${entry})`))
  }
  return parsed(events, warnings)
}
