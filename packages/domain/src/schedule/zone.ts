// Wall-clock time in an IANA time zone <-> instants, through Intl (no time-zone library needed).
// Freezes and maintenance windows are defined in local time ("Tuesdays 22:00 Europe/Berlin"), so
// each occurrence is computed as a wall-clock time first and turned into an instant last: that is
// what keeps 22:00 at 22:00 on both sides of a daylight-saving change.

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** True when the runtime knows this IANA zone name. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone)
    return true
  } catch {
    // Intl throws a RangeError for an unknown zone: that is the answer, not an error to report.
    return false
  }
}

/** The zone's offset from UTC at this instant, in minutes (Berlin in summer: 120). */
export function offsetMinutesAt(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {}
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  )
  return Math.round((asUtc - Math.floor(instantMs / 1000) * 1000) / 60_000)
}

const DAY_MS = 86_400_000

/**
 * The instant a wall-clock time (given as "floating" milliseconds: the local fields read as if UTC)
 * denotes in the zone. Like RFC 5545 and Temporal's `compatible`: a time that occurs twice (autumn)
 * is its first occurrence; a time skipped by a spring-forward gap is read with the offset before the
 * gap, so 02:30 on the Berlin spring day is 03:30 CEST.
 */
export function wallClockToInstant(floatingMs: number, timeZone: string): number {
  const before = offsetMinutesAt(floatingMs - DAY_MS, timeZone)
  const after = offsetMinutesAt(floatingMs + DAY_MS, timeZone)
  const candidates = [floatingMs - before * 60_000, floatingMs - after * 60_000].filter(
    (instant) => instant + offsetMinutesAt(instant, timeZone) * 60_000 === floatingMs,
  )
  if (candidates.length > 0) return Math.min(...candidates)
  return floatingMs - before * 60_000
}

/** The wall-clock fields of an instant in the zone, as floating milliseconds. */
export function instantToWallClock(instantMs: number, timeZone: string): number {
  return instantMs + offsetMinutesAt(instantMs, timeZone) * 60_000
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/

/** Parses `2026-12-24T22:00` (no offset: a wall-clock time) into floating milliseconds, or null. */
export function parseLocalDateTime(text: string): number | null {
  const match = LOCAL.exec(text)
  if (!match) return null
  const [year, month, day, hour, minute, second] = match.slice(1).map((field) => Number(field ?? 0)) as number[]
  const floating = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0)
  const check = new Date(floating)
  // Date.UTC rolls 2026-02-30 over into March: a date that does not exist is refused, not moved.
  if (check.getUTCMonth() !== (month ?? 1) - 1 || check.getUTCDate() !== day || (hour ?? 0) > 23) return null
  return floating
}

/** Floating milliseconds back to `2026-12-24T22:00`. */
export function formatLocalDateTime(floatingMs: number): string {
  return new Date(floatingMs).toISOString().slice(0, 16)
}
