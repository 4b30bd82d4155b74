// The rolling horizon over which freezes and windows exist as concrete rows: a month back (changes
// that started recently are still checked) to 400 days ahead (the assistant looks 90 days out, and
// changes are planned up to a year ahead). The daily schedule.refresh-horizon job moves it along.
import type { DbOrTx } from '@cabinet/db'
import { expandRecurrence } from '@cabinet/domain'

export const HORIZON_PAST_DAYS = 31
export const HORIZON_FUTURE_DAYS = 400
const DAY_MS = 86_400_000

export function horizon(now: Date) {
  return {
    from: new Date(now.getTime() - HORIZON_PAST_DAYS * DAY_MS),
    to: new Date(now.getTime() + HORIZON_FUTURE_DAYS * DAY_MS),
  }
}

export interface RuleSpecRow {
  id: string
  start: string
  timeZone: string
  durationMinutes: number
  rrule: string | null
  exceptions: string[]
}

/** Replaces a rule's occurrences with its expansion over the horizon around `now`; returns how many. */
export async function writeOccurrences(tx: DbOrTx, rule: RuleSpecRow, now: Date): Promise<number> {
  const { from, to } = horizon(now)
  const intervals = expandRecurrence(
    {
      start: rule.start,
      timeZone: rule.timeZone,
      durationMinutes: rule.durationMinutes,
      rrule: rule.rrule,
      exceptions: rule.exceptions,
    },
    from,
    to,
  )
  await tx.scheduleOccurrence.deleteMany({ where: { ruleId: rule.id } })
  if (intervals.length > 0) {
    await tx.scheduleOccurrence.createMany({
      data: intervals.map((interval) => ({ ruleId: rule.id, startsAt: interval.start, endsAt: interval.end })),
      skipDuplicates: true,
    })
  }
  return intervals.length
}
