import { describe, expect, it } from 'vitest'
import { expandRecurrence, type RecurrenceSpec, recurrenceIssues } from './recurrence'
import { offsetMinutesAt, wallClockToInstant } from './zone'

const spec = (overrides: Partial<RecurrenceSpec>): RecurrenceSpec => ({
  start: '2026-01-06T22:00',
  timeZone: 'Europe/Berlin',
  durationMinutes: 240,
  rrule: null,
  exceptions: [],
  ...overrides,
})
const iso = (intervals: { start: Date; end: Date }[]) =>
  intervals.map((interval) => [interval.start.toISOString(), interval.end.toISOString()])
const window = (from: string, to: string) => [new Date(from), new Date(to)] as const

describe('wall clock to instant', () => {
  it.each([
    // [zone, local, instant]: plain winter and summer times, the spring gap, the autumn overlap.
    ['Europe/Berlin', '2026-01-15T12:00', '2026-01-15T11:00:00.000Z'],
    ['Europe/Berlin', '2026-07-15T12:00', '2026-07-15T10:00:00.000Z'],
    ['Europe/Berlin', '2026-03-29T02:30', '2026-03-29T01:30:00.000Z'], // gap: read as CET = 03:30 CEST
    ['Europe/Berlin', '2026-10-25T02:30', '2026-10-25T00:30:00.000Z'], // twice: the first (CEST)
    ['America/New_York', '2026-03-08T02:30', '2026-03-08T07:30:00.000Z'], // gap: EST = 03:30 EDT
    ['America/New_York', '2026-11-01T01:30', '2026-11-01T05:30:00.000Z'], // twice: the first (EDT)
    ['America/New_York', '2026-11-01T03:00', '2026-11-01T08:00:00.000Z'],
    ['UTC', '2026-03-29T02:30', '2026-03-29T02:30:00.000Z'],
  ])('%s %s is %s', (zone, local, instant) => {
    const floating = Date.parse(`${local}:00Z`)
    expect(new Date(wallClockToInstant(floating, zone)).toISOString()).toBe(instant)
  })

  it('reads offsets in minutes', () => {
    expect(offsetMinutesAt(Date.parse('2026-07-01T00:00:00Z'), 'Europe/Berlin')).toBe(120)
    expect(offsetMinutesAt(Date.parse('2026-01-01T00:00:00Z'), 'America/New_York')).toBe(-300)
    expect(offsetMinutesAt(Date.parse('2026-01-01T00:00:00Z'), 'Asia/Kolkata')).toBe(330)
  })
})

describe('expanding across daylight-saving changes', () => {
  it.each([
    {
      name: 'Berlin spring: a Saturday-night window keeps 22:00 local, so moves an hour earlier in UTC',
      spec: spec({ start: '2026-03-21T22:00', rrule: 'FREQ=WEEKLY;BYDAY=SA' }),
      range: window('2026-03-20T00:00:00Z', '2026-04-05T00:00:00Z'),
      expected: [
        ['2026-03-21T21:00:00.000Z', '2026-03-22T01:00:00.000Z'],
        // Spans the change (02:00 -> 03:00 on the 29th): 240 minutes of elapsed time all the same.
        ['2026-03-28T21:00:00.000Z', '2026-03-29T01:00:00.000Z'],
        ['2026-04-04T20:00:00.000Z', '2026-04-05T00:00:00.000Z'],
      ],
    },
    {
      name: 'Berlin autumn: back to UTC+1',
      spec: spec({ start: '2026-10-17T22:00', rrule: 'FREQ=WEEKLY;BYDAY=SA' }),
      range: window('2026-10-17T00:00:00Z', '2026-11-01T00:00:00Z'),
      expected: [
        ['2026-10-17T20:00:00.000Z', '2026-10-18T00:00:00.000Z'],
        ['2026-10-24T20:00:00.000Z', '2026-10-25T00:00:00.000Z'],
        ['2026-10-31T21:00:00.000Z', '2026-11-01T01:00:00.000Z'],
      ],
    },
    {
      name: 'Berlin spring: a daily 02:30 occurrence on the missing hour becomes 03:30 CEST',
      spec: spec({ start: '2026-03-28T02:30', rrule: 'FREQ=DAILY;COUNT=3', durationMinutes: 30 }),
      range: window('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'),
      expected: [
        ['2026-03-28T01:30:00.000Z', '2026-03-28T02:00:00.000Z'],
        ['2026-03-29T01:30:00.000Z', '2026-03-29T02:00:00.000Z'],
        ['2026-03-30T00:30:00.000Z', '2026-03-30T01:00:00.000Z'],
      ],
    },
    {
      name: 'New York spring: 01:00 daily, the night of the change included',
      spec: spec({
        start: '2026-03-07T01:00',
        timeZone: 'America/New_York',
        rrule: 'FREQ=DAILY;COUNT=3',
        durationMinutes: 120,
      }),
      range: window('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'),
      expected: [
        ['2026-03-07T06:00:00.000Z', '2026-03-07T08:00:00.000Z'],
        ['2026-03-08T06:00:00.000Z', '2026-03-08T08:00:00.000Z'],
        ['2026-03-09T05:00:00.000Z', '2026-03-09T07:00:00.000Z'],
      ],
    },
    {
      name: 'New York autumn: 01:30 happens twice on the day of the change; the first one counts',
      spec: spec({
        start: '2026-10-31T01:30',
        timeZone: 'America/New_York',
        rrule: 'FREQ=DAILY;COUNT=3',
        durationMinutes: 60,
      }),
      range: window('2026-10-01T00:00:00Z', '2026-12-01T00:00:00Z'),
      expected: [
        ['2026-10-31T05:30:00.000Z', '2026-10-31T06:30:00.000Z'],
        ['2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z'],
        ['2026-11-02T06:30:00.000Z', '2026-11-02T07:30:00.000Z'],
      ],
    },
  ])('$name', ({ spec: given, range, expected }) => {
    expect(iso(expandRecurrence(given, range[0], range[1]))).toEqual(expected)
  })
})

