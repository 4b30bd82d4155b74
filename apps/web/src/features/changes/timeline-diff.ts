// Compact before/after summaries for the audit timeline: which fields changed and from what to what,
// without dumping whole snapshots (a fleet change lists thousands of items).
export interface FieldChange {
  field: string
  before: string | null
  after: string | null
}

/** Bookkeeping that changes on every write and says nothing to a reader. */
const IGNORED_FIELDS = new Set(['updatedAt', 'createdAt', 'version', 'id', 'hash', 'prevHash'])
/** What a creation shows of the new record; the rest is on the page above. */
const CREATION_FIELDS = ['number', 'type', 'state', 'title', 'riskLevel']
const MAX_TEXT = 80

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—'
  if (Array.isArray(value)) return `${value.length} item${value.length === 1 ? '' : 's'}`
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text
}

export function diffSnapshots(before: unknown, after: unknown): FieldChange[] {
  if (!isRecord(before) && isRecord(after)) {
    return CREATION_FIELDS.filter((field) => field in after).map((field) => ({
      field,
      before: null,
      after: formatValue(after[field]),
    }))
  }
  if (!isRecord(before) || !isRecord(after)) {
    if (before === null && after === null) return []
    return [
      {
        field: 'value',
        before: before == null ? null : formatValue(before),
        after: after == null ? null : formatValue(after),
      },
    ]
  }
  const fields = new Set([...Object.keys(before), ...Object.keys(after)])
  const changes: FieldChange[] = []
  for (const field of fields) {
    if (IGNORED_FIELDS.has(field)) continue
    if (JSON.stringify(before[field]) === JSON.stringify(after[field])) continue
    changes.push({
      field,
      before: field in before ? formatValue(before[field]) : null,
      after: field in after ? formatValue(after[field]) : null,
    })
  }
  return changes
}

/** `change.transition.submit` -> "Transition submit"; `change.created` -> "Created". */
export function describeAction(action: string): string {
  const segments = action.split('.')
  const meaningful = segments.length > 1 ? segments.slice(1) : segments
  const words = meaningful.join(' ').replace(/[_-]+/g, ' ').trim()
  return words.length > 0 ? words[0]?.toUpperCase() + words.slice(1) : action
}
