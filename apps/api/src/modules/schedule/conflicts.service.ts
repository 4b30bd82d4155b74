// Conflicts as people read them: stored ones for a change, a live preview for the new-change form,
// and the scheduling assistant's free slots. Names of items, changes and rules are joined in at
// read time, so a renamed node shows its new name.
import type {
  ChangeConflicts,
  ConflictPreview,
  ConflictPreviewBody,
  ConflictView,
  ScheduleConflictKind,
  SuggestedSlots,
  SuggestSlotsBody,
} from '@cabinet/contracts'
import { ConflictPreviewBody as PreviewSchema, SuggestSlotsBody as SuggestSchema } from '@cabinet/contracts'
import { type Db, type DbOrTx, Prisma } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import { AppError, staleVersion } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import type { ConfigItemService } from '../catalog/config-items.service'
import { type FoundConflict, findConflicts, type ItemRef, relatedItemsSql } from './conflict-engine'

const DAY_MS = 86_400_000
const SUGGEST_DAYS = 90
const SLOT_STEP_MS = 15 * 60_000

async function itemNames(db: DbOrTx, refs: ItemRef[]): Promise<Map<string, string>> {
  const ids = (kind: string) => [...new Set(refs.filter((ref) => ref.kind === kind).map((ref) => ref.id))]
  if (refs.length === 0) return new Map()
  const rows = await db.$queryRaw<{ key: string; name: string }[]>`
    SELECT 'node:' || id AS key, hostname AS name FROM nodes WHERE id = ANY (${ids('node')}::uuid[])
    UNION ALL SELECT 'cluster:' || id, name FROM clusters WHERE id = ANY (${ids('cluster')}::uuid[])
    UNION ALL SELECT 'service:' || id, name FROM services WHERE id = ANY (${ids('service')}::uuid[])`
  return new Map(rows.map((row) => [row.key, row.name]))
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

function messageOf(kind: ScheduleConflictKind, count: number, other: string | null, rule: string | null): string {
  switch (kind) {
    case 'same_item':
      return `${plural(count, 'item')} also changed by ${other} at an overlapping time`
    case 'related_item':
      return `${plural(count, 'item')} related (parent or child) to items of ${other} at an overlapping time`
    case 'freeze':
      return `inside freeze '${rule}': ${plural(count, 'item')}`
    case 'outside_window':
      return `outside every maintenance window of ${plural(count, 'item')} (window '${rule}')`
    case 'implementer_busy':
      return `the implementer is also booked on ${other}`
  }
}

/** Names everything the conflicts point at in three queries, then builds the views. */
export async function conflictViews(db: DbOrTx, conflicts: FoundConflict[]): Promise<ConflictView[]> {
  const otherIds = [...new Set(conflicts.flatMap((c) => (c.otherChangeId ? [c.otherChangeId] : [])))]
  const ruleIds = [...new Set(conflicts.flatMap((c) => (c.ruleId ? [c.ruleId] : [])))]
  const [others, rules, names] = await Promise.all([
    otherIds.length
      ? db.changeRequest.findMany({
          where: { id: { in: otherIds } },
          select: { id: true, number: true, title: true, state: true },
        })
      : [],
    ruleIds.length
      ? db.scheduleRule.findMany({ where: { id: { in: ruleIds } }, select: { id: true, kind: true, name: true } })
      : [],
    itemNames(
      db,
      conflicts.flatMap((c) => c.items),
    ),
  ])
  const otherById = new Map(others.map((other) => [other.id, other]))
  const ruleById = new Map(rules.map((rule) => [rule.id, rule]))
  const order: ScheduleConflictKind[] = ['freeze', 'outside_window', 'same_item', 'related_item', 'implementer_busy']
  return conflicts
    .map((found) => {
      const other = found.otherChangeId ? (otherById.get(found.otherChangeId) ?? null) : null
      const rule = found.ruleId ? (ruleById.get(found.ruleId) ?? null) : null
      const items = found.items
        .map((item) => ({ ...item, name: names.get(`${item.kind}:${item.id}`) ?? `(removed ${item.kind})` }))
        .sort((a, b) => a.name.localeCompare(b.name))
      return {
        kind: found.kind,
        blocking: found.blocking,
        message: messageOf(
          found.kind,
          items.length,
          other ? `${other.number} '${other.title}'` : null,
          rule?.name ?? null,
        ),
        otherChange: other,
        rule,
        itemCount: items.length,
        items,
        overlap: { start: found.overlapStart.toISOString(), end: found.overlapEnd.toISOString() },
      }
    })
    .sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || b.itemCount - a.itemCount)
}

