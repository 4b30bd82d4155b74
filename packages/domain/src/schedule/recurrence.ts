// Expands a freeze or maintenance window (a wall-clock start, a duration, an optional RRULE and
// exceptions, all in one IANA time zone) into concrete intervals over a horizon. Pure: no clock, no I/O.
//
// The RRULE is expanded in "floating" time (local fields held as if UTC), so the rule counts local
// days and weeks, and each occurrence becomes an instant only at the end through the zone. A window
// "every Tuesday 22:00 Europe/Berlin for 4 hours" stays at 22:00 local across both DST changes; the
// duration is elapsed time, so a window spanning a change lasts its 4 hours, not 3 or 5.
import * as rruleModule from 'rrule'
import { formatLocalDateTime, isTimeZone, parseLocalDateTime, wallClockToInstant } from './zone'

// rrule's CommonJS entry is a UMD bundle: Node's ESM loader exposes it only as `default`, while
// bundlers read its ESM build with named exports. Take whichever this runtime gave us.
const { RRule } = (rruleModule as unknown as { default?: typeof rruleModule }).default ?? rruleModule

export interface RecurrenceSpec {
  /** Wall-clock start of the first occurrence in `timeZone`, `YYYY-MM-DDTHH:mm`. */
  start: string
  timeZone: string
  durationMinutes: number
  /** RFC 5545 RRULE without DTSTART (`FREQ=WEEKLY;BYDAY=TU`), or null for a one-off. */
  rrule: string | null
  /** Wall-clock starts of occurrences to skip, `YYYY-MM-DDTHH:mm`. */
  exceptions: readonly string[]
}

export interface Interval {
  start: Date
  end: Date
}

export interface RecurrenceIssue {
  path: 'start' | 'timeZone' | 'durationMinutes' | 'rrule' | 'exceptions'
  message: string
}

/** A year and a day: a window or freeze longer than that is a mistake, not a plan. */
export const MAX_DURATION_MINUTES = 366 * 24 * 60
/** Expansion stops here, so no rule can make a horizon cost more than this many rows. */
export const MAX_OCCURRENCES = 5_000
const NUMBERS = (min: number, max: number) => ({
  test: (value: string) =>
    /^[+-]?\d{1,3}(,[+-]?\d{1,3})*$/.test(value) &&
    value.split(',').every((n) => Math.abs(Number(n)) >= min && Math.abs(Number(n)) <= max),
})
const PART_CHECKS: Record<string, { test(value: string): boolean }> = {
  FREQ: /^(YEARLY|MONTHLY|WEEKLY|DAILY|HOURLY|MINUTELY|SECONDLY)$/i,
  INTERVAL: /^[1-9]\d{0,3}$/,
  COUNT: /^[1-9]\d{0,4}$/,
  UNTIL: /^\d{8}(T\d{6}Z?)?$/,
  WKST: /^(MO|TU|WE|TH|FR|SA|SU)$/i,
  BYDAY: /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)(,([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU))*$/i,
  BYMONTH: NUMBERS(1, 12),
  BYMONTHDAY: NUMBERS(1, 31),
  BYYEARDAY: NUMBERS(1, 366),
  BYWEEKNO: NUMBERS(1, 53),
  BYSETPOS: NUMBERS(1, 366),
  BYHOUR: { test: (value) => /^\d{1,2}(,\d{1,2})*$/.test(value) && value.split(',').every((n) => Number(n) <= 23) },
  BYMINUTE: { test: (value) => /^\d{1,2}(,\d{1,2})*$/.test(value) && value.split(',').every((n) => Number(n) <= 59) },
}
const ALLOWED_FREQUENCIES = new Set(['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY'])

