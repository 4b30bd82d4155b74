// One change's audit history as Markdown, for attaching to an audit: every event in chain order,
// who did it and when, which fields it changed, and the hashes that tie it to the chain.
import type { Db } from '@cabinet/db'
import { AppError } from '../../http/errors'
import { type AuditRow, changeAuditRows, resolveChangeId } from './audit.repository'

/** Markdown table cells: no raw pipes or newlines, and a bound on what one cell may show. */
function cell(value: unknown): string {
  if (value === undefined || value === null) return '—'
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  const short = text.length > 300 ? `${text.slice(0, 300)}…` : text
  return short.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

function fieldsOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function changedFields(row: AuditRow): string[] {
  const before = fieldsOf(row.before)
  const after = fieldsOf(row.after)
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
  const changed = keys.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
  if (changed.length === 0) return []
  return [
    '',
    '| Field | Before | After |',
    '| --- | --- | --- |',
    ...changed.map((key) => `| ${cell(key)} | ${cell(before[key])} | ${cell(after[key])} |`),
  ]
}

export async function renderChangeHistory(
  db: Db,
  ref: string,
  now: Date,
): Promise<{ number: string; markdown: string }> {
  const changeId = await resolveChangeId(db, ref)
  const change = changeId
    ? await db.changeRequest.findUnique({ where: { id: changeId }, select: { number: true, title: true, state: true } })
    : null
  if (!changeId || !change) throw new AppError('CHANGE_NOT_FOUND', `change ${ref} was not found`)
  const rows = await changeAuditRows(db, changeId)
  const lines = [
    `# ${change.number}: ${cell(change.title)}`,
    '',
    `State: **${change.state}** · ${rows.length} audit events · generated ${now.toISOString()}`,
    '',
    'Each event lists the hash of the event before it in the whole audit chain and its own hash.',
    'Verify the chain with `GET /api/v1/audit/verify` (see docs/audit.md).',
  ]
  for (const row of rows) {
    lines.push(
      '',
      `## ${row.seq} · ${row.at.toISOString()} · \`${row.action}\``,
      '',
      `- **Who:** ${cell(row.actor_name)}${row.actor_id ? ` (\`${row.actor_id}\`)` : ''}`,
      `- **Entity:** ${cell(row.entity_type)} \`${cell(row.entity_id)}\``,
      `- **Request:** ${row.request_id ? `\`${cell(row.request_id)}\`` : '—'}`,
      `- **Event id:** \`${row.id}\``,
      `- **Previous hash:** \`${row.prev_hash}\``,
      `- **Hash:** \`${row.hash}\``,
      ...changedFields(row),
    )
  }
  return { number: change.number, markdown: `${lines.join('\n')}\n` }
}
