// Finds a change's scheduling conflicts with a few set-based queries; nothing of the schedule is
// loaded into memory. The worker imports this file too (it needs only @cabinet/db).
//
// Overlaps are GiST probes on tstzrange columns: schedule_bookings (item_id, period) for other
// changes on the same or a related item, schedule_occurrences (period) for freezes and windows,
// change_schedules (implementer_id, period) for a double-booked implementer. Results come back
// grouped: one conflict per (kind, other change or rule), listing every item of the change it concerns.
import type { ConfigItemKind, ScheduleConflictKind } from '@cabinet/contracts'
import { type DbOrTx, Prisma } from '@cabinet/db'

export interface ItemRef {
  kind: ConfigItemKind
  id: string
}

export interface ConflictSubject {
  /** The change being checked, so it never conflicts with itself; absent for a new-change preview. */
  changeId?: string | undefined
  items: readonly ItemRef[]
  start: Date
  end: Date
  category: string
  implementerId: string | null
  /** Marked compatible: an overlap on the same item with another compatible change does not block. */
  compatible: boolean
}

export interface FoundConflict {
  kind: ScheduleConflictKind
  blocking: boolean
  otherChangeId: string | null
  ruleId: string | null
  items: ItemRef[]
  overlapStart: Date
  overlapEnd: Date
}

interface GroupRow {
  key: string
  relation: string
  items: ItemRef[]
  overlap_start: Date
  overlap_end: Date
  compatible: boolean | null
  /** The other change holds its slot firmly (scheduled or implementing), not just asks for it. */
  committed?: boolean
}

/**
 * Each item with the items it is bound to in the catalog and the dependency graph: itself ('self'),
 * what contains or serves it ('up': a node's cluster and services, a cluster's services, what it
 * depends on) and what it contains ('down': a cluster's nodes, a service's clusters and their nodes,
 * what depends on it).
 */
export function relatedItemsSql(kinds: ConfigItemKind[], ids: string[]) {
  // MATERIALIZED: every later CTE reads these once-computed rows instead of re-deriving them.
  return Prisma.sql`
    items AS MATERIALIZED (
      SELECT DISTINCT kind, item_id FROM unnest(${kinds}::"ConfigItemKind"[], ${ids}::uuid[]) AS i(kind, item_id)
    ),
    node_cluster AS MATERIALIZED (
      SELECT i.item_id AS src_id, n.cluster_id FROM items i JOIN nodes n ON i.kind = 'node' AND n.id = i.item_id
    ),
    rel AS MATERIALIZED (
      SELECT kind AS src_kind, item_id AS src_id, kind, item_id, 'self' AS dir FROM items
      UNION ALL
      SELECT 'node'::"ConfigItemKind", src_id, 'cluster'::"ConfigItemKind", cluster_id, 'up' FROM node_cluster
      UNION ALL
      SELECT 'node'::"ConfigItemKind", nc.src_id, 'service'::"ConfigItemKind", sc.service_id, 'up'
        FROM node_cluster nc JOIN service_clusters sc ON sc.cluster_id = nc.cluster_id
      UNION ALL
      SELECT i.kind, i.item_id, 'service'::"ConfigItemKind", sc.service_id, 'up'
        FROM items i JOIN service_clusters sc ON i.kind = 'cluster' AND sc.cluster_id = i.item_id
      UNION ALL
      SELECT i.kind, i.item_id, 'node'::"ConfigItemKind", n.id, 'down'
        FROM items i JOIN nodes n ON i.kind = 'cluster' AND n.cluster_id = i.item_id
      UNION ALL
      SELECT i.kind, i.item_id, 'cluster'::"ConfigItemKind", sc.cluster_id, 'down'
        FROM items i JOIN service_clusters sc ON i.kind = 'service' AND sc.service_id = i.item_id
      UNION ALL
      SELECT i.kind, i.item_id, 'node'::"ConfigItemKind", n.id, 'down'
        FROM items i JOIN service_clusters sc ON i.kind = 'service' AND sc.service_id = i.item_id
        JOIN nodes n ON n.cluster_id = sc.cluster_id
      UNION ALL
      SELECT i.kind, i.item_id, d.to_kind, d.to_id, 'up'
        FROM items i JOIN dependencies d ON d.from_kind = i.kind AND d.from_id = i.item_id
      UNION ALL
      SELECT i.kind, i.item_id, d.from_kind, d.from_id, 'down'
        FROM items i JOIN dependencies d ON d.to_kind = i.kind AND d.to_id = i.item_id
    )`
}

