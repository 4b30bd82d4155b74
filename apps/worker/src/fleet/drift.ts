// Drift: a node seen running something other than what the last completed change set. One open record
// per node and field (a partial unique index); a later probe that still sees it updates that record.
// A difference someone accepted stays accepted: seeing it again opens nothing new.
import type { DriftField } from '@cabinet/contracts'
import { appendAuditEvent, type Tx } from '@cabinet/db'

export interface DriftObservation {
  nodeId: string
  hostname: string
  probeId: string
  at: Date
  field: DriftField
  expected: string
  expectedChange: { id: string; number: string } | null
  observed: string
}

export type DriftOutcome = 'opened' | 'updated' | 'accepted-before'

export async function recordDrift(tx: Tx, seen: DriftObservation): Promise<DriftOutcome> {
  const accepted = await tx.fleetDrift.findFirst({
    where: {
      nodeId: seen.nodeId,
      field: seen.field,
      status: 'accepted',
      expected: seen.expected,
      observed: seen.observed,
    },
    select: { id: true },
  })
  if (accepted) return 'accepted-before'
  // The version moves only when what the record says changes, so a reviewer's copy does not go stale
  // every time a sweep sees the same difference again.
  const rows = await tx.$queryRaw<{ id: string; inserted: boolean }[]>`
    INSERT INTO fleet_drift (node_id, field, expected, expected_change_id, expected_change_number, observed,
                             detected_at, last_seen_at, last_probe_id)
    VALUES (${seen.nodeId}::uuid, ${seen.field}::"FleetDriftField", ${seen.expected}, ${seen.expectedChange?.id ?? null}::uuid,
            ${seen.expectedChange?.number ?? null}, ${seen.observed}, ${seen.at}, ${seen.at}, ${seen.probeId}::uuid)
    ON CONFLICT (node_id, field) WHERE status = 'open' DO UPDATE SET
      version = fleet_drift.version + CASE WHEN fleet_drift.observed IS DISTINCT FROM EXCLUDED.observed
                                             OR fleet_drift.expected IS DISTINCT FROM EXCLUDED.expected THEN 1 ELSE 0 END,
      observed = EXCLUDED.observed,
      expected = EXCLUDED.expected,
      expected_change_id = EXCLUDED.expected_change_id,
      expected_change_number = EXCLUDED.expected_change_number,
      last_seen_at = GREATEST(fleet_drift.last_seen_at, EXCLUDED.last_seen_at),
      last_probe_id = EXCLUDED.last_probe_id
    RETURNING id, (xmax = 0) AS inserted`
  const row = rows[0]
  if (!row) throw new Error(`drift upsert for node ${seen.nodeId} returned no row`)
  if (!row.inserted) return 'updated'
  await appendAuditEvent(tx, {
    actor: { id: null, name: 'fleet probe' },
    action: 'fleet.drift.detected',
    entityType: 'fleet_drift',
    entityId: row.id,
    changeId: seen.expectedChange?.id ?? null,
    after: {
      node: seen.hostname,
      field: seen.field,
      expected: seen.expected,
      expectedChange: seen.expectedChange?.number ?? null,
      observed: seen.observed,
      probeId: seen.probeId,
    },
    at: seen.at,
  })
  return 'opened'
}