describe('RRULE edge cases', () => {
  it('the last weekday of each quarter', () => {
    const quarterEnds = spec({
      start: '2026-01-01T18:00',
      timeZone: 'UTC',
      durationMinutes: 60,
      rrule: 'FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
    })
    const days = expandRecurrence(quarterEnds, new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z')).map(
      (interval) => interval.start.toISOString().slice(0, 10),
    )
    // 2026-03-31 Tue, 2026-06-30 Tue, 2026-09-30 Wed, 2026-12-31 Thu; 2027-03-31 is outside.
    expect(days).toEqual(['2026-03-31', '2026-06-30', '2026-09-30', '2026-12-31'])
    // 2028-09-30 is a Saturday: the quarter's last weekday is Friday the 29th.
    const later = expandRecurrence(quarterEnds, new Date('2028-07-01T00:00:00Z'), new Date('2028-10-01T00:00:00Z'))
    expect(later.map((interval) => interval.start.toISOString().slice(0, 10))).toEqual(['2028-09-29'])
  })

  it('skips exceptions, given in local time', () => {
    const weekly = spec({ start: '2026-12-01T22:00', rrule: 'FREQ=WEEKLY;BYDAY=TU', exceptions: ['2026-12-22T22:00'] })
    const starts = expandRecurrence(weekly, new Date('2026-12-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z')).map(
      (interval) => interval.start.toISOString(),
    )
    expect(starts).toEqual([
      '2026-12-01T21:00:00.000Z',
      '2026-12-08T21:00:00.000Z',
      '2026-12-15T21:00:00.000Z',
      '2026-12-29T21:00:00.000Z',
    ])
  })

  it('keeps an occurrence that started before the horizon but still runs into it', () => {
    const long = spec({ start: '2026-12-20T00:00', timeZone: 'UTC', durationMinutes: 14 * 24 * 60 })
    expect(iso(expandRecurrence(long, new Date('2026-12-25T00:00:00Z'), new Date('2026-12-26T00:00:00Z')))).toEqual([
      ['2026-12-20T00:00:00.000Z', '2027-01-03T00:00:00.000Z'],
    ])
    expect(expandRecurrence(long, new Date('2027-01-03T00:00:00Z'), new Date('2027-02-01T00:00:00Z'))).toEqual([])
  })

  it('honours COUNT and UNTIL', () => {
    const counted = spec({
      start: '2026-01-05T08:00',
      timeZone: 'UTC',
      durationMinutes: 30,
      rrule: 'FREQ=DAILY;COUNT=2',
    })
    expect(expandRecurrence(counted, new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))).toHaveLength(
      2,
    )
    const until = spec({ ...counted, rrule: 'FREQ=DAILY;UNTIL=20260107T235959Z' })
    expect(expandRecurrence(until, new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))).toHaveLength(3)
  })

  it.each([
    [{ start: '2026-02-30T10:00' }, 'start'],
    [{ start: '2026-02-01T10:00+01:00' }, 'start'],
    [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ durationMinutes: 0 }, 'durationMinutes'],
    [{ rrule: 'FREQ=HOURLY' }, 'rrule'],
    [{ rrule: 'BYDAY=TU' }, 'rrule'],
    [{ rrule: 'FREQ=WEEKLY;BYDAY=XX' }, 'rrule'],
    [{ rrule: 'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY' }, 'rrule'],
    [{ exceptions: ['tuesday'] }, 'exceptions'],
  ] as const)('refuses %o naming %s', (overrides, path) => {
    expect(recurrenceIssues(spec(overrides)).map((issue) => issue.path)).toEqual([path])
  })
})