export function createConflictsService(deps: { db: Db; configItems: ConfigItemService }) {
  const { db, configItems } = deps

  async function forChange(idOrNumber: string): Promise<ChangeConflicts> {
    const change = await db.changeRequest.findFirst({
      where: /^CHG\d{7,}$/.test(idOrNumber) ? { number: idOrNumber } : { id: idOrNumber },
      select: { id: true, schedule: true, scheduleConflicts: true },
    })
    if (!change) throw new AppError('CHANGE_NOT_FOUND', `change ${idOrNumber} was not found`)
    const stored: FoundConflict[] = change.scheduleConflicts.map((row) => ({
      kind: row.kind,
      blocking: row.blocking,
      otherChangeId: row.otherChangeId,
      ruleId: row.ruleId,
      items: row.items as unknown as ItemRef[],
      overlapStart: row.overlapStart,
      overlapEnd: row.overlapEnd,
    }))
    const conflicts = await conflictViews(db, stored)
    return {
      changeId: change.id,
      evaluatedAt: change.schedule?.evaluatedAt?.toISOString() ?? null,
      blocking: conflicts.some((conflict) => conflict.blocking),
      compatible: change.schedule?.compatible ?? false,
      onHold: change.schedule?.onHold ?? false,
      holdReason: change.schedule?.holdReason ?? null,
      freezeOverride: change.schedule?.freezeOverride ?? null,
      conflicts,
    }
  }

  async function preview(body: ConflictPreviewBody): Promise<ConflictPreview> {
    const input = PreviewSchema.parse(body)
    await configItems.resolve(input.affectedItems)
    const found = await findConflicts(db, {
      changeId: input.changeId,
      items: input.affectedItems,
      start: new Date(input.plannedStart),
      end: new Date(input.plannedEnd),
      category: input.category,
      implementerId: input.implementerId,
      compatible: false,
    })
    const conflicts = await conflictViews(db, found)
    return { blocking: conflicts.some((conflict) => conflict.blocking), conflicts }
  }

  /** Marks a change compatible (or not) with others on the same items; the worker re-evaluates. */
  async function setCompatible(ctx: RequestContext, changeId: string, compatible: boolean, version: number) {
    await db.$transaction(async (tx) => {
      const change = await tx.changeRequest.findUnique({
        where: { id: changeId },
        select: { id: true, number: true, version: true },
      })
      if (!change) throw new AppError('CHANGE_NOT_FOUND', `change ${changeId} was not found`)
      if (change.version !== version) throw staleVersion(`change ${change.number}`)
      const before = await tx.changeSchedule.findUnique({ where: { changeId } })
      await tx.changeSchedule.update({ where: { changeId }, data: { compatible } })
      await recordAudit(tx, ctx, {
        action: 'change.schedule_compatibility',
        entityType: 'change',
        entityId: changeId,
        changeId,
        before: { compatible: before?.compatible ?? false },
        after: { compatible },
      })
    })
  }

  /**
   * The first five free slots of `durationMinutes` within 90 days: outside every freeze covering the
   * items, clear of other changes on the same items and of the implementer's other changes, and
   * inside a window of every item that has windows. The busy time is merged in SQL (range_agg); the
   * sweep walks the merged intervals once.
   */
  async function suggest(ctx: RequestContext, body: SuggestSlotsBody): Promise<SuggestedSlots> {
    const input = SuggestSchema.parse(body)
    await configItems.resolve(input.affectedItems)
    const from = ceilToStep(Math.max(ctx.now.getTime(), input.after ? Date.parse(input.after) : 0))
    const until = from + SUGGEST_DAYS * DAY_MS
    const durationMs = input.durationMinutes * 60_000
    const range = Prisma.sql`tstzrange(${new Date(from)}::timestamptz, ${new Date(until)}::timestamptz, '[)')`
    const related = relatedItemsSql(
      input.affectedItems.map((item) => item.kind),
      input.affectedItems.map((item) => item.id),
    )
    const category = input.category ?? null
    const busy = await db.$queryRaw<{ start: Date; end: Date }[]>`
      WITH ${related},
      busy AS (
        SELECT b.period FROM rel JOIN schedule_bookings b
            ON rel.dir = 'self' AND b.item_id = rel.item_id AND b.kind = rel.kind AND b.active AND b.period && ${range}
         WHERE b.change_id IS DISTINCT FROM ${input.changeId ?? null}::uuid
        UNION ALL
        SELECT o.period FROM schedule_occurrences o JOIN schedule_rules r ON r.id = o.rule_id
         WHERE r.kind = 'freeze' AND r.active AND o.period && ${range}
           AND (r.scope = 'global'
             OR (r.scope = 'categories' AND ${category}::"ChangeCategory" = ANY (r.categories))
             OR EXISTS (SELECT 1 FROM schedule_rule_items ri JOIN rel ON rel.kind = ri.kind AND rel.item_id = ri.item_id
                         WHERE ri.rule_id = r.id))
        UNION ALL
        SELECT cs.period FROM change_schedules cs
         WHERE ${input.implementerId}::uuid IS NOT NULL AND cs.active AND cs.implementer_id = ${input.implementerId}::uuid
           AND cs.period && ${range} AND cs.change_id IS DISTINCT FROM ${input.changeId ?? null}::uuid
      )
      SELECT lower(p) AS start, upper(p) AS "end" FROM unnest((SELECT range_agg(period) FROM busy)) AS p ORDER BY 1`
    // Per item with windows, the set of windows that apply; the allowed time is, for each distinct
    // set, the union of its occurrences, intersected across the sets.
    const windowSets = await db.$queryRaw<{ rule_ids: string[] }[]>`
      WITH ${related},
      applies AS (
        SELECT r.id AS rule_id, i.kind AS src_kind, i.item_id AS src_id FROM schedule_rules r CROSS JOIN items i
         WHERE r.kind = 'window' AND r.active
           AND (r.scope = 'global' OR (r.scope = 'categories' AND ${category}::"ChangeCategory" = ANY (r.categories)))
        UNION
        SELECT r.id, rel.src_kind, rel.src_id FROM rel
          JOIN schedule_rule_items ri ON ri.kind = rel.kind AND ri.item_id = rel.item_id
          JOIN schedule_rules r ON r.id = ri.rule_id AND r.kind = 'window' AND r.active
         WHERE rel.dir <> 'down'
      )
      SELECT DISTINCT array_agg(rule_id::text ORDER BY rule_id) AS rule_ids FROM applies GROUP BY src_kind, src_id`
    let allowed: Span[] | null = null
    for (const set of windowSets) {
      const spans = await db.$queryRaw<{ start: Date; end: Date }[]>`
        SELECT lower(p) AS start, upper(p) AS "end"
          FROM unnest((SELECT range_agg(period) FROM schedule_occurrences
                        WHERE rule_id = ANY (${set.rule_ids}::uuid[]) AND period && ${range})) AS p ORDER BY 1`
      const mine = spans.map(toSpan)
      allowed = allowed === null ? mine : intersect(allowed, mine)
    }
    const slots = sweep(from, until, durationMs, busy.map(toSpan), allowed)
    return {
      slots: slots.map((slot) => ({
        start: new Date(slot.start).toISOString(),
        end: new Date(slot.end).toISOString(),
      })),
      searchedUntil: new Date(until).toISOString(),
    }
  }

  return { forChange, preview, suggest, setCompatible }
}

