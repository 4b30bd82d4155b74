// The calendar: changes, freeze and window occurrences in a bounded range (GiST range queries), and
// a per-user iCalendar feed behind a secret URL token stored only as its SHA-256, like API tokens.
import ical from 'ical-generator'
import { randomBytes } from 'node:crypto'
import { CALENDAR_FEED_TOKEN, type CalendarView } from '@cabinet/contracts'
import type { Db } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import { AppError } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import { digest, randomSecret } from '../auth/secrets'

const DAY_MS = 86_400_000
/** What a subscribed calendar shows: a month back to half a year ahead, at most this many events. */
const FEED_PAST_DAYS = 31
const FEED_FUTURE_DAYS = 183
const FEED_MAX_EVENTS = 5_000

interface RangeRows {
  changes: {
    id: string
    number: string
    title: string
    type: CalendarView['changes'][number]['type']
    state: CalendarView['changes'][number]['state']
    risk_level: CalendarView['changes'][number]['riskLevel']
    planned_start: Date
    planned_end: Date
    on_hold: boolean
  }[]
  occurrences: {
    rule_id: string
    kind: 'freeze' | 'window'
    name: string
    scope: CalendarView['occurrences'][number]['scope']
    starts_at: Date
    ends_at: Date
  }[]
}

async function rangeRows(db: Db, from: Date, to: Date, limit: number): Promise<RangeRows> {
  const range = `[${from.toISOString()},${to.toISOString()})`
  // Every change but drafts and canceled ones; change_schedules.period carries the GiST index.
  const changes = await db.$queryRaw<RangeRows['changes']>`
    SELECT c.id::text, c.number, c.title, c.type, c.state, c.risk_level, c.planned_start, c.planned_end, cs.on_hold
      FROM change_schedules cs JOIN change_requests c ON c.id = cs.change_id
     WHERE cs.period && ${range}::tstzrange AND c.state NOT IN ('new', 'canceled')
     ORDER BY c.planned_start, c.number LIMIT ${limit}`
  const occurrences = await db.$queryRaw<RangeRows['occurrences']>`
    SELECT o.rule_id::text, r.kind, r.name, r.scope, o.starts_at, o.ends_at
      FROM schedule_occurrences o JOIN schedule_rules r ON r.id = o.rule_id
     WHERE o.period && ${range}::tstzrange AND r.active
     ORDER BY o.starts_at, r.name LIMIT ${limit}`
  return { changes, occurrences }
}

export function createCalendarService({ db }: { db: Db }) {
  async function range(from: Date, to: Date): Promise<CalendarView> {
    const rows = await rangeRows(db, from, to, 10_000)
    return {
      changes: rows.changes.map((row) => ({
        id: row.id,
        number: row.number,
        title: row.title,
        type: row.type,
        state: row.state,
        riskLevel: row.risk_level,
        plannedStart: row.planned_start.toISOString(),
        plannedEnd: row.planned_end.toISOString(),
        onHold: row.on_hold,
      })),
      occurrences: rows.occurrences.map((row) => ({
        ruleId: row.rule_id,
        kind: row.kind,
        name: row.name,
        scope: row.scope,
        start: row.starts_at.toISOString(),
        end: row.ends_at.toISOString(),
      })),
    }
  }

  async function feedStatus(ctx: RequestContext) {
    const token = await db.calendarFeedToken.findUnique({ where: { userId: ctx.actor.id } })
    return {
      active: token !== null,
      prefix: token?.prefix ?? null,
      createdAt: token?.createdAt.toISOString() ?? null,
      lastUsedAt: token?.lastUsedAt?.toISOString() ?? null,
    }
  }

  /** Creates the feed token, or replaces it (rotation): the old URL stops working at once. */
  async function issueFeed(ctx: RequestContext, baseUrl: string) {
    const prefix = randomBytes(6).toString('base64url').slice(0, 8)
    const token = `calf_${prefix}_${randomSecret()}`
    await db.$transaction(async (tx) => {
      const existing = await tx.calendarFeedToken.findUnique({ where: { userId: ctx.actor.id } })
      await tx.calendarFeedToken.deleteMany({ where: { userId: ctx.actor.id } })
      await tx.calendarFeedToken.create({
        data: { userId: ctx.actor.id, prefix, tokenHash: digest(token), createdAt: ctx.now },
      })
      await recordAudit(tx, ctx, {
        action: existing ? 'calendar_feed.rotated' : 'calendar_feed.created',
        entityType: 'calendar_feed',
        entityId: ctx.actor.id,
        before: existing ? { prefix: existing.prefix } : null,
        after: { prefix },
      })
    })
    return { url: `${baseUrl}/api/v1/calendar/feeds/${token}`, token, prefix }
  }

  async function revokeFeed(ctx: RequestContext) {
    await db.$transaction(async (tx) => {
      const existing = await tx.calendarFeedToken.findUnique({ where: { userId: ctx.actor.id } })
      if (!existing) throw new AppError('NOT_FOUND', 'you have no calendar feed to revoke')
      await tx.calendarFeedToken.delete({ where: { id: existing.id } })
      await recordAudit(tx, ctx, {
        action: 'calendar_feed.revoked',
        entityType: 'calendar_feed',
        entityId: ctx.actor.id,
        before: { prefix: existing.prefix },
      })
    })
  }

  /** The .ics body for a feed token; a 401 that says nothing about why (malformed, unknown, revoked, disabled). */
  async function feed(token: string, now: Date, baseUrl: string): Promise<string> {
    const row = CALENDAR_FEED_TOKEN.test(token)
      ? await db.calendarFeedToken.findUnique({
          where: { tokenHash: digest(token) },
          include: { user: { select: { name: true, disabled: true } } },
        })
      : null
    if (!row || row.user.disabled) throw new AppError('UNAUTHENTICATED', 'unknown or revoked calendar feed URL')
    await db.calendarFeedToken.update({ where: { id: row.id }, data: { lastUsedAt: now } })
    const rows = await rangeRows(
      db,
      new Date(now.getTime() - FEED_PAST_DAYS * DAY_MS),
      new Date(now.getTime() + FEED_FUTURE_DAYS * DAY_MS),
      FEED_MAX_EVENTS,
    )
    const calendar = ical({
      name: 'Cabinet change schedule',
      prodId: { company: 'Cabinet', product: 'change-schedule', language: 'EN' },
      ttl: 15 * 60,
    })
    for (const change of rows.changes) {
      calendar.createEvent({
        id: `change-${change.id}@cabinet`,
        start: change.planned_start,
        end: change.planned_end,
        summary: `${change.number} ${change.title}${change.on_hold ? ' (on hold)' : ''}`,
        description: `${change.type} change, ${change.state}, risk ${change.risk_level}`,
        url: `${baseUrl}/changes/${change.number}`,
        categories: [{ name: 'change' }, { name: change.risk_level }],
        stamp: now,
      })
    }
    for (const occurrence of rows.occurrences) {
      calendar.createEvent({
        id: `${occurrence.kind}-${occurrence.rule_id}-${occurrence.starts_at.getTime()}@cabinet`,
        start: occurrence.starts_at,
        end: occurrence.ends_at,
        summary: `${occurrence.kind === 'freeze' ? 'Freeze' : 'Maintenance window'}: ${occurrence.name}`,
        categories: [{ name: occurrence.kind }],
        stamp: now,
      })
    }
    return calendar.toString()
  }

  return { range, feedStatus, issueFeed, revokeFeed, feed }
}

export type CalendarService = ReturnType<typeof createCalendarService>
