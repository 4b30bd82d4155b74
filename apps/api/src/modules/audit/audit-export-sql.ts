// The SQL of an export: Postgres formats every row itself (COPY ... TO STDOUT), in C, and the API
// only passes the bytes on. COPY takes no bind parameters, so the filter (the same `whereOf` as
// search) is inlined as quoted literals by sqlWithLiterals, never by string concatenation.
import type { AuditExportFormat } from '@cabinet/contracts'
import { Prisma, sqlWithLiterals } from '@cabinet/db'
import { type AuditFilter, whereOf } from './audit.repository'

/** ISO 8601 UTC with milliseconds, as the chain hashes it and as JavaScript's toISOString prints. */
const ISO_AT = Prisma.raw(`to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`)

/**
 * CSV columns, in this order, named by the header: jsonb as its JSON text, NULL as an empty field,
 * an empty string as "" (COPY's CSV rules).
 */
const CSV_SELECT = Prisma.sql`seq, id, ${ISO_AT} AS at, actor_id, actor_name, action, entity_type, entity_id,
  change_id, before, after, request_id, prev_hash, hash`

/**
 * One NDJSON line per event, built as text with the keys in the CSV's column order. Every string
 * goes through to_json (quotes, backslashes and control characters escaped as JSON requires, so a
 * line never holds a raw newline); jsonb columns go out as Postgres prints them.
 */
const NDJSON_SELECT = Prisma.sql`'{"seq":' || seq || ',"id":"' || id || '","at":"' || ${ISO_AT} ||
  '","actorId":' || coalesce(to_json(actor_id)::text, 'null') ||
  ',"actorName":' || to_json(actor_name)::text || ',"action":' || to_json(action)::text ||
  ',"entityType":' || to_json(entity_type)::text || ',"entityId":' || to_json(entity_id)::text ||
  ',"changeId":' || coalesce(to_json(change_id)::text, 'null') ||
  ',"before":' || coalesce(before::text, 'null') || ',"after":' || coalesce(after::text, 'null') ||
  ',"requestId":' || coalesce(to_json(request_id)::text, 'null') ||
  ',"prevHash":' || to_json(prev_hash)::text || ',"hash":' || to_json(hash)::text || '}'`

/**
 * NDJSON rides on CSV mode with a delimiter and quote (bytes 0x01 and 0x02) that the line can never
 * contain (to_json escapes every control character), so COPY never quotes it; text mode would
 * double every backslash of the JSON.
 */
const COPY_OPTIONS = {
  csv: Prisma.raw('(FORMAT csv, HEADER)'),
  ndjson: Prisma.raw(`(FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')`),
} as const

/** `COPY (the matching rows with seq <= throughSeq, in chain order) TO STDOUT ...`, literals inlined. */
export function exportCopySql(filter: AuditFilter, format: AuditExportFormat, throughSeq: bigint): string {
  const select = format === 'csv' ? CSV_SELECT : NDJSON_SELECT
  return sqlWithLiterals(Prisma.sql`COPY (
    SELECT ${select} FROM audit_events
    WHERE audit_events.seq <= ${throughSeq} AND ${whereOf(filter)}
    -- The table's seq: never a text column of the same name the SELECT list might make.
    ORDER BY audit_events.seq
  ) TO STDOUT WITH ${COPY_OPTIONS[format]}`)
}

/** The newest seq there is (in the snapshot), or null for an empty trail. */
export const NEWEST_SEQ_SQL = { text: 'SELECT max(seq)::text FROM audit_events', values: [] }

/** The chain head an export through `throughSeq` ends at: the newest row at or below it. */
export function chainHeadSql(throughSeq: bigint) {
  return {
    text: 'SELECT seq::text, hash FROM audit_events WHERE seq <= $1 ORDER BY seq DESC LIMIT 1',
    values: [throughSeq],
  }
}

/** How many rows the export holds, and the times of its first and last (in chain order). */
export function exportSummarySql(filter: AuditFilter, throughSeq: bigint) {
  const query = Prisma.sql`
    WITH matching AS (
      SELECT count(*) AS n, min(seq) AS first_seq, max(seq) AS last_seq FROM audit_events
      WHERE audit_events.seq <= ${throughSeq} AND ${whereOf(filter)}
    )
    SELECT matching.n::text,
           (SELECT ${ISO_AT} FROM audit_events WHERE seq = matching.first_seq),
           (SELECT ${ISO_AT} FROM audit_events WHERE seq = matching.last_seq)
    FROM matching`
  return { text: query.text, values: query.values }
}