interface Span {
  start: number
  end: number
}
const toSpan = (row: { start: Date; end: Date }): Span => ({ start: row.start.getTime(), end: row.end.getTime() })
const ceilToStep = (ms: number) => Math.ceil(ms / SLOT_STEP_MS) * SLOT_STEP_MS

function intersect(a: Span[], b: Span[]): Span[] {
  const out: Span[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const x = a[i] as Span
    const y = b[j] as Span
    const start = Math.max(x.start, y.start)
    const end = Math.min(x.end, y.end)
    if (start < end) out.push({ start, end })
    if (x.end < y.end) i += 1
    else j += 1
  }
  return out
}

/** Walks forward from `from`: the first five starts (on 15-minute steps) clear of busy and inside allowed. */
export function sweep(from: number, until: number, durationMs: number, busy: Span[], allowed: Span[] | null): Span[] {
  const slots: Span[] = []
  let t = from
  let b = 0
  let a = 0
  while (slots.length < 5 && t + durationMs <= until) {
    if (allowed) {
      while (a < allowed.length && (allowed[a] as Span).end < t + durationMs) a += 1
      const window = allowed[a]
      if (!window) break
      if (t < window.start) t = ceilToStep(window.start)
      if (t + durationMs > window.end) {
        a += 1
        continue
      }
    }
    while (b < busy.length && (busy[b] as Span).end <= t) b += 1
    const next = busy[b]
    if (next && next.start < t + durationMs) {
      t = ceilToStep(next.end)
      continue
    }
    slots.push({ start: t, end: t + durationMs })
    t += durationMs
  }
  return slots
}