/** The items of a group as `kind:id` strings: cheaper to build and ship than jsonb objects. */
const itemKeys = Prisma.sql`array_agg(src_kind::text || ':' || src_id::text)`

export async function findConflicts(db: DbOrTx, subject: ConflictSubject): Promise<FoundConflict[]> {
  if (subject.items.length === 0) return []
  const kinds = subject.items.map((item) => item.kind)
  const ids = subject.items.map((item) => item.id)
  const range = Prisma.sql`tstzrange(${subject.start}::timestamptz, ${subject.end}::timestamptz, '[)')`
  const self = subject.changeId ?? null
  const related = relatedItemsSql(kinds, ids)

  // One statement: the related items are derived once and every check reads them; one round trip.
  const rows = await db.$queryRaw<(GroupRow & { source: string })[]>`
    WITH ${related},
    change_hits AS (
      SELECT DISTINCT b.change_id, CASE WHEN rel.dir = 'self' THEN 'same' ELSE 'related' END AS relation,
             rel.src_kind, rel.src_id
        FROM rel JOIN schedule_bookings b
          ON b.item_id = rel.item_id AND b.kind = rel.kind AND b.active AND b.period && ${range}
       WHERE b.change_id IS DISTINCT FROM ${self}::uuid
    ),
    frozen AS (
      SELECT r.id, r.scope, r.categories,
             min(lower(o.period * ${range})) AS overlap_start, max(upper(o.period * ${range})) AS overlap_end
        FROM schedule_occurrences o JOIN schedule_rules r ON r.id = o.rule_id
       WHERE r.kind = 'freeze' AND r.active AND o.period && ${range}
       GROUP BY r.id
    ),
    freeze_hits AS (
      SELECT f.id, i.kind AS src_kind, i.item_id AS src_id FROM frozen f CROSS JOIN items i
       WHERE f.scope = 'global' OR (f.scope = 'categories' AND ${subject.category}::"ChangeCategory" = ANY (f.categories))
      UNION
      SELECT f.id, rel.src_kind, rel.src_id FROM frozen f
        JOIN schedule_rule_items ri ON ri.rule_id = f.id
        JOIN rel ON rel.kind = ri.kind AND rel.item_id = ri.item_id
    ),
    -- An item with windows (its own, its container's, global or its category's) must lie wholly in an
    -- occurrence of one of them; each window of an item that fits none lists that item.
    -- Every active window's items, small enough to hash once rather than probe per related item.
    window_items AS MATERIALIZED (
      SELECT ri.rule_id, ri.kind, ri.item_id FROM schedule_rule_items ri
        JOIN schedule_rules r ON r.id = ri.rule_id AND r.kind = 'window' AND r.active
    ),
    applies AS (
      SELECT r.id AS rule_id, i.kind AS src_kind, i.item_id AS src_id
        FROM schedule_rules r CROSS JOIN items i
       WHERE r.kind = 'window' AND r.active
         AND (r.scope = 'global' OR (r.scope = 'categories' AND ${subject.category}::"ChangeCategory" = ANY (r.categories)))
      UNION
      SELECT w.rule_id, rel.src_kind, rel.src_id
        FROM rel JOIN window_items w ON w.kind = rel.kind AND w.item_id = rel.item_id
       WHERE rel.dir <> 'down'
    ),
    fitting AS (
      SELECT DISTINCT o.rule_id FROM schedule_occurrences o
       WHERE o.rule_id IN (SELECT rule_id FROM applies) AND o.period @> ${range}
    ),
    covered AS (
      SELECT DISTINCT src_kind, src_id FROM applies WHERE rule_id IN (SELECT rule_id FROM fitting)
    )
    SELECT 'change' AS source, h.change_id::text AS key, h.relation, ${itemKeys} AS items,
           lower(cs.period * ${range}) AS overlap_start, upper(cs.period * ${range}) AS overlap_end,
           cs.compatible, c.state IN ('scheduled', 'implement') AS committed
      FROM change_hits h JOIN change_schedules cs ON cs.change_id = h.change_id
      JOIN change_requests c ON c.id = h.change_id
     GROUP BY h.change_id, h.relation, cs.period, cs.compatible, c.state
    UNION ALL
    SELECT 'freeze', h.id::text, 'freeze', ${itemKeys}, f.overlap_start, f.overlap_end, NULL, NULL
      FROM freeze_hits h JOIN frozen f ON f.id = h.id
     GROUP BY h.id, f.overlap_start, f.overlap_end
    UNION ALL
    SELECT 'window', a.rule_id::text, 'window', ${itemKeys},
           ${subject.start}::timestamptz, ${subject.end}::timestamptz, NULL, NULL
      FROM applies a
     WHERE NOT EXISTS (SELECT 1 FROM covered c WHERE c.src_kind = a.src_kind AND c.src_id = a.src_id)
     GROUP BY a.rule_id
    UNION ALL
    SELECT 'implementer', cs.change_id::text, 'implementer', '{}'::text[],
           lower(cs.period * ${range}), upper(cs.period * ${range}), cs.compatible, NULL
      FROM change_schedules cs
     WHERE ${subject.implementerId}::uuid IS NOT NULL AND cs.active
       AND cs.implementer_id = ${subject.implementerId}::uuid AND cs.period && ${range}
       AND cs.change_id IS DISTINCT FROM ${self}::uuid`
  for (const row of rows) {
    row.items = (row.items as unknown as string[]).map((key) => {
      const [kind, id] = key.split(':') as [ConfigItemKind, string]
      return { kind, id }
    })
  }
  const of = (source: string) => rows.filter((row) => row.source === source)
  const changes = of('change')
  const freezes = of('freeze')
  const windows = of('window')
  const busy = of('implementer')

  return [
    ...groupChangeOverlaps(changes, subject.compatible),
    ...freezes.map((row) => conflict('freeze', true, null, row.key, row)),
    ...windows.map((row) => conflict('outside_window', true, null, row.key, row)),
    ...busy.map((row) => conflict('implementer_busy', false, row.key, null, row)),
  ]
}