/** What is wrong with a spec, field by field; empty when it can be expanded. */
export function recurrenceIssues(spec: RecurrenceSpec): RecurrenceIssue[] {
  const issues: RecurrenceIssue[] = []
  const start = parseLocalDateTime(spec.start)
  if (start === null || new Date(start).getUTCFullYear() < 1970 || new Date(start).getUTCFullYear() > 9000) {
    issues.push({ path: 'start', message: 'must be a local date and time like 2026-12-24T22:00 (no offset)' })
  }
  if (!isTimeZone(spec.timeZone))
    issues.push({ path: 'timeZone', message: 'must be an IANA time zone like Europe/Berlin' })
  if (
    !Number.isInteger(spec.durationMinutes) ||
    spec.durationMinutes < 1 ||
    spec.durationMinutes > MAX_DURATION_MINUTES
  ) {
    issues.push({ path: 'durationMinutes', message: `must be a whole number from 1 to ${MAX_DURATION_MINUTES}` })
  }
  if (spec.rrule !== null) {
    const problem = rruleProblem(spec.rrule)
    if (problem) issues.push({ path: 'rrule', message: problem })
  }
  spec.exceptions.forEach((exception) => {
    if (parseLocalDateTime(exception) === null) {
      issues.push({ path: 'exceptions', message: `${exception} is not a local date and time like 2026-12-24T22:00` })
    }
  })
  return issues
}

function rruleProblem(text: string): string | null {
  if (/DTSTART|TZID/i.test(text)) return 'must not carry DTSTART or TZID: give start and timeZone instead'
  const body = text.replace(/^RRULE:/i, '')
  // rrule's parser skips what it does not understand (BYDAY=XX parses as no BYDAY at all): check
  // every part here, so a typo is a 400 rather than a rule that silently means something else.
  for (const part of body.split(';')) {
    const [key, value = ''] = part.split('=')
    const check = PART_CHECKS[key?.toUpperCase() ?? '']
    if (!check) return `${key} is not a supported RRULE part`
    if (!check.test(value)) return `${key}=${value} is not valid`
  }
  let options: ReturnType<typeof RRule.parseString>
  try {
    options = RRule.parseString(body)
  } catch (error) {
    return `is not a valid RRULE: ${(error as Error).message}`
  }
  if (options.freq === undefined) return 'needs a FREQ'
  const freq = RRule.FREQUENCIES[options.freq]
  if (!freq || !ALLOWED_FREQUENCIES.has(freq)) return 'FREQ must be YEARLY, MONTHLY, WEEKLY or DAILY'
  return null
}

function ruleFor(spec: RecurrenceSpec, startFloating: number) {
  const options = RRule.parseString(spec.rrule?.replace(/^RRULE:/i, '') ?? '')
  return new RRule({ ...options, dtstart: new Date(startFloating), tzid: null })
}

/**
 * The occurrences that overlap [from, to), in order. A one-off is its single interval. Throws on a
 * spec with issues: callers validate first (recurrenceIssues) and answer 400 there.
 */
export function expandRecurrence(spec: RecurrenceSpec, from: Date, to: Date): Interval[] {
  const issues = recurrenceIssues(spec)
  if (issues.length > 0) throw new Error(`cannot expand: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`)
  const startFloating = parseLocalDateTime(spec.start) as number
  const durationMs = spec.durationMinutes * 60_000
  const skipped = new Set(
    spec.exceptions.map((exception) => formatLocalDateTime(parseLocalDateTime(exception) as number)),
  )
  const toInterval = (floating: number): Interval => {
    const start = wallClockToInstant(floating, spec.timeZone)
    return { start: new Date(start), end: new Date(start + durationMs) }
  }
  const overlaps = (interval: Interval) => interval.start < to && interval.end > from
  if (spec.rrule === null) {
    const only = toInterval(startFloating)
    return overlaps(only) && !skipped.has(formatLocalDateTime(startFloating)) ? [only] : []
  }
  // Local times differ from instants by at most a day (offsets lie within ±14 h); widen the floating
  // search by that and by the duration, then keep exactly the intervals that overlap.
  const DAY = 86_400_000
  const floatingFrom = new Date(from.getTime() - durationMs - DAY)
  const floatingTo = new Date(to.getTime() + DAY)
  const result: Interval[] = []
  ruleFor(spec, startFloating).between(floatingFrom, floatingTo, true, (date) => {
    const floating = date.getTime()
    if (!skipped.has(formatLocalDateTime(floating))) {
      const interval = toInterval(floating)
      if (overlaps(interval)) result.push(interval)
    }
    return result.length < MAX_OCCURRENCES
  })
  return result
}
