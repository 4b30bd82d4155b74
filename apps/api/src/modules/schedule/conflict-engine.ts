// Finds a change's scheduling conflicts in one database call (the plpgsql function
// schedule_find_conflicts); nothing of the schedule is loaded into memory. The worker imports this
// file too (it needs only @cabinet/db).
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
 * what depends on it). Used by the assistant; schedule_find_conflicts derives the same rows in SQL,
 * so a change to these bindings goes in both.
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

export async function findConflicts(db: DbOrTx, subject: ConflictSubject): Promise<FoundConflict[]> {
  if (subject.items.length === 0) return []
  const kinds = subject.items.map((item) => item.kind)
  const ids = subject.items.map((item) => item.id)
  // One call of schedule_find_conflicts (migration 20261127120300_schedule_perf): the related items,
  // bookings, freezes, windows and the implementer in one statement whose plan Postgres caches per
  // connection, so a check pays no planning. Items come back as `kind:id` strings, cheaper than jsonb.
  const rows = await db.$queryRaw<(GroupRow & { source: string })[]>`
    SELECT source, key, relation, items, overlap_start, overlap_end, compatible, committed
      FROM schedule_find_conflicts(${kinds}::"ConfigItemKind"[], ${ids}::uuid[], ${subject.start}::timestamptz,
             ${subject.end}::timestamptz, ${subject.category}::"ChangeCategory", ${subject.implementerId}::uuid,
             ${subject.changeId ?? null}::uuid)`
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