function conflict(
  kind: ScheduleConflictKind,
  blocking: boolean,
  otherChangeId: string | null,
  ruleId: string | null,
  row: GroupRow,
): FoundConflict {
  const items = row.items.sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id))
  return { kind, blocking, otherChangeId, ruleId, items, overlapStart: row.overlap_start, overlapEnd: row.overlap_end }
}

/**
 * The same item blocks when the other change has its slot (scheduled or implementing: the first to
 * be scheduled wins) unless both are marked compatible; against a change still being assessed or
 * authorized it warns. A related item (parent or child) only warns. An item in both lists of one
 * other change is reported once, as the same item.
 */
function groupChangeOverlaps(rows: GroupRow[], selfCompatible: boolean): FoundConflict[] {
  const same = new Map(rows.filter((row) => row.relation === 'same').map((row) => [row.key, row]))
  return rows.flatMap((row) => {
    if (row.relation === 'same') {
      const blocking = row.committed === true && !(selfCompatible && row.compatible === true)
      return [conflict('same_item', blocking, row.key, null, row)]
    }
    const already = new Set((same.get(row.key)?.items ?? []).map((item) => `${item.kind}:${item.id}`))
    const items = row.items.filter((item) => !already.has(`${item.kind}:${item.id}`))
    return items.length > 0 ? [conflict('related_item', false, row.key, null, { ...row, items })] : []
  })
}
