// The audit trail in the console: search pages, chain verification, and exports downloaded as a
// stream with progress (rows received against the row count the API announces), then the manifest.
import {
  AuditEventPage,
  AuditExportManifest,
  type AuditExportFormat,
  ChainVerification,
  ErrorBody,
} from '@cabinet/contracts'
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query'
import { ApiError, apiRequest } from '../../lib/api-client'

export interface AuditFilters {
  from: string
  to: string
  actorId: string
  entityType: string
  entityId: string
  action: string
  change: string
  cursor: string | null
}

export const AUDIT_PAGE_SIZE = 50

export const auditKeys = {
  all: ['audit'] as const,
  search: (filters: AuditFilters) => [...auditKeys.all, 'search', filters] as const,
}

/** The filters as API query parameters: empty ones left out. */
export function filterQuery(filters: AuditFilters): Record<string, string> {
  const { cursor: _cursor, ...rest } = filters
  return Object.fromEntries(Object.entries(rest).filter(([, value]) => value.trim() !== ''))
}

export function useAuditSearch(filters: AuditFilters) {
  return useQuery({
    queryKey: auditKeys.search(filters),
    queryFn: ({ signal }) =>
      apiRequest('GET', '/audit/events', AuditEventPage, {
        query: { ...filterQuery(filters), cursor: filters.cursor, limit: AUDIT_PAGE_SIZE },
        signal,
      }),
    placeholderData: keepPreviousData,
  })
}

/** Verification reads the whole chain: run when asked, not on every render. */
export function useVerifyChain() {
  return useMutation({
    mutationFn: () => apiRequest('GET', '/audit/verify', ChainVerification),
  })
}

export interface ExportProgress {
  rows: number
  total: number
}

async function failure(response: Response): Promise<ApiError> {
  const parsed = ErrorBody.safeParse(await response.json().catch(() => null))
  if (parsed.success) {
    const { code, message, details, requestId } = parsed.data.error
    return new ApiError({ status: response.status, code, message, details, requestId })
  }
  return new ApiError({ status: response.status, code: `HTTP_${response.status}`, message: response.statusText })
}

function saveFile(parts: BlobPart[], type: string, name: string) {
  const url = URL.createObjectURL(new Blob(parts, { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.append(link)
  link.click()
  link.remove()
  // The download has its own reference by now; the object URL only holds memory.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/**
 * Streams the export, counting rows as they arrive, saves it, then fetches and saves its signed
 * manifest for the same chain head. Rows are counted by newlines: CSV has a header line, and no
 * exported value holds a raw newline except a quoted text field, which only skews the bar.
 */
export async function downloadExport(
  filters: AuditFilters,
  format: AuditExportFormat,
  onProgress: (progress: ExportProgress) => void,
): Promise<{ rows: number; manifest: AuditExportManifest }> {
  const query = new URLSearchParams({ ...filterQuery(filters), format })
  const response = await fetch(`/api/v1/audit/export?${query}`, { credentials: 'same-origin' })
  if (!response.ok || !response.body) throw await failure(response)
  const total = Number(response.headers.get('x-audit-row-count') ?? 0)
  const throughSeq = response.headers.get('x-audit-through-seq') ?? ''
  const reader = response.body.getReader()
  const parts: Uint8Array<ArrayBuffer>[] = []
  let lines = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    parts.push(value as Uint8Array<ArrayBuffer>)
    for (const byte of value) if (byte === 0x0a) lines += 1
    onProgress({ rows: Math.min(total, format === 'csv' ? Math.max(0, lines - 1) : lines), total })
  }
  const name = `cabinet-audit-${throughSeq}`
  saveFile(parts, format === 'csv' ? 'text/csv' : 'application/x-ndjson', `${name}.${format}`)
  const manifest = await apiRequest('GET', '/audit/export/manifest', AuditExportManifest, {
    query: { ...filterQuery(filters), format, throughSeq },
  })
  saveFile([JSON.stringify(manifest, null, 2)], 'application/json', `${name}.${format}.manifest.json`)
  return { rows: manifest.rowCount, manifest }
}
